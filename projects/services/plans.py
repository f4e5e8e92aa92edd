"""The 一校一策 plan workflow.

draft → submitted (version frozen) → every assigned expert gives a verdict → approved when all
agree, else returned with their comments as a new draft version → resubmitted. Every
transition writes a PlanEvent (who, when, from, to, comment).
"""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Affiliation, Role
from accounts.selectors import (
    can_coordinate,
    can_draft_plan,
    can_review_plan,
    projects_visible_to,
)
from config.uploads import validate_document
from pairings.models import Consortium
from programmes.models import Phase
from projects.choices import PlanStatus, Verdict
from projects.models import (
    PlanAttachment,
    PlanEvent,
    PlanReview,
    PlanReviewer,
    PlanVersion,
    Project,
    SchoolPlan,
)
from schools.models import Institution

VERSION_FIELDS = ["goals", "needs", "measures", "research"]


def _event(plan: SchoolPlan, user: User | None, to_status: str, comment: str = "") -> PlanEvent:
    event = PlanEvent.objects.create(
        plan=plan,
        version=plan.current_version,
        from_status=plan.status,
        to_status=to_status,
        actor=user,
        comment=comment,
    )
    plan.status = to_status
    plan.save(update_fields=["status"])
    return event


def _locked(plan: SchoolPlan) -> SchoolPlan:
    return (
        SchoolPlan.objects.select_for_update(of=("self",))
        .select_related("consortium")
        .prefetch_related("versions")
        .get(pk=plan.pk)
    )


@transaction.atomic
def plan_create(
    *,
    user: User,
    consortium: Consortium,
    phase: Phase,
    college: Institution,
    supporter: Institution,
    title: str = "",
) -> SchoolPlan:
    plan = SchoolPlan(
        consortium=consortium,
        phase=phase,
        college=college,
        supporter=supporter,
        title=title
        or _("%(college)s提质计划（%(phase)s）") % {"college": college.name, "phase": phase.name},
    )
    if not can_draft_plan(user, plan):
        raise PermissionDenied(_("只有起草的帮扶高校、受援院校或组团办公室可以创建提质计划。"))
    plan.full_clean()
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as error:  # a plan for the same college was created meanwhile
        raise ValidationError(
            _("“%(college)s”在“%(phase)s”已有提质计划，每校每阶段只能有一份。")
            % {"college": college.name, "phase": phase.name}
        ) from error
    PlanVersion.objects.create(plan=plan, number=1, created_by=user)
    PlanEvent.objects.create(
        plan=plan, version=plan.current_version, to_status=PlanStatus.DRAFT, actor=user
    )
    return plan


@transaction.atomic
def plan_version_update(*, user: User, plan: SchoolPlan, **content: str) -> PlanVersion:
    """Edit the current version's text; submitted and approved versions are frozen."""
    plan = _locked(plan)
    if not can_draft_plan(user, plan):
        raise PermissionDenied(_("您不能修改该提质计划。"))
    version = plan.current_version
    if version is None or version.is_frozen or not plan.is_editable:
        raise ValidationError(_("该版本已提交或已通过，内容已锁定；退回修改后会生成新版本。"))
    for field in VERSION_FIELDS:
        if field in content:
            setattr(version, field, content[field])
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def plan_submit(*, user: User, plan: SchoolPlan, comment: str = "") -> SchoolPlan:
    plan = _locked(plan)
    if not can_draft_plan(user, plan):
        raise PermissionDenied(_("您不能提交该提质计划。"))
    if not plan.is_editable:
        raise ValidationError(
            _("只有起草中或退回修改的计划可以提交（当前：%(status)s）。")
            % {"status": plan.get_status_display()}
        )
    version = plan.current_version
    assert version is not None
    labels = {"goals": _("发展目标与定位"), "needs": _("重点需求"), "measures": _("帮扶举措")}
    missing = [label for f, label in labels.items() if not getattr(version, f).strip()]
    if missing:
        raise ValidationError(_("提交前请填写：%(fields)s。") % {"fields": "、".join(missing)})
    version.submitted_at = timezone.now()
    version.save(update_fields=["submitted_at"])
    _event(plan, user, PlanStatus.SUBMITTED, comment)
    _conclude_if_reviewed(plan)
    return plan


def experts_of(consortium: Consortium) -> list[User]:
    """The consortium's expert committee: users holding the expert role in it."""
    return [
        a.user
        for a in Affiliation.objects.filter(consortium=consortium, role=Role.EXPERT)
        .select_related("user")
        .order_by("user__last_name", "user__username")
    ]


