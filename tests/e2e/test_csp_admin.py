"""The Django admin and django-import-export's export page run in Chromium under the site's
Content-Security-Policy without a single violation. The export page alone is relaxed, for
its three inline attributes by their hashes (pairings/admin.py), and its "select all"
toggle works; every other page keeps the strict policy. One page of ours for comparison."""

import pytest
from django.urls import reverse

from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)

# Records every violation the page reports (the init script is Playwright's, not the page's:
# the policy does not apply to it).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


def test_the_admin_and_its_export_pages_run_under_the_policy(
    world: World, sign_in, shot, live_server
) -> None:
    pairing, consortium = world.pairings[0], world.consortium
    pages = [
        reverse("admin:index"),
        reverse("admin:pairings_pairing_changelist"),
        reverse("admin:pairings_pairing_export"),
        reverse("admin:pairings_pairing_change", args=[pairing.pk]),
        reverse("admin:pairings_consortium_change", args=[consortium.pk]),
        reverse("admin:accounts_affiliation_add"),
        reverse("programmes:detail", args=[world.programme.slug]),
    ]
    export = reverse("admin:pairings_pairing_export")
    page = sign_in("admin")
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Security Policy" in m.text else None)
    page.add_init_script(LISTEN)
    found = {}
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        header = response.header_value("content-security-policy") or ""
        assert "'unsafe-inline'" not in header and "script-src 'self'" in header, path
        assert ("'unsafe-hashes'" in header) == (path == export), path
        # Widgets that start on load (select2's autocomplete, the inline formsets) have run.
        page.wait_for_load_state("networkidle")
        if path == reverse("admin:pairings_pairing_change", args=[pairing.pk]):
            page.locator(".select2-selection").first.click()  # opens the autocomplete
            page.wait_for_selector(".select2-results__option")
            shot(page, "autocomplete open")
        if path == export:
            fields = page.locator(".selectable-field-export-row input[type=checkbox]")
            assert fields.count() > 3 and fields.first.is_checked()
            page.locator("input.select-toggle").uncheck()  # its inline handler runs
            assert not any(fields.nth(i).is_checked() for i in range(fields.count()))
            shot(page, "export fields unselected")
        found[path] = page.evaluate("window.__violations")
    assert not {path: v for path, v in found.items() if v}
    assert not console
