"""Screenshots of the dashboards and the assessment for docs/images, taken in Chromium from
a running demo.

PORT=8000 bash scripts/run.sh            # in another terminal: the demo
uv run python docs/screenshots.py http://127.0.0.1:8000
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

SHOTS = [  # user, page, file, whole page (else the first screen)
    ("guangdong_edu", "/dashboard/", "dashboard-province", True),
    ("guangdong_edu", "/dashboard/?region=4418", "dashboard-prefecture", True),
    ("bnu_coordinator", "/dashboard/consortium/", "dashboard-coordinator", True),
    ("guangdong_edu", "/assessments/runs/1/", "assessment-run", False),
    ("shantou_edu", "/assessments/runs/1/", "assessment-result", True),  # → its own result
]
PASSWORD = "xtzt-demo-2026"  # noqa: S105 — the demo accounts' published password


def main(base: str) -> None:
    out = Path(__file__).parent / "images"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for user, url, name, whole in SHOTS:
            page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
            page.goto(f"{base}/login/")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():
                page.press("input[name=password]", "Enter")
            page.goto(base + url)
            page.wait_for_timeout(1500)  # the charts' first draw
            page.screenshot(path=out / f"{name}.png", full_page=whole)
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
