"""Regions: the national divisions load once, short names resolve, the tree nests by code."""

import pytest
from django.core.exceptions import ValidationError

from schools.models import Region, RegionLevel, Zone
from schools.services import regions_load_country, short_name_for
from tests.world import World


@pytest.mark.parametrize(
    ("name", "level", "short"),
    [
        ("阿坝藏族羌族自治州", RegionLevel.PREFECTURE, "阿坝州"),
        ("凉山彝族自治州", RegionLevel.PREFECTURE, "凉山州"),
        ("黔东南苗族侗族自治州", RegionLevel.PREFECTURE, "黔东南州"),
        ("乳源瑶族自治县", RegionLevel.COUNTY, "乳源县"),
        ("双江拉祜族佤族布朗族傣族自治县", RegionLevel.COUNTY, "双江县"),
        ("广西壮族自治区", RegionLevel.PROVINCE, "广西"),
        ("四川省", RegionLevel.PROVINCE, "四川"),
        ("阜阳市", RegionLevel.PREFECTURE, "阜阳"),
        ("美姑县", RegionLevel.COUNTY, ""),
    ],
)
def test_short_names_people_write(name: str, level: str, short: str) -> None:
    assert short_name_for(name, level) == short


@pytest.mark.django_db
def test_country_loads_once_with_every_level() -> None:
    added = regions_load_country()
    assert Region.objects.filter(level=RegionLevel.PROVINCE).count() == 31
    assert Region.objects.filter(level=RegionLevel.PREFECTURE).count() == 342
    assert Region.objects.filter(level=RegionLevel.COUNTY).count() == 3056
    assert added == 31 + 342 + 3056
    assert regions_load_country() == 0  # idempotent

    aba = Region.objects.matching("阿坝州").get()
    assert aba.parent is not None
    assert aba.name == "阿坝藏族羌族自治州" and aba.parent.name == "四川省"
    meigu = Region.objects.get(name="美姑县")
    assert meigu.full_name == "四川省凉山彝族自治州美姑县"
    assert meigu.is_within(aba.parent) and not meigu.is_within(aba)

    # Guangdong's assessment zones reach cities and their counties (seed 004 annex 4).
    assert Region.objects.get(name="梅州市").zone == Zone.EAST_WEST_NORTH
    assert Region.objects.get(name="大埔县").zone == Zone.EAST_WEST_NORTH
    assert Region.objects.get(name="东莞市").zone == Zone.PEARL_RIVER_DELTA
    assert Region.objects.filter(parent__name="广东省", zone="").count() == 0
    assert Region.objects.exclude(code__startswith="44").exclude(zone="").count() == 0


def test_region_levels_must_nest(world: World) -> None:
    county = Region(
        code="341299", name="测试县", level=RegionLevel.COUNTY, parent=world.region("安徽省")
    )
    with pytest.raises(ValidationError) as excinfo:
        county.full_clean()
    assert excinfo.value.message_dict["parent"] == [
        "“测试县”的上级必须是地级（地、市、州、盟）地区。"
    ]

    orphan = Region(code="3499", name="测试市", level=RegionLevel.PREFECTURE)
    with pytest.raises(ValidationError) as excinfo:
        orphan.full_clean()
    assert excinfo.value.message_dict["parent"] == ["地级和县级地区必须填写上级地区。"]


def test_county_flags_only_on_counties(world: World) -> None:
    city = world.region("阜阳市")
    city.is_poverty_alleviated_county = True
    with pytest.raises(ValidationError) as excinfo:
        city.full_clean()
    assert "欠发达县标记只能用于县级地区。" in excinfo.value.messages
    meigu = world.region("美姑县")
    assert meigu.is_underdeveloped_county
