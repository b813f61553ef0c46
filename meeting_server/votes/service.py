"""Vote intents: draft, open, cast a ballot, close; and each user's view of the votes.

Who may: the meeting's controllers (its secretary and chair, and admins)
draft, open and close votes; members see a vote once it is open. The voting
participants entitled when the vote opened cast one ballot each; the
database's unique key on `vote_voter` refuses a second (`already_voted`).

What is emitted, to the whole meeting: `vote:opened`, `vote:progress` after
each ballot (how many voted, never what), `vote:closed` with tally and
result. Drafts are not announced. No event, log line or answer to anyone
but the voter ties a secret choice to a person; choices are never logged.
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server.archive import audit
from meeting_server.auth.models import UserPublic
from meeting_server.errors import AlreadyVoted, Conflict, Forbidden, Invalid, NotFound
from meeting_server.eventlog.outbox import Tx
from meeting_server.meetings.access import can_control, controlled_meeting, ensure_not_closed, visible_meeting
from meeting_server.meetings.attendance import attending_voter_ids, member_base, quorum_of, voting_user_ids
from meeting_server.meetings.models import AgendaItem, Meeting, MeetingStatus
from meeting_server.timeutil import iso, utcnow
from meeting_server.votes import rules
from meeting_server.votes.events import VoteClosed, VoteOpened, VoteProgress
from meeting_server.votes.models import (
    BallotPublic,
    CastResult,
    MyVotePublic,
    NamedBallot,
    QuorumSnapshot,
    Receipt,
    Receipts,
    SecretBallot,
    Vote,
    VoteCreate,
    VotePublic,
    VoteRoll,
    VoteStatus,
    VoteUpdate,
    VoteVoter,
)

# ---- reading ---------------------------------------------------------------


def vote_meeting_id(session: Session, vote_id: int) -> int:
    vote = session.get(Vote, vote_id)
    if vote is None:
        raise NotFound("No such vote.")
    return vote.meeting_id


def get_vote(session: Session, user: UserPublic, vote_id: int) -> MyVotePublic:
    vote, _ = _visible_vote(session, user, vote_id)
    return views(session, [vote], user.id)[0]


def list_votes(session: Session, user: UserPublic, meeting_id: int) -> list[MyVotePublic]:
    """The meeting's votes, oldest first; drafts only for those who control it."""
    meeting = visible_meeting(session, user, meeting_id)
    query = select(Vote).where(col(Vote.meeting_id) == meeting.id).order_by(col(Vote.id))
    if not can_control(session, user, meeting):
        query = query.where(Vote.status != VoteStatus.draft)
    return views(session, list(session.exec(query)), user.id)


def open_votes(session: Session, meeting_id: int, user_id: int) -> list[dict]:
    """For the join state: the open votes, each with whether this user has voted."""
    votes = session.exec(
        select(Vote)
        .where(col(Vote.meeting_id) == meeting_id, col(Vote.status) == VoteStatus.open)
        .order_by(col(Vote.id))
    ).all()
    return [view.model_dump(mode="json") for view in views(session, list(votes), user_id)]


def receipts(session: Session, user: UserPublic, vote_id: int) -> Receipts:
    """A closed secret vote's receipt hashes, sorted: each voter finds their own.
    Choices are deliberately not listed beside them (see docs/secret-ballots.md)."""
    vote, _ = _visible_vote(session, user, vote_id)
    if not vote.secret:
        raise NotFound("A named vote has no receipts: its ballots are published with the result.")
    if vote.status != VoteStatus.closed:
        raise Conflict("Receipts are published when the vote closes.")
    return Receipts(vote_id=vote.id, receipts=secret_receipts(session, vote.id))


def secret_receipts(session: Session, vote_id: int) -> list[str]:
    """The one query for a secret vote's receipts, wherever they are shown:
    sorted by hash, which is neither the order of voting nor of storage,
    and never beside a choice (docs/secret-ballots.md)."""
    return list(
        session.exec(
            select(SecretBallot.receipt_hash).where(SecretBallot.vote_id == vote_id).order_by(SecretBallot.receipt_hash)
        )
    )


def views(session: Session, votes: list[Vote], user_id: int) -> list[MyVotePublic]:
    ids = [vote.id for vote in votes]
    voted = (
        set(
            session.exec(
                select(col(VoteVoter.vote_id)).where(col(VoteVoter.vote_id).in_(ids), col(VoteVoter.user_id) == user_id)
            )
        )
        if ids
        else set()
    )
    cast = _cast_counts(session, ids)
    return [
        MyVotePublic(**broadcast(session, vote, cast.get(vote.id, 0)).model_dump(), voted=vote.id in voted)
        for vote in votes
    ]


