import json

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Role
from accounts.services import affiliation_add
from schools.models import InstitutionKind, Region
from schools.services import COUNTRY_DIVISIONS, institution_ensure, regions_load_country


@pytest.fixture
def guangdong_regions(db, tmp_path) -> None:
    """Guangdong's real regions and zones alone (the whole country takes longer)."""
    country = json.loads(COUNTRY_DIVISIONS.read_text(encoding="utf-8"))
    path = tmp_path / "guangdong.json"
    path.write_text(json.dumps([p for p in country if p["code"] == "44"]), encoding="utf-8")
    regions_load_country(path)


@pytest.fixture
def guangdong_officer(guangdong_regions):
    """A user of 广东省教育厅, who oversees the province."""
    department = institution_ensure(
        name="广东省教育厅",
        kind=InstitutionKind.PROVINCIAL_DEPARTMENT,
        region=Region.objects.get(code="44"),
    )
    user = get_user_model().objects.create_user("gd_officer")
    affiliation_add(user=user, institution=department, role=Role.PROVINCIAL_OFFICER)
    return user
