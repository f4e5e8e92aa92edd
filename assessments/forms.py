"""Forms of the assessment pages: a scheme, an indicator, the weights table, one entered value."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.selectors import User, assessment_programmes_managed_by
from assessments.models import (
    HUNDRED,
    AssessmentIndicator,
    AssessmentScheme,
    Column,
)
from programmes.models import Phase
from projects.models import IndicatorTemplate


class SchemeForm(forms.ModelForm):
    class Meta:
        model = AssessmentScheme
        fields = ["programme", "phase", "year", "name", "basis", "description"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = assessment_programmes_managed_by(user)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["phase"].queryset = Phase.objects.filter(  # type: ignore[attr-defined]
            programme__in=programmes
        ).select_related("programme")


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = AssessmentIndicator
        fields = [
            "parent",
            "code",
            "name",
            "order",
            "description",
            "rule",
            "source",
            "metric",
            "template",
            "unit",
            "direction",
            "value_added",
            "target",
            "threshold",
            "below_score",
            "floor_score",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, scheme: AssessmentScheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.scheme = scheme
        parents = scheme.indicators.filter(parent=None)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["template"].queryset = IndicatorTemplate.objects.filter(  # type: ignore[attr-defined]
            programme=scheme.programme_id
        )


def weight_key(indicator_pk: int, column: str) -> str:
    return f"w-{indicator_pk}-{column}"


def target_key(indicator_pk: int, column: str) -> str:
    return f"t-{indicator_pk}-{column}"


class WeightsForm(forms.Form):
    """One weight (and optional own target) per indicator and column of the scheme."""

    def __init__(self, *args: Any, scheme: AssessmentScheme, tree: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.rows = []
        for top, children in tree:
            for indicator in [top, *children]:
                cells = []
                current = {w.column: w for w in indicator.weights.all()}
                for column in scheme.columns:
                    existing = current.get(column)
                    label = f"{indicator} · {Column(column).label}"
                    weight = forms.DecimalField(
                        label=_("%(label)s 权重") % {"label": label},
                        min_value=Decimal(0),
                        max_value=HUNDRED,
                        max_digits=5,
                        decimal_places=2,
                        initial=existing.weight if existing else Decimal(0),
                    )
                    target = forms.DecimalField(
                        label=_("%(label)s 目标值") % {"label": label},
                        required=False,
                        max_digits=14,
                        decimal_places=2,
                        initial=existing.target if existing else None,
                    )
                    self.fields[weight_key(indicator.pk, column)] = weight
                    self.fields[target_key(indicator.pk, column)] = target
                    cells.append(
                        (
                            self[weight_key(indicator.pk, column)],
                            self[target_key(indicator.pk, column)],
                        )
                    )
                self.rows.append((indicator, cells))

    def weights(self) -> dict[tuple[int, str], Decimal]:
        return {
            (indicator.pk, column): self.cleaned_data[weight_key(indicator.pk, column)]
            for indicator, _cells in self.rows
            for column in self.scheme.columns
        }

    def targets(self) -> dict[tuple[int, str], Decimal | None]:
        return {
            (indicator.pk, column): self.cleaned_data[target_key(indicator.pk, column)]
            for indicator, _cells in self.rows
            for column in self.scheme.columns
        }


class EntryForm(forms.Form):
    value = forms.DecimalField(label=_l("数值 / 得分"), max_digits=14, decimal_places=2)
    target = forms.DecimalField(label=_l("目标值"), max_digits=14, decimal_places=2, required=False)
    last_year = forms.DecimalField(
        label=_l("上年值"), max_digits=14, decimal_places=2, required=False
    )
    evidence = forms.CharField(
        label=_l("佐证说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("写明数据出处、评审依据（如实地查看、材料审阅）。"),
    )
    file = forms.FileField(
        label=_l("佐证材料"),
        required=False,
        help_text=_l("可选：PDF、Word、Excel 或照片。"),
    )
