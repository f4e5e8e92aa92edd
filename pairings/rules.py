"""The structural rules of consortia (1+M+N) and pairings, as pure functions.

Models, admin formsets and services all call these, so a rule and its Chinese message live in
exactly one place.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairings.choices import MemberRole, PairingKind
from schools.models import Institution, InstitutionKind, KindGroup


@dataclass(frozen=True)
class MemberSpec:
    institution: Institution
    role: str


def consortium_structure_errors(
    *,
    lead: Institution | None,
    members: Iterable[MemberSpec],
    min_supporting: int | None,
) -> list[str]:
    """Every way `members` breaks the 1+M+N rule, as Chinese sentences (empty when valid)."""
    members = list(members)
    errors: list[str] = []
    by_role: dict[str, list[Institution]] = {}
    for member in members:
        by_role.setdefault(member.role, []).append(member.institution)
    leads = by_role.get(MemberRole.LEAD, [])
    supporting = by_role.get(MemberRole.SUPPORTING, [])
    supported = by_role.get(MemberRole.SUPPORTED, [])
    m, n = len(supporting), len(supported)

    if len(leads) != 1:
        errors.append(
            _("组团必须有且只有一所牵头高校，当前有 %(count)d 所。") % {"count": len(leads)}
        )
    elif lead is not None and leads[0].pk != lead.pk:
        errors.append(
            _("成员中的牵头高校“%(member)s”与组团的牵头高校“%(lead)s”不一致。")
            % {"member": leads[0], "lead": lead}
        )
    if m == 0:
        errors.append(_("组团至少需要一所参与帮扶高校（M）。"))
    if n == 0:
        errors.append(_("组团至少需要一所重点支持院校（N）。"))
    if min_supporting is not None and m < min_supporting:
        errors.append(
            _("本计划要求参与帮扶高校不少于 %(min)d 所（M ≥ %(min)d），当前只有 %(m)d 所。")
            % {"min": min_supporting, "m": m}
        )
    if m and n and m < n:
        errors.append(
            _("“1+M+N”要求 M ≥ N：参与帮扶高校 %(m)d 所少于重点支持院校 %(n)d 所。")
            % {"m": m, "n": n}
        )

    helpers = {i.pk for i in leads + supporting}
    for institution in supported:
        if institution.pk in helpers:
            errors.append(_("“%(name)s”不能既是帮扶方又是重点支持院校。") % {"name": institution})
    for institution in leads + supporting:
        if institution.kind not in KindGroup.TEACHER_EDUCATION_HIGHER:
            errors.append(
                _("“%(name)s”是%(kind)s，不能作为牵头或参与帮扶高校。")
                % {"name": institution, "kind": institution.get_kind_display()}
            )
    for institution in supported:
        if institution.kind not in KindGroup.TEACHER_EDUCATION_HIGHER:
            errors.append(
                _("“%(name)s”是%(kind)s，重点支持院校须为师范院校或开展教师教育的院校。")
                % {"name": institution, "kind": institution.get_kind_display()}
            )
    supported_provinces = {i.region.code[:2] for i in supported}
    for institution in by_role.get(MemberRole.PROVINCIAL_DEPARTMENT, []):
        if institution.kind != InstitutionKind.PROVINCIAL_DEPARTMENT:
            errors.append(
                _("“%(name)s”不是省级教育行政部门，不能以省教育厅身份加入组团。")
                % {"name": institution}
            )
        elif institution.region.code[:2] not in supported_provinces:
            errors.append(_("“%(name)s”所在省份没有本组团的重点支持院校。") % {"name": institution})
    seen: set[tuple[int, str]] = set()
    for member in members:
        key = (member.institution.pk, member.role)
        if key in seen:
            errors.append(_("“%(name)s”重复列入同一角色。") % {"name": member.institution})
        seen.add(key)
    return errors


_LOCAL = KindGroup.LOCAL_BUREAU | KindGroup.SCHOOL | KindGroup.RESEARCH

# (kinds allowed as supporter, kinds allowed as supported, what each side must be, in words)
PAIRING_KIND_RULES: dict[str, tuple[frozenset, frozenset, Promise, Promise]] = {
    PairingKind.UNIVERSITY_COLLEGE: (
        KindGroup.TEACHER_EDUCATION_HIGHER,
        KindGroup.TEACHER_EDUCATION_HIGHER,
        gettext_lazy("师范院校或开展教师教育的高校"),
        gettext_lazy("师范院校或开展教师教育的高校"),
    ),
    PairingKind.CITY_CITY: (
        frozenset({InstitutionKind.CITY_BUREAU}),
        frozenset({InstitutionKind.CITY_BUREAU}),
        gettext_lazy("市级教育行政部门"),
        gettext_lazy("市级教育行政部门"),
    ),
    PairingKind.COUNTY_COUNTY: (
        frozenset({InstitutionKind.COUNTY_BUREAU}),
        frozenset({InstitutionKind.COUNTY_BUREAU}),
        gettext_lazy("县级教育行政部门"),
        gettext_lazy("县级教育行政部门"),
    ),
    PairingKind.UNIVERSITY_COUNTY: (
        KindGroup.HIGHER,
        KindGroup.LOCAL_BUREAU | KindGroup.SCHOOL,
        gettext_lazy("高校"),
        gettext_lazy("县级教育行政部门或县域学校"),
    ),
    PairingKind.NORMAL_COLLEGE_CITY: (
        KindGroup.NORMAL_HIGHER,
        frozenset({InstitutionKind.CITY_BUREAU}),
        gettext_lazy("师范类院校"),
        gettext_lazy("市级教育行政部门"),
    ),
    PairingKind.NON_NORMAL_COLLEGE_AREA: (
        KindGroup.NON_NORMAL_HIGHER,
        KindGroup.LOCAL_BUREAU,
        gettext_lazy("非师范类院校"),
        gettext_lazy("市级或县级教育行政部门"),
    ),
    PairingKind.TEACHING_RESEARCH: (
        KindGroup.RESEARCH,
        KindGroup.RESEARCH,
        gettext_lazy("教研机构或教师发展机构"),
        gettext_lazy("教研机构或教师发展机构"),
    ),
    PairingKind.SCHOOL_SCHOOL: (
        KindGroup.SCHOOL,
        KindGroup.SCHOOL,
        gettext_lazy("中小学校或幼儿园"),
        gettext_lazy("中小学校或幼儿园"),
    ),
    PairingKind.INTRA_REGION: (
        _LOCAL,
        _LOCAL,
        gettext_lazy("本地区的教育行政部门、学校或教研机构"),
        gettext_lazy("本地区的教育行政部门、学校或教研机构"),
    ),
    PairingKind.ONE_TO_ONE: (
        KindGroup.HIGHER | _LOCAL,
        _LOCAL,
        gettext_lazy("高校、学校、教研机构或教育行政部门"),
        gettext_lazy("学校、教研机构或县级以下教育行政部门"),
    ),
}


def pairing_kind_errors(
    *, kind: str, supporter: Institution, supported: Institution
) -> dict[str, str]:
    """Field errors when the two institutions do not fit the kind of pairing."""
    errors: dict[str, str] = {}
    if supporter.pk is not None and supporter.pk == supported.pk:
        errors["supported"] = _("支援方和受援方不能是同一单位（“%(name)s”）。") % {
            "name": supporter
        }
        return errors
    rule = PAIRING_KIND_RULES.get(kind)
    if rule is None:
        return errors
    supporter_kinds, supported_kinds, supporter_words, supported_words = rule
    if supporter.kind not in supporter_kinds:
        errors["supporter"] = _("该结对类型的支援方须为%(need)s，“%(name)s”是%(kind)s。") % {
            "need": supporter_words,
            "name": supporter,
            "kind": supporter.get_kind_display(),
        }
    if supported.kind not in supported_kinds:
        errors["supported"] = _("该结对类型的受援方须为%(need)s，“%(name)s”是%(kind)s。") % {
            "need": supported_words,
            "name": supported,
            "kind": supported.get_kind_display(),
        }
    if (
        kind == PairingKind.INTRA_REGION
        and not errors
        and supporter.region.code[:4] != supported.region.code[:4]
    ):
        errors["supported"] = _(
            "市县域内结对的双方须在同一地级市内：“%(a)s”与“%(b)s”不在同一市。"
        ) % {
            "a": supporter,
            "b": supported,
        }
    return errors
