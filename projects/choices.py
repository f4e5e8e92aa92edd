"""Choices shared by the projects app's models, forms and demo data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    ACTIVE = "active", _("实施中")
    SUSPENDED = "suspended", _("已暂停")
    COMPLETED = "completed", _("已完成")


# status → the statuses a project may move to from it
PROJECT_TRANSITIONS: dict[str, set[str]] = {
    ProjectStatus.PLANNED: {ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED},
    ProjectStatus.ACTIVE: {ProjectStatus.SUSPENDED, ProjectStatus.COMPLETED},
    ProjectStatus.SUSPENDED: {ProjectStatus.ACTIVE},
    ProjectStatus.COMPLETED: {ProjectStatus.ACTIVE},
}


class MemberPosition(models.TextChoices):
    LEADER = "leader", _("项目负责人")
    MEMBER = "member", _("项目组成员")
    CONTACT = "contact", _("联络员")


class IndicatorKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("量化指标")
    DELIVERABLE = "deliverable", _("成果清单")


class Direction(models.TextChoices):
    INCREASE = "increase", _("越高越好")
    DECREASE = "decrease", _("越低越好")


class Aggregation(models.TextChoices):
    SUM = "sum", _("累计（各期相加）")
    LATEST = "latest", _("水平值（取最近一期）")


class ActualSource(models.TextChoices):
    MANUAL = "manual", _("逐期填报")
    ACTIVITY_HOURS = "activity_hours", _("由活动汇总：学时")
    ACTIVITY_COUNT = "activity_count", _("由活动汇总：活动次数")
    ACTIVITY_PARTICIPANTS = "activity_participants", _("由活动汇总：参与人次")


class TargetBasis(models.TextChoices):
    PER_YEAR = "per_year", _("每年")
    PER_ROUND = "per_round", _("每轮 / 每阶段")


class TemplateScope(models.TextChoices):
    PROJECT = "project", _("帮扶项目")
    PAIRING = "pairing", _("结对")
    BOTH = "both", _("项目和结对")


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("培训")
    EXCHANGE = "exchange", _("交流活动")
    VOLUNTEER = "volunteer", _("志愿服务 / 支教")
    LECTURE = "lecture", _("讲学 / 讲座")
    TEACHING_RESEARCH = "teaching_research", _("教研指导")
    PLACEMENT = "placement", _("挂职 / 跟岗")
    MEETING = "meeting", _("会议 / 论坛")
    OTHER = "other", _("其他")


class ParticipantKind(models.TextChoices):
    ALL = "all", _("全部")
    TEACHERS = "teachers", _("教师")
    PRINCIPALS = "principals", _("校长 / 管理干部")
    STUDENTS = "students", _("学生 / 师范生")
    VOLUNTEERS = "volunteers", _("志愿者")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("起草中")
    SUBMITTED = "submitted", _("专家评审中")
    RETURNED = "returned", _("退回修改")
    APPROVED = "approved", _("已通过")


class Verdict(models.TextChoices):
    APPROVE = "approve", _("同意通过")
    REVISE = "revise", _("修改后再审")


class MeetingKind(models.TextChoices):
    JOINT = "joint", _("联席会议")
    LEADING_GROUP = "leading_group", _("领导小组会议")
    EXPERT_COMMITTEE = "expert_committee", _("专家委员会会议")
    OFFICE = "office", _("组团办公室工作会议")
