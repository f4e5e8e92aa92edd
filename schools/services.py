"""Writes for regions and institutions."""

import json
import re
from pathlib import Path

from django.db import transaction

from config.services import get_or_create_validated
from schools.models import Contact, Institution, Region, RegionLevel, Zone

COUNTRY_DIVISIONS = Path(__file__).resolve().parent / "data" / "pca-code.json"

# The 55 minority nationalities, longest first, so "阿坝藏族羌族自治州" shortens to "阿坝州".
_ETHNIC_GROUPS = sorted(
    [
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
        "满",
        "侗",
        "瑶",
        "白",
        "土家",
        "哈尼",
        "哈萨克",
        "傣",
        "黎",
        "傈僳",
        "佤",
        "畲",
        "高山",
        "拉祜",
        "水",
        "东乡",
        "纳西",
        "景颇",
        "柯尔克孜",
        "土",
        "达斡尔",
        "仫佬",
        "羌",
        "布朗",
        "撒拉",
        "毛南",
        "仡佬",
        "锡伯",
        "阿昌",
        "普米",
        "塔吉克",
        "怒",
        "乌孜别克",
        "俄罗斯",
        "鄂温克",
        "德昂",
        "保安",
        "裕固",
        "京",
        "塔塔尔",
        "独龙",
        "鄂伦春",
        "赫哲",
        "门巴",
        "珞巴",
        "基诺",
    ],
    key=len,
    reverse=True,
)
_AUTONOMOUS_SUFFIX = {"自治州": "州", "自治县": "县", "自治旗": "旗"}
_PROVINCE_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")

# Guangdong's two assessment zones (seed 004 annex 4).
GUANGDONG_ZONES = {
    Zone.PEARL_RIVER_DELTA: "广州 深圳 珠海 佛山 惠州 东莞 中山 江门 肇庆",
    Zone.EAST_WEST_NORTH: "汕头 韶关 河源 梅州 汕尾 阳江 湛江 茂名 清远 潮州 揭阳 云浮",
}


def short_name_for(name: str, level: str) -> str:
    """The short form people write in spreadsheets, or "" when the name is already short."""
    if level == RegionLevel.PROVINCE:
        short = _PROVINCE_SUFFIX.sub("", name)
        return short if short != name else ""
    for suffix, replacement in _AUTONOMOUS_SUFFIX.items():
        if name.endswith(suffix):
            stem = name.removesuffix(suffix)
            stripped = True
            while stripped:
                stripped = False
                for group in _ETHNIC_GROUPS:
                    if stem.endswith(group + "族") and len(stem) > len(group) + 2:
                        stem = stem.removesuffix(group + "族")
                        stripped = True
                        break
            return stem + replacement
    if level == RegionLevel.PREFECTURE and name.endswith(("市", "地区", "盟")) and len(name) > 2:
        return re.sub(r"(市|地区)$", "", name)
    return ""


@transaction.atomic
def regions_load_country(path: Path = COUNTRY_DIVISIONS) -> int:
    """Load every province, prefecture and county of the country; returns how many were added.

    Idempotent: regions already present (by code) are left alone.
    """
    tree = json.loads(path.read_text(encoding="utf-8"))
    existing = set(Region.objects.values_list("code", flat=True))
    added = 0
    levels = (RegionLevel.PROVINCE, RegionLevel.PREFECTURE, RegionLevel.COUNTY)
    # One bulk insert per level, parents first, so children can point at saved parents.
    layer: list[tuple[dict, str | None]] = [(node, None) for node in tree]
    for level in levels:
        new = [
            Region(
                code=node["code"],
                name=node["name"],
                short_name=short_name_for(node["name"], level),
                level=level,
            )
            for node, _parent in layer
            if node["code"] not in existing
        ]
        parents = dict(
            Region.objects.filter(code__in={p for _n, p in layer if p}).values_list("code", "id")
        )
        parent_of = {node["code"]: parent for node, parent in layer}
        for region in new:
            parent_code = parent_of[region.code]
            region.parent_id = parents.get(parent_code) if parent_code else None
        Region.objects.bulk_create(new, batch_size=1000)
        added += len(new)
        layer = [(child, node["code"]) for node, _p in layer for child in node.get("children", [])]
    regions_set_guangdong_zones()
    return added


def regions_set_guangdong_zones() -> None:
    guangdong = Region.objects.filter(code="44").first()
    if guangdong is None:
        return
    for zone, cities in GUANGDONG_ZONES.items():
        names = [f"{city}市" for city in cities.split()]
        cities_qs = Region.objects.filter(parent=guangdong, name__in=names)
        Region.objects.filter(pk__in=cities_qs).update(zone=zone)
        Region.objects.filter(parent__in=cities_qs).update(zone=zone)


def institution_ensure(
    *,
    name: str,
    kind: str,
    region: Region,
    short_name: str = "",
    cluster: str = "",
    is_demo: bool = False,
) -> Institution:
    """Get the institution of that name, creating it (validated) when missing."""
    return get_or_create_validated(
        Institution,
        {"name": name},
        kind=kind,
        region=region,
        short_name=short_name,
        cluster=cluster,
        is_demo=is_demo,
    )


def contact_ensure(*, institution: Institution, name: str, **fields: object) -> Contact:
    return get_or_create_validated(Contact, {"institution": institution, "name": name}, **fields)
