"""工作动态 PDF — one issue of a programme's work bulletin (seed 002), typeset like the printed
government bulletin: red masthead, issue number, sections of ★ items, 报/送 lines."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.selectors import User, bulletin_issues_visible_to, can_see_bulletin_issue
from bulletins.models import BulletinIssue
from bulletins.selectors import issue_sections
from outputs.exporters.base import (
    PDF,
    Exporter,
    ExportForm,
    Output,
    ProgressCallback,
    param_pk,
    register,
)
from outputs.pdf import render_pdf


class BulletinForm(ExportForm):
    issue = forms.ModelChoiceField(label=_l("工作动态"), queryset=BulletinIssue.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issue"].queryset = (  # type: ignore[attr-defined]
            bulletin_issues_visible_to(self.user)
            .select_related("programme")
            .order_by("programme__name", "-year", "-number")
        )


def _issue(params: dict[str, Any]) -> BulletinIssue | None:
    pk = param_pk(params, "issue")
    return BulletinIssue.objects.select_related("programme").filter(pk=pk).first()


@register
class BulletinPdfExporter(Exporter):
    kind = "bulletin_pdf"
    name = _l("工作动态（PDF）")
    description = _l("按印发格式排版的一期工作动态：红头刊名、期号、各栏目动态及报送范围。")
    queue = "pdf"
    form_class = BulletinForm

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        """Drafts for the programme's office; a published issue for whoever sees the programme."""
        issue = _issue(params)
        return issue is not None and can_see_bulletin_issue(user, issue)

    def title(self) -> str:
        issue = _issue(self.params)
        return str(issue) if issue else _("工作动态")

    def run(self, progress: ProgressCallback) -> Output:
        progress(0, 2, _("读取本期内容"))
        issue = (
            BulletinIssue.objects.select_related("programme")
            .prefetch_related("entries")
            .get(pk=self.params["issue"])
        )
        progress(1, 2, _("排版"))
        data = render_pdf(
            "bulletins/bulletin_pdf.html", {"issue": issue, "sections": issue_sections(issue)}
        )
        progress(2, 2, "")
        filename = f"{issue.programme.short_name}工作动态{issue.year}年第{issue.number}期.pdf"
        return Output(filename=filename, content_type=PDF, data=data)
