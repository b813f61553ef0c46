"""The vote events everyone in the meeting receives.

None of them carries a user id: not who voted, let alone what anyone chose.
`VotePublic` has no `voted` field and every event forbids extra fields,
so that cannot change by accident.
"""

from __future__ import annotations

from meeting_server.eventlog.events import ServerEvent
from meeting_server.votes.models import VotePublic


class VoteOpened(ServerEvent):
    name = "vote:opened"
    vote: VotePublic


class VoteProgress(ServerEvent):
    """After every ballot: how many have voted out of how many may. No tally until close."""

    name = "vote:progress"
    vote_id: int
    cast: int
    eligible: int


class VoteClosed(ServerEvent):
    """With the tally and result (and, for a named vote, who chose what)."""

    name = "vote:closed"
    vote: VotePublic
