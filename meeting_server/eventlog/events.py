"""The server event every domain's events derive from, and the rooms they go to.

`extra="forbid"`: an event cannot grow a field by accident (say, a voter's
id on a secret ballot). Each carries `meeting_id` and `seq`; `seq` is filled
in by the outbox when the event is appended to the meeting's log.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class ServerEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ClassVar[str]

    meeting_id: int
    seq: int = 0


def meeting_room(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def user_room(meeting_id: int, user_id: int) -> str:
    """The devices of one user in one meeting: where their private events go."""
    return f"meeting:{meeting_id}:user:{user_id}"


def screen_room(meeting_id: int) -> str:
    """The meeting's hall screens (joined with `watch`): every event of the meeting's room
    reaches them too, except members' shared ink the presenter has not let through."""
    return f"meeting:{meeting_id}:screen"


def inbox_room(user_id: int) -> str:
    """Every socket of one user, joined on connect, whatever meeting it is in: where the
    meeting list hears of meetings published to them and of changes to those."""
    return f"inbox:{user_id}"
