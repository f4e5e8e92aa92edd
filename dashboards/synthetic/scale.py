"""The synthetic Guangdong-scale programme (manage.py generate_scale_data).

About 3,000 institutions over the real Guangdong regions, three rounds of the seven kinds of
pairing of seed 004 annex 2 (珠三角 supports 粤东粤西粤北), ~5,000 projects and 20 quarters of
reports with ~500,000 indicator values at scale 1, all dated against REFERENCE_DATE and drawn
from one seeded random.Random in a fixed order (never by database id), so a seed always
gives the same data. Institutions are is_demo and named with a prefix per programme
("规模测试·连州市第12小学"), so --replace finds them again.
"""

import datetime as dt
import itertools
import random
import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dashboards.services import summaries_refresh
from dashboards.synthetic.blocks import (
    BATCH,
    Log,
    PairingRow,
    parties_by_period,
    prefecture_profiles,
    projects_create,
    reports_create,
    templates_copy,
    whole,
)
from pairings.choices import PairingKind
from pairings.models import Pairing
from programmes.demo import guangdong as demo
from programmes.demo import guangdong_data as data
from programmes.models import ContentArea, Phase, PhaseKind, Programme, ProgrammeLevel
from reports.models import ReportingPeriod
from reports.periods import DUE_AFTER_END, LOCK_AFTER_DUE, period_name
from schools.models import Institution, Region, RegionLevel, Zone
from schools.models import InstitutionKind as K

DEFAULT_SLUG = "guangdong-scale"
REFERENCE_DATE = dt.date(2026, 10, 20)  # the scale data's "today": 2026 Q3 was due ten days ago
FIRST_QUARTER, LAST_QUARTER = dt.date(2021, 10, 1), dt.date(2026, 7, 1)
ROUND_ONE_STARTS = dt.date(2021, 10, 1)  # pairings were set up in late 2021 (annex 2, 第2条)

# Per round at scale 1 (annex 2: ~1,000 school pairs, 140 non-normal colleges, 15 normal
# colleges, 99 teaching-research pairs); city and county pairs follow the regions loaded.
SCHOOL_PAIRS, INTRA_REGION_PAIRS, TEACHING_RESEARCH_PAIRS = 1050, 110, 99
NORMAL_COLLEGES, NON_NORMAL_COLLEGES = 15, 140
SCHOOL_KINDS = [
    (K.PRIMARY_SCHOOL, "小学", 45),
    (K.MIDDLE_SCHOOL, "初级中学", 24),
    (K.HIGH_SCHOOL, "高级中学", 10),
    (K.NINE_YEAR_SCHOOL, "九年一贯制学校", 8),
    (K.KINDERGARTEN, "幼儿园", 10),
    (K.TEACHING_POINT, "教学点", 3),
]
# Projects per pairing in rounds 1–2 (a tenth of that in round 3), and the areas they are in.
PROJECTS_PER_PAIRING: dict[str, float] = {
    PairingKind.CITY_CITY: 4.0,
    PairingKind.COUNTY_COUNTY: 3.0,
    PairingKind.NORMAL_COLLEGE_CITY: 4.0,
    PairingKind.NON_NORMAL_COLLEGE_AREA: 2.0,
    PairingKind.TEACHING_RESEARCH: 2.0,
    PairingKind.SCHOOL_SCHOOL: 1.5,
    PairingKind.INTRA_REGION: 1.5,
}


def name_prefix(slug: str) -> str:
    """What the generated institutions' names start with (one prefix per programme)."""
    return "规模测试·" if slug == DEFAULT_SLUG else f"规模测试〔{slug}〕·"


