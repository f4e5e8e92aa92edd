"""Regions (province → prefecture → county) and the institutions that sit in them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("地级（地、市、州、盟）")
    COUNTY = "county", _("县级（县、市、区、镇街）")


PARENT_LEVEL = {
    RegionLevel.PREFECTURE: RegionLevel.PROVINCE,
    RegionLevel.COUNTY: RegionLevel.PREFECTURE,
}


class Zone(models.TextChoices):
    """Assessment zones a province may split its regions into (seed 004 annex 4)."""

    NONE = "", _("—")
    PEARL_RIVER_DELTA = "prd", _("珠三角")
    EAST_WEST_NORTH = "ewn", _("粤东粤西粤北")


class RegionQuerySet(models.QuerySet["Region"]):
    def provinces(self) -> "RegionQuerySet":
        return self.filter(level=RegionLevel.PROVINCE)

    def matching(self, name: str) -> "RegionQuerySet":
        """Regions written as `name`: the full name or the short name people use (阿坝州)."""
        name = name.strip()
        return self.filter(Q(name=name) | Q(short_name=name))


class Region(models.Model):
    """行政区划 — a province, prefecture or county, by its GB/T 2260 code."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    short_name = models.CharField(
        _("简称"), max_length=32, blank=True, db_index=True, help_text=_("如“阿坝州”“凉山州”")
    )
    level = models.CharField(_("层级"), max_length=12, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级地区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_key_rural_revitalization_county = models.BooleanField(
        _("国家乡村振兴重点帮扶县"), default=False
    )
    is_poverty_alleviated_county = models.BooleanField(_("脱贫县"), default=False)
    is_land_border_county = models.BooleanField(_("陆地边境县"), default=False)
    zone = models.CharField(_("考核区域"), max_length=8, choices=Zone.choices, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["code"]
        permissions = [("oversee_region", _("查看本地区全部数据（省级教育行政部门）"))]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["level", "parent"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=RegionLevel.PROVINCE, parent__isnull=True)
                | (~Q(level=RegionLevel.PROVINCE) & Q(parent__isnull=False)),
                name="region_only_provinces_have_no_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        expected = PARENT_LEVEL.get(RegionLevel(self.level)) if self.level else None
        if self.parent_id is None and expected is not None:
            raise ValidationError({"parent": _("地级和县级地区必须填写上级地区。")})
        if self.parent_id is not None:
            if expected is None:
                raise ValidationError({"parent": _("省级地区不能有上级地区。")})
            if self.parent is not None and self.parent.level != expected:
                raise ValidationError(
                    {
                        "parent": _("“%(name)s”的上级必须是%(level)s地区。")
                        % {"name": self.name, "level": RegionLevel(expected).label}
                    }
                )
        county_flags = (
            self.is_key_rural_revitalization_county
            or self.is_poverty_alleviated_county
            or self.is_land_border_county
        )
        if county_flags and self.level != RegionLevel.COUNTY:
            raise ValidationError(_("欠发达县标记只能用于县级地区。"))

    @property
    def is_underdeveloped_county(self) -> bool:
        return (
            self.is_key_rural_revitalization_county
            or self.is_poverty_alleviated_county
            or self.is_land_border_county
        )

    def is_within(self, other: "Region") -> bool:
        """True when this region is `other` or lies inside it (GB/T 2260 codes nest by prefix)."""
        return self.code.startswith(other.code)

    @property
    def province_code(self) -> str:
        return self.code[:2]

    def lineage(self) -> list["Region"]:
        """Province first, this region last (at most three levels: at most two extra queries)."""
        chain = [self]
        node = self
        while node.parent_id is not None:
            node = node.parent  # type: ignore[assignment]
            chain.append(node)
        return list(reversed(chain))

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in self.lineage() if r.name != "市辖区")


class InstitutionKind(models.TextChoices):
    NORMAL_UNIVERSITY = "normal_university", _("师范大学（本科）")
    NORMAL_COLLEGE = "normal_college", _("师范学院（本科）")
    NORMAL_JUNIOR_COLLEGE = "normal_junior_college", _("师范专科学校（含幼专）")
    COMPREHENSIVE_UNIVERSITY = "comprehensive_university", _("综合性院校（开展教师教育）")
    NON_NORMAL_UNIVERSITY = "non_normal_university", _("非师范类本科院校")
    VOCATIONAL_COLLEGE = "vocational_college", _("非师范类专科（高职）院校")
    PRIMARY_SCHOOL = "primary_school", _("小学")
    MIDDLE_SCHOOL = "middle_school", _("初级中学")
    HIGH_SCHOOL = "high_school", _("高级中学")
    NINE_YEAR_SCHOOL = "nine_year_school", _("九年一贯制 / 完全中学")
    KINDERGARTEN = "kindergarten", _("幼儿园")
    TEACHING_POINT = "teaching_point", _("教学点")
    TEACHER_DEVELOPMENT = "teacher_development", _("教师发展机构")
    TEACHING_RESEARCH = "teaching_research", _("教研机构")
    COUNTY_BUREAU = "county_bureau", _("县级教育行政部门")
    CITY_BUREAU = "city_bureau", _("市级教育行政部门")
    PROVINCIAL_DEPARTMENT = "provincial_department", _("省级教育行政部门")
    MINISTRY = "ministry", _("教育部")


class KindGroup:
    """Named sets of institution kinds, used by pairing and consortium rules."""

    NORMAL_HIGHER = frozenset(
        {
            InstitutionKind.NORMAL_UNIVERSITY,
            InstitutionKind.NORMAL_COLLEGE,
            InstitutionKind.NORMAL_JUNIOR_COLLEGE,
        }
    )
    TEACHER_EDUCATION_HIGHER = NORMAL_HIGHER | {InstitutionKind.COMPREHENSIVE_UNIVERSITY}
    NON_NORMAL_HIGHER = frozenset(
        {InstitutionKind.NON_NORMAL_UNIVERSITY, InstitutionKind.VOCATIONAL_COLLEGE}
    )
    HIGHER = TEACHER_EDUCATION_HIGHER | NON_NORMAL_HIGHER
    SCHOOL = frozenset(
        {
            InstitutionKind.PRIMARY_SCHOOL,
            InstitutionKind.MIDDLE_SCHOOL,
            InstitutionKind.HIGH_SCHOOL,
            InstitutionKind.NINE_YEAR_SCHOOL,
            InstitutionKind.KINDERGARTEN,
            InstitutionKind.TEACHING_POINT,
        }
    )
    RESEARCH = frozenset({InstitutionKind.TEACHER_DEVELOPMENT, InstitutionKind.TEACHING_RESEARCH})
    LOCAL_BUREAU = frozenset({InstitutionKind.COUNTY_BUREAU, InstitutionKind.CITY_BUREAU})
    AUTHORITY = frozenset({InstitutionKind.PROVINCIAL_DEPARTMENT, InstitutionKind.MINISTRY})


class Institution(models.Model):
    """院校 / 学校 / 单位 — any body that takes part in a programme."""

    name = models.CharField(_("名称"), max_length=128, unique=True)
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=InstitutionKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="institutions"
    )
    cluster = models.CharField(
        _("片区"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("学校所属片区或学区，如美姑县“洪溪片区”。"),
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    website = models.URLField(_("网址"), blank=True)
    is_demo = models.BooleanField(
        _("示例数据"), default=False, help_text=_("由示例数据生成，非真实单位或真实结对。")
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]
        permissions = [("act_for_institution", _("代表本单位填报与编辑"))]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return f"{self.name}（{_('示例')}）" if self.is_demo else self.name

    def clean(self) -> None:
        if not self.region_id:
            return
        level = self.region.level
        if self.kind == InstitutionKind.PROVINCIAL_DEPARTMENT and level != RegionLevel.PROVINCE:
            raise ValidationError({"region": _("省级教育行政部门必须位于省级地区。")})
        if self.kind == InstitutionKind.CITY_BUREAU and level != RegionLevel.PREFECTURE:
            raise ValidationError({"region": _("市级教育行政部门必须位于地级地区。")})
        if self.kind == InstitutionKind.COUNTY_BUREAU and level != RegionLevel.COUNTY:
            raise ValidationError({"region": _("县级教育行政部门必须位于县级地区。")})


class Contact(models.Model):
    """联系人 — a named person to reach at an institution, e.g. its information officer."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("姓名"), max_length=64)
    post = models.CharField(_("职务 / 部门"), max_length=128, blank=True)
    phone = models.CharField(_("联系电话"), max_length=64, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_information_officer = models.BooleanField(_("信息员"), default=False)

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["institution", "-is_information_officer", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.institution}）"
