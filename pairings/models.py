"""Consortia (组团, "1+M+N"), their members, and pairings (结对帮扶) between institutions."""

from collections.abc import Callable, Collection

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pairings.choices import MemberRole, PairingKind, PairingStatus
from pairings.rules import MemberSpec, consortium_structure_errors, pairing_kind_errors

StrOrPromise = str | Promise


class Consortium(models.Model):
    """组团 — one lead university, M supporting universities and N supported colleges."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("计划"),
        on_delete=models.PROTECT,
        related_name="consortia",
    )
    name = models.CharField(_("名称"), max_length=128)
    lead = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("牵头高校"),
        on_delete=models.PROTECT,
        related_name="led_consortia",
    )
    secretariat = models.CharField(
        _("秘书处 / 组团办公室"),
        max_length=200,
        blank=True,
        help_text=_("如：北京师范大学“强师工程”办公室（联席会议秘书处）"),
    )
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    description = models.TextField(_("简介"), blank=True)
    members = models.ManyToManyField(
        "schools.Institution",
        through="Membership",
        related_name="consortia",
        verbose_name=_("成员单位"),
    )

    class Meta:
        verbose_name = _("组团")
        verbose_name_plural = _("组团")
        ordering = ["programme", "name"]
        permissions = [
            ("coordinate_consortium", _("协调组团（组团办公室）")),
            ("review_plans", _("评审组团的提质计划（专家）")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="consortium_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def member_specs(self) -> list[MemberSpec]:
        return [m.spec for m in self.memberships.select_related("institution__region")]

    def structure_errors(self, members: list[MemberSpec] | None = None) -> list[str]:
        """The 1+M+N rule applied to `members` (default: the stored memberships)."""
        return consortium_structure_errors(
            lead=self.lead,
            members=self.member_specs() if members is None else members,
            min_supporting=self.programme.min_supporting_members,
        )

    def roles_by_institution(self) -> dict[int, set[str]]:
        """institution pk → the roles it holds here (one institution may hold two)."""
        roles: dict[int, set[str]] = {}
        for institution_id, role in self.memberships.values_list("institution", "role"):
            roles.setdefault(institution_id, set()).add(role)
        return roles

    def formula(self) -> str:
        """ "1+M+N" as it stands, e.g. 1+4+4."""
        counts = dict.fromkeys(MemberRole.values, 0)
        for membership in self.memberships.all():
            counts[membership.role] += 1
        return f"1+{counts[MemberRole.SUPPORTING]}+{counts[MemberRole.SUPPORTED]}"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def working(self) -> "MembershipQuerySet":
        """The universities and colleges that do the work and report on it — not a provincial
        department's seat at the joint meeting."""
        return self.exclude(role=MemberRole.PROVINCIAL_DEPARTMENT)


