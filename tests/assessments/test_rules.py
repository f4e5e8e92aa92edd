"""The scoring rules as plain functions (no database)."""

from decimal import Decimal

from assessments import rules
from assessments.models import Rule, ValueAdded
from projects.choices import Direction

D = Decimal
UP, DOWN = Direction.INCREASE, Direction.DECREASE


def test_attainment_is_actual_over_target_capped_at_full_marks() -> None:
    assert rules.attainment(D(529), D(756), UP).score == D("69.97")  # 529 ÷ 756 = 0.69973…
    assert rules.attainment(D(900), D(756), UP).score == D(100)
    assert rules.attainment(D(0), D(756), UP).score == D(0)


def test_attainment_lower_is_better_scores_target_over_actual() -> None:
    assert rules.attainment(D(12), D(15), DOWN).score == D(100)
    assert rules.attainment(D(20), D(15), DOWN).score == D(75)


def test_attainment_without_target_scores_zero_and_says_why() -> None:
    scored = rules.attainment(D(50), None, UP)
    assert scored.score == D(0) and "目标" in scored.note


def test_threshold_full_marks_at_the_bar_else_the_below_score() -> None:
    assert rules.threshold(D(90), D(90), UP, D(60)).score == D(100)
    assert rules.threshold(D("89.99"), D(90), UP, D(60)).score == D(60)
    assert rules.threshold(D(3), D(5), DOWN, D(0)).score == D(100)
    assert rules.threshold(D(6), D(5), DOWN, D(0)).score == D(0)


def test_yes_no_and_manual() -> None:
    assert rules.yes_no(D(1)).score == D(100)
    assert rules.yes_no(D(0)).score == D(0)
    assert rules.manual(D("87.5")).score == D("87.50")
    assert rules.score_one(
        Rule.MANUAL, D(120), target=None, bar=None, direction=UP, below=D(0)
    ) == (rules.Scored(D(100)))


def test_ranking_shares_ties_and_falls_linearly_to_the_floor() -> None:
    ranked = rules.ranking({"a": D(30), "b": D(20), "c": D(20), "d": D(5)}, UP, D(60))
    assert {k: rank for k, (rank, _s) in ranked.items()} == {"a": 1, "b": 2, "c": 2, "d": 4}
    # step = (100 − 60) ÷ (4 − 1) = 13.333…: 100, 86.67, 86.67, 60
    assert [ranked[k][1].score for k in "abcd"] == [D(100), D("86.67"), D("86.67"), D(60)]
    lower = rules.ranking({"a": D(1), "b": D(2)}, DOWN, D(0))
    assert lower["a"][1].score == D(100) and lower["b"][1].score == D(0)
    assert rules.ranking({"alone": D(7)}, UP, D(60))["alone"][1].score == D(100)


def test_value_added_change_and_growth() -> None:
    assert rules.measure_of(D(529), D(487), ValueAdded.CHANGE) == D(42)
    assert rules.measure_of(D(529), D(487), ValueAdded.GROWTH) == D("8.62")  # 42 ÷ 487
    assert rules.measure_of(D(529), None, ValueAdded.GROWTH) is None
    assert rules.measure_of(D(529), D(0), ValueAdded.GROWTH) is None
    assert rules.measure_of(D(529), None, ValueAdded.NONE) == D(529)


def test_competition_ranks() -> None:
    assert rules.competition_ranks({"x": D(80), "y": D(90), "z": D(80)}) == {"y": 1, "x": 2, "z": 2}
