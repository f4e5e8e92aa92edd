"""Forms for applications (申报): the list filters, moving an application through selection,
and adding a selected college to a consortium. Choices come from the user's scope; the
services check again."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pairings.models import Consortium
from programmes.models import (
    APPLICATION_TRANSITIONS,
    Application,
    ApplicationStatus,
    Phase,
    Programme,
)
from schools.models import Region


class PhaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.programme.short_name} · {obj.name}"


class ApplicationFilterForm(forms.Form):
    """GET filters of the application list; a value outside the choices is ignored."""

    programme = forms.ModelChoiceField(
        label=_("计划"), queryset=Programme.objects.none(), required=False
    )
    phase = PhaseChoiceField(label=_("轮次 / 阶段"), queryset=Phase.objects.none(), required=False)
    province = forms.ModelChoiceField(
        label=_("推荐省份"), queryset=Region.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部")), *ApplicationStatus.choices],
        required=False,
    )

    def __init__(self, *args: Any, choices: dict[str, QuerySet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("programme", "phase", "province"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = choices[name + "s"]
            field.empty_label = _("全部")

    def filters(self) -> dict[str, Any]:
        """The valid, non-empty filters by name: an invalid one is dropped, not an error page."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ApplicationMoveForm(forms.Form):
    to_status = forms.ChoiceField(label=_("改为"))
    comment = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：材料审核意见、考察结论。"),
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = APPLICATION_TRANSITIONS.get(application.status, frozenset())
        field = self.fields["to_status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (value, label) for value, label in ApplicationStatus.choices if value in allowed
        ]


class ApplicationConsortiumForm(forms.Form):
    consortium = forms.ModelChoiceField(
        label=_("组团"),
        queryset=Consortium.objects.none(),
        help_text=_("作为重点支持院校加入；组团须仍满足“1+M+N”（M ≥ N）。"),
    )

    def __init__(self, *args: Any, consortia: QuerySet[Consortium], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["consortium"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = consortia
