"""Forms for projects, indicators, activities, plans, visits and meetings.

Choices offered are always built from the user's scope; the services check again."""

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.selectors import (
    consortia_for_new_work,
    institutions_visible_to,
    pairings_for_new_work,
    projects_editable_by,
    projects_visible_to,
)
from pairings.choices import MemberRole
from pairings.models import Consortium, Pairing
from programmes.models import ContentArea, Phase
from projects.choices import PROJECT_TRANSITIONS, ActualSource, ProjectStatus, Verdict
from projects.models import (
    Activity,
    DeliverableItem,
    Indicator,
    IndicatorTarget,
    Meeting,
    Milestone,
    PlanVersion,
    Project,
    ProjectMember,
    ResponsibleUnit,
    SchoolPlan,
    Visit,
)
from projects.progress import quarter_of
from schools.models import Institution

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PairingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        phase = f"（{obj.phase.name}）" if obj.phase_id else ""
        return f"{obj.supporter.name} → {obj.supported.name}{phase}"


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.programme.short_name} · {obj.name}"


class ProjectForm(forms.ModelForm):
    pairing = PairingChoiceField(label=_("结对"), queryset=Pairing.objects.none(), required=False)
    area = AreaChoiceField(label=_("帮扶内容领域"), queryset=ContentArea.objects.none())

    class Meta:
        model = Project
        fields = [
            "title",
            "consortium",
            "pairing",
            "area",
            "starts_on",
            "ends_on",
            "beneficiaries",
            "budget_planned",
            "budget_spent",
            "exchange_person_years",
            "exchange_funding",
            "description",
            "expected_outcomes",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        consortia = consortia_for_new_work(user)
        pairings = pairings_for_new_work(user)
        if self.instance.pk:  # keep the current owner selectable for whoever may edit
            consortia = Consortium.objects.filter(
                Q(pk__in=consortia.values("pk")) | Q(pk=self.instance.consortium_id)
            )
            pairings = Pairing.objects.filter(
                Q(pk__in=pairings.values("pk")) | Q(pk=self.instance.pairing_id)
            )
        self.fields["consortium"].queryset = consortia.select_related("programme")  # type: ignore[attr-defined]
        self.fields["pairing"].queryset = pairings.with_parties()  # type: ignore[attr-defined]
        self.fields["area"].queryset = ContentArea.objects.filter(  # type: ignore[attr-defined]
            Q(programme__in=consortia.values("programme"))
            | Q(programme__in=pairings.values("programme"))
        ).select_related("programme")
        self.fields["beneficiaries"].queryset = institutions_visible_to(user).order_by("name")  # type: ignore[attr-defined]
        self.fields["beneficiaries"].widget.attrs["size"] = 6

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner = data.get("pairing") or data.get("consortium")
        if owner is None:
            raise ValidationError(_("请选择项目所属的组团或结对。"))
        self.instance.programme = owner.programme
        if data.get("pairing") and not data.get("consortium") and data["pairing"].consortium:
            data["consortium"] = data["pairing"].consortium
            self.instance.consortium = data["pairing"].consortium
        return data


class UnitForm(forms.ModelForm):
    class Meta:
        model = ResponsibleUnit
        fields = ["institution", "department"]

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]


class MemberForm(forms.ModelForm):
    class Meta:
        model = ProjectMember
        fields = ["name", "institution", "title", "position"]

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "done_on", "evidence"]
        widgets = {"due_on": DATE, "done_on": DATE, "evidence": forms.TextInput()}


UnitFormSet = forms.formset_factory(UnitForm, extra=2, can_delete=True)
MemberFormSet = forms.formset_factory(MemberForm, extra=2, can_delete=True)
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=3, can_delete=True)


def kept_instances(formset: forms.BaseFormSet) -> list[Any]:
    """The rows a valid formset keeps: filled in and not marked for deletion, in order."""
    return [
        form.save(commit=False)
        for form in formset.forms
        if form.has_changed() and not form.cleaned_data.get("DELETE")
    ]


def initial_rows(rows: Any, fields: list[str]) -> list[dict[str, Any]]:
    return [{f: getattr(row, f"{f}_id", None) or getattr(row, f) for f in fields} for row in rows]


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("改为"))
    comment = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = PROJECT_TRANSITIONS.get(project.status, set())
        self.fields["to_status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in ProjectStatus.choices if value in allowed
        ]


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "kind",
            "unit",
            "baseline",
            "direction",
            "aggregation",
            "source",
            "activity_kind",
            "participant_kind",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class TargetForm(forms.ModelForm):
    class Meta:
        model = IndicatorTarget
        fields = ["year", "phase", "value"]

    def __init__(self, *args: Any, phases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = phases  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("year") is None) == (data.get("phase") is None):
            raise ValidationError(_("每行目标值须选择年度或轮次之一。"))
        return data


class ItemForm(forms.ModelForm):
    class Meta:
        model = DeliverableItem
        fields = ["title", "done_on", "evidence"]
        widgets = {"done_on": DATE}


TargetFormSet = forms.formset_factory(TargetForm, extra=2, can_delete=True)
ItemFormSet = forms.formset_factory(ItemForm, extra=3, can_delete=True)


def quarters_between(starts_on: dt.date, ends_on: dt.date) -> list[tuple[dt.date, dt.date]]:
    quarters = []
    day = starts_on
    while day <= ends_on:
        quarter = quarter_of(day)
        quarters.append(quarter)
        day = quarter[1] + dt.timedelta(days=1)
    return quarters


