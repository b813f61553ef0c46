"""The vote rules and the quorum as pure functions, checked against a direct
reading of each rule in exact fractions (hypothesis), and on the cases a
secretary would check by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meeting_server.votes.rules import VoteRule, decide, quorum, required_approvals

OPTIONS = ["yes", "no", "abstain"]


@st.composite
def ballots(draw, options=OPTIONS):
    """(voting_total, cast, tally): cast <= voting_total, the tally adds up to cast."""
    voting_total = draw(st.integers(0, 400))
    cast = draw(st.integers(0, voting_total))
    cuts = sorted(draw(st.lists(st.integers(0, cast), min_size=len(options) - 1, max_size=len(options) - 1)))
    bounds = [0, *cuts, cast]
    tally = {option: bounds[i + 1] - bounds[i] for i, option in enumerate(options)}
    return voting_total, cast, tally


def reading(rule: VoteRule, approvals: int, voting_total: int, cast: int) -> bool:
    """Each rule as a person reads it, in exact fractions."""
    if rule == VoteRule.majority_of_members:
        return Fraction(approvals) > Fraction(voting_total, 2)
    if rule == VoteRule.majority_of_cast:
        return Fraction(approvals) > Fraction(cast, 2)
    return voting_total > 0 and Fraction(approvals) >= Fraction(2 * voting_total, 3)


@settings(max_examples=600, deadline=None)
@given(rule=st.sampled_from(list(VoteRule)), case=ballots())
def test_each_rule_matches_its_direct_reading(rule, case):
    voting_total, cast, tally = case
    result = decide(rule, tally, OPTIONS, voting_total, cast)
    assert result.passed == reading(rule, tally["yes"], voting_total, cast)
    assert result.approvals == tally["yes"]
    assert result.base == (cast if rule == VoteRule.majority_of_cast else voting_total)
    assert (result.cast, result.eligible) == (cast, voting_total)


@settings(max_examples=400, deadline=None)
@given(rule=st.sampled_from(list(VoteRule)), case=ballots())
def test_required_is_the_fewest_approvals_that_pass(rule, case):
    voting_total, cast, _ = case
    base = cast if rule == VoteRule.majority_of_cast else voting_total
    required = required_approvals(rule, base)
    assert required >= 1
    assert reading(rule, required, voting_total, cast) or required > base
    assert not reading(rule, required - 1, voting_total, cast)


@settings(max_examples=400, deadline=None)
@given(rule=st.sampled_from(list(VoteRule)), voting_total=st.integers(0, 400), data=st.data())
def test_a_tie_never_passes(rule, voting_total, data):
    level = data.draw(st.integers(0, voting_total // 2))
    abstain = data.draw(st.integers(0, voting_total - 2 * level))
    tally = {"yes": level, "no": level, "abstain": abstain}
    result = decide(rule, tally, OPTIONS, voting_total, sum(tally.values()))
    assert result.tie and not result.passed


@settings(max_examples=300, deadline=None)
@given(rule=st.sampled_from(list(VoteRule)), case=ballots())
def test_one_more_approval_never_turns_a_pass_into_a_fail(rule, case):
    voting_total, cast, tally = case
    if tally["no"] == 0:
        return
    before = decide(rule, tally, OPTIONS, voting_total, cast)
    after = decide(rule, {**tally, "yes": tally["yes"] + 1, "no": tally["no"] - 1}, OPTIONS, voting_total, cast)
    assert after.passed or not before.passed


@settings(max_examples=300, deadline=None)
@given(case=ballots(options=["Phương án A", "Phương án B", "Phương án C", "Phương án D"]))
def test_custom_options_the_first_carries(case):
    options = ["Phương án A", "Phương án B", "Phương án C", "Phương án D"]
    voting_total, cast, tally = case
    result = decide(VoteRule.majority_of_cast, tally, options, voting_total, cast)
    assert result.approvals == tally["Phương án A"]
    assert result.passed == (2 * tally["Phương án A"] > cast)


@pytest.mark.parametrize(
    "rule,yes,no,abstain,members,passed",
    [
        # Article 9.5: more than half of ALL members, absent and abstaining ones included.
        (VoteRule.majority_of_members, 50, 10, 0, 100, False),
        (VoteRule.majority_of_members, 51, 0, 0, 100, True),
        (VoteRule.majority_of_members, 30, 10, 5, 61, False),
        (VoteRule.majority_of_members, 31, 10, 5, 61, True),
        (VoteRule.majority_of_members, 2, 2, 0, 4, False),
        # Of the ballots cast: 3 of 5 passes although 3 of 9 members is no majority.
        (VoteRule.majority_of_cast, 3, 2, 0, 9, True),
        (VoteRule.majority_of_cast, 3, 1, 2, 9, False),
        (VoteRule.majority_of_cast, 0, 0, 0, 9, False),
        (VoteRule.two_thirds_of_members, 2, 1, 0, 3, True),
        (VoteRule.two_thirds_of_members, 66, 0, 0, 100, False),
        (VoteRule.two_thirds_of_members, 67, 0, 0, 100, True),
        (VoteRule.two_thirds_of_members, 0, 0, 0, 0, False),
    ],
)
def test_cases_counted_by_hand(rule, yes, no, abstain, members, passed):
    tally = {"yes": yes, "no": no, "abstain": abstain}
    assert decide(rule, tally, OPTIONS, members, yes + no + abstain).passed is passed


def test_the_result_as_published():
    result = decide(VoteRule.majority_of_members, {"yes": 5, "no": 2, "abstain": 1}, OPTIONS, 9, 8)
    assert result.as_dict() == {
        "passed": True,
        "approvals": 5,
        "required": 5,
        "base": 9,
        "base_kind": "members",
        "rule": "majority_of_members",
        "cast": 8,
        "eligible": 9,
        "tie": False,
    }


def test_inconsistent_counts_are_refused():
    with pytest.raises(ValueError):
        decide(VoteRule.majority_of_members, {"yes": 3, "no": 1}, OPTIONS, 9, 5)  # adds up to 4, not 5
    with pytest.raises(ValueError):
        decide(VoteRule.majority_of_members, {"maybe": 1}, OPTIONS, 9, 1)
    with pytest.raises(ValueError):
        decide(VoteRule.majority_of_members, {"yes": -1, "no": 1}, OPTIONS, 9, 0)


@settings(max_examples=600, deadline=None)
@given(
    voting_total=st.integers(0, 2000),
    fraction=st.tuples(st.integers(1, 50), st.integers(1, 50)).filter(lambda f: f[0] <= f[1]),
    data=st.data(),
)
def test_quorum_matches_its_reading(voting_total, fraction, data):
    numerator, denominator = fraction
    present = data.draw(st.integers(0, voting_total))
    state = quorum(present, voting_total, numerator, denominator)
    share = Fraction(voting_total * numerator, denominator)
    assert state.met == (present >= share)
    assert state.required >= share > state.required - 1  # the smallest whole number of people
    assert state.present == present


@pytest.mark.parametrize(
    "present,voting,required,met",
    [(4, 6, 4, True), (3, 6, 4, False), (5, 7, 5, True), (4, 7, 5, False), (2, 3, 2, True), (0, 0, 0, True)],
)
def test_two_thirds_quorum_by_hand(present, voting, required, met):
    state = quorum(present, voting, 2, 3)
    assert (state.required, state.met) == (required, met)


def test_a_quorum_is_a_fraction_up_to_one():
    for numerator, denominator in ((0, 3), (4, 3), (1, 0)):
        with pytest.raises(ValueError):
            quorum(1, 3, numerator, denominator)
