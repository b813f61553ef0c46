"""Vote intents: draft, open, cast a ballot, close; and each user's view of the votes.

Who may: the meeting's controllers (its secretary and chair, and admins)
draft, open and close votes; members see a vote once it is open. The voting
participants entitled when the vote opened cast one ballot each; the
database's unique key on `vote_voter` refuses a second (`already_voted`).

What is emitted, to the whole meeting: `vote:opened`, `vote:progress` after
each ballot (how many voted, never what), `vote:closed` with tally and
result. Drafts are not announced. No event, log line or answer to anyone
but the voter ties a secret choice to a person; choices are never logged.

Who may vote follows attendance, as it stood when the vote opened: the roll
(`vote_roll`) snapshots every voting participant and whether they attended
then. A ballot from someone not attending then, or marked absent or gone
since, is refused with `absent`. The secretary or the chair records the
ballot of a participant present without a tablet (`on_behalf_of`, named
votes only: the ballot carries `recorded_by` and is audited); in a secret
vote they record the paper ballots' counts per option instead
(`record_paper`), never who chose what.
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server.archive import audit
from meeting_server.auth.models import User, UserPublic
from meeting_server.errors import AlreadyVoted, Conflict, Forbidden, Invalid, NotFound
from meeting_server.eventlog.outbox import Tx
from meeting_server.meetings.access import can_control, controlled_meeting, ensure_not_closed, visible_meeting
from meeting_server.meetings.attendance import attending_voter_ids, attends, member_base, quorum_of, voting_user_ids
from meeting_server.meetings.models import AgendaItem, Attendance, Meeting, MeetingStatus
from meeting_server.timeutil import iso, utcnow
from meeting_server.votes import rules, slots
from meeting_server.votes.events import VoteClosed, VoteOpened, VoteProgress
from meeting_server.votes.models import (
    BallotPublic,
    CastResult,
    MyVotePublic,
    NamedBallot,
    QuorumSnapshot,
    Receipt,
    Receipts,
    RecordedBy,
    TurnoutPublic,
    Vote,
    VoteCreate,
    VotePublic,
    Voter,
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
    """The one query for a secret vote's receipts, wherever they are shown."""
    return slots.receipts(session, vote_id)


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
        MyVotePublic(
            **broadcast(session, vote, cast.get(vote.id, 0)).model_dump(),
            voted=vote.id in voted,
            may_vote=vote.status == VoteStatus.open and may_vote(session, vote, user_id),
        )
        for vote in votes
    ]


def may_vote(session: Session, vote: Vote, user_id: int) -> bool:
    """Entitled and attending when the vote opened, and not marked absent or gone since."""
    roll = session.get(VoteRoll, (vote.id, user_id))
    return roll is not None and roll.attending and attends(session.get(Attendance, (vote.meeting_id, user_id)))


