"""Bulk test data at Guangdong scale, for the scoping benchmark (and its test).

Builds one provincial programme with `n_pairings` school pairings among `n_institutions`
generated schools spread over Guangdong's counties, all marked is_demo. Regions must be loaded.
"""

import datetime as dt

from django.db import transaction

from pairings.choices import PairingKind
from pairings.models import Pairing
from programmes.models import Programme, ProgrammeLevel
from schools.models import Institution, InstitutionKind, Region, RegionLevel


@transaction.atomic
def scale_data_build(*, n_institutions: int, n_pairings: int, tag: str) -> Programme:
    province = Region.objects.get(code="44")
    counties = list(
        Region.objects.filter(level=RegionLevel.COUNTY, code__startswith="44").order_by("code")
    )
    programme = Programme.objects.create(
        name=f"规模测试计划{tag}",
        short_name=f"规模测试{tag}",
        slug=f"scale-{tag}",
        level=ProgrammeLevel.PROVINCIAL,
        region=province,
        issuing_authority="示例",
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2035, 12, 31),
    )
    schools = Institution.objects.bulk_create(
        Institution(
            name=f"规模测试学校{tag}-{i:05d}",
            kind=InstitutionKind.PRIMARY_SCHOOL,
            region=counties[i % len(counties)],
            is_demo=True,
        )
        for i in range(n_institutions)
    )
    half = len(schools) // 2
    Pairing.objects.bulk_create(
        Pairing(
            programme=programme,
            kind=PairingKind.SCHOOL_SCHOOL,
            supporter=schools[i % half],
            supported=schools[half + (i * 7) % (len(schools) - half)],
            is_demo=True,
        )
        for i in range(n_pairings)
    )
    return programme
