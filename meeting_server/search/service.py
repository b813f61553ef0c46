"""Searching: only ever over meetings the caller may see (the same rule as
`can_view`, applied in the query, not after it)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server.auth.models import UserPublic
from meeting_server.errors import Invalid
from meeting_server.meetings.access import visible_to
from meeting_server.meetings.models import Meeting, MeetingStatus
from meeting_server.meetings.service import ids_held_in
from meeting_server.search.fold import query_terms
from meeting_server.search.models import SearchEntry, SearchHit, SearchResult
from meeting_server.settings import service as site_settings
from meeting_server.timeutil import local_day

MAX_HITS = 50
MAX_TERMS = 12
SNIPPET_BEFORE = 60
SNIPPET_AFTER = 140


def search(
    session: Session,
    user: UserPublic,
    q: str,
    *,
    meeting_id: int | None = None,
    year: int | None = None,
    closed_only: bool = False,
) -> SearchResult:
    terms = query_terms(q)[:MAX_TERMS]
    if not terms:
        raise Invalid("Type a word to search for.")
    query = (
        select(SearchEntry, Meeting)
        .join(Meeting, col(Meeting.id) == col(SearchEntry.meeting_id))
        .where(visible_to(user))
    )
    if meeting_id is not None:
        query = query.where(Meeting.id == meeting_id)
    if year is not None:
        query = query.where(col(Meeting.id).in_(ids_held_in(session, user, year)))
    if closed_only:
        query = query.where(Meeting.status == MeetingStatus.closed)
    found: dict[int, tuple[SearchEntry, Meeting]] = {}
    # The words as a phrase first ("bien ban" next to each other), then anywhere.
    for phrase in (True, False) if len(terms) > 1 else (False,):
        for entry, meeting in session.exec(_match(session, query, terms, phrase).limit(MAX_HITS)):
            found.setdefault(entry.id, (entry, meeting))
        if len(found) >= MAX_HITS:
            break
    zone = site_settings.zone(session)
    hits = [_hit(entry, meeting, terms, zone) for entry, meeting in list(found.values())[:MAX_HITS]]
    return SearchResult(hits=hits)


def _match(session: Session, query, terms: list[str], phrase: bool):
    if session.get_bind().dialect.name == "sqlite":
        # A term matches the words it begins ("ban" finds "bản", "bảng").
        if phrase:
            expression = " + ".join(f'"{term}"' for term in terms[:-1]) + f' + "{terms[-1]}"*'
        else:
            expression = " AND ".join(f'"{term}"*' for term in terms)
        fts = (
            sa.text("SELECT rowid AS id, rank FROM search_fts WHERE search_fts MATCH :expression")
            .bindparams(expression=expression)
            .columns(id=sa.Integer, rank=sa.Float)
            .subquery("fts")
        )
        return query.join(fts, fts.c.id == SearchEntry.id).order_by(fts.c.rank, SearchEntry.id)
    # PostgreSQL: the same questions of the same folded words (migration 0004's index): every
    # word a prefix, or in a phrase the last. Terms are \w+ runs: quoting is all the escaping needed.
    if phrase:
        expression = " <-> ".join([*(f"'{term}'" for term in terms[:-1]), f"'{terms[-1]}':*"])
    else:
        expression = " & ".join(f"'{term}':*" for term in terms)
    tsquery = sa.func.to_tsquery("simple", expression)
    vector = sa.func.to_tsvector("simple", col(SearchEntry.folded))
    return query.where(vector.op("@@")(tsquery)).order_by(
        sa.func.ts_rank_cd(vector, tsquery).desc(), col(SearchEntry.id)
    )


def _hit(entry: SearchEntry, meeting: Meeting, terms: list[str], zone: str) -> SearchHit:
    return SearchHit(
        meeting_id=meeting.id,
        meeting_title=meeting.title,
        meeting_starts_at=meeting.starts_at,
        meeting_held_on=local_day(meeting.opened_at, zone).isoformat() if meeting.opened_at else None,
        meeting_timezone=zone,
        kind=entry.kind,
        id=entry.ref_id,
        title=entry.title,
        page=entry.page,
        snippet=snippet(entry, terms),
        confidential=meeting.confidential,
    )


def snippet(entry: SearchEntry, terms: list[str]) -> str:
    """A window of the original text around the first term found; the folded
    text has the same offsets, so the cut keeps every diacritic."""
    original = f"{entry.title}\n{entry.text}"
    body_start = len(entry.title) + 1
    body = entry.folded[body_start:]
    # Around the words as a phrase if they stand so, else around the first word found.
    phrase = re.search(r"\b" + r"\W+".join(map(re.escape, terms)), body)
    found = [m.start() for term in terms if (m := re.search(rf"\b{re.escape(term)}", body))]
    at = body_start + (phrase.start() if phrase else min(found) if found else 0)
    start = max(body_start, at - SNIPPET_BEFORE)
    end = min(len(original), at + SNIPPET_AFTER)
    # Cut on spaces, not inside a word.
    if start > body_start:
        start = original.find(" ", start, at) + 1 or start
    if end < len(original):
        end = original.rfind(" ", at, end) if original.rfind(" ", at, end) > at else end
    text = " ".join(original[start:end].split())
    return f"{'… ' if start > body_start else ''}{text}{' …' if end < len(original) else ''}"
