"""Votes and ballots: tables, and the API shapes kept apart from them.

One ballot per voter is the database's job, not Python's: `vote_voter` has
the primary key (vote_id, user_id), so a double tap, a resend after a
reconnect or a second server node all meet the same unique constraint.

A secret ballot is stored apart from the fact that someone voted:
`vote_voter` knows who voted, `secret_ballot` knows what was chosen, and
nothing joins them. `secret_ballot` has no user id, no timestamp and no
arrival order: its rows are slots made when the vote opens, one per entitled
voter, keyed by random 128-bit tokens, and a ballot fills a slot drawn at
random (docs/secret-ballots.md says what this does and does not protect against).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import Field as PField
from sqlmodel import Column, Field, SQLModel

from meeting_server.ids import Id
from meeting_server.inputs import TrimmedInput
from meeting_server.text import Title, one_line
from meeting_server.timeutil import UTCDateTime, utcnow
from meeting_server.votes.rules import DEFAULT_RULE, VoteRule

DEFAULT_OPTIONS = ["yes", "no", "abstain"]
MAX_OPTIONS = 20


class VoteStatus(str, Enum):
    draft = "draft"
    open = "open"
    closed = "closed"


class Vote(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    # An agenda item removed later leaves its votes standing, unattached.
    agenda_item_id: int | None = Field(
        default=None, sa_column=Column(sa.ForeignKey("agenda_item.id", ondelete="SET NULL"), nullable=True)
    )
    title: str = Field(max_length=500)
    options: list[str] = Field(sa_column=Column(sa.JSON, nullable=False))
    secret: bool = False
    rule: VoteRule = DEFAULT_RULE
    status: VoteStatus = VoteStatus.draft
    # Set when opened: how many voting participants were entitled, and the quorum then.
    eligible: int | None = None
    quorum_required: int | None = None
    quorum_present: int | None = None
    quorum_met: bool | None = None
    quorum_overridden: bool | None = None
    # Set when closed: ballots per option (in the options' order), and the decision (rules.Result.as_dict).
    # None is SQL NULL, not JSON null: not closed yet.
    tally: dict[str, int] | None = Field(default=None, sa_column=Column(sa.JSON(none_as_null=True)))
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(sa.JSON(none_as_null=True)))
    # Secret votes: paper ballots counted per option at the console (counts only, no voter), and who counted.
    paper_tally: dict[str, int] | None = Field(default=None, sa_column=Column(sa.JSON(none_as_null=True)))
    paper_recorded_by: int | None = Field(default=None, foreign_key="user.id")
    created_by: int = Field(foreign_key="user.id")
    opened_by: int | None = Field(default=None, foreign_key="user.id")
    closed_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    opened_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class VoteRoll(SQLModel, table=True):
    """Snapshot taken when the vote opens: who is entitled (the voting
    participants then) and which of them were attending."""

    __tablename__ = "vote_roll"
    vote_id: int = Field(foreign_key="vote.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    attending: bool


class VoteVoter(SQLModel, table=True):
    """That a participant has voted: the one-ballot-per-voter constraint. No
    choice, no time. WITHOUT ROWID: not even the order people voted in is kept."""

    __tablename__ = "vote_voter"
    __table_args__ = {"sqlite_with_rowid": False}
    vote_id: int = Field(foreign_key="vote.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)


# What an unfilled slot's `choice` holds. A filled one holds its option's index in two digits.
EMPTY_SLOT = "--"


def slot_choice(index: int) -> str:
    """A slot's `choice` for the option at `index` (0 to MAX_OPTIONS - 1): as wide as EMPTY_SLOT."""
    return f"{index:02d}"


class SecretBallot(SQLModel, table=True):
    """A slot for one secret ballot: what was chosen, and the hash the voter can find
    among the published receipts. Nothing here points at a person or a moment.

    Every slot of a vote is made when it opens (an unfilled one: EMPTY_SLOT and a random
    hash), and every ballot rewrites them all (votes/service.py), so that nothing in the
    stored rows tells which slot was filled when:
    - the key is 128 random bits, never an autoincrement, and on SQLite the table is
      WITHOUT ROWID: rows are stored in the order of that key;
    - a slot keeps the same size from opening to close (a two-digit option index, a
      64-digit hash), so SQLite rewrites its cell in place: a page's cell offsets, which
      follow the order cells were written in, stay those of the opening;
    - no index covers a column that changes (no unique receipt index: its entries would
      be written in arrival order), so no index records the order either;
    - on PostgreSQL every slot's row version carries the last ballot's transaction id.
    """

    __tablename__ = "secret_ballot"
    __table_args__ = {"sqlite_with_rowid": False}
    # 128 random bits (hex), never an autoincrement: the key carries no arrival order.
    id: str = Field(primary_key=True, min_length=32, max_length=32)
    vote_id: int = Field(foreign_key="vote.id", index=True)
    choice: str = Field(max_length=2)
    receipt_hash: str = Field(max_length=64)


