"""The assessment pages: who sees what before and after publication, the weights table's
errors, a reviewer's entry with evidence, and query counts that do not grow with parties."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services
from assessments.models import AssessmentEntry, AssessmentRun, AssessmentScheme, Rule, Source
from schools.models import Institution, InstitutionKind
from tests.assessments.conftest import Guangdong, scheme_with
from tests.assessments.test_scoring import run_scoring

D = Decimal
SPEC = [
    ("1", "学位供给", {}, {"prd": 60, "ewn": 40}),
    (
        "1.1",
        "新增公办学位完成率",
        {"rule": Rule.ATTAINMENT, "source": Source.IMPORTED},
        {"prd": 100, "ewn": 100},
    ),
    ("2", "帮扶实绩", {"rule": Rule.MANUAL, "source": Source.ENTERED}, {"prd": 40, "ewn": 60}),
]


@pytest.fixture
def scored(gd: Guangdong, django_capture_on_commit_callbacks) -> AssessmentRun:
    scheme = scheme_with(gd, SPEC)
    for code, value in {"4401": 900, "4405": 300}.items():
        AssessmentEntry.objects.create(
            indicator=scheme.indicators.get(code="1.1"),
            party=gd.bureau(code),
            value=D(value),
            target=D(1000),
            source=Source.IMPORTED,
        )
    return run_scoring(gd, scheme, django_capture_on_commit_callbacks)


def test_parties_see_their_own_result_only_after_publication(
    client, gd: Guangdong, scored: AssessmentRun
) -> None:
    own = scored.results.get(party=gd.bureau("4405"))
    other = scored.results.get(party=gd.bureau("4401"))
    client.force_login(gd.shantou)
    assert client.get(reverse("assessments:result", args=[own.pk])).status_code == 404
    assert client.get(reverse("assessments:run", args=[scored.pk])).status_code == 404
    assert client.get(reverse("assessments:scheme", args=[scored.scheme_id])).status_code == 404
    assert "汕头" not in client.get(reverse("assessments:list")).content.decode()

    services.run_publish(user=gd.officer, run=scored)
    page = client.get(reverse("assessments:result", args=[own.pk]))
    assert page.status_code == 200
    assert "30.00" in page.content.decode()  # 300 ÷ 1000 → 30.00 on 1.1
    assert client.get(reverse("assessments:result", args=[other.pk])).status_code == 404
    assert client.get(reverse("assessments:run", args=[scored.pk])).url == reverse(
        "assessments:result", args=[own.pk]
    )
    assert client.get(reverse("assessments:weights", args=[scored.scheme_id])).status_code == 403
    listing = client.get(reverse("assessments:list")).content.decode()
    assert reverse("assessments:result", args=[own.pk]) in listing
    assert reverse("assessments:result", args=[other.pk]) not in listing

    services.run_withdraw(user=gd.officer, run=scored)
    assert client.get(reverse("assessments:result", args=[own.pk])).status_code == 404


def test_another_province_sees_nothing_and_the_province_sees_all(
    client, gd: Guangdong, scored: AssessmentRun
) -> None:
    client.force_login(gd.outsider)
    for url in (
        reverse("assessments:scheme", args=[scored.scheme_id]),
        reverse("assessments:run", args=[scored.pk]),
        reverse("assessments:result", args=[scored.results.first().pk]),  # type: ignore[union-attr]
        reverse("assessments:data", args=[scored.scheme_id]),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(gd.officer)
    page = client.get(reverse("assessments:run", args=[scored.pk]))
    assert page.status_code == 200
    labels = [g.label for g in page.context["comparison"]]
    assert labels == [
        "珠三角地区 · 地级市",
        "珠三角地区 · 县（市、区）",
        "粤东粤西粤北地区 · 地级市",
        "粤东粤西粤北地区 · 县（市、区）",
    ]


def test_weights_table_names_the_wrong_sum_and_saves_nothing(client, gd: Guangdong) -> None:
    scheme = scheme_with(gd, SPEC)
    client.force_login(gd.officer)
    form = client.get(reverse("assessments:weights", args=[scheme.pk])).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    top = scheme.indicators.get(code="2")
    data[f"w-{top.pk}-prd"] = "30"
    page = client.post(reverse("assessments:weights", args=[scheme.pk]), data)
    assert page.status_code == 200
    assert "珠三角地区：一级指标权重合计为 90，应为 100。" in page.content.decode()
    assert top.weights.get(column="prd").weight == D(40)


def test_a_reviewer_enters_a_score_with_evidence(client, gd: Guangdong, settings) -> None:
    scheme = scheme_with(gd, SPEC)
    scheme.reviewers.add(gd.shantou)  # reviewers need not belong to the province
    indicator = scheme.indicators.get(code="2")
    party = gd.bureau("4414")
    url = reverse("assessments:entry", args=[scheme.pk, indicator.pk, party.pk])
    client.force_login(gd.shantou)
    not_assessed = reverse("assessments:entry", args=[scheme.pk, indicator.pk, gd.university.pk])
    assert client.get(not_assessed).status_code == 404  # a university is no party by zone
    refused = client.post(url, {"value": "120", "evidence": "实地查看"})
    assert "0 到 100" in refused.content.decode()
    no_evidence = client.post(url, {"value": "88", "evidence": ""})
    assert no_evidence.status_code == 200 and not AssessmentEntry.objects.exists()
    pdf = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    saved = client.post(url, {"value": "88", "evidence": "实地查看帮扶项目", "file": pdf})
    assert saved.status_code == 302
    entry = AssessmentEntry.objects.get()
    assert (entry.value, entry.source, entry.recorded_by) == (D(88), Source.ENTERED, gd.shantou)
    stored = entry.files.get()
    assert client.get(reverse("assessments:evidence", args=[stored.pk])).status_code == 200
    client.force_login(gd.outsider)
    assert client.get(reverse("assessments:evidence", args=[stored.pk])).status_code == 404
    assert client.post(url, {"value": "10", "evidence": "x"}).status_code == 404


def _more_counties(gd: Guangdong, n: int) -> None:
    county = gd.regions["441422"]
    for i in range(n):
        Institution.objects.create(
            name=f"大埔县第{i}教育管理中心", kind=InstitutionKind.COUNTY_BUREAU, region=county
        )


@pytest.mark.parametrize("extra", [0, 12])
def test_pages_query_counts_do_not_grow_with_parties(
    client,
    gd: Guangdong,
    extra: int,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
) -> None:
    _more_counties(gd, extra)
    scheme = scheme_with(gd, SPEC)
    run = run_scoring(gd, scheme, django_capture_on_commit_callbacks)
    result = run.results.first()
    assert result is not None
    client.force_login(gd.officer)
    # session, user, scope (4 grant reads), the scheme, tree + weights, problems' tree, runs,
    # versions
    with django_assert_max_num_queries(16):
        assert client.get(reverse("assessments:scheme", args=[scheme.pk])).status_code == 200
    # … the run, results, first-level indicators and scores, the comparison, the means
    with django_assert_max_num_queries(14):
        assert client.get(reverse("assessments:run", args=[run.pk])).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(reverse("assessments:result", args=[result.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("assessments:data", args=[scheme.pk])).status_code == 200
    assert AssessmentScheme.objects.count() == 1