def broadcast(session: Session, vote: Vote, cast: int | None = None) -> VotePublic:
    """The vote as the whole meeting may see it."""
    if cast is None:
        cast = _cast_counts(session, [vote.id]).get(vote.id, 0)
    closed = vote.status == VoteStatus.closed
    quorum = None
    if vote.quorum_required is not None:
        quorum = QuorumSnapshot(
            required=vote.quorum_required,
            present=vote.quorum_present,
            met=vote.quorum_met,
            overridden=vote.quorum_overridden,
        )
    ballots = None
    if closed and not vote.secret:
        rows = session.exec(
            select(NamedBallot.user_id, NamedBallot.choice)
            .where(NamedBallot.vote_id == vote.id)
            .order_by(col(NamedBallot.user_id))
        )
        ballots = [BallotPublic(user_id=user_id, choice=choice) for user_id, choice in rows]
    eligible = vote.eligible if vote.eligible is not None else len(voting_user_ids(session, vote.meeting_id))
    # A body's whole membership: as decided for a closed vote, the meeting's (frozen at opening) otherwise.
    members = (
        (vote.result or {}).get("members")
        if closed
        else member_base(session, session.get_one(Meeting, vote.meeting_id))
    )
    return VotePublic(
        id=vote.id,
        meeting_id=vote.meeting_id,
        agenda_item_id=vote.agenda_item_id,
        title=vote.title,
        options=vote.options,
        secret=vote.secret,
        rule=vote.rule,
        status=vote.status,
        eligible=eligible,
        cast=cast,
        opened_at=iso(vote.opened_at),
        closed_at=iso(vote.closed_at),
        quorum=quorum,
        tally=vote.tally,
        result=vote.result,
        ballots=ballots,
        receipts_published=closed and vote.secret,
        members=members,
    )


def _cast_counts(session: Session, vote_ids: list[int]) -> dict[int, int]:
    if not vote_ids:
        return {}
    rows = session.exec(
        select(col(VoteVoter.vote_id), sa.func.count())
        .where(col(VoteVoter.vote_id).in_(vote_ids))
        .group_by(col(VoteVoter.vote_id))
    )
    return dict(rows.all())


def _visible_vote(session: Session, user: UserPublic, vote_id: int) -> tuple[Vote, Meeting]:
    """The vote, or not_found: a draft is the controllers' until it opens."""
    vote = session.get(Vote, vote_id)
    if vote is None:
        raise NotFound("No such vote.")
    meeting = visible_meeting(session, user, vote.meeting_id)
    if vote.status == VoteStatus.draft and not can_control(session, user, meeting):
        raise NotFound("No such vote.")
    return vote, meeting


# ---- drafting ---------------------------------------------------------------


def create_vote(tx: Tx, user: UserPublic, meeting_id: int, data: VoteCreate) -> MyVotePublic:
    """A draft vote (secretary, chair): nothing is announced until it opens."""
    meeting = controlled_meeting(tx.session, user, meeting_id)
    _check_agenda_item(tx.session, meeting.id, data.agenda_item_id)
    vote = Vote(
        meeting_id=meeting.id,
        agenda_item_id=data.agenda_item_id,
        title=data.title,
        options=data.options,
        secret=data.secret,
        rule=data.rule,
        created_by=user.id,
    )
    tx.session.add(vote)
    tx.session.flush()
    return views(tx.session, [vote], user.id)[0]


def update_vote(tx: Tx, user: UserPublic, vote_id: int, data: VoteUpdate) -> MyVotePublic:
    vote = _draft(tx, user, vote_id)
    given = data.model_fields_set
    if "agenda_item_id" in given:
        _check_agenda_item(tx.session, vote.meeting_id, data.agenda_item_id)
        vote.agenda_item_id = data.agenda_item_id
    for name in ("title", "secret", "rule"):
        if name in given:
            value = getattr(data, name)
            if value is None:
                raise Invalid(f"{name} cannot be null.")
            setattr(vote, name, value)
    if "options" in given:
        if data.options is None:
            raise Invalid("options cannot be null.")
        vote.options = data.options
    tx.session.add(vote)
    tx.session.flush()
    return views(tx.session, [vote], user.id)[0]


def delete_vote(tx: Tx, user: UserPublic, vote_id: int) -> None:
    tx.session.delete(_draft(tx, user, vote_id))
    tx.session.flush()


