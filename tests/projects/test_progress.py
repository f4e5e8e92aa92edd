"""Progress against target is computed from recorded values (projects/progress.py)."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from projects.choices import Aggregation, Direction
from projects.progress import (
    PeriodValue,
    actual_in_period,
    deliverable_progress,
    elapsed_share,
    quantitative_progress,
    quarter_of,
    reached_share,
    sums_by_period,
)

D = Decimal
YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def values(*pairs: tuple[str, int]) -> list[PeriodValue]:
    result = []
    for start, value in pairs:
        starts_on = dt.date.fromisoformat(start)
        result.append(PeriodValue(starts_on, quarter_of(starts_on)[1], D(value)))
    return result


def test_elapsed_share() -> None:
    assert elapsed_share(*YEAR, dt.date(2024, 12, 31)) == 0
    assert elapsed_share(*YEAR, dt.date(2025, 12, 31)) == 1
    assert elapsed_share(*YEAR, dt.date(2026, 3, 1)) == 1
    assert elapsed_share(*YEAR, dt.date(2025, 7, 2)) == pytest.approx(183 / 365)


def test_sum_adds_the_periods_inside_the_target_period_only() -> None:
    recorded = values(("2024-10-01", 99), ("2025-01-01", 10), ("2025-07-01", 15))
    assert actual_in_period(recorded, *YEAR, Aggregation.SUM) == D(25)
    assert actual_in_period(recorded, *YEAR, Aggregation.LATEST) == D(15)
    assert actual_in_period([], *YEAR, Aggregation.SUM) is None


def test_latest_takes_the_most_recent_period_whatever_the_order() -> None:
    recorded = values(("2025-07-01", 8), ("2025-01-01", 3))
    assert actual_in_period(recorded, *YEAR, Aggregation.LATEST) == D(8)


@pytest.mark.parametrize(
    ("target", "actual", "baseline", "direction", "expected"),
    [
        (D(50), D(25), None, Direction.INCREASE, 0.5),
        (D(30), D(25), D(20), Direction.INCREASE, 0.5),  # half-way from the baseline
        (D(30), D(35), D(20), Direction.INCREASE, 1.5),
        (D(10), D(15), D(20), Direction.DECREASE, 0.5),  # down from 20 towards 10
        (D(10), D(8), None, Direction.DECREASE, 1.0),
        (D(10), D(12), None, Direction.DECREASE, None),  # no baseline: cannot tell how far
        (D(50), None, None, Direction.INCREASE, 0.0),
    ],
)
def test_reached_share(target, actual, baseline, direction, expected) -> None:
    result = reached_share(target=target, actual=actual, baseline=baseline, direction=direction)
    assert result == (pytest.approx(expected) if expected is not None else None)


def progress(today: dt.date, *pairs: tuple[str, int], target: int = 100):
    return quantitative_progress(
        target=D(target),
        starts_on=YEAR[0],
        ends_on=YEAR[1],
        values=values(*pairs),
        aggregation=Aggregation.SUM,
        direction=Direction.INCREASE,
        baseline=None,
        today=today,
    )


def test_behind_means_below_the_straight_line_to_the_target() -> None:
    mid_year = dt.date(2025, 7, 2)  # half of the year elapsed
    assert progress(mid_year, ("2025-01-01", 40)).behind
    assert not progress(mid_year, ("2025-01-01", 60)).behind
    assert progress(mid_year).behind  # nothing recorded at all
    assert not progress(dt.date(2024, 12, 1)).behind  # the period has not started
    done = progress(dt.date(2025, 3, 1), ("2025-01-01", 120))
    assert done.reached and not done.behind and done.percent == 120 and done.bar_percent == 100


def test_deliverables_count_done_items() -> None:
    result = deliverable_progress(
        done=4, total=5, starts_on=YEAR[0], ends_on=YEAR[1], today=dt.date(2026, 1, 1)
    )
    assert result.percent == 80 and result.behind
    empty = deliverable_progress(
        done=0, total=0, starts_on=None, ends_on=None, today=dt.date(2026, 1, 1)
    )
    assert empty.ratio is None and not empty.behind


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        ("2025-01-01", ("2025-01-01", "2025-03-31")),
        ("2025-05-15", ("2025-04-01", "2025-06-30")),
        ("2025-12-31", ("2025-10-01", "2025-12-31")),
    ],
)
def test_quarter_of(day, quarter) -> None:
    assert quarter_of(dt.date.fromisoformat(day)) == tuple(
        dt.date.fromisoformat(d) for d in quarter
    )


def test_sums_by_period_agrees_with_actual_in_period() -> None:
    """The bisecting version gives what summing period by period gives, on random series
    with values of any length (a day, a quarter, a round) and overlapping periods."""
    rng = random.Random(7)
    start = dt.date(2022, 1, 1)
    for _ in range(50):
        values = []
        for _ in range(rng.randint(0, 40)):
            first = start + dt.timedelta(days=rng.randint(0, 1500))
            span = dt.timedelta(days=rng.choice([0, 0, 30, 90, 400]))
            values.append(PeriodValue(first, first + span, Decimal(rng.randint(1, 50))))
        periods = []
        for _ in range(20):
            first = start + dt.timedelta(days=rng.randint(-100, 1600))
            periods.append((first, first + dt.timedelta(days=rng.randint(0, 200))))
        expected = [actual_in_period(values, s, e, Aggregation.SUM) for s, e in periods]
        assert sums_by_period(values, periods) == expected
