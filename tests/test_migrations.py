"""Migrations (meeting_server/migrations): a database made by the schema as it
stood before them (revision 0001, what `create_all` made), holding data in every
table the next revision changes, is upgraded by `meeting-server migrate` and
loses nothing; the server then serves it. On SQLite and on PostgreSQL (a
database of the test's own). A database that needs migrating stops the server
with one line; the models and the migrations agree."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from meeting_server import (
    migrations,
    models,  # noqa: F401  (every table, for the comparison)
)
from meeting_server.auth.passwords import hash_password
from meeting_server.config import Settings
from meeting_server.db import Database, schema_engine
from meeting_server.search.fold import fold
from meeting_server.votes.rules import VoteRule, decide
from tests.support import ServerProcess, free_port, login, postgres_database, run_cli

SECRETARY = ("thuky", "thuky-password-1")
MEMBER = ("uyvien", "uyvien-password-1")
# The columns revision 0002 turns from JSON text into JSON.
JSON_COLUMNS = {"annotation": ("data",), "vote": ("options", "tally", "result")}
# Tables revision 0002 drops: the quorum moves into `meeting`; `loginfailure` was retired.
DROPPED = {"meeting_quorum", "loginfailure"}


# ---- a database of the test's own ------------------------------------------------


@dataclass
class Backend:
    data_dir: Path
    settings: Settings
    env: dict[str, str] = field(default_factory=dict)

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.settings.sqlalchemy_url, poolclass=sa.NullPool)

    def cli(self, *args: str, check: bool = True):
        return run_cli(*args, data_dir=self.data_dir, env=self.env, check=check)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.scaleout)])
def backend(request, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if request.param == "sqlite":
        yield Backend(data_dir, Settings(data_dir=data_dir, database_url=None))
        return
    with postgres_database("migrations_test") as url:
        yield Backend(data_dir, Settings(data_dir=data_dir, database_url=url), {"MEETING_DATABASE_URL": url})


def alembic(backend: Backend, action, revision: str) -> None:
    """Run one alembic command on the backend's database, as `migrate` does (schema_engine, its lock)."""
    engine = schema_engine(backend.settings)
    with engine.begin() as connection:
        action(migrations.config(connection), revision)
    engine.dispose()


def build_todays_schema(backend: Backend, made_by: str) -> None:
    """The schema before migrations: revision 0001, or what `create_all` left (no alembic_version)."""
    alembic(backend, command.upgrade, "0001")
    engine = backend.engine()
    with engine.begin() as connection:
        tables = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
        assert {t for t in tables if not t.startswith("search_fts")} == set(revision_0001().TABLES)
        if made_by == "create_all":
            connection.execute(sa.text("DROP TABLE alembic_version"))
    engine.dispose()


def revision_0001():
    return migrations.scripts().get_revision("0001").module


# ---- today's data, written as today's code wrote it, in plain SQL ---------------------


@dataclass
class Seeded:
    meeting: int
    document: int
    secretary: int
    member: int
    vote_closed: int
    vote_draft: int
    vote_secret: int = 0  # open, one ballot in: the secretary's, with this receipt
    receipt: str = "5" * 64
    annotations: dict[str, dict] = field(default_factory=dict)  # id -> data
    events: list[tuple[str, str]] = field(default_factory=list)  # (name, payload)