def _names(session: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(session.exec(select(User.id, User.full_name).where(col(User.id).in_(user_ids))).all())


def _paper_total(vote: Vote) -> int:
    return sum((vote.paper_tally or {}).values())


def broadcast(session: Session, vote: Vote, cast: int | None = None) -> VotePublic:
    """The vote as the whole meeting may see it. `cast`: the ballots cast on
    tablets and at the console (paper ballots are added here)."""
    if cast is None:
        cast = _cast_counts(session, [vote.id]).get(vote.id, 0)
    cast += _paper_total(vote)
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
            select(NamedBallot).where(NamedBallot.vote_id == vote.id).order_by(col(NamedBallot.user_id))
        ).all()
        names = _names(session, {b.user_id for b in rows} | {b.recorded_by for b in rows if b.recorded_by})
        ballots = [
            BallotPublic(
                user_id=b.user_id,
                full_name=names.get(b.user_id, ""),
                choice=b.choice,
                recorded_by=(
                    RecordedBy(user_id=b.recorded_by, full_name=names.get(b.recorded_by, ""))
                    if b.recorded_by is not None
                    else None
                ),
            )
            for b in rows
        ]
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
        # How many of the voting participants attended when it opened: the quorum's "present".
        attending=vote.quorum_present,
        tally=vote.tally,
        result=vote.result,
        ballots=ballots,
        paper=vote.paper_tally if vote.secret else None,
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
                raise Invalid("{field} cannot be null.", params={"field": name})
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
        raise Conflict("The vote is already open." if vote.status == VoteStatus.open else "The vote is already closed.")
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
        raise Conflict(
            "No quorum: {present} of {base} voting participants attend, {required} are required ({fraction})."
            if members is None
            else "No quorum: {present} of {base} members of the body attend, {required} are required ({fraction}).",
            params={
                "present": quorum.present,
                "base": base,
                "required": quorum.required,
                "fraction": f"{fraction.numerator}/{fraction.denominator}",
            },
            code="quorum_not_met",
            details={"present": quorum.present, "required": quorum.required, "voting": base},
        )
    for user_id in voters:
        tx.session.add(VoteRoll(vote_id=vote.id, user_id=user_id, attending=user_id in attending))
    if vote.secret:
        slots.make_slots(tx.session, vote.id, len(voters))
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
    counted = (
        slots.counts(tx.session, vote)
        if vote.secret
        else dict(
            tx.session.exec(
                select(NamedBallot.choice, sa.func.count())
                .where(NamedBallot.vote_id == vote.id)
                .group_by(NamedBallot.choice)
            ).all()
        )
    )
    paper = vote.paper_tally or {}
    tally = {option: counted.get(option, 0) + paper.get(option, 0) for option in options}
    electronic = _cast_counts(tx.session, [vote.id]).get(vote.id, 0)
    cast = electronic + _paper_total(vote)
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
    tx.notify_after_commit(VoteClosed(meeting_id=vote.meeting_id, vote=broadcast(tx.session, vote, electronic)))
    # Totals only: the audit log never holds a ballot.
    audit.record(
        tx.session,
        vote.meeting_id,
        user.id,
        "vote.closed",
        {
            "vote_id": vote.id,
            "tally": tally,
            "cast": cast,
            "eligible": vote.eligible,
            "passed": result.passed,
        },
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
    on_behalf_of: int | None = None,
) -> CastResult:
    """One ballot of an entitled voter in an open vote. A second one, however it
    arrives (double tap, resend after a reconnect, another node), meets the
    unique key of `vote_voter` and is refused with `already_voted`.

    Only a voter attending when the vote opened (and not marked absent or gone
    since) may vote: anyone else gets `absent`. With `on_behalf_of`, the
    secretary or the chair records the ballot of such a voter who has no
    tablet: named votes only (`secret_vote` otherwise), marked `recorded_by`
    and audited.

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
    voter_id, recorded_by = user.id, None
    if on_behalf_of is not None and on_behalf_of != user.id:
        if not can_control(session, user, meeting):
            raise Forbidden("Only the secretary or the chair records a ballot for someone else.")
        if vote.secret:
            raise Conflict(
                "A secret vote's ballot is never recorded for a person: count the paper ballots instead.",
                code="secret_vote",
            )
        voter_id, recorded_by = on_behalf_of, user.id
    if session.get(VoteRoll, (vote.id, voter_id)) is None:
        raise Forbidden("Only the meeting's voting participants may vote; guests do not.")
    if not may_vote(session, vote, voter_id):
        raise Conflict("Not recorded present when the vote opened (or marked absent since): no ballot.", code="absent")
    if choice not in vote.options:
        # The message does not repeat the choice: nothing of a ballot goes into logs.
        raise Invalid("That is not one of the vote's options.")
    if (
        vote.secret
        and vote.paper_tally
        and _cast_counts(session, [vote.id]).get(vote.id, 0) + _paper_total(vote) >= (vote.quorum_present or 0)
    ):
        raise Conflict("Every voter present has voted, paper ballots included: check the paper count.")
    try:
        session.execute(sa.insert(VoteVoter).values(vote_id=vote.id, user_id=voter_id))
    except sa.exc.IntegrityError:
        raise AlreadyVoted(
            "You have already voted; your first ballot counts."
            if recorded_by is None
            else "This participant has already voted; the first ballot counts."
        ) from None
    receipt = None
    if vote.secret:
        receipt = _receipt(receipt_hash)
        slots.fill_slot(tx, vote, choice, receipt.hash)
    else:
        session.execute(
            sa.insert(NamedBallot).values(vote_id=vote.id, user_id=voter_id, choice=choice, recorded_by=recorded_by)
        )
    if recorded_by is not None:
        # A named vote: who chose what is part of the record; who recorded it is named.
        names = _names(session, {voter_id, recorded_by})
        audit.record(
            session,
            vote.meeting_id,
            recorded_by,
            "vote.ballot_recorded",
            {
                "vote_id": vote.id,
                "user_id": voter_id,
                "full_name": names.get(voter_id, ""),
                "choice": choice,
                "recorded_by": {"user_id": recorded_by, "full_name": names.get(recorded_by, "")},
            },
        )
    cast = _cast_counts(session, [vote.id])[vote.id] + _paper_total(vote)
    tx.notify_after_commit(VoteProgress(meeting_id=vote.meeting_id, vote_id=vote.id, cast=cast, eligible=vote.eligible))
    return CastResult(vote_id=vote.id, receipt=receipt)


def record_paper(tx: Tx, user: UserPublic, vote_id: int, tally: dict[str, int]) -> MyVotePublic:
    """A secret vote's paper ballots, counted per option at the console (secretary,
    chair), for the voters present without a tablet. The count replaces the one
    before (a recount corrects it) and adds to the tally at close. Counts only:
    nothing names a paper voter. No more paper ballots than voters attending at
    the opening who have not voted on a tablet."""
    vote = _controlled_vote(tx, user, vote_id)
    if not vote.secret:
        raise Conflict(
            "Paper ballots are counted in a secret vote only; record a named ballot for its voter.", code="not_secret"
        )
    if vote.status != VoteStatus.open:
        raise Conflict("The vote is not open yet." if vote.status == VoteStatus.draft else "The vote is closed.")
    if set(tally) - set(vote.options):
        raise Invalid("That is not one of the vote's options.")
    counts = {option: int(tally.get(option, 0)) for option in vote.options}
    electronic = _cast_counts(tx.session, [vote.id]).get(vote.id, 0)
    room = (vote.quorum_present or 0) - electronic
    if sum(counts.values()) > room:
        raise Conflict(
            "{paper} paper ballots, but only {room} voters present have not voted on a tablet.",
            params={"paper": sum(counts.values()), "room": max(room, 0)},
            details={"paper": sum(counts.values()), "room": max(room, 0)},
        )
    vote.paper_tally = counts if any(counts.values()) else None
    vote.paper_recorded_by = user.id if vote.paper_tally else None
    tx.session.add(vote)
    tx.session.flush()
    audit.record(
        tx.session,
        vote.meeting_id,
        user.id,
        "vote.paper_counted",
        {
            "vote_id": vote.id,
            "paper": counts,
            "total": sum(counts.values()),
            "recorded_by": {"user_id": user.id, "full_name": _names(tx.session, {user.id}).get(user.id, "")},
        },
    )
    cast = electronic + _paper_total(vote)
    tx.notify_after_commit(VoteProgress(meeting_id=vote.meeting_id, vote_id=vote.id, cast=cast, eligible=vote.eligible))
    return views(tx.session, [vote], user.id)[0]


def turnout(session: Session, user: UserPublic, vote_id: int) -> TurnoutPublic:
    """Who has not voted yet, by name, for the console (secretary, chair); and who
    may not (not attending when the vote opened, or gone since). Never a choice:
    who voted is not secret, what they chose is."""
    vote, meeting = _visible_vote(session, user, vote_id)
    if not can_control(session, user, meeting):
        raise Forbidden("Only the secretary or the chair follows who has voted.")
    if vote.status == VoteStatus.draft:
        raise Conflict("The vote is not open yet.")
    roll = session.exec(select(VoteRoll).where(VoteRoll.vote_id == vote.id).order_by(col(VoteRoll.user_id))).all()
    voted = set(session.exec(select(VoteVoter.user_id).where(VoteVoter.vote_id == vote.id)))
    names = _names(session, {r.user_id for r in roll})
    not_voted: list[Voter] = []
    absent: list[Voter] = []
    for r in roll:
        if r.user_id in voted:
            continue
        person = Voter(user_id=r.user_id, full_name=names.get(r.user_id, ""))
        (not_voted if may_vote(session, vote, r.user_id) else absent).append(person)
    return TurnoutPublic(
        vote_id=vote.id,
        cast=len(voted) + _paper_total(vote),
        eligible=vote.eligible or 0,
        not_voted=not_voted,
        absent=absent,
        paper=_paper_total(vote),
    )


def _receipt(receipt_hash: str | None) -> Receipt:
    if receipt_hash:
        return Receipt(hash=receipt_hash.lower())
    nonce = secrets.token_hex(32)
    return Receipt(hash=hashlib.sha256(nonce.encode()).hexdigest(), nonce=nonce)
