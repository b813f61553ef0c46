"""Search finds the same entries on PostgreSQL (full text over the folded
words, migration 0004) as on the embedded SQLite (FTS5), for Vietnamese
queries typed without diacritics: a committee that moves to several nodes
finds what it found before."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from meeting_server.auth.models import Role, User, UserPublic
from meeting_server.config import Settings
from meeting_server.db import Database
from meeting_server.meetings.models import Meeting
from meeting_server.search.fold import fold, query_terms
from meeting_server.search.index import index_document, index_minutes
from meeting_server.search.service import search
from tests.support import postgres_database

PAGES = {
    "Biên bản hội nghị": [
        "Biên bản hội nghị Ban Chấp hành Đảng bộ phường lần thứ 12.",
        "Bảng tổng hợp ý kiến của các đồng chí ủy viên về dự thảo.",
        "Đảng ủy thống nhất thông qua kế hoạch chuyển đổi số năm 2027.",
    ],
    "Kế hoạch phòng họp không giấy": [
        "Trang bị máy tính bảng cho Ban Thường vụ; đường truyền Wi-Fi riêng cho hội trường.",
        "Ủy ban nhân dân phường bố trí kinh phí năm 2027–2028, bản sao gửi Văn phòng.",
        "Chi bộ Khu phố 3 đăng ký thí điểm; biểu quyết thông qua với đa số tán thành.",
    ],
}
MINUTES = "Hội nghị biểu quyết thông qua Nghị quyết về chuyển đổi số; đồng chí Bí thư kết luận."

QUERIES = [
    "bien ban",
    "ban",
    "bang",
    "dang uy",
    "d",
    "duong truyen",
    "ke hoach 2027",
    "chuyen doi so",
    "uy ban nhan dan",
    "bieu quyet thong qua",
    "wi fi",
    "2028",
    "chi bo khu pho 3",
    "hoi nghi",
    "ban chap hanh dang bo",
    "thong",
    "khong co tu nay",
]


def fill(database: Database) -> UserPublic:
    with database.write() as session:
        user = User(username="admin", full_name="Quản trị", role=Role.admin, password_hash="x")
        meeting = Meeting(title="Hội nghị tháng 12", starts_at="2026-12-05T08:00:00+07:00")
        session.add_all([user, meeting])
        session.flush()
        for number, (title, pages) in enumerate(PAGES.items(), start=1):
            index_document(session, meeting.id, number, title, pages)
        index_minutes(session, meeting.id, "Biên bản", MINUTES)
        return UserPublic(id=user.id, username=user.username, full_name=user.full_name, role=user.role)


def phrase_hits(query: str) -> set[tuple[str, int, int | None]]:
    """The entries whose folded text holds the query's words next to each other (the last as a prefix)."""
    words = query_terms(query)
    if len(words) < 2:
        return set()
    pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, words)))
    entries = {
        ("document", number, page): f"{title}\n{text}"
        for number, (title, pages) in enumerate(PAGES.items(), start=1)
        for page, text in enumerate(pages, start=1)
    }
    entries["minutes", 1, None] = f"Biên bản\n{MINUTES}"
    return {key for key, text in entries.items() if pattern.search(fold(text))}


def found(database: Database, user: UserPublic, query: str) -> list[tuple[str, int, int | None]]:
    with database.read() as session:
        return [(hit.kind.value, hit.id, hit.page) for hit in search(session, user, query).hits]


@pytest.fixture
def sqlite_db(tmp_path):
    database = Database(Settings(data_dir=tmp_path, database_url=None))
    database.create_schema()
    yield database
    database.dispose()


@pytest.fixture
def postgres_db():
    with postgres_database("search_test") as url:
        database = Database(Settings(database_url=url))
        database.create_schema()
        yield database
        database.dispose()


@pytest.mark.scaleout
def test_postgresql_finds_what_sqlite_finds(sqlite_db, postgres_db):
    on_sqlite, on_postgres = fill(sqlite_db), fill(postgres_db)
    compared = 0
    for query in QUERIES:
        lite, pg = found(sqlite_db, on_sqlite, query), found(postgres_db, on_postgres, query)
        assert sorted(pg) == sorted(lite), query
        compared += len(lite)
        # The entries holding the words as a phrase come first, on both.
        together = phrase_hits(query)
        assert set(lite[: len(together)]) == set(pg[: len(together)]) == together, query
    assert compared > 20
    assert found(postgres_db, on_postgres, "khong co tu nay") == []


@pytest.mark.scaleout
def test_postgresql_uses_its_full_text_index(postgres_db):
    fill(postgres_db)
    with postgres_db.read() as session:
        names = session.exec(sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'search_entry'")).all()
    assert ("ix_search_entry_folded_tsv",) in [tuple(row) for row in names]