def _dumps(value) -> str:
    # How annotations and event payloads were written: compact, UTF-8.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def seed(engine: sa.Engine) -> Seeded:
    with engine.begin() as connection:

        def insert(table: str, returning: str | None = "id", **row) -> int | None:
            columns = ", ".join(f'"{name}"' for name in row)
            values = ", ".join(f":{name}" for name in row)
            sql = f'INSERT INTO "{table}" ({columns}) VALUES ({values})'
            result = connection.execute(sa.text(sql + (f" RETURNING {returning}" if returning else "")), row)
            return result.scalar_one() if returning else None

        at = "2026-12-05 07:00:00.000000"
        secretary = insert(
            "user",
            username=SECRETARY[0],
            full_name="Nguyễn Thị Thư Ký",
            role="secretary",
            password_hash=hash_password(SECRETARY[1]),
            active=True,
            created_at=at,
        )
        member = insert(
            "user",
            username=MEMBER[0],
            full_name="Trần Văn Ủy Viên",
            role="member",
            password_hash=hash_password(MEMBER[1]),
            active=True,
            created_at=at,
        )
        meeting = insert(
            "meeting",
            title="Họp Chi bộ tháng 12 năm 2026",
            starts_at="2026-12-05T14:00:00+07:00",
            location="Phòng họp tầng 2",
            status="open",
            last_seq=2,
            created_by=secretary,
            created_at=at,
            opened_at=at,
        )
        for user, status, reason in ((secretary, "present", ""), (member, "absent", "Đi công tác")):
            insert("participant", returning=None, meeting_id=meeting, user_id=user, voting=True)
            insert(
                "attendance",
                returning=None,
                meeting_id=meeting,
                user_id=user,
                status=status,
                reason=reason,
                checked_in_at=at if status == "present" else None,
                updated_by=secretary,
                updated_at=at,
            )
        insert("meeting_quorum", returning=None, meeting_id=meeting, numerator=3, denominator=4)
        item = insert("agenda_item", meeting_id=meeting, position=1, title="Thông qua Nghị quyết chuyển đổi số")
        document = insert(
            "document",
            agenda_item_id=item,
            title="Dự thảo Nghị quyết",
            sha256="ab" * 32,
            size_bytes=12345,
            page_count=2,
            uploaded_by=secretary,
            created_at=at,
        )
        for number in (1, 2):
            insert(
                "document_page",
                returning=None,
                document_id=document,
                number=number,
                width=595.0,
                height=842.0,
                words=_dumps([["Biên", 0.1, 0.1, 0.16, 0.12], ["bản", 0.17, 0.1, 0.22, 0.12]]),
                text="Biên bản",
            )
        title, text = "Dự thảo Nghị quyết", "Biên bản cuộc họp Chi bộ"
        insert(
            "search_entry",
            meeting_id=meeting,
            kind="document",
            ref_id=document,
            page=1,
            title=title,
            text=text,
            folded=fold(f"{title}\n{text}"),
        )

        seeded = Seeded(meeting, document, secretary, member, 0, 0)
        annotations = [
            ("ink", "shared", secretary, {"points": [[0.1, 0.2, 0.5]], "color": "#d32f2f", "width": 0.004}, None),
            ("note", "private", secretary, {"x": 0.5, "y": 0.25, "text": "Ghi chú: đồng ý với dự thảo"}, None),
            ("highlight", "private", member, {"rects": [[0.1, 0.1, 0.3, 0.12]], "color": "#ffeb3b"}, None),
            ("ink", "shared", secretary, {}, at),  # deleted: the content goes, the id stays
        ]
        for kind, visibility, owner, data, deleted_at in annotations:
            annotation_id = str(uuid.uuid4())
            insert(
                "annotation",
                returning=None,
                id=annotation_id,
                document_id=document,
                meeting_id=meeting,
                page=1,
                kind=kind,
                visibility=visibility,
                owner_id=owner,
                data=_dumps(data),
                client_time=1_796_000_000_000,
                created_at=at,
                updated_at=at,
                deleted_at=deleted_at,
            )
            seeded.annotations[annotation_id] = data
        insert(
            "annotation_usage",
            returning=None,
            meeting_id=meeting,
            user_id=secretary,
            document_id=document,
            page=1,
            count=2,
            bytes=len(_dumps(annotations[0][3]).encode()) + len(_dumps(annotations[1][3]).encode()),
        )

        # Votes as votes/service.py wrote them: json.dumps with its default separators.
        options = ["yes", "no", "abstain"]
        tally = {"yes": 1, "no": 0, "abstain": 0}
        result = decide(VoteRule.majority_of_members, tally, options, 2, 1).as_dict()
        seeded.vote_closed = insert(
            "vote",
            meeting_id=meeting,
            agenda_item_id=item,
            title="Thông qua Nghị quyết",
            options=json.dumps(options, ensure_ascii=False),
            secret=False,
            rule="majority_of_members",
            status="closed",
            eligible=2,
            quorum_required=2,
            quorum_present=1,
            quorum_met=False,
            quorum_overridden=True,
            tally=json.dumps(tally, ensure_ascii=False),
            result=json.dumps(result),
            created_by=secretary,
            opened_by=secretary,
            closed_by=secretary,
            created_at=at,
            opened_at=at,
            closed_at=at,
        )
        seeded.vote_draft = insert(
            "vote",
            meeting_id=meeting,
            agenda_item_id=None,
            title="Bầu Bí thư",
            options=json.dumps(["Đồng ý", "Không đồng ý"], ensure_ascii=False),
            secret=True,
            rule="majority_of_cast",
            status="draft",
            created_by=secretary,
            created_at=at,
        )
        # A secret vote under way, one ballot cast, as revision 0001 stored it: the option's text.
        seeded.vote_secret = insert(
            "vote",
            meeting_id=meeting,
            agenda_item_id=None,
            title="Bầu Phó Bí thư",
            options=json.dumps(["Đồng ý", "Không đồng ý"], ensure_ascii=False),
            secret=True,
            rule="majority_of_cast",
            status="open",
            eligible=2,
            quorum_required=2,
            quorum_present=1,
            quorum_met=False,
            quorum_overridden=True,
            created_by=secretary,
            opened_by=secretary,
            created_at=at,
            opened_at=at,
        )
        for user in (secretary, member):
            insert("vote_roll", returning=None, vote_id=seeded.vote_secret, user_id=user, attending=True)
        insert("vote_voter", returning=None, vote_id=seeded.vote_secret, user_id=secretary)
        insert(
            "secret_ballot",
            returning=None,
            id="a" * 32,
            vote_id=seeded.vote_secret,
            choice="Đồng ý",
            receipt_hash=seeded.receipt,
        )
        insert("named_ballot", returning=None, vote_id=seeded.vote_closed, user_id=secretary, choice="yes")
        insert("vote_voter", returning=None, vote_id=seeded.vote_closed, user_id=secretary)
        for user, attending in ((secretary, True), (member, False)):
            insert("vote_roll", returning=None, vote_id=seeded.vote_closed, user_id=user, attending=attending)

        insert(
            "minutes",
            returning=None,
            meeting_id=meeting,
            status="draft",
            version=1,
            issuer_parent="",
            issuer_name="",
            issuer_number="",
            locality="",
            subject="",
            chair_position="",
            secretary_position="",
            updated_at=at,
            updated_by=secretary,
        )
        insert(
            "minutes_item",
            returning=None,
            agenda_item_id=item,
            meeting_id=meeting,
            discussion="Các đồng chí thảo luận dự thảo.",
            conclusion="Chi bộ thống nhất thông qua.",
            version=1,
            updated_at=at,
            updated_by=secretary,
        )
        for seq, name, payload in (
            (1, "meeting:status", {"meeting_id": meeting, "seq": 1, "status": "open"}),
            (2, "agenda:changed", {"meeting_id": meeting, "seq": 2, "note": "Đã cập nhật"}),
        ):
            insert("event", meeting_id=meeting, seq=seq, name=name, payload=_dumps(payload), created_at=at)
            seeded.events.append((name, _dumps(payload)))
        for seq, action, details in ((1, "meeting.opened", "{}"), (2, "vote.closed", '{"passed":false,"vote_id":1}')):
            insert(
                "audit_entry",
                meeting_id=meeting,
                seq=seq,
                at=at,
                actor_id=secretary,
                action=action,
                details=details,
                prev_hash=f"{seq - 1:064x}",
                hash=f"{seq:064x}",
            )
        insert("loginfailure", username="ai-do", at=at)
    return seeded


