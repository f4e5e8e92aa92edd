"""Writes for programmes, their phases and content areas, and applications (申报)."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.selectors import can_decide_application
from config.services import get_or_create_validated
from pairings.choices import MemberRole
from pairings.models import Consortium, Membership
from pairings.rules import MemberSpec
from pairings.services import consortium_set_members
from programmes.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    ContentArea,
    Phase,
    Programme,
)


def programme_ensure(*, slug: str, **fields: object) -> Programme:
    """The programme with this slug, created (validated) when missing; existing ones are kept."""
    return get_or_create_validated(Programme, {"slug": slug}, **fields)


def phase_ensure(
    *,
    programme: Programme,
    number: int,
    name: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Phase:
    return get_or_create_validated(
        Phase,
        {"programme": programme, "number": number},
        name=name,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def content_areas_ensure(
    *, programme: Programme, areas: list[tuple[str, str, str, bool]]
) -> list[ContentArea]:
    """Make sure the programme has these areas, given as (code, name, description, featured)."""
    return [
        get_or_create_validated(
            ContentArea,
            {"programme": programme, "code": code},
            name=name,
            description=description,
            is_featured=featured,
            order=order,
        )
        for order, (code, name, description, featured) in enumerate(areas, start=1)
    ]


# Applications (申报): the selection workflow and joining a consortium.


def _in_consortium(application: Application) -> Membership | None:
    """The supported-college membership of the application's college in the programme."""
    return (
        Membership.objects.filter(
            consortium__programme=application.programme_id,
            institution=application.institution_id,
            role=MemberRole.SUPPORTED,
        )
        .select_related("consortium")
        .first()
    )


@transaction.atomic
def application_move(
    *, user: User, application: Application, to_status: str, comment: str = ""
) -> Application:
    """Move an application one step through review and selection, with a history row."""
    if not can_decide_application(user):
        raise PermissionDenied
    # Locked and read again: two reviewers deciding at once must not both move it.
    application = Application.objects.select_for_update().get(pk=application.pk)
    if to_status not in ApplicationStatus.values:
        raise ValidationError({"to_status": _("未知的状态“%(status)s”。") % {"status": to_status}})
    if not application.can_move_to(to_status):
        raise ValidationError(
            {
                "to_status": _("申报当前为“%(from)s”，不能改为“%(to)s”。")
                % {
                    "from": application.get_status_display(),
                    "to": ApplicationStatus(to_status).label,
                }
            }
        )
    if application.status == ApplicationStatus.SELECTED:
        membership = _in_consortium(application)
        if membership is not None:
            raise ValidationError(
                _("“%(school)s”已是“%(consortium)s”的重点支持院校，请先调整组团成员再重新审议。")
                % {"school": application.institution, "consortium": membership.consortium}
            )
    event = ApplicationEvent(
        application=application,
        from_status=application.status,
        to_status=to_status,
        by=user,
        comment=comment.strip(),
    )
    application.status = to_status
    application.full_clean()
    application.save(update_fields=["status", "updated_at"])
    event.full_clean()
    event.save()
    return application


@transaction.atomic
def application_add_to_consortium(
    *, user: User, application: Application, consortium: Consortium
) -> Consortium:
    """Add a selected college to a consortium of its programme as a 重点支持院校 (and its
    province's education department, when the consortium lacks it), keeping 1+M+N valid."""
    if not can_decide_application(user):
        raise PermissionDenied
    application = Application.objects.select_for_update().get(pk=application.pk)
    # Locked: two colleges added at once must not together break M ≥ N.
    consortium = (
        Consortium.objects.select_for_update(of=("self",))
        .select_related("programme")
        .get(pk=consortium.pk)
    )
    college = application.institution
    if application.status != ApplicationStatus.SELECTED:
        raise ValidationError(
            _("只有“入选”的申报才能加入组团；“%(school)s”当前为“%(status)s”。")
            % {"school": college, "status": application.get_status_display()}
        )
    if consortium.programme_id != application.programme_id:
        raise ValidationError(
            _("“%(consortium)s”不属于“%(programme)s”，不能加入。")
            % {"consortium": consortium, "programme": application.programme}
        )
    membership = _in_consortium(application)
    if membership is not None:
        raise ValidationError(
            _("“%(school)s”已是“%(consortium)s”的重点支持院校。")
            % {"school": college, "consortium": membership.consortium}
        )
    members = consortium.member_specs()
    members.append(MemberSpec(college, MemberRole.SUPPORTED))
    joined = [str(college)]
    department = application.recommended_by
    if department is not None and not any(
        m.institution.pk == department.pk and m.role == MemberRole.PROVINCIAL_DEPARTMENT
        for m in members
    ):
        members.append(MemberSpec(department, MemberRole.PROVINCIAL_DEPARTMENT))
        joined.append(str(department))
    errors = consortium.structure_errors(members)
    if errors:
        prefix = _("“%(school)s”不能加入“%(consortium)s”：") % {
            "school": college,
            "consortium": consortium,
        }
        raise ValidationError([prefix + error for error in errors])
    consortium_set_members(consortium=consortium, members=members)
    ApplicationEvent.objects.create(
        application=application,
        from_status=application.status,
        to_status=application.status,
        by=user,
        comment=_("加入“%(consortium)s”（重点支持院校）：%(members)s。")
        % {"consortium": consortium, "members": "、".join(joined)},
    )
    return consortium