@transaction.atomic
def plan_assign_experts(*, user: User, plan: SchoolPlan, experts: Sequence[User]) -> SchoolPlan:
    """The consortium office chooses who reviews the plan (replacing the previous choice)."""
    plan = _locked(plan)
    if not can_coordinate(user, plan.consortium):
        raise PermissionDenied(_("只有组团办公室可以指派评审专家。"))
    if plan.status == PlanStatus.APPROVED:
        raise ValidationError(_("计划已通过评审，不能再更改评审专家。"))
    committee = {e.pk for e in experts_of(plan.consortium)}
    for expert in experts:
        if expert.pk not in committee:
            raise ValidationError(
                _("“%(name)s”不是该组团专家委员会的专家。")
                % {"name": expert.get_full_name() or expert.get_username()}  # type: ignore[attr-defined]
            )
    wanted = {e.pk for e in experts}
    PlanReviewer.objects.filter(plan=plan).exclude(expert__in=wanted).delete()
    held = set(PlanReviewer.objects.filter(plan=plan).values_list("expert", flat=True))
    PlanReviewer.objects.bulk_create(
        PlanReviewer(plan=plan, expert_id=pk, assigned_by=user) for pk in wanted - held
    )
    _conclude_if_reviewed(plan)
    return plan


@transaction.atomic
def plan_review(*, user: User, plan: SchoolPlan, verdict: str, comments: str) -> PlanReview:
    """An assigned expert's verdict on the submitted version. When the last assigned expert
    has spoken, the plan is approved (all agree) or returned with every comment."""
    plan = _locked(plan)
    if not can_review_plan(user, plan):
        raise PermissionDenied(_("您不是该计划的评审专家。"))
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(_("该计划当前不在评审中。"))
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("请选择评审结论。")})
    if not comments.strip():
        raise ValidationError({"comments": _("请填写评审意见。")})
    version = plan.current_version
    assert version is not None
    if PlanReview.objects.filter(version=version, expert_id=user.pk).exists():
        raise ValidationError(_("您已评审过第 %(n)d 版。") % {"n": version.number})
    review = PlanReview.objects.create(
        version=version, expert=user, verdict=verdict, comments=comments.strip()
    )
    _conclude_if_reviewed(plan)
    return review


def _conclude_if_reviewed(plan: SchoolPlan) -> None:
    if plan.status != PlanStatus.SUBMITTED:
        return
    version = plan.current_version
    assert version is not None
    experts = set(PlanReviewer.objects.filter(plan=plan).values_list("expert", flat=True))
    reviews = list(version.reviews.filter(expert__in=experts).select_related("expert"))
    if not experts or {r.expert_id for r in reviews} != experts:
        return
    if all(r.verdict == Verdict.APPROVE for r in reviews):
        version.approved_at = timezone.now()
        version.save(update_fields=["approved_at"])
        _event(plan, None, PlanStatus.APPROVED, _("全部评审专家同意通过。"))
        return
    comments = "\n".join(
        f"{r.expert.get_full_name() or r.expert.get_username()}：{r.comments}"  # type: ignore[attr-defined]
        for r in reviews
        if r.verdict == Verdict.REVISE
    )
    _event(plan, None, PlanStatus.RETURNED, comments)
    PlanVersion.objects.create(
        plan=plan,
        number=version.number + 1,
        **{f: getattr(version, f) for f in VERSION_FIELDS},
    )


@transaction.atomic
def plan_attachment_add(*, user: User, plan: SchoolPlan, upload: UploadedFile) -> PlanAttachment:
    plan = _locked(plan)
    if not can_draft_plan(user, plan):
        raise PermissionDenied(_("您不能为该提质计划上传附件。"))
    version = plan.current_version
    if version is None or version.is_frozen or not plan.is_editable:
        raise ValidationError(_("该版本已提交或已通过，不能再添加附件。"))
    content_type = validate_document(upload)
    return PlanAttachment.create_from(
        upload, content_type=content_type, uploaded_by=user, version=version
    )


@transaction.atomic
def plan_link_projects(*, user: User, plan: SchoolPlan, projects: Sequence[Project]) -> SchoolPlan:
    """Link the projects that carry out the plan (projects of the same consortium)."""
    if not can_draft_plan(user, plan):
        raise PermissionDenied(_("您不能修改该提质计划。"))
    visible = set(projects_visible_to(user).values_list("pk", flat=True))
    for project in projects:
        if project.pk not in visible or project.owner_consortium_id != plan.consortium_id:
            raise ValidationError(_("项目“%(name)s”不属于该组团。") % {"name": project.title})
    plan.projects.set(projects)
    return plan