class _Units:
    """The synthetic institutions, named after their region, kept in memory until saved."""

    def __init__(self, prefix: str, counties: list[Region]) -> None:
        self.prefix = prefix
        self.rows: list[Institution] = []
        self.numbers: Counter[tuple[str, str]] = Counter()
        names = Counter(c.name for c in counties)
        self.unique = {name for name, n in names.items() if n == 1}

    def add(self, label: str, kind: str, region: Region, short: str = "") -> Institution:
        institution = Institution(
            name=self.prefix + label,
            short_name=short or label,
            kind=kind,
            region=region,
            is_demo=True,
        )
        self.rows.append(institution)
        return institution

    def place(self, region: Region) -> str:
        if region.level != RegionLevel.COUNTY:
            return region.name
        if region.name in self.unique and region.name.endswith(("县", "市")):
            return region.name  # 连州市, 始兴县: known by themselves
        assert region.parent is not None
        return region.parent.name + region.name

    def bureau(self, region: Region) -> Institution:
        if region.level != RegionLevel.COUNTY:
            return self.add(f"{region.name}教育局", K.CITY_BUREAU, region)
        suffix = "教育管理中心" if region.name.endswith(("镇", "街道")) else "教育局"
        return self.add(self.place(region) + suffix, K.COUNTY_BUREAU, region)

    def research(self, region: Region) -> Institution:
        if region.level != RegionLevel.COUNTY:
            return self.add(f"{region.name}教育科学研究院", K.TEACHING_RESEARCH, region)
        return self.add(f"{self.place(region)}教师发展中心", K.TEACHER_DEVELOPMENT, region)

    def school(self, county: Region, kind: str, suffix: str) -> Institution:
        self.numbers[county.code, suffix] += 1
        number = self.numbers[county.code, suffix]
        return self.add(f"{self.place(county)}第{number}{suffix}", kind, county)


Pair = tuple[str, Institution, Institution]
Key = tuple[str, str]  # (city name, county name), as guangdong_data writes them


