"""factory_boy factories for ad-hoc test data; the fixed world lives in tests/world.py."""

import datetime as dt

import factory

from pairings.choices import PairingKind
from pairings.models import Pairing
from programmes.models import Phase, PhaseKind, Programme, ProgrammeLevel
from schools.models import Institution, InstitutionKind, Region, RegionLevel


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90 + n % 9}")
    name = factory.Sequence(lambda n: f"测试省{n}")
    level = RegionLevel.PROVINCE
    parent = None


class InstitutionFactory(factory.django.DjangoModelFactory[Institution]):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"测试师范学院{n}")
    kind = InstitutionKind.NORMAL_COLLEGE
    region = factory.SubFactory(RegionFactory)


class ProgrammeFactory(factory.django.DjangoModelFactory[Programme]):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"测试计划{n}")
    short_name = factory.Sequence(lambda n: f"测试{n}")
    slug = factory.Sequence(lambda n: f"test-{n}")
    level = ProgrammeLevel.NATIONAL
    issuing_authority = "教育部办公厅"
    starts_on = dt.date(2022, 1, 1)
    ends_on = dt.date(2025, 12, 31)


class PhaseFactory(factory.django.DjangoModelFactory[Phase]):
    class Meta:
        model = Phase

    programme = factory.SubFactory(ProgrammeFactory)
    kind = PhaseKind.ROUND
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"第{o.number}轮")
    starts_on = factory.LazyAttribute(lambda o: o.programme.starts_on)
    ends_on = factory.LazyAttribute(lambda o: o.programme.ends_on)


class PairingFactory(factory.django.DjangoModelFactory[Pairing]):
    class Meta:
        model = Pairing

    programme = factory.SubFactory(ProgrammeFactory)
    kind = PairingKind.UNIVERSITY_COLLEGE
    supporter = factory.SubFactory(InstitutionFactory, kind=InstitutionKind.NORMAL_UNIVERSITY)
    supported = factory.SubFactory(InstitutionFactory)
