"""Progress against target, computed from what was recorded — never typed in.

Pure functions over plain values so every rule can be tested without a database. The models
feed them (projects/models/indicators.py) from prefetched rows.
"""

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from projects.choices import Aggregation, Direction


@dataclass(frozen=True)
class PeriodValue:
    """One actual: the value recorded (or derived) for a reporting period."""

    starts_on: dt.date
    ends_on: dt.date
    value: Decimal


@dataclass(frozen=True)
class Progress:
    target: Decimal | None
    actual: Decimal | None  # None: nothing recorded yet in the target's period
    ratio: float | None  # share of the target reached (1.0 = reached); None: cannot tell
    expected: float  # share of the target's period already elapsed
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None

    @property
    def percent(self) -> int | None:
        return None if self.ratio is None else round(self.ratio * 100)

    @property
    def bar_percent(self) -> int:
        return max(0, min(100, self.percent or 0))

    @property
    def reached(self) -> bool:
        return self.ratio is not None and self.ratio >= 1

    @property
    def behind(self) -> bool:
        """Behind the straight line from the period's start to its target."""
        if self.expected <= 0 or self.reached:
            return False
        return (self.ratio or 0.0) < self.expected


def elapsed_share(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> float:
    """How much of [starts_on, ends_on] has passed by the end of `today` (0 to 1)."""
    if today < starts_on:
        return 0.0
    total = (ends_on - starts_on).days + 1
    return min(1.0, ((today - starts_on).days + 1) / total)


def actual_in_period(
    values: Iterable[PeriodValue], starts_on: dt.date, ends_on: dt.date, aggregation: str
) -> Decimal | None:
    """The actual for a target period: the sum of the recorded periods that overlap it, or the
    latest one's value. A quarter that began before a round did still counts towards it."""
    inside = sorted(
        (v for v in values if v.starts_on <= ends_on and v.ends_on >= starts_on),
        key=lambda v: v.starts_on,
    )
    if not inside:
        return None
    if aggregation == Aggregation.LATEST:
        return inside[-1].value
    return sum((v.value for v in inside), Decimal(0))


def sums_by_period(
    values: Iterable[PeriodValue], periods: list[tuple[dt.date, dt.date]]
) -> list[Decimal | None]:
    """`actual_in_period(values, start, end, SUM)` for many periods at once: the values are
    sorted once and each period looks only at those that can overlap it (bisect on the start,
    bounded by the longest value's span), so a long series costs O(log n) per period."""
    ordered = sorted(values, key=lambda v: v.starts_on)
    starts = [v.starts_on for v in ordered]
    longest = max(((v.ends_on - v.starts_on) for v in ordered), default=dt.timedelta(0))
    result: list[Decimal | None] = []
    for starts_on, ends_on in periods:
        low = bisect_left(starts, starts_on - longest)
        high = bisect_right(starts, ends_on)
        inside = [v.value for v in ordered[low:high] if v.ends_on >= starts_on]
        result.append(sum(inside, Decimal(0)) if inside else None)
    return result


def reached_share(
    *, target: Decimal, actual: Decimal | None, baseline: Decimal | None, direction: str
) -> float | None:
    """Share of the way from the baseline (or zero) to the target.

    An increase from 20 to 30 that stands at 25 is half-way (0.5); a decrease works the same
    way down. Without a baseline the start is zero for an increase; for a decrease without a
    baseline only "reached or not" can be told.
    """
    if actual is None:
        return 0.0 if direction == Direction.INCREASE and not baseline else None
    if direction == Direction.DECREASE:
        if baseline is None or baseline == target:
            return 1.0 if actual <= target else None
        return float((baseline - actual) / (baseline - target))
    start = baseline or Decimal(0)
    if target == start:
        return 1.0 if actual >= target else 0.0
    return float((actual - start) / (target - start))


def quantitative_progress(
    *,
    target: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
    values: Iterable[PeriodValue],
    aggregation: str,
    direction: str,
    baseline: Decimal | None,
    today: dt.date,
) -> Progress:
    actual = actual_in_period(values, starts_on, ends_on, aggregation)
    return Progress(
        target=target,
        actual=actual,
        ratio=reached_share(target=target, actual=actual, baseline=baseline, direction=direction),
        expected=elapsed_share(starts_on, ends_on, today),
        starts_on=starts_on,
        ends_on=ends_on,
    )


def deliverable_progress(
    *, done: int, total: int, starts_on: dt.date | None, ends_on: dt.date | None, today: dt.date
) -> Progress:
    """A checklist: the share of items done against the share of the owner's time elapsed."""
    expected = elapsed_share(starts_on, ends_on, today) if starts_on and ends_on else 0.0
    return Progress(
        target=Decimal(total),
        actual=Decimal(done),
        ratio=(done / total) if total else None,
        expected=expected,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter containing `day` (the programmes' default reporting period)."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    starts_on = dt.date(day.year, first_month, 1)
    if first_month == 10:
        ends_on = dt.date(day.year, 12, 31)
    else:
        ends_on = dt.date(day.year, first_month + 3, 1) - dt.timedelta(days=1)
    return starts_on, ends_on
