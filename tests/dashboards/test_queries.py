"""The dashboards run a fixed number of queries whatever the size of the programme: each page
at two sizes of the synthetic Guangdong data (dashboards/synthetic), the counts compared."""

from django.db.models import Count
from django.urls import reverse

from dashboards.models import ReportSlot
from dashboards.synthetic import DEFAULT_SLUG, scale_data_generate
from programmes.models import Programme


def pages() -> dict[str, str]:
    """Every level of the drill-down, at its busiest place, plus the filters and late list."""
    programme = Programme.objects.get(slug=DEFAULT_SLUG)
    slots = ReportSlot.objects.filter(programme=programme)
    county = (
        slots.filter(region_code__regex=r"^\d{6}")
        .values("region_code")
        .annotate(n=Count("pk"))
        .order_by("-n", "region_code")[0]["region_code"]
    )
    institution = slots.values("institution").annotate(n=Count("pk")).order_by("-n")[0]
    base = reverse("dashboards:province") + f"?programme={DEFAULT_SLUG}"
    return {
        "province": base,
        "prefecture": f"{base}&region={county[:4]}",
        "county": f"{base}&region={county}",
        "institution": f"{base}&institution={institution['institution']}",
        "filtered": f"{base}&kind=primary_school&metric=timeliness&indicator=G12",
        "late": reverse("dashboards:late") + f"?programme={DEFAULT_SLUG}&all=1",
    }


# Queries: session + user (2), the scope (5), the programmes, rounds, quarters, region,
# templates (5); then one GROUP BY per figure — reports by place × quarter, institutions by
# place × kind, pairings by kind × both sides' places, projects by area × status, standings
# and targets by indicator × place × zone × standing, values by zone and by place, visits,
# the refresh time — and the child regions. Deeper levels add the region's parents (the
# breadcrumb) and, in a county, its institutions as rows. The late list: the page of slots.
MAX_QUERIES = {
    "province": 22,
    "prefecture": 23,
    "county": 25,
    "institution": 24,
    "filtered": 22,
    "late": 13,
}


def test_dashboard_queries_do_not_grow_with_the_data(
    client, guangdong_officer, django_assert_max_num_queries
) -> None:
    client.force_login(guangdong_officer)
    counts: dict[str, list[int]] = {name: [] for name in MAX_QUERIES}
    sizes = []
    for scale in (0.01, 0.03):
        scale_data_generate(scale=scale, replace=True, log=lambda *_a: None)
        client.get(pages()["province"])  # warm: content types and the like, read once
        sizes.append(ReportSlot.objects.count())
        for name, url in pages().items():
            with django_assert_max_num_queries(MAX_QUERIES[name]) as captured:
                response = client.get(url)
            assert response.status_code == 200, (name, url)
            counts[name].append(len(captured))
    assert sizes[1] > 2 * sizes[0]  # the second size really is larger
    assert all(a == b for a, b in counts.values()), counts
