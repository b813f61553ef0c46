"""Where a secret vote keeps its ballots: slots, made when it opens, filled at random.

A copy of the database taken in the middle of a vote (a backup, a file copy with
its log, a DBA's look) must not tell which ballot came with which voter. The
voter's row and the ballot are written in one transaction, which makes the
acknowledged ballot durable; what must not survive is any trace of the order or
the transaction that paired them:

- the slots are all made at the opening, in random order, one per entitled voter;
- a ballot fills an unfilled slot drawn at random (never the first in key order:
  filling in key order would make key order the order of arrival);
- every ballot rewrites all the vote's slots in one statement, each at its own
  size, so SQLite overwrites every cell in place and PostgreSQL gives every row
  version the same transaction id;
- after the commit, the engine forgets its history of the table
  (db.forget_write_history: SQLite's write-ahead log, PostgreSQL's dead versions).

tests/test_ballot_trail.py tries each pairing that such a copy offers.
docs/secret-ballots.md says what remains.
"""

from __future__ import annotations

import functools
import secrets

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server.db import forget_write_history
from meeting_server.errors import Conflict, Invalid
from meeting_server.eventlog.outbox import Tx
from meeting_server.votes.models import EMPTY_SLOT, SecretBallot, Vote, slot_choice

_filled = col(SecretBallot.choice) != EMPTY_SLOT


def make_slots(session: Session, vote_id: int, count: int) -> None:
    """One unfilled slot per entitled voter. An unfilled slot's hash is random, as wide as a receipt's."""
    session.execute(
        sa.insert(SecretBallot),
        [
            {
                "id": secrets.token_hex(16),
                "vote_id": vote_id,
                "choice": EMPTY_SLOT,
                "receipt_hash": secrets.token_hex(32),
            }
            for _ in range(count)
        ],
    )


def fill_slot(tx: Tx, vote: Vote, choice: str, receipt_hash: str) -> None:
    """Put a ballot into a random unfilled slot of the vote, rewriting all its slots."""
    session = tx.session
    taken = session.exec(
        select(SecretBallot.id).where(SecretBallot.vote_id == vote.id, SecretBallot.receipt_hash == receipt_hash)
    ).first()
    if taken is not None:
        raise Invalid("That receipt hash is already taken in this vote; make a new nonce.")
    unfilled = session.exec(
        select(SecretBallot.id).where(SecretBallot.vote_id == vote.id, SecretBallot.choice == EMPTY_SLOT)
    ).all()
    if not unfilled:
        # One slot per entitled voter and one ballot per voter: only a damaged store gets here.
        raise Conflict("This vote has no room for another ballot.")
    slot = secrets.choice(unfilled)
    mine = col(SecretBallot.id) == slot
    try:
        session.execute(
            sa.update(SecretBallot)
            .where(col(SecretBallot.vote_id) == vote.id)
            .values(
                choice=sa.case((mine, slot_choice(vote.options.index(choice))), else_=col(SecretBallot.choice)),
                receipt_hash=sa.case((mine, receipt_hash), else_=col(SecretBallot.receipt_hash)),
            )
        )
    except sa.exc.DBAPIError:
        # Re-raised bare: the driver's message would quote the statement's parameters, the choice among them.
        raise RuntimeError("storing a secret ballot failed") from None
    engine = session.get_bind()
    assert isinstance(engine, sa.Engine), "write sessions are bound to the writer engine (db.py)"
    tx.after_commit.append(functools.partial(forget_write_history, engine, SecretBallot.__tablename__))


def counts(session: Session, vote: Vote) -> dict[str, int]:
    """Ballots per option, by the option's text."""
    rows = session.exec(
        select(SecretBallot.choice, sa.func.count())
        .where(SecretBallot.vote_id == vote.id, _filled)
        .group_by(SecretBallot.choice)
    ).all()
    return {vote.options[int(choice)]: count for choice, count in rows}


def receipts(session: Session, vote_id: int) -> list[str]:
    """The filled slots' receipt hashes, sorted by hash, which is neither the order of
    voting nor of storage, and never beside a choice (docs/secret-ballots.md)."""
    return list(
        session.exec(
            select(SecretBallot.receipt_hash)
            .where(SecretBallot.vote_id == vote_id, _filled)
            .order_by(SecretBallot.receipt_hash)
        )
    )