def _spread[T](items: list[T], share: float) -> list[T]:
    n = max(1, min(len(items), round(len(items) * share)))
    return [items[i * len(items) // n] for i in range(n)]


def _round_one(
    units: _Units, rng: random.Random, scale: float, counties: list[Region], cities: list[Region]
) -> list[Pair]:
    """Round 1's pairings of all seven kinds: 珠三角 supports 粤东粤西粤北, following the
    demo's city and county pairs where those regions are in use; school pairs follow the
    county pairs; intra-region pairs stay inside one 粤东粤西粤北 city."""
    ewn = _spread([c for c in counties if c.zone == Zone.EAST_WEST_NORTH], scale)
    prd = _spread([c for c in counties if c.zone == Zone.PEARL_RIVER_DELTA], scale)
    used = list(dict.fromkeys(c.parent for c in ewn + prd if c.parent is not None))
    ewn_cities = [c for c in used if c.zone == Zone.EAST_WEST_NORTH]
    prd_cities = [c for c in used if c.zone == Zone.PEARL_RIVER_DELTA]
    bureau = {r.code: units.bureau(r) for r in used + ewn + prd}
    research = {r.code: units.research(r) for r in used + ewn + prd}
    partner: dict[str, Region] = {}
    pairs: list[Pair] = []

    def follow(kind: str, ours: list[Region], theirs: list[Region], wanted: dict[Key, Key]) -> None:
        by_key = {(c.parent.name if c.parent else "", c.name): c for c in theirs}
        spare = _cycle(rng.sample(theirs, len(theirs)))
        for region in ours:
            key = wanted.get((region.parent.name if region.parent else "", region.name))
            partner[region.code] = (by_key.get(key) if key else None) or next(spare)
            pairs.append((kind, bureau[partner[region.code].code], bureau[region.code]))

    city_pairs = {("广东省", t): ("广东省", s) for s, t in data.CITY_PAIRS}
    follow(PairingKind.CITY_CITY, ewn_cities, prd_cities, city_pairs)
    follow(PairingKind.COUNTY_COUNTY, ewn, prd, {t: s for s, t in data.COUNTY_PAIRS})

    city_named = {c.name: c for c in cities}
    targets = _cycle(ewn_cities)
    for name, short, city, target, kind in data.NORMAL_COLLEGES[: _count(NORMAL_COLLEGES, scale)]:
        college = units.add(name, kind, city_named.get(city, prd_cities[0]), short)
        area = next((c for c in ewn_cities if c.name == target), None) or next(targets)
        pairs.append((PairingKind.NORMAL_COLLEGE_CITY, college, bureau[area.code]))
    areas = _cycle(rng.sample(ewn_cities + ewn, len(ewn_cities + ewn)))
    for name, city, kind in data.NON_NORMAL_COLLEGES[: _count(NON_NORMAL_COLLEGES, scale)]:
        college = units.add(name, kind, city_named.get(city, prd_cities[0]))
        pairs.append((PairingKind.NON_NORMAL_COLLEGE_AREA, college, bureau[next(areas).code]))

    wanted_research = _count(TEACHING_RESEARCH_PAIRS, scale)
    found = [(research[partner[r.code].code], research[r.code]) for r in ewn_cities + ewn]
    found = rng.sample(found, min(len(found), wanted_research))
    helpers = [research[r.code] for r in prd_cities + prd]
    helped = [research[r.code] for r in ewn_cities + ewn]
    for _attempt in range(10 * wanted_research):
        if len(found) >= wanted_research:
            break
        pair = (rng.choice(helpers), rng.choice(helped))
        if pair not in found:
            found.append(pair)
    pairs += [(PairingKind.TEACHING_RESEARCH, s, t) for s, t in found]

    weights = [3 if c.name.endswith(("县", "市")) else 1 for c in ewn]  # rural counties first
    supporters: dict[tuple[str, str], list[Institution]] = {}
    for county in rng.choices(ewn, weights, k=_count(SCHOOL_PAIRS, scale)):
        kind, suffix, _w = rng.choices(SCHOOL_KINDS, [w for *_ks, w in SCHOOL_KINDS])[0]
        supported = units.school(county, kind, suffix)
        if kind == K.TEACHING_POINT:  # a teaching point is helped by a primary school
            kind, suffix = K.PRIMARY_SCHOOL, "小学"
        pool = supporters.setdefault((partner[county.code].code, kind), [])
        if pool and rng.random() < 0.05:  # now and then one school supports two
            helper = rng.choice(pool)
        else:
            helper = units.school(partner[county.code], kind, suffix)
            pool.append(helper)
        pairs.append((PairingKind.SCHOOL_SCHOOL, helper, supported))

    by_city: dict[str, list[Region]] = {}
    for county in ewn:
        by_city.setdefault(county.code[:4], []).append(county)
    for _n in range(_count(INTRA_REGION_PAIRS, scale)):
        inside = by_city[rng.choice(ewn_cities).code]
        urban = next((c for c in inside if c.name.endswith("区")), inside[0])
        rural = rng.choice([c for c in inside if c is not urban] or inside)
        kind, suffix = rng.choice([(K.PRIMARY_SCHOOL, "小学"), (K.MIDDLE_SCHOOL, "初级中学")])
        helper = units.school(urban, kind, suffix)
        pairs.append((PairingKind.INTRA_REGION, helper, units.school(rural, kind, suffix)))
    return pairs


def _count(base: int, scale: float) -> int:
    return max(1, round(base * scale))


def _cycle[T](items: list[T]) -> Iterator[T]:
    return itertools.cycle(items)


def _next_round(pairs: list[Pair], rng: random.Random) -> list[Pair]:
    """Most pairs go on into the next round; about one in eight changes its supporter (for
    an intra-region pair, to another school of the same city)."""
    pools: dict[str, list[Institution]] = {}
    for kind, supporter, _supported in pairs:
        pools.setdefault(kind, []).append(supporter)
    originals = {(s.name, t.name) for _k, s, t in pairs}
    result = []
    for kind, supporter, supported in pairs:
        if rng.random() < 0.12:
            other = rng.choice(pools[kind])
            same_city = other.region.code[:4] == supported.region.code[:4]
            key = (other.name, supported.name)
            if key not in originals and (kind != PairingKind.INTRA_REGION or same_city):
                originals.add(key)
                supporter = other
        result.append((kind, supporter, supported))
    return result


def _quarters(programme: Programme) -> list[ReportingPeriod]:
    """The 20 quarters 2021 Q4 … 2026 Q3, dated as reports.periods dates them."""
    periods = []
    start = FIRST_QUARTER
    while start <= LAST_QUARTER:
        month = start.month + 2
        end = dt.date(start.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        due = end + DUE_AFTER_END
        periods.append(
            ReportingPeriod(
                programme=programme,
                name=period_name(start, 3),
                starts_on=start,
                ends_on=end,
                opens_on=start,
                due_on=due,
                locks_on=due + LOCK_AFTER_DUE,
            )
        )
        start = end + dt.timedelta(days=1)
    return ReportingPeriod.objects.bulk_create(periods)


def _regions() -> tuple[Region, list[Region], list[Region]]:
    """Guangdong, its prefectures and its counties (with their assessment zones)."""
    province = Region.objects.filter(code="44").first()
    cities = list(Region.objects.filter(parent__code="44").order_by("code"))
    counties = list(
        Region.objects.filter(
            parent__parent__code="44", zone__in=[Zone.PEARL_RIVER_DELTA, Zone.EAST_WEST_NORTH]
        )
        .select_related("parent")
        .order_by("code")
    )
    if province is None or {c.zone for c in counties} != {
        Zone.PEARL_RIVER_DELTA,
        Zone.EAST_WEST_NORTH,
    }:
        raise ValidationError(
            _(
                "广东省的行政区划尚未载入（需要珠三角和粤东粤西粤北的市、县及其考核区域）。"
                "请先运行 manage.py load_demo（或 schools.services.regions_load_country）。"
            )
        )
    return province, cities, counties


def scale_data_delete(slug: str) -> None:
    """Remove a generated programme with everything under it, and its institutions."""
    _delete(Programme.objects.filter(slug=slug))
    _delete(Institution.objects.filter(is_demo=True, name__startswith=name_prefix(slug)))


def _delete(rows: QuerySet, depth: int = 0) -> None:
    """Delete the rows and, first, whatever points at them — PROTECTed rows too, since
    whatever was built on generated data goes with it; nulled where the relation says
    SET_NULL — by subquery, without loading a row. The data went in without signals or
    history and goes the same way: Django's collector would load half a million rows and write
    a history row for every project (minutes instead of seconds)."""
    assert depth < 8, "unexpected cycle of relations"
    for relation in rows.model._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue
        field = relation.field  # type: ignore[union-attr]
        pointing = relation.related_model._base_manager.filter(**{f"{field.name}__in": rows})
        # A tree within one table (an indicator's parent) is cut first: a nullable link to a
        # row of the same table would otherwise be followed without end.
        self_link = relation.related_model is rows.model and field.null
        if field.remote_field.on_delete is models.SET_NULL or self_link:
            pointing.update(**{field.name: None})
        elif field.remote_field.on_delete is not models.DO_NOTHING:
            _delete(pointing, depth + 1)
    rows._raw_delete(rows.db)  # the DELETE the collector itself issues when it can


def _analyze() -> None:
    """Fresh planner statistics after the bulk load (as load_demo's _analyze)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class _Clock:
    def __init__(self, log: Log) -> None:
        self.log = log
        self.started = self.last = time.perf_counter()

    def step(self, what: str) -> None:
        now = time.perf_counter()
        self.log(f"{what}（{now - self.last:.1f} 秒）")
        self.last = now

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started


def scale_data_generate(
    *,
    scale: float = 1.0,
    seed: int = 2021,
    slug: str = DEFAULT_SLUG,
    replace: bool = False,
    log: Log = print,
) -> Programme:
    """Build the synthetic Guangdong-scale programme `slug` (see the module docstring)."""
    if scale <= 0:
        raise ValidationError(_("规模（--scale）必须大于 0。"))
    clock = _Clock(log)
    rng = random.Random(seed)  # noqa: S311 — test data, not secrets
    with transaction.atomic():
        exists = (
            Programme.objects.filter(slug=slug).exists()
            or Institution.objects.filter(is_demo=True, name__startswith=name_prefix(slug)).exists()
        )
        if exists and not replace:
            raise ValidationError(
                _(
                    "计划“%(slug)s”已存在。如需重新生成，请加 --replace"
                    "（将删除该计划及其全部数据）。"
                )
                % {"slug": slug}
            )
        if exists:
            scale_data_delete(slug)
            clock.step(_("已删除原有的规模测试数据"))
        province, cities, counties = _regions()
        programme = _programme(province, slug)
        phases = list(programme.phases.order_by("number"))
        templates = templates_copy(programme)
        periods = _quarters(programme)
        profiles = prefecture_profiles(cities, rng)

        units = _Units(name_prefix(slug), counties)
        rounds = [_round_one(units, rng, scale, counties, cities)]
        rounds += [_next_round(rounds[-1], rng) for _n in phases[1:]]
        Institution.objects.bulk_create(units.rows, batch_size=BATCH)
        clock.step(_("单位：%(n)d 个") % {"n": len(units.rows)})

        pairings = []
        for phase, pairs, (*_r, status) in zip(phases, rounds, demo.ROUNDS, strict=True):
            starts_on = ROUND_ONE_STARTS if phase.number == 1 else phase.starts_on
            pairings += [
                Pairing(
                    programme=programme,
                    phase=phase,
                    kind=kind,
                    supporter=supporter,
                    supported=supported,
                    starts_on=starts_on,
                    ends_on=phase.ends_on,
                    status=status,
                    is_demo=True,
                )
                for kind, supporter, supported in pairs
            ]
        Pairing.objects.bulk_create(pairings, batch_size=BATCH)
        rows = [PairingRow.of(p) for p in pairings]
        clock.step(_("结对：%(n)d 对（%(r)d 轮）") % {"n": len(rows), "r": len(phases)})

        plan = [
            (
                row,
                whole(PROJECTS_PER_PAIRING[row.kind] * (0.1 if row.phase.number > 2 else 1), rng),
            )
            for row in rows
        ]
        projects = projects_create(
            programme=programme,
            plan=plan,
            templates=templates,
            profiles=profiles,
            rng=rng,
            today=REFERENCE_DATE,
            is_demo=True,
        )
        indicators = sum(len(p.indicators) for p in projects)
        clock.step(_("项目：%(n)d 个，指标 %(i)d 个") % {"n": len(projects), "i": indicators})

        reports, values = reports_create(
            periods=periods,
            reporters=parties_by_period(rows, periods),
            institutions={i.pk: i for i in units.rows},
            projects=projects,
            profiles=profiles,
            seed=seed,
            today=REFERENCE_DATE,
        )
        clock.step(_("季度报告：%(n)d 份，指标填报值 %(v)d 条") % {"n": reports, "v": values})
    clock.step(_("已提交（PostgreSQL 此时检查延迟的外键约束）"))
    _analyze()
    clock.step(_("已更新数据库统计信息（ANALYZE）"))
    summaries_refresh(programme=programme)
    clock.step(_("已重建看板汇总"))
    log(
        _(
            "完成：%(i)d 个单位，%(p)d 对结对，%(j)d 个项目，%(n)d 个指标，%(q)d 个报送期，"
            "%(r)d 份季度报告，%(v)d 条指标填报值；共用时 %(t).1f 分钟。"
        )
        % {
            "i": len(units.rows),
            "p": len(rows),
            "j": len(projects),
            "n": indicators,
            "q": len(periods),
            "r": reports,
            "v": values,
            "t": clock.total / 60,
        }
    )
    return programme


def _programme(province: Region, slug: str) -> Programme:
    suffix = "" if slug == DEFAULT_SLUG else f" {slug}"
    programme = Programme.objects.create(
        slug=slug,
        name=f"广东全口径结对帮扶（规模测试{suffix}）",
        short_name=f"广东规模测试{suffix}",
        level=ProgrammeLevel.PROVINCIAL,
        region=province,
        issuing_authority="广东省人民政府（示例）",
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2035, 12, 31),
        pairing_parties_report=True,
        exchange_funding_per_person_year=Decimal(40_000),
        description=(
            "由 manage.py generate_scale_data 生成的合成数据（非真实单位或真实结对），"
            "用于检验看板在全省规模下的速度。"
        ),
    )
    Phase.objects.bulk_create(
        Phase(
            programme=programme, kind=PhaseKind.ROUND, number=n, name=name, starts_on=s, ends_on=e
        )
        for n, name, s, e, _status in demo.ROUNDS
    )
    ContentArea.objects.bulk_create(
        ContentArea(programme=programme, code=code, name=name, description=text, order=order)
        for order, (code, name, text, _featured) in enumerate(demo.AREAS, start=1)
    )
    return programme