def _draft(tx: Tx, user: UserPublic, vote_id: int) -> Vote:
    vote = _controlled_vote(tx, user, vote_id)
    if vote.status != VoteStatus.draft:
        raise Conflict("Only a draft vote can be changed or deleted; this one has been opened.")
    return vote


def _check_agenda_item(session: Session, meeting_id: int, item_id: int | None) -> None:
    if item_id is None:
        return
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting_id:
        raise Invalid("That agenda item is not on this meeting's agenda.")


def _controlled_vote(tx: Tx, user: UserPublic, vote_id: int) -> Vote:
    # Locked (on PostgreSQL): a ballot on another node and a close cannot interleave.
    vote = tx.session.exec(select(Vote).where(Vote.id == vote_id).with_for_update()).first()
    if vote is None:
        raise NotFound("No such vote.")
    controlled_meeting(tx.session, user, vote.meeting_id)
    return vote


# ---- opening and closing ------------------------------------------------------


def open_vote(tx: Tx, user: UserPublic, vote_id: int, override_quorum: bool = False) -> MyVotePublic:
    """draft -> open, in an open meeting. Snapshots who may vote (the voting
    participants now) and who of them attend. Without the quorum it is refused
    with `quorum_not_met`, unless the chair overrides, which the vote records."""
    vote = _controlled_vote(tx, user, vote_id)
    meeting = tx.session.get_one(Meeting, vote.meeting_id)
    if meeting.status != MeetingStatus.open:
        raise Conflict("Open the meeting before opening a vote.")
    if vote.status != VoteStatus.draft:
        raise Conflict(f"The vote is already {vote.status.value}.")
    voters = voting_user_ids(tx.session, meeting.id)
    if not voters:
        raise Conflict("The meeting has no voting participants.")
    attending = set(attending_voter_ids(tx.session, meeting.id))
    fraction = quorum_of(tx.session, meeting.id)
    # A meeting of a body counts its quorum on the body's whole membership, invited or not.
    members = member_base(tx.session, meeting)
    base = len(voters) if members is None else members
    quorum = rules.quorum(len(attending), base, fraction.numerator, fraction.denominator)
    if not quorum.met and not override_quorum:
        counted = "voting participants" if members is None else "members of the body"
        raise Conflict(
            f"No quorum: {quorum.present} of {base} {counted} attend, "
            f"{quorum.required} are required ({fraction.numerator}/{fraction.denominator}).",
            code="quorum_not_met",
            details={"present": quorum.present, "required": quorum.required, "voting": base},
        )
    for user_id in voters:
        tx.session.add(VoteRoll(vote_id=vote.id, user_id=user_id, attending=user_id in attending))
    vote.status = VoteStatus.open
    vote.eligible = len(voters)
    vote.quorum_required = quorum.required
    vote.quorum_present = quorum.present
    vote.quorum_met = quorum.met
    vote.quorum_overridden = not quorum.met
    vote.opened_at = utcnow()
    vote.opened_by = user.id
    tx.session.add(vote)
    tx.session.flush()
    tx.notify_after_commit(VoteOpened(meeting_id=meeting.id, vote=broadcast(tx.session, vote, 0)))
    _audit_opened(tx, user, vote)
    return views(tx.session, [vote], user.id)[0]


def close_vote(tx: Tx, user: UserPublic, vote_id: int) -> MyVotePublic:
    """open -> closed: count, decide by the vote's rule, publish tally and result."""
    vote = _controlled_vote(tx, user, vote_id)
    if vote.status != VoteStatus.open:
        raise Conflict(
            "Only an open vote can be closed." if vote.status == VoteStatus.draft else "The vote is already closed."
        )
    options = vote.options
    ballots = SecretBallot if vote.secret else NamedBallot
    counted = dict(
        tx.session.exec(
            select(ballots.choice, sa.func.count()).where(ballots.vote_id == vote.id).group_by(ballots.choice)
        ).all()
    )
    tally = {option: counted.get(option, 0) for option in options}
    cast = _cast_counts(tx.session, [vote.id]).get(vote.id, 0)
    assert vote.eligible is not None, "counted when the vote opened"
    # In a meeting of a body, the "of the members" rules count its whole membership (frozen at opening).
    members = member_base(tx.session, tx.session.get_one(Meeting, vote.meeting_id))
    result = rules.decide(vote.rule, tally, options, vote.eligible, cast, members=members)
    vote.tally = tally
    vote.result = result.as_dict()
    vote.status = VoteStatus.closed
    vote.closed_at = utcnow()
    vote.closed_by = user.id
    tx.session.add(vote)
    tx.session.flush()
    tx.notify_after_commit(VoteClosed(meeting_id=vote.meeting_id, vote=broadcast(tx.session, vote, cast)))
    # Totals only: the audit log never holds a ballot.
    audit.record(
        tx.session,
        vote.meeting_id,
        user.id,
        "vote.closed",
        {"vote_id": vote.id, "tally": tally, "cast": cast, "eligible": vote.eligible, "passed": result.passed},
    )
    return views(tx.session, [vote], user.id)[0]


