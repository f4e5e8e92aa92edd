"""Writes for support projects: create and edit with their units, group and milestones, and
status changes with their history."""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.selectors import (
    can_edit_project,
    consortia_for_new_work,
    pairings_for_new_work,
    scope_of,
)
from projects.choices import PROJECT_TRANSITIONS, ProjectStatus
from projects.models import Milestone, Project, ProjectMember, ProjectStatusChange, ResponsibleUnit
from schools.models import Institution


def _may_create_in(user: User, project: Project) -> bool:
    if project.pairing is not None:
        return pairings_for_new_work(user).filter(pk=project.pairing.pk).exists()
    if project.consortium is not None:
        return consortia_for_new_work(user).filter(pk=project.consortium.pk).exists()
    return False


def _check_units(user: User, project: Project, units: Sequence[ResponsibleUnit]) -> None:
    if not units:
        raise ValidationError(_("请至少填写一个责任单位（第一个为牵头单位）。"))
    seen: set[tuple[int, str]] = set()
    for row, unit in enumerate(units, start=1):
        key = (unit.institution_id, unit.department.strip())
        if key in seen:
            raise ValidationError(
                _("责任单位第 %(row)d 行“%(unit)s”重复。") % {"row": row, "unit": unit}
            )
        seen.add(key)
    scope = scope_of(user)
    if scope.is_admin or project.owner_consortium_id in scope.coordinated:
        return
    if not {u.institution_id for u in units} & scope.acting_for:
        raise ValidationError(_("责任单位中须包含您所在的单位，否则保存后您将无法继续编辑该项目。"))


@transaction.atomic
def project_save(
    *,
    user: User,
    project: Project,
    units: Sequence[ResponsibleUnit],
    members: Sequence[ProjectMember] = (),
    milestones: Sequence[Milestone] = (),
    beneficiaries: Sequence[Institution] = (),
) -> Project:
    """Create or edit a project together with its responsible units (lead first), project
    group and milestones, which replace the stored ones. Nothing is saved if a rule fails."""
    creating = project.pk is None
    if creating:
        if not _may_create_in(user, project):
            raise PermissionDenied(_("您不能在该组团或结对中创建项目。"))
    else:
        stored = Project.objects.prefetch_related("units").get(pk=project.pk)
        if not can_edit_project(user, stored):
            raise PermissionDenied(_("您不能编辑该项目。"))
        project.status = stored.status  # status changes only through project_transition
    project.full_clean()
    _check_units(user, project, units)
    project.save()
    project.beneficiaries.set(beneficiaries)
    for row, milestone in enumerate(milestones, start=1):
        milestone.project = project
        try:
            milestone.full_clean(exclude=["project"])
        except ValidationError as error:
            raise ValidationError(
                _("实施步骤第 %(row)d 行：%(error)s")
                % {"row": row, "error": " ".join(error.messages)}
            ) from error
    _replace_rows(project, ResponsibleUnit, units)
    _replace_rows(project, ProjectMember, members)
    _replace_rows(project, Milestone, milestones)
    return project


def _replace_rows[R: (ResponsibleUnit, ProjectMember, Milestone)](
    project: Project, model: type[R], rows: Sequence[R]
) -> None:
    """Replace the project's rows of `model` by `rows`, keeping their order."""
    model._default_manager.filter(project=project).delete()
    for order, row in enumerate(rows):
        row.pk = None
        row.project = project
        row.order = order
    model._default_manager.bulk_create(rows)


@transaction.atomic
def project_transition(
    *, user: User, project: Project, to_status: str, comment: str = ""
) -> ProjectStatusChange:
    """Move a project to another status and record who did it and why."""
    project = (
        Project.objects.select_for_update(of=("self",)).prefetch_related("units").get(pk=project.pk)
    )
    if not can_edit_project(user, project):
        raise PermissionDenied(_("您不能更改该项目的状态。"))
    allowed = PROJECT_TRANSITIONS.get(project.status, set())
    if to_status not in allowed:
        raise ValidationError(
            _("项目状态不能从“%(from)s”改为“%(to)s”。")
            % {
                "from": ProjectStatus(project.status).label,
                "to": ProjectStatus(to_status).label
                if to_status in ProjectStatus.values
                else to_status,
            }
        )
    if to_status == ProjectStatus.SUSPENDED and not comment.strip():
        raise ValidationError({"comment": _("暂停项目须说明原因。")})
    change = ProjectStatusChange.objects.create(
        project=project,
        from_status=project.status,
        to_status=to_status,
        comment=comment.strip(),
        changed_by=user,
    )
    project.status = to_status
    project.save(update_fields=["status", "updated_at"])
    return change
