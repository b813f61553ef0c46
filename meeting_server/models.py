"""Every table, imported in one place: the models the migrations are checked against (tests/test_migrations.py)."""

from meeting_server.annotations.models import Annotation  # noqa: F401
from meeting_server.archive.models import AuditEntry  # noqa: F401
from meeting_server.auth.models import AuthSession, User  # noqa: F401
from meeting_server.bodies.models import Body, BodyMember  # noqa: F401
from meeting_server.documents.models import Document, DocumentPage  # noqa: F401
from meeting_server.eventlog.models import Event  # noqa: F401
from meeting_server.meetings.models import (  # noqa: F401
    AgendaItem,
    Attendance,
    Meeting,
    Node,
    Participant,
    Presence,
)
from meeting_server.meetings.screen import ScreenState  # noqa: F401
from meeting_server.minutes.models import Minutes, MinutesConfirmation, MinutesItem  # noqa: F401
from meeting_server.search.models import SearchEntry  # noqa: F401
from meeting_server.security.models import SecurityEvent  # noqa: F401
from meeting_server.settings.models import SiteSettings  # noqa: F401
from meeting_server.votes.models import NamedBallot, SecretBallot, Vote, VoteRoll, VoteVoter  # noqa: F401