def _audit_opened(tx: Tx, user: UserPublic, vote: Vote) -> None:
    """vote.opened for the record, and vote.quorum_overridden when the chair opened it without quorum."""
    audit.record(
        tx.session,
        vote.meeting_id,
        user.id,
        "vote.opened",
        {
            "vote_id": vote.id,
            "title": vote.title,
            "secret": vote.secret,
            "rule": rules.VoteRule(vote.rule).value,
            "eligible": vote.eligible,
        },
    )
    if vote.quorum_overridden:
        audit.record(
            tx.session,
            vote.meeting_id,
            user.id,
            "vote.quorum_overridden",
            {"vote_id": vote.id, "present": vote.quorum_present, "required": vote.quorum_required},
        )


def has_open_vote(session: Session, meeting_id: int) -> bool:
    return (
        session.exec(select(Vote.id).where(Vote.meeting_id == meeting_id, Vote.status == VoteStatus.open)).first()
        is not None
    )


# ---- casting ---------------------------------------------------------------------


def cast_ballot(
    tx: Tx,
    user: UserPublic,
    vote_id: int,
    choice: str,
    receipt_hash: str | None = None,
    meeting_id: int | None = None,
) -> CastResult:
    """One ballot of an entitled voter in an open vote. A second one, however it
    arrives (double tap, resend after a reconnect, another node), meets the
    unique key of `vote_voter` and is refused with `already_voted`.

    Secret votes answer with the receipt: the hash the voter sent, or, if they
    sent none, a nonce made here, shown this once, of which only the hash is kept."""
    session = tx.session
    vote = session.exec(select(Vote).where(Vote.id == vote_id).with_for_update()).first()
    if vote is None or (meeting_id is not None and vote.meeting_id != meeting_id):
        raise NotFound("No such vote.")
    meeting = visible_meeting(session, user, vote.meeting_id)
    ensure_not_closed(meeting)
    if vote.status != VoteStatus.open:
        raise Conflict("The vote is not open yet." if vote.status == VoteStatus.draft else "The vote is closed.")
    if session.get(VoteRoll, (vote.id, user.id)) is None:
        raise Forbidden("Only the meeting's voting participants may vote; guests do not.")
    if choice not in vote.options:
        # The message does not repeat the choice: nothing of a ballot goes into logs.
        raise Invalid("That is not one of the vote's options.")
    try:
        session.execute(sa.insert(VoteVoter).values(vote_id=vote.id, user_id=user.id))
    except sa.exc.IntegrityError:
        raise AlreadyVoted("You have already voted; your first ballot counts.") from None
    receipt = None
    if vote.secret:
        receipt = _receipt(receipt_hash)
        _store_secret_ballot(session, vote.id, choice, receipt.hash)
    else:
        session.execute(sa.insert(NamedBallot).values(vote_id=vote.id, user_id=user.id, choice=choice))
    cast = _cast_counts(session, [vote.id])[vote.id]
    tx.notify_after_commit(VoteProgress(meeting_id=vote.meeting_id, vote_id=vote.id, cast=cast, eligible=vote.eligible))
    return CastResult(vote_id=vote.id, receipt=receipt)


def _receipt(receipt_hash: str | None) -> Receipt:
    if receipt_hash:
        return Receipt(hash=receipt_hash.lower())
    nonce = secrets.token_hex(32)
    return Receipt(hash=hashlib.sha256(nonce.encode()).hexdigest(), nonce=nonce)


def _store_secret_ballot(session: Session, vote_id: int, choice: str, receipt_hash: str) -> None:
    try:
        session.execute(
            sa.insert(SecretBallot).values(
                id=secrets.token_hex(16), vote_id=vote_id, choice=choice, receipt_hash=receipt_hash
            )
        )
    except sa.exc.IntegrityError:
        raise Invalid("That receipt hash is already taken in this vote; make a new nonce.") from None
    except sa.exc.DBAPIError:
        # Re-raised bare: the driver's message would quote the statement's parameters, the choice among them.
        raise RuntimeError("storing a secret ballot failed") from None
