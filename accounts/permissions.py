"""The permission rules: which django-guardian grants each role carries.

Grants sit at the level that carries the right, never on child rows:
- coordinator  → the user holds `coordinate_consortium` on the Consortium;
- expert       → the user holds `review_plans` on the Consortium;
- every role at an institution but expert → the user is in the institution's group, which
  holds `act_for_institution` on that Institution;
- provincial officer → additionally, the department's group holds `oversee_region` on its
  province (a region scope, not a list of grants).

Affiliation rows record who holds which role; `user_sync_grants` derives the guardian grants
from them, so the two never disagree. Selectors in accounts/selectors.py read only guardian.
"""

from django.contrib.auth.models import Group, User
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import Affiliation, Role
from pairings.models import Consortium
from schools.models import Institution, InstitutionKind

COORDINATE = "pairings.coordinate_consortium"
REVIEW = "pairings.review_plans"
ACT = "schools.act_for_institution"
OVERSEE = "schools.oversee_region"


def institution_group(institution: Institution) -> Group:
    """The group of everyone acting for `institution`, created with its grants on first use."""
    group, created = Group.objects.get_or_create(name=f"institution:{institution.pk}")
    if created:
        assign_perm(ACT, group, institution)
        if institution.kind == InstitutionKind.PROVINCIAL_DEPARTMENT:
            province = institution.region
            while province.parent is not None:
                province = province.parent
            assign_perm(OVERSEE, group, province)
    return group


def user_sync_grants(user: User) -> None:
    """Make the user's guardian grants and groups match their affiliations exactly."""
    affiliations = list(
        Affiliation.objects.filter(user=user).select_related("institution__region__parent")
    )
    # Experts act for no institution: they see only the plans assigned to them.
    wanted_groups = {
        institution_group(a.institution).pk for a in affiliations if a.role != Role.EXPERT
    }
    current_groups = set(
        user.groups.filter(name__startswith="institution:").values_list("pk", flat=True)
    )
    user.groups.remove(*(current_groups - wanted_groups))
    user.groups.add(*(wanted_groups - current_groups))

    for perm, role in ((COORDINATE, Role.COORDINATOR), (REVIEW, Role.EXPERT)):
        wanted = {a.consortium_id for a in affiliations if a.role == role and a.consortium_id}
        codename = perm.split(".")[1]
        held = {
            int(pk)
            for pk in UserObjectPermission.objects.filter(
                user=user, permission__codename=codename
            ).values_list("object_pk", flat=True)
        }
        for consortium in Consortium.objects.filter(pk__in=held - wanted):
            remove_perm(perm, user, consortium)
        for consortium in Consortium.objects.filter(pk__in=wanted - held):
            assign_perm(perm, user, consortium)
