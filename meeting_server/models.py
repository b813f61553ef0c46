"""Every table, imported in one place so the schema can be created from it."""

from meeting_server.auth.models import AuthSession, LoginFailure, User  # noqa: F401
from meeting_server.documents.models import Document, DocumentPage  # noqa: F401
from meeting_server.meetings.models import AgendaItem, Meeting, Node, Participant, Presence  # noqa: F401
from meeting_server.realtime.models import Event  # noqa: F401
from meeting_server.search.models import SearchEntry  # noqa: F401
