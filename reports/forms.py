"""Forms of the quarterly report page: one small form per section, project and indicator."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import QuarterlyReport, ReportingPeriod, ReportSection

TEXT = {"rows": 3}


class ReportForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = QuarterlyReport
        fields = ["contact_name", "contact_phone", "contact_email", "highlights"]
        widgets = {"highlights": forms.Textarea(attrs=TEXT)}


class SectionForm(forms.ModelForm):
    class Meta:
        model = ReportSection
        fields = ["work_done", "outcomes", "problems", "next_plan"]
        widgets = {f: forms.Textarea(attrs=TEXT) for f in fields}


class ProgressForm(forms.Form):
    percent = forms.IntegerField(
        label=_("完成进度（%）"), min_value=0, max_value=100, required=False
    )
    milestones_reached = forms.CharField(
        label=_("本季度完成的实施步骤"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("说明"), required=False)


class ValueForm(forms.Form):
    value = forms.DecimalField(label=_("本期数值"), max_digits=12, decimal_places=2, required=False)
    reason = forms.CharField(label=_("修改原因"), max_length=255, required=False)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("退回意见"), widget=forms.Textarea(attrs=TEXT), required=False
    )

    def __init__(self, *args: Any, areas: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for area in areas:
            self.fields[f"section_{area.pk}"] = forms.CharField(
                label=area.name, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def section_comments(self, areas: list[Any]) -> dict[str, str]:
        return {area.name: self.cleaned_data.get(f"section_{area.pk}", "") for area in areas}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=255)


class PeriodForm(forms.ModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["opens_on", "due_on", "locks_on"]
        widgets = {f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for f in fields}


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件（照片、PDF 或 Office 文件）"))
