"""The accessibility basics checked in the page (a11y.js): the document's language, names of
form controls, links, buttons and images, one h1 and no skipped heading level, text contrast
(WCAG AA: 4.5:1, 3:1 for large text) and, at a phone's width, no page wider than the screen and
a navigation whose every item can be tapped."""

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

CHECKS = (Path(__file__).parent / "a11y.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Violation:
    page: str
    rule: str
    element: str
    detail: str

    def __str__(self) -> str:
        return f"{self.page}: [{self.rule}] {self.element} — {self.detail}"


def violations(page: Page, name: str, *, lang: str = "zh-CN", phone: bool) -> list[Violation]:
    """Every violation on the page as it is now, named by `name` (the page in the report)."""
    found = page.evaluate(CHECKS, {"lang": lang, "phone": phone})
    return [Violation(name, v["rule"], v["element"], v["detail"]) for v in found]
