"""Choice lists of the pairings app, shared by its models and its rules."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    LEAD = "lead", _("牵头高校")
    SUPPORTING = "supporting", _("参与帮扶高校")
    SUPPORTED = "supported", _("重点支持院校")
    PROVINCIAL_DEPARTMENT = "provincial_department", _("省级教育行政部门")
    OTHER = "other", _("其他成员单位")


class PairingKind(models.TextChoices):
    UNIVERSITY_COLLEGE = "university_college", _("高校结对帮扶薄弱院校")
    CITY_CITY = "city_city", _("市与市结对")
    COUNTY_COUNTY = "county_county", _("县与县结对")
    UNIVERSITY_COUNTY = "university_county", _("高校与县域结对")
    NORMAL_COLLEGE_CITY = "normal_college_city", _("师范类院校与市结对")
    NON_NORMAL_COLLEGE_AREA = "non_normal_college_area", _("非师范类院校与市县结对")
    TEACHING_RESEARCH = "teaching_research", _("教研机构（教师发展机构）之间结对")
    SCHOOL_SCHOOL = "school_school", _("中小学之间结对")
    INTRA_REGION = "intra_region", _("市、县区域内结对")
    ONE_TO_ONE = "one_to_one", _("“一对一”精准帮扶")


class PairingStatus(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    ACTIVE = "active", _("实施中")
    SUSPENDED = "suspended", _("已暂停")
    ENDED = "ended", _("已结束")