class Membership(models.Model):
    """组团成员 — an institution's role in a consortium; one institution may hold two roles."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("组团"), on_delete=models.CASCADE, related_name="memberships"
    )
    institution = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("角色"), max_length=32, choices=MemberRole.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords(verbose_name=_("成员变更记录"))

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("组团成员")
        verbose_name_plural = _("组团成员")
        ordering = ["consortium", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "institution", "role"], name="membership_unique_role"
            ),
            models.UniqueConstraint(
                fields=["consortium"],
                condition=Q(role=MemberRole.LEAD),
                name="membership_one_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution}（{self.get_role_display()}）"

    @property
    def spec(self) -> MemberSpec:
        return MemberSpec(self.institution, self.role)


class PairingQuerySet(models.QuerySet["Pairing"]):
    def with_parties(self) -> "PairingQuerySet":
        return self.select_related(
            "supporter__region", "supported__region", "programme", "phase", "consortium"
        )


class Pairing(models.Model):
    """结对帮扶 — a supporter institution paired with a supported one, in a programme round."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("计划"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    phase = models.ForeignKey(
        "programmes.Phase",
        verbose_name=_("阶段 / 轮次"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairings",
    )
    consortium = models.ForeignKey(
        Consortium,
        verbose_name=_("组团"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairings",
    )
    kind = models.CharField(_("结对类型"), max_length=32, choices=PairingKind.choices)
    supporter = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("支援方"),
        on_delete=models.PROTECT,
        related_name="pairings_as_supporter",
    )
    supported = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("受援方"),
        on_delete=models.PROTECT,
        related_name="pairings_as_supported",
    )
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=PairingStatus.choices, default=PairingStatus.ACTIVE
    )
    note = models.CharField(_("备注"), max_length=255, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对")
        verbose_name_plural = _("结对")
        ordering = ["programme", "phase__number", "kind", "id"]
        indexes = [models.Index(fields=["programme", "kind"])]
        constraints = [
            models.CheckConstraint(condition=~Q(supporter=F("supported")), name="pairing_not_self"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="pairing_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["programme", "phase", "supporter", "supported"],
                condition=Q(phase__isnull=False),
                name="pairing_unique_in_round",
            ),
            models.UniqueConstraint(
                fields=["programme", "supporter", "supported"],
                condition=Q(phase__isnull=True),
                name="pairing_unique_without_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supporter} → {self.supported}"

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        # clean() already checks self-pairing and duplicates, with messages that name the
        # institutions; skip the database constraints on the two parties to say it once.
        super().validate_constraints(exclude={*(exclude or ()), "supporter", "supported"})

    def clean(self) -> None:
        if not (self.supporter_id and self.supported_id and self.programme_id):
            return
        errors: dict[str, list[str]] = {}

        def add(field: str, message: StrOrPromise) -> None:
            errors.setdefault(field, []).append(str(message))

        for field, message in pairing_kind_errors(
            kind=self.kind, supporter=self.supporter, supported=self.supported
        ).items():
            add(field, message)
        if self.phase is not None and self.phase.programme_id != self.programme_id:
            add("phase", _("所选轮次不属于该计划。"))
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            add("ends_on", _("结束日期不能早于开始日期。"))
        region = self.programme.region
        if region is not None and not self.supported.region.is_within(region):
            add(
                "supported",
                _("受援方“%(name)s”不在计划实施地区“%(region)s”内。")
                % {"name": self.supported, "region": region},
            )
        if self.consortium is not None:
            self._check_consortium(self.consortium, add)
        if self.supporter_id != self.supported_id:
            duplicate = Pairing.objects.filter(
                programme_id=self.programme_id,
                phase=self.phase,
                supporter_id=self.supporter_id,
                supported_id=self.supported_id,
            ).exclude(pk=self.pk)
            if duplicate.exists():
                add(
                    "supported",
                    _("“%(a)s → %(b)s”在本计划的同一轮次中已经结对，不能重复。")
                    % {"a": self.supporter, "b": self.supported},
                )
        if errors:
            raise ValidationError(errors)

    def _check_consortium(
        self, consortium: Consortium, add: Callable[[str, StrOrPromise], None]
    ) -> None:
        if consortium.programme_id != self.programme_id:
            add("consortium", _("所选组团不属于该计划。"))
            return
        roles: dict[int, set[str]] = {self.supporter_id: set(), self.supported_id: set()}
        for institution_id, role in consortium.memberships.values_list("institution_id", "role"):
            if institution_id in roles:
                roles[institution_id].add(role)
        if not roles[self.supporter_id] & {MemberRole.LEAD, MemberRole.SUPPORTING}:
            add(
                "supporter",
                _("“%(name)s”不是“%(consortium)s”的牵头或参与帮扶高校。")
                % {"name": self.supporter, "consortium": consortium},
            )
        if MemberRole.SUPPORTED not in roles[self.supported_id]:
            add(
                "supported",
                _("“%(name)s”不是“%(consortium)s”的重点支持院校。")
                % {"name": self.supported, "consortium": consortium},
            )