class NamedBallot(SQLModel, table=True):
    """A ballot of a named (open) vote: who chose what is part of the record."""

    __tablename__ = "named_ballot"
    vote_id: int = Field(foreign_key="vote.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    choice: str = Field(max_length=200)
    # The secretary or chair who recorded it at the console for a voter without a tablet; None: the voter's own.
    recorded_by: int | None = Field(default=None, foreign_key="user.id")


# ---- API shapes -------------------------------------------------------------


def _clean_options(options: list[str] | None) -> list[str] | None:
    if options is None:
        return None
    # Cleaned as the minutes print an option (meeting_server/text.py), then measured.
    cleaned = [one_line(option) for option in options]
    if any(len(option) > 200 for option in cleaned):
        raise ValueError("an option is at most 200 characters")
    if any(not option for option in cleaned):
        raise ValueError("an option cannot be empty")
    if len(set(cleaned)) != len(cleaned):
        raise ValueError("options must differ from each other")
    return cleaned


class VoteCreate(TrimmedInput):
    title: Title
    agenda_item_id: Id | None = None
    # The first option is the one that carries the motion ("yes").
    options: list[str] = PField(default_factory=lambda: list(DEFAULT_OPTIONS), min_length=2, max_length=MAX_OPTIONS)
    secret: bool = False
    rule: VoteRule = DEFAULT_RULE

    @field_validator("options")
    @classmethod
    def _options(cls, value: list[str]) -> list[str]:
        return _clean_options(value) or []


class VoteUpdate(TrimmedInput):
    title: Title | None = None
    agenda_item_id: Id | None = None
    options: list[str] | None = PField(default=None, min_length=2, max_length=MAX_OPTIONS)
    secret: bool | None = None
    rule: VoteRule | None = None

    @field_validator("options")
    @classmethod
    def _options(cls, value: list[str] | None) -> list[str] | None:
        return _clean_options(value)


class VoteOpenIn(TrimmedInput):
    # Open although fewer than the quorum attend; recorded on the vote.
    override_quorum: bool = False


class BallotIn(TrimmedInput):
    choice: str = PField(min_length=1, max_length=200)
    # Secret votes: hex SHA-256 of a nonce only the voter knows.
    receipt_hash: str | None = PField(default=None, pattern=r"^[0-9a-fA-F]{64}$")
    # The secretary or chair records the ballot of this participant (present, without a tablet). Named votes only.
    on_behalf_of: Id | None = None


class PaperTallyIn(TrimmedInput):
    """A secret vote's paper ballots, counted per option at the console. Replaces the previous count."""

    tally: dict[str, int]

    @field_validator("tally")
    @classmethod
    def _counts(cls, value: dict[str, int]) -> dict[str, int]:
        if any(count < 0 or count > 100_000 for count in value.values()):
            raise ValueError("a count is a whole number from 0")
        return value


class QuorumSnapshot(BaseModel):
    required: int
    present: int
    met: bool
    overridden: bool


class RecordedBy(BaseModel):
    user_id: int
    full_name: str


class BallotPublic(BaseModel):
    user_id: int
    full_name: str
    choice: str
    # A ballot the secretary or chair recorded at the console; left out for the voter's own.
    recorded_by: RecordedBy | None = PField(default=None, exclude_if=lambda v: v is None)


class Voter(BaseModel):
    user_id: int
    full_name: str


class TurnoutPublic(BaseModel):
    """Who has voted in an open (or closed) vote, for the console: names, never choices.
    Who voted is not secret, even in a secret vote; what they chose is."""

    vote_id: int
    cast: int
    eligible: int
    # The voting participants attending when the vote opened (the snapshot) and not voted yet.
    not_voted: list[Voter]
    # Entitled but not attending when the vote opened: no ballot for them.
    absent: list[Voter]
    # Secret votes: paper ballots counted so far (part of `cast`).
    paper: int


class VotePublic(BaseModel):
    """A vote as everyone in the meeting may see it: what events carry. It has no
    `voted`, so an event can never say who has voted."""

    model_config = ConfigDict(extra="forbid")

    id: int
    meeting_id: int
    agenda_item_id: int | None
    title: str
    options: list[str]
    secret: bool
    rule: VoteRule
    status: VoteStatus
    eligible: int
    cast: int
    opened_at: str | None
    closed_at: str | None
    quorum: QuorumSnapshot | None
    # The voting participants attending when the vote opened: who may vote ("present at the vote: 7/9").
    attending: int | None = None
    tally: dict[str, int] | None
    result: dict | None
    # Closed named votes only.
    ballots: list[BallotPublic] | None
    # Secret votes: paper ballots counted per option at the console (part of the tally), once any were.
    paper: dict[str, int] | None = None
    # Secret votes, once closed: GET /api/votes/{id}/receipts lists the receipts.
    receipts_published: bool
    # A meeting of a body: the body's whole membership, the base of the "of the members"
    # rules (frozen when the meeting opened); left out for a meeting without a body.
    members: int | None = PField(default=None, exclude_if=lambda v: v is None)


class MyVotePublic(VotePublic):
    """A vote as one user sees it: plus whether that user has voted, and whether
    they may (entitled and attending when it opened; not marked absent or left since)."""

    voted: bool
    may_vote: bool = False


class Receipt(BaseModel):
    hash: str
    # Only when the server made the nonce: shown once, kept by nobody else.
    nonce: str | None = None


class CastResult(BaseModel):
    ok: bool = True
    vote_id: int
    receipt: Receipt | None = None


class Receipts(BaseModel):
    vote_id: int
    receipts: list[str]
