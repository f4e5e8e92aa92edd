"""The scoring rules, as plain functions of numbers (no database): each turns the measure of
one indicator into a score out of 100, and says why when it cannot.

Scores are rounded to two decimals (half up) where they are stored, so that a reader can
check every figure by hand: see docs/assessment.md.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from assessments.models import HUNDRED, Rule, ValueAdded
from projects.choices import Direction

ZERO = Decimal(0)
CENT = Decimal("0.01")


def rounded(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Scored:
    score: Decimal
    note: str = ""


def measure_of(raw: Decimal, last_year: Decimal | None, value_added: str) -> Decimal | None:
    """The value an indicator scores: this year's, or its change against last year
    (None when last year's value is needed and missing, or zero for a growth rate)."""
    if not value_added:
        return raw
    if last_year is None:
        return None
    if value_added == ValueAdded.CHANGE:
        return raw - last_year
    if last_year == ZERO:
        return None
    return rounded((raw - last_year) / abs(last_year) * HUNDRED)


def attainment(measure: Decimal, target: Decimal | None, direction: str) -> Scored:
    """Actual against target, capped at full marks. Lower-is-better indicators score
    target ÷ actual (full marks at or below the target)."""
    if target is None or target <= ZERO:
        return Scored(ZERO, _("未设目标值（或目标值不大于 0），计 0 分"))
    if direction == Direction.DECREASE:
        if measure <= target:
            return Scored(HUNDRED)
        return Scored(rounded(target / measure * HUNDRED))
    if measure <= ZERO:
        return Scored(ZERO)
    return Scored(rounded(min(measure / target, Decimal(1)) * HUNDRED))


def threshold(measure: Decimal, bar: Decimal, direction: str, below: Decimal) -> Scored:
    met = measure <= bar if direction == Direction.DECREASE else measure >= bar
    return Scored(HUNDRED) if met else Scored(below, _("未达到标准"))


def yes_no(measure: Decimal) -> Scored:
    return Scored(HUNDRED) if measure > ZERO else Scored(ZERO)


def manual(measure: Decimal) -> Scored:
    return Scored(rounded(min(max(measure, ZERO), HUNDRED)))


def ranking[K: Hashable](
    measures: Mapping[K, Decimal], direction: str, floor: Decimal
) -> dict[K, tuple[int, Scored]]:
    """Rank within the group (ties share a rank, the next rank skips: 1, 2, 2, 4) and score
    linearly from 100 for the first to `floor` for the last possible rank."""
    reverse = direction != Direction.DECREASE
    ordered = sorted(measures.values(), reverse=reverse)
    n = len(ordered)
    ranked = {}
    for key, value in measures.items():
        rank = ordered.index(value) + 1
        step = (HUNDRED - floor) / (n - 1) if n > 1 else Decimal(0)
        score = rounded(HUNDRED - step * (rank - 1))
        ranked[key] = (rank, Scored(score))
    return ranked


def score_one(
    rule: str,
    measure: Decimal,
    *,
    target: Decimal | None,
    bar: Decimal | None,
    direction: str,
    below: Decimal,
) -> Scored:
    """Every rule but ranking, which needs the whole group (see `ranking`)."""
    if rule == Rule.ATTAINMENT:
        return attainment(measure, target, direction)
    if rule == Rule.THRESHOLD:
        return threshold(measure, bar if bar is not None else ZERO, direction, below)
    if rule == Rule.YES_NO:
        return yes_no(measure)
    if rule == Rule.MANUAL:
        return manual(measure)
    raise ValueError(rule)


def weighted(score: Decimal, weight: Decimal) -> Decimal:
    return rounded(score * weight / HUNDRED)


def competition_ranks[K: Hashable](totals: Mapping[K, Decimal]) -> dict[K, int]:
    """1, 2, 2, 4 — higher totals first."""
    ordered = sorted(totals.values(), reverse=True)
    return {key: ordered.index(value) + 1 for key, value in totals.items()}
