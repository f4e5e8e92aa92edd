"""Writes for activities (活动), field visits (调研走访) and meetings (会议)."""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.selectors import (
    can_coordinate,
    can_edit_activity,
    can_edit_pairing_work,
    can_edit_project,
    can_edit_visit,
    consortia_for_new_work,
    scope_of,
)
from projects.models import Activity, Indicator, Meeting, Project, Visit
from schools.models import Institution


def _may_record_for(user: User, activity: Activity) -> bool:
    """Activities count towards indicators, so only those who run the project or pairing (or
    belong to the consortium, for consortium-wide activities) record them."""
    if scope_of(user).is_admin:
        return True
    if activity.project is not None:
        project = Project.objects.prefetch_related("units").get(pk=activity.project.pk)
        return can_edit_project(user, project)
    if activity.pairing is not None:
        return can_edit_pairing_work(user, activity.pairing)
    consortium = activity.consortium
    return consortium is not None and consortia_for_new_work(user).filter(pk=consortium.pk).exists()


@transaction.atomic
def activity_save(
    *, user: User, activity: Activity, indicators: Sequence[Indicator] = ()
) -> Activity:
    """Record or edit an activity. Its consortium and pairing follow its project; the
    indicators it counts towards must be the project's or the pairing's own."""
    project, pairing = activity.project, activity.pairing
    if project is not None:
        activity.pairing = pairing or project.pairing
        activity.consortium_id = project.owner_consortium_id
    elif pairing is not None:
        activity.consortium_id = activity.consortium_id or pairing.consortium_id
    if activity.pk:
        stored = Activity.objects.select_related("pairing", "project").get(pk=activity.pk)
        if not can_edit_activity(user, stored):
            raise PermissionDenied(_("您不能编辑该活动。"))
    if not _may_record_for(user, activity):
        raise PermissionDenied(_("只有项目责任单位、结对双方或组团办公室可以填报该活动。"))
    activity.full_clean()
    for indicator in indicators:
        own = (indicator.project_id and indicator.project_id == activity.project_id) or (
            indicator.pairing_id and indicator.pairing_id == activity.pairing_id
        )
        if not own:
            raise ValidationError(
                {
                    "indicators": _("指标“%(name)s”不属于本活动的项目或结对。")
                    % {"name": indicator.name}
                }
            )
        if not indicator.is_derived:
            raise ValidationError(
                {
                    "indicators": _("指标“%(name)s”逐期填报实际值，不由活动汇总。")
                    % {"name": indicator.name}
                }
            )
    if activity.created_by_id is None:
        activity.created_by = user  # type: ignore[assignment]
    activity.save()
    activity.indicators.set(indicators)
    return activity


def visit_save(*, user: User, visit: Visit) -> Visit:
    """Record or correct a field visit: the consortium office, or the visiting university."""
    if visit.pk and not can_edit_visit(user, Visit.objects.get(pk=visit.pk)):
        raise PermissionDenied(_("您不能修改该调研记录。"))
    if not can_edit_visit(user, visit):
        raise PermissionDenied(_("只有组团办公室或调研单位可以填报调研走访。"))
    visit.full_clean()
    if visit.created_by_id is None:
        visit.created_by = user
    visit.save()
    return visit


@transaction.atomic
def meeting_save(*, user: User, meeting: Meeting, attendees: Sequence[Institution] = ()) -> Meeting:
    """Record a meeting with its attendees and minutes: the consortium office only."""
    if not can_coordinate(user, meeting.consortium):
        raise PermissionDenied(_("只有组团办公室可以记录会议。"))
    meeting.full_clean()
    if meeting.created_by_id is None:
        meeting.created_by = user  # type: ignore[assignment]
    meeting.save()
    meeting.attendees.set(attendees)
    return meeting
