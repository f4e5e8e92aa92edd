"""The projects app's models, one module per kind of thing (STYLE: split past ~600 lines)."""

from projects.models.activities import Activity
from projects.models.indicators import (
    DeliverableItem,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    IndicatorTemplate,
)
from projects.models.plans import (
    PlanAttachment,
    PlanEvent,
    PlanReview,
    PlanReviewer,
    PlanVersion,
    SchoolPlan,
)
from projects.models.project import (
    Milestone,
    Project,
    ProjectMember,
    ProjectStatusChange,
    ResponsibleUnit,
)
from projects.models.visits import Meeting, Visit

__all__ = [
    "Activity",
    "DeliverableItem",
    "Indicator",
    "IndicatorActual",
    "IndicatorTarget",
    "IndicatorTemplate",
    "Meeting",
    "Milestone",
    "PlanAttachment",
    "PlanEvent",
    "PlanReview",
    "PlanReviewer",
    "PlanVersion",
    "Project",
    "ProjectMember",
    "ProjectStatusChange",
    "ResponsibleUnit",
    "SchoolPlan",
    "Visit",
]