def quarter_label(starts_on: dt.date) -> str:
    return _("%(year)d 年第 %(q)d 季度") % {"year": starts_on.year, "q": (starts_on.month + 2) // 3}


class ActualForm(forms.Form):
    period = forms.ChoiceField(label=_("报送期"))
    value = forms.DecimalField(label=_("实际值"), max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("说明"), max_length=255, required=False)

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        starts_on, ends_on = indicator.owner_period()
        quarters = quarters_between(starts_on, ends_on) if starts_on and ends_on else []
        self.fields["period"].choices = [  # type: ignore[attr-defined]
            (s.isoformat(), quarter_label(s)) for s, _e in reversed(quarters)
        ]

    def clean_period(self) -> tuple[dt.date, dt.date]:
        return quarter_of(dt.date.fromisoformat(self.cleaned_data["period"]))


def may_start_work(user: User) -> bool:
    """Whether the user may start anything at all (else the create pages answer 403)."""
    return consortia_for_new_work(user).exists() or pairings_for_new_work(user).exists()


class ActivityForm(forms.ModelForm):
    pairing = PairingChoiceField(label=_("结对"), queryset=Pairing.objects.none(), required=False)

    class Meta:
        model = Activity
        fields = [
            "project",
            "pairing",
            "consortium",
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "place",
            "organiser",
            "teachers",
            "principals",
            "students",
            "volunteers",
            "hours",
            "indicators",
            "description",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects = projects_editable_by(user)
        self.fields["project"].queryset = projects.order_by("title")  # type: ignore[attr-defined]
        self.fields["pairing"].queryset = pairings_for_new_work(user).with_parties()  # type: ignore[attr-defined]
        self.fields["consortium"].queryset = consortia_for_new_work(user)  # type: ignore[attr-defined]
        self.fields["organiser"].queryset = institutions_visible_to(user).order_by("name")  # type: ignore[attr-defined]
        self.fields["indicators"].queryset = (  # type: ignore[attr-defined]
            Indicator.objects.filter(
                Q(project__in=projects.values("pk"))
                | Q(pairing__in=pairings_for_new_work(user).values("pk"))
            )
            .exclude(source=ActualSource.MANUAL)
            .select_related("project", "pairing__supporter", "pairing__supported")
        )
        self.fields["indicators"].label_from_instance = (  # type: ignore[attr-defined]
            lambda i: f"{i.project.title if i.project_id else i.pairing} · {i.name}"
        )


class PlanCreateForm(forms.ModelForm):
    class Meta:
        model = SchoolPlan
        fields = ["consortium", "phase", "college", "supporter", "title"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        consortia = consortia_for_new_work(user)
        self.fields["consortium"].queryset = consortia  # type: ignore[attr-defined]
        self.fields["phase"].queryset = Phase.objects.filter(  # type: ignore[attr-defined]
            programme__in=consortia.values("programme")
        ).select_related("programme")
        members = Institution.objects.filter(memberships__consortium__in=consortia.values("pk"))
        self.fields["college"].queryset = members.filter(  # type: ignore[attr-defined]
            memberships__role=MemberRole.SUPPORTED
        ).distinct()
        self.fields["supporter"].queryset = members.filter(  # type: ignore[attr-defined]
            memberships__role__in=[MemberRole.LEAD, MemberRole.SUPPORTING]
        ).distinct()
        self.fields["title"].required = False


class PlanVersionForm(forms.ModelForm):
    class Meta:
        model = PlanVersion
        fields = ["goals", "needs", "measures", "research"]
        widgets = {f: forms.Textarea(attrs={"rows": 5}) for f in fields}


class AssignExpertsForm(forms.Form):
    experts = forms.MultipleChoiceField(
        label=_("评审专家"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, committee: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.committee = {str(e.pk): e for e in committee}
        self.fields["experts"].choices = [  # type: ignore[attr-defined]
            (pk, e.get_full_name() or e.get_username()) for pk, e in self.committee.items()
        ]

    def chosen(self) -> list[Any]:
        return [self.committee[pk] for pk in self.cleaned_data["experts"]]


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("评审结论"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    comments = forms.CharField(label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 5}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件（PDF 或 Word）"))


class PlanProjectsForm(forms.Form):
    projects = forms.ModelMultipleChoiceField(
        label=_("实施项目"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: User, plan: SchoolPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects_visible_to(user).filter(  # type: ignore[attr-defined]
            Q(consortium=plan.consortium_id) | Q(pairing__consortium=plan.consortium_id)
        )


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = [
            "visiting",
            "leader_name",
            "leader_post",
            "is_responsible_leader",
            "visited",
            "starts_on",
            "ends_on",
            "purpose",
            "findings",
            "follow_up",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            **{f: forms.Textarea(attrs={"rows": 3}) for f in ("purpose", "findings", "follow_up")},
        }

    def __init__(self, *args: Any, consortium: Consortium, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.consortium = consortium
        members = Institution.objects.filter(memberships__consortium=consortium)
        self.fields["visiting"].queryset = members.filter(  # type: ignore[attr-defined]
            memberships__role__in=[MemberRole.LEAD, MemberRole.SUPPORTING]
        ).distinct()
        self.fields["visited"].queryset = members.filter(  # type: ignore[attr-defined]
            memberships__role=MemberRole.SUPPORTED
        ).distinct()


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "title", "held_on", "place", "attendees", "minutes", "decisions"]
        widgets = {
            "held_on": DATE,
            "attendees": forms.CheckboxSelectMultiple,
            "minutes": forms.Textarea(attrs={"rows": 5}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, consortium: Consortium, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.consortium = consortium
        self.fields["attendees"].queryset = Institution.objects.filter(  # type: ignore[attr-defined]
            memberships__consortium=consortium
        ).distinct()