def snapshot(engine: sa.Engine, tables) -> dict[str, list[dict]]:
    """Every row of these tables, as reflected from the database itself, in key order."""
    rows = {}
    with engine.connect() as connection:
        metadata = sa.MetaData()
        for name in tables:
            table = sa.Table(name, metadata, autoload_with=connection)
            query = sa.select(table).order_by(*table.primary_key.columns)
            rows[name] = [dict(row._mapping) for row in connection.execute(query)]
    return rows


def parsed(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Rows of today's schema with its JSON text parsed, as the JSON columns give it back."""
    out = {}
    for name, table_rows in rows.items():
        columns = JSON_COLUMNS.get(name, ())
        out[name] = [
            {key: (json.loads(value) if key in columns and value is not None else value) for key, value in row.items()}
            for row in table_rows
        ]
    return out


# ---- the upgrade -------------------------------------------------------------------


# Columns revision 0003 adds to existing tables, with the value every existing row gets.
ADDED_0003 = {
    "user": {"position": "", "must_change_password": False},
    "meeting": {"body_id": None, "member_count": None, "chair_id": None, "secretary_id": None},
    "participant": {"rsvp": None, "rsvp_reason": "", "rsvp_at": None, "seen_at": None},
    "agenda_item": {"presenter": ""},
    "document": {"version": 1, "replaced_by_id": None, "withdrawn_at": None, "withdrawn_by": None},
}


# Columns revision 0006 adds (issue 12: early departures, ballots recorded at the console, paper counts).
ADDED_0006 = {
    "attendance": {"left_at": None},
    "named_ballot": {"recorded_by": None},
    "vote": {"paper_tally": None, "paper_recorded_by": None},
}


# Revision 0009 (issue 14): a meeting made before is not confidential.
ADDED_0009 = {"meeting": {"confidential": False}}


@pytest.mark.parametrize("made_by", ["create_all", "revision 0001"])
def test_migrate_upgrades_todays_schema_with_data_and_loses_nothing(backend, made_by):
    build_todays_schema(backend, made_by)
    engine = backend.engine()
    seeded = seed(engine)
    kept = [table for table in revision_0001().TABLES if table not in DROPPED]
    before = snapshot(engine, revision_0001().TABLES)

    done = backend.cli("migrate")
    was = "made before migrations (revision 0001)" if made_by == "create_all" else "at revision 0001"
    assert done.stdout.strip() == f"migrated the database, {was}, to revision {migrations.head()}"
    after = snapshot(engine, kept)
    engine.dispose()

    # Every row of every kept table, every value equal; the JSON columns hold the same values, parsed.
    expected = parsed({table: before[table] for table in kept})
    quorum = {row["meeting_id"]: (row["numerator"], row["denominator"]) for row in before["meeting_quorum"]}
    for row in after["meeting"]:
        assert (row.pop("quorum_numerator"), row.pop("quorum_denominator")) == quorum.get(row["id"], (2, 3))
        # Revision 0003: a meeting made before drafts existed was published when it was made.
        assert row.pop("published_at") == row["created_at"]
    for table, added in (*ADDED_0003.items(), *ADDED_0006.items(), *ADDED_0009.items()):
        for row in after[table]:
            assert {column: row.pop(column) for column in added} == added, table
    # Revision 0010: a secret ballot keeps its id and receipt, its choice becomes the option's index,
    # and the open vote gets an unfilled slot for its voter who has not voted yet.
    slots = after.pop("secret_ballot")
    assert [row for row in slots if row["choice"] != "--"] == [
        {**row, "choice": "00"} for row in expected.pop("secret_ballot")
    ]
    assert [row["vote_id"] for row in slots if row["choice"] == "--"] == [seeded.vote_secret]
    assert after == expected
    assert {row["id"]: row["data"] for row in after["annotation"]} == seeded.annotations

    # Twice is a no-op.
    again = backend.cli("migrate")
    assert again.stdout.strip() == f"the database is at revision {migrations.head()}, the newest: nothing to do"

    served(backend, seeded)


def served(backend: Backend, seeded: Seeded) -> None:
    """The migrated meeting, as the server shows it over HTTP and the socket."""
    server = ServerProcess(backend.data_dir, env=backend.env).start()
    try:
        secretary = login(server.base_url, *SECRETARY)
        member = login(server.base_url, *MEMBER)
        meeting = secretary.ok("GET", f"/api/meetings/{seeded.meeting}")
        assert meeting["confidential"] is False
        assert meeting["quorum"] == {"numerator": 3, "denominator": 4}
        assert meeting["counts"]["quorum_required"] == math.ceil(2 * 3 / 4)
        assert {a["user_id"]: (a["status"], a["reason"]) for a in meeting["attendance"]} == {
            seeded.secretary: ("present", ""),
            seeded.member: ("absent", "Đi công tác"),
        }
        assert meeting["agenda"][0]["documents"][0]["pages"] == [{"width": 595.0, "height": 842.0}] * 2

        # Annotations: the caller's own (private too) and the shared ones, not the deleted one.
        live = [annotation_id for annotation_id, data in seeded.annotations.items() if data]
        ink, note, highlight = live
        listed = secretary.ok("GET", f"/api/documents/{seeded.document}/annotations")
        assert {a["id"]: (a["kind"], a["visibility"], a["data"]) for a in listed} == {
            ink: ("ink", "shared", seeded.annotations[ink]),
            note: ("note", "private", seeded.annotations[note]),
        }
        listed = member.ok("GET", f"/api/documents/{seeded.document}/annotations")
        assert {a["id"] for a in listed} == {ink, highlight}

        votes = {v["id"]: v for v in secretary.ok("GET", f"/api/meetings/{seeded.meeting}/votes")}
        closed = votes[seeded.vote_closed]
        assert closed["options"] == ["yes", "no", "abstain"]
        assert closed["tally"] == {"yes": 1, "no": 0, "abstain": 0}
        assert list(closed["tally"]) == closed["options"]  # in the options' order, as written
        assert closed["result"]["passed"] is False and closed["result"]["cast"] == 1
        assert [(b["user_id"], b["choice"], b.get("recorded_by")) for b in closed["ballots"]] == [
            (seeded.secretary, "yes", None)
        ]
        assert votes[seeded.vote_draft]["options"] == ["Đồng ý", "Không đồng ý"]
        assert votes[seeded.vote_draft]["tally"] is None
        # The secret ballot cast before the upgrade is counted, and its receipt published, at the close.
        secret = secretary.ok("POST", f"/api/votes/{seeded.vote_secret}/close")
        assert secret["tally"] == {"Đồng ý": 1, "Không đồng ý": 0}
        assert secretary.ok("GET", f"/api/votes/{seeded.vote_secret}/receipts")["receipts"] == [seeded.receipt]

        minutes = secretary.ok("GET", f"/api/meetings/{seeded.meeting}/minutes")
        item = minutes["items"][0]
        assert item["discussion"] == "Các đồng chí thảo luận dự thảo."
        assert item["conclusion"] == "Chi bộ thống nhất thông qua."
        counts = [(r["option"], r["count"]) for r in item["votes"][0]["results"]]
        assert counts == [("yes", 1), ("no", 0), ("abstain", 0)]

        hits = secretary.ok("GET", "/api/search", params={"q": "bien ban cuoc hop"})["hits"]
        assert [(hit["kind"], hit["id"], hit["page"]) for hit in hits] == [("document", seeded.document, 1)]

        socket = secretary.socket()
        try:
            # Joining checks the secretary in (seq 3); before it, the two events as they were stored.
            missed = socket.join(seeded.meeting, since_seq=0)["missed"]
            assert [(e["event"], _dumps(e["data"])) for e in missed if e["data"]["seq"] <= 2] == seeded.events
        finally:
            socket.close()

        # And it writes: the quorum into its new columns, a vote's options into JSON.
        quorum = {"numerator": 1, "denominator": 2}
        changed = secretary.ok("PATCH", f"/api/meetings/{seeded.meeting}/quorum", json=quorum)
        assert changed["quorum"] == quorum
        made = secretary.ok(
            "POST",
            f"/api/meetings/{seeded.meeting}/votes",
            status=201,
            json={"title": "Biểu quyết mới", "options": ["Tán thành", "Không tán thành"]},
        )
        assert secretary.ok("GET", f"/api/votes/{made['id']}")["options"] == ["Tán thành", "Không tán thành"]
    finally:
        server.stop()


def test_downgrade_to_0001_gives_todays_rows_back(backend):
    """Revision 0002 undone: the same rows in today's schema (the retired login failures excepted)."""
    build_todays_schema(backend, "revision 0001")
    engine = backend.engine()
    seed(engine)
    tables = [table for table in revision_0001().TABLES if table != "loginfailure"]
    before = snapshot(engine, tables)
    alembic(backend, command.upgrade, "head")
    alembic(backend, command.downgrade, "0001")
    assert snapshot(engine, tables) == before
    engine.dispose()


# ---- refusals -----------------------------------------------------------------------


@pytest.mark.parametrize("made_by", ["create_all", "revision 0001"])
def test_the_server_refuses_a_database_that_needs_migrating(tmp_path, made_by):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    backend = Backend(data_dir, Settings(data_dir=data_dir, database_url=None))
    build_todays_schema(backend, made_by)
    schema = _sqlite_schema(backend)
    line = f"meeting-server: the database needs migrating: run `meeting-server migrate --data-dir {data_dir}`"
    for args in (("serve", "--port", str(free_port())), ("user", "add", "ai", "--role", "admin", "--full-name", "A")):
        refused = backend.cli(*args, check=False)
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert _errors(refused.stderr) == [line]
    assert _sqlite_schema(backend) == schema  # refused, nothing changed


def test_a_database_migrated_by_a_newer_version_is_refused(tmp_path):
    data_dir = tmp_path / "data"
    backend = Backend(data_dir, Settings(data_dir=data_dir, database_url=None))
    assert backend.cli("migrate").stdout.strip() == f"created the database at revision {migrations.head()}"
    engine = backend.engine()
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    for args in (("serve", "--port", str(free_port())), ("migrate",)):
        refused = backend.cli(*args, check=False)
        assert refused.returncode == 1
        assert _errors(refused.stderr) == [
            (
                "meeting-server: the database is at revision 9999, which this version of meeting-server does not "
                "know: a newer version migrated it; run that version"
            )
        ]


def _errors(stderr: str) -> list[str]:
    # `serve` may also warn, before it opens the database, that the open-files limit is low.
    return [line for line in stderr.splitlines() if "open-files limit" not in line]


def test_migrate_makes_an_empty_database_and_twice_is_a_no_op(tmp_path):
    data_dir = tmp_path / "data"
    backend = Backend(data_dir, Settings(data_dir=data_dir, database_url=None))
    assert backend.cli("migrate").stdout.strip() == f"created the database at revision {migrations.head()}"
    schema = _sqlite_schema(backend)
    again = backend.cli("migrate")
    assert again.stdout.strip() == f"the database is at revision {migrations.head()}, the newest: nothing to do"
    assert _sqlite_schema(backend) == schema


def _sqlite_schema(backend: Backend) -> list[tuple]:
    engine = backend.engine()
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")).all()
        version = (
            connection.execute(sa.text("SELECT * FROM alembic_version")).all()
            if any(name == "alembic_version" for _, name, _ in rows)
            else []
        )
    engine.dispose()
    return [tuple(row) for row in rows] + [tuple(row) for row in version]


# ---- the models and the migrations agree ----------------------------------------------


def test_the_models_and_the_migrations_agree(backend):
    """A database made at start-up (every migration, not create_all) is what the models declare."""
    database = Database(backend.settings)
    database.create_schema()
    database.dispose()
    engine = backend.engine()
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == migrations.head()
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": migrations.include_name}
        )
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()
