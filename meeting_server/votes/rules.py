"""When a vote passes and when a meeting has its quorum: pure functions, exact integers.

The Party Charter (Article 9, clause 5) makes a resolution of a leading body
valid only when more than half of ALL its members approve: that is
`majority_of_members`, the default. No floating point anywhere: "more than
half" is `approvals * 2 > base`, "at least two thirds" is
`approvals * 3 >= base * 2`, so 50 of 100 fails and 67 of 100 passes
exactly as a person counting by hand would decide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum


class VoteRule(str, Enum):
    majority_of_members = "majority_of_members"
    majority_of_cast = "majority_of_cast"
    two_thirds_of_members = "two_thirds_of_members"


DEFAULT_RULE = VoteRule.majority_of_members


@dataclass(frozen=True)
class Result:
    """The outcome of a closed vote.

    approvals: ballots for the first option. base: what the threshold is a
    share of (all voting participants, a body's whole membership in a meeting
    of a body, or the ballots cast). required: the
    fewest approvals that pass. tie: the first option drew level with
    another, which never passes.
    """

    passed: bool
    approvals: int
    required: int
    base: int
    base_kind: str  # "members" | "cast"
    rule: VoteRule
    cast: int
    eligible: int
    tie: bool
    # A body's meeting: the body's whole membership, the base of the "of the members" rules. None otherwise.
    members: int | None = None

    def as_dict(self) -> dict:
        published = {
            "passed": self.passed,
            "approvals": self.approvals,
            "required": self.required,
            "base": self.base,
            "base_kind": self.base_kind,
            "rule": self.rule.value,
            "cast": self.cast,
            "eligible": self.eligible,
            "tie": self.tie,
        }
        if self.members is not None:
            published["members"] = self.members
        return published


@dataclass(frozen=True)
class QuorumState:
    required: int
    present: int
    met: bool


def required_approvals(rule: VoteRule, base: int) -> int:
    """The fewest approvals that meet the rule's threshold on `base` (at least 1:
    nobody approving never passes anything)."""
    if rule == VoteRule.two_thirds_of_members:
        threshold = -(-base * 2 // 3)  # ceil(2 * base / 3)
    else:
        threshold = base // 2 + 1  # more than half
    return max(threshold, 1)


def decide(
    rule: VoteRule,
    tally: Mapping[str, int],
    options: Sequence[str],
    voting_total: int,
    cast: int,
    members: int | None = None,
) -> Result:
    """Decide a vote. `tally` counts the ballots per option, `voting_total` is
    everyone entitled to vote (the snapshot taken when the vote opened),
    `cast` the ballots actually cast (abstentions included). `members`: in a
    meeting of a body, the body's whole membership, invited or not, which the
    "of the members" rules count instead of `voting_total`."""
    rule = VoteRule(rule)
    if not options:
        raise ValueError("a vote has at least one option")
    if any(count < 0 for count in tally.values()) or cast < 0 or voting_total < 0 or (members or 0) < 0:
        raise ValueError("counts cannot be negative")
    if set(tally) - set(options) or sum(tally.values()) != cast:
        # Ballots and voters are counted apart; if they disagree, publish nothing.
        raise ValueError("the tally does not add up to the ballots cast")
    approvals = tally.get(options[0], 0)
    others = [tally.get(option, 0) for option in options[1:]]
    base_kind = "cast" if rule == VoteRule.majority_of_cast else "members"
    base = cast if base_kind == "cast" else (voting_total if members is None else members)
    required = required_approvals(rule, base)
    tie = approvals in others
    return Result(
        passed=approvals >= required and not tie,
        approvals=approvals,
        required=required,
        base=base,
        base_kind=base_kind,
        rule=rule,
        cast=cast,
        eligible=voting_total,
        tie=tie,
        members=members,
    )


def quorum(present: int, voting_total: int, numerator: int, denominator: int) -> QuorumState:
    """A meeting is quorate when at least numerator/denominator of its voting
    participants attend: required = ceil(voting_total * numerator / denominator)."""
    if not 0 < numerator <= denominator:
        raise ValueError("the quorum is a fraction in (0, 1]")
    if present < 0 or voting_total < 0:
        raise ValueError("counts cannot be negative")
    required = -(-voting_total * numerator // denominator)
    return QuorumState(required=required, present=present, met=present >= required)
