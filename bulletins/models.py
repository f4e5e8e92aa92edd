"""The work bulletin (工作动态, seed 002): news items that units' information officers push at
any time, and the numbered issues per programme and year that the programme's office edits
from them, with their entries in the four sections."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    """The sections of an issue, in the order they are printed."""

    PROVINCIAL = "provincial", _("省级动态")
    LOCAL = "local", _("市县动态")
    EXPERTS = "experts", _("专家引领")
    ELSEWHERE = "elsewhere", _("他山之石")


SECTION_ORDER = {value: index for index, value in enumerate(Section.values)}


class NewsStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待采用")
    USED = "used", _("已采用")
    DECLINED = "declined", _("未采用")


class NewsItem(models.Model):
    """动态信息 — one piece of news a unit pushes for the bulletin."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("计划"),
        on_delete=models.CASCADE,
        related_name="news_items",
    )
    institution = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("报送单位"),
        on_delete=models.CASCADE,
        related_name="news_items",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_items",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    section = models.CharField(
        _("建议栏目"), max_length=16, choices=Section.choices, default=Section.LOCAL
    )
    happened_on = models.DateField(_("发生日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=NewsStatus.choices, default=NewsStatus.SUBMITTED
    )

    class Meta:
        verbose_name = _("动态信息")
        verbose_name_plural = _("动态信息")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["programme", "status"], name="newsitem_by_programme"),
            models.Index(fields=["institution", "-created_at"], name="newsitem_by_institution"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not (self.title or "").strip():
            raise ValidationError({"title": _("请填写标题。")})
        if not (self.body or "").strip():
            raise ValidationError({"body": _("请填写正文。")})


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("编辑中")
    PUBLISHED = "published", _("已印发")


class BulletinIssue(models.Model):
    """工作动态（期） — one numbered issue of a programme's bulletin, e.g. 〔2023〕第2期."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("计划"),
        on_delete=models.CASCADE,
        related_name="bulletin_issues",
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveSmallIntegerField(_("期号"), help_text=_("每年从第 1 期起编号。"))
    title = models.CharField(_("刊名"), max_length=200)
    issuing_office = models.CharField(
        _("编发单位"), max_length=128, help_text=_("如“省协同提质行动工作领导小组办公室”。")
    )
    issued_on = models.DateField(_("编发日期"))
    printed_on = models.DateField(_("印发日期"), null=True, blank=True)
    report_to = models.TextField(_("报"), blank=True, help_text=_("报送的上级领导或单位。"))
    send_to = models.TextField(_("送"), blank=True, help_text=_("抄送的单位。"))
    status = models.CharField(
        _("状态"), max_length=16, choices=IssueStatus.choices, default=IssueStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("印发人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("印发时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作动态")
        verbose_name_plural = _("工作动态")
        ordering = ["programme", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "number"], name="bulletin_issue_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="bulletin_issue_number_min"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.label}"

    @property
    def label(self) -> str:
        """The issue's number as printed on its masthead: 〔2023〕第2期."""
        return f"〔{self.year}〕第{self.number}期"

    @property
    def masthead_lines(self) -> list[str]:
        """The title as the masthead prints it: the programme, then “工作动态” on a line of its
        own (a long Chinese title must not wrap in the middle of a word)."""
        head, _space, tail = self.title.strip().rpartition(" ")
        return [head, tail] if head else [tail]

    @property
    def is_published(self) -> bool:
        return self.status == IssueStatus.PUBLISHED

    def clean(self) -> None:
        if not (self.title or "").strip():
            raise ValidationError({"title": _("请填写刊名。")})
        if not (self.issuing_office or "").strip():
            raise ValidationError({"issuing_office": _("请填写编发单位。")})
        if isinstance(self.issued_on, dt.date) and self.year and self.issued_on.year != self.year:
            message = _("编发日期须在 %(year)s 年内（期号按年编排）。")
            raise ValidationError({"issued_on": message % {"year": self.year}})
        if (
            isinstance(self.issued_on, dt.date)
            and isinstance(self.printed_on, dt.date)
            and self.printed_on < self.issued_on
        ):
            raise ValidationError({"printed_on": _("印发日期不能早于编发日期。")})


class BulletinEntry(models.Model):
    """动态条目 — one ★ item of an issue, in a section, with an optional bold lead sentence."""

    issue = models.ForeignKey(
        BulletinIssue, verbose_name=_("期"), on_delete=models.CASCADE, related_name="entries"
    )
    section = models.CharField(_("栏目"), max_length=16, choices=Section.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    lead = models.CharField(
        _("导语"), max_length=300, blank=True, help_text=_("以粗体印在条目开头的一句话，可不填。")
    )
    body = models.TextField(_("正文"))
    news_item = models.ForeignKey(
        NewsItem,
        verbose_name=_("来源动态"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
    )

    class Meta:
        verbose_name = _("动态条目")
        verbose_name_plural = _("动态条目")
        ordering = ["issue", "order", "pk"]  # sections: SECTION_ORDER
        constraints = [
            # A news item is printed once, in one issue.
            models.UniqueConstraint(
                fields=["news_item"],
                condition=Q(news_item__isnull=False),
                name="bulletin_entry_unique_news_item",
            ),
        ]

    def __str__(self) -> str:
        return self.lead or self.body[:40]

    def clean(self) -> None:
        if not (self.body or "").strip():
            raise ValidationError({"body": _("请填写条目正文。")})
