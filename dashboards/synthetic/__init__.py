"""Synthetic reporting data for the dashboards (issue #9).

`scale.py` builds a whole programme at Guangdong scale (manage.py generate_scale_data) to
measure the dashboards against; programmes/demo/guangdong_work.py gives the demo Guangdong
programme projects and reports. Both go through the same building blocks (`blocks.py`).
"""

from dashboards.synthetic.blocks import (
    DEFAULT_PROFILE,
    PairingRow,
    Profile,
    ProjectRow,
    parties_by_period,
    prefecture_profiles,
    projects_create,
    reports_create,
)
from dashboards.synthetic.scale import (
    DEFAULT_SLUG,
    REFERENCE_DATE,
    name_prefix,
    scale_data_delete,
    scale_data_generate,
)

__all__ = [
    "DEFAULT_PROFILE",
    "DEFAULT_SLUG",
    "REFERENCE_DATE",
    "PairingRow",
    "Profile",
    "ProjectRow",
    "name_prefix",
    "parties_by_period",
    "prefecture_profiles",
    "projects_create",
    "reports_create",
    "scale_data_delete",
    "scale_data_generate",
]
