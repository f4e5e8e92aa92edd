"""Who a user is in the domain: the institution they act for and the role they act in."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("组团办公室协调人")
    CONTACT = "contact", _("单位联系人")
    INFORMATION_OFFICER = "information_officer", _("信息员")
    PROVINCIAL_OFFICER = "provincial_officer", _("省级教育行政部门")
    EXPERT = "expert", _("专家委员会专家")


class Affiliation(models.Model):
    """任职 — a user acting for an institution in a role, optionally within one consortium."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    institution = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("单位"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    consortium = models.ForeignKey(
        "pairings.Consortium",
        verbose_name=_("组团"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="affiliations",
        help_text=_("协调人和专家须指定所属组团。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("任职变更记录"))

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["user", "institution"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution", "role", "consortium"],
                condition=models.Q(consortium__isnull=False),
                name="affiliation_unique_in_consortium",
            ),
            models.UniqueConstraint(
                fields=["user", "institution", "role"],
                condition=models.Q(consortium__isnull=True),
                name="affiliation_unique_without_consortium",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.institution} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.role in {Role.COORDINATOR, Role.EXPERT} and not self.consortium_id:
            raise ValidationError({"consortium": _("协调人和专家必须指定所属组团。")})
        if (
            self.role == Role.PROVINCIAL_OFFICER
            and self.institution_id
            and self.institution.kind != "provincial_department"
        ):
            raise ValidationError(
                {"institution": _("省级教育行政部门角色只能属于省教育厅（教委）。")}
            )
        if (
            self.role == Role.COORDINATOR
            and self.consortium is not None
            and self.institution_id
            and self.consortium.lead_id != self.institution_id
        ):
            raise ValidationError({"institution": _("协调人必须属于该组团的牵头高校。")})
