"""Issue 14, "Faults": a full disk gives a clear error, not a corrupt store.

A server of this module's own keeps its data folder (the SQLite database, the
blobs, the page cache, its temp files) on a small tmpfs mounted for it; a
filler file beside the folder takes the rest of the disk, or all but a chosen
margin. Then: an upload that does not fit is 507 `disk_full` in the person's
language, never a 500, and leaves nothing (no document row, no new file, no
partial blob); what is stored still downloads byte for byte and its drawn
pages still show; a database write that finds no room is 507 too, over HTTP
and in a socket's ack, and the SQLite file passes `PRAGMA integrity_check`;
with the filler gone, everything works again.

Mounting needs root (CI runs as root); elsewhere the module skips, saying so.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pymupdf
import pytest
from PIL import Image

from meeting_server import i18n
from meeting_server.errors import DISK_FULL
from tests.annotation_support import ink, put
from tests.conftest import World, make_world
from tests.support import ADMIN, PASSWORD, Api, ServerProcess, Socket, add_admin, login, make_pdf, unique
from tests.test_upload_faults import data_files

DISK_MB = 48


@pytest.fixture(scope="module")
def disk(tmp_path_factory) -> Iterator[Path]:
    """A tmpfs of DISK_MB, mounted for this module and unmounted after it."""
    if os.geteuid() != 0:
        pytest.skip("filling a disk needs a small tmpfs of its own, and mounting one needs root (CI runs as root)")
    mount = tmp_path_factory.mktemp("small-disk")
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        reason = result.stderr.strip()
        if "permission denied" in reason.lower() or "not permitted" in reason.lower():
            pytest.skip(f"cannot mount a tmpfs here (a container without CAP_SYS_ADMIN?): {reason}")
        pytest.fail(f"mount -t tmpfs failed: {reason}")
    yield mount
    if subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "--lazy", str(mount)], check=True)


@dataclass
class SmallDisk:
    root: Path
    server: ServerProcess
    world: World
    seen_pages: list[tuple[int, int]]  # (page, width) drawn before the disk filled

    @property
    def data_dir(self) -> Path:
        return self.server.data_dir

    @property
    def filler(self) -> Path:
        return self.root / "filler"

    def free_bytes(self) -> int:
        stats = os.statvfs(self.root)
        return stats.f_bavail * stats.f_frsize

    @contextlib.contextmanager
    def filled(self, leave: int = 0) -> Iterator[None]:
        """The disk full but for `leave` bytes while the block runs; emptied after it."""
        try:
            # Unbuffered: a buffer the disk refused would be written again, and refused, on close.
            with open(self.filler, "wb", buffering=0) as handle:
                # The server writes too (its heartbeat): ask again, from what is free now, until it fits.
                for _ in range(20):
                    try:
                        end = handle.seek(0, os.SEEK_END)
                        os.posix_fallocate(handle.fileno(), end, max(self.free_bytes() - leave, 1))
                        break
                    except OSError as exc:
                        if exc.errno != errno.ENOSPC:
                            raise
                else:
                    raise AssertionError(f"could not fill the disk to {leave} bytes free")
                if leave == 0:
                    # Take the last bytes too, until the disk says no.
                    with contextlib.suppress(OSError):
                        while handle.write(b"\0" * 4096):
                            pass
            yield
        finally:
            self.filler.unlink(missing_ok=True)

    def database_path(self) -> Path:
        return self.data_dir / "meeting.db"


def new_member(admin: Api) -> Api:
    username = unique("mem")
    admin.ok(
        "POST",
        "/api/users",
        201,
        json={"username": username, "password": PASSWORD, "full_name": "Lê Văn Ủy Viên", "role": "member"},
    )
    return login(admin.base_url, username, PASSWORD)


@pytest.fixture(scope="module")
def small(disk, tmp_path_factory) -> Iterator[SmallDisk]:
    data_dir = disk / "data"
    add_admin(data_dir)
    server = ServerProcess(data_dir)
    # The log off the small disk: it must be readable whatever the disk holds.
    server.log = tmp_path_factory.mktemp("disk-full-log") / "server.log"
    server.start()
    try:
        admin = login(server.base_url, *ADMIN)
        # The admin stands in for the secretary and the chair: fewer accounts, fewer argon2 hashes.
        member = new_member(admin)
        people = {"secretary": admin, "chair": admin, "member": member, "member2": member, "outsider": member}
        world = make_world(admin, people, tmp_path_factory.mktemp("disk-full-pdfs"))
        seen = [(1, 1024), (2, 768)]
        for page, width in seen:
            drawn = world.member.get(f"/api/documents/{world.document['id']}/pages/{page}", params={"width": width})
            assert drawn.status_code == 200, drawn.text
        yield SmallDisk(disk, server, world, seen)
    finally:
        server.stop()


@pytest.fixture
def clean_log(small: SmallDisk) -> Iterator[None]:
    """No 500, no unhandled error in the server's log while the test runs."""
    start = len(small.server.output())
    yield
    written = small.server.output()[start:]
    assert "unhandled error" not in written and '" 500' not in written, written[-3000:]


def upload(small: SmallDisk, path: Path, lang: str | None = None) -> httpx.Response:
    """The secretary's upload as a browser sends it: its language from the `lang` cookie, else none at all."""
    with open(path, "rb") as handle:
        headers = {"Authorization": f"Bearer {small.world.secretary.token}"}
        if lang:
            headers["Cookie"] = f"lang={lang}"
        return httpx.post(
            f"{small.server.base_url}/api/agenda/{small.world.item['id']}/documents",
            headers=headers,
            files={"file": (path.name, handle, "application/pdf")},
            timeout=60,
        )


def documents(small: SmallDisk) -> list[int]:
    meeting = small.world.secretary.ok("GET", f"/api/meetings/{small.world.meeting_id}")
    return sorted(doc["id"] for item in meeting["agenda"] for doc in item["documents"])


def assert_disk_full(response: httpx.Response, lang: str) -> None:
    assert response.status_code == 507, response.text
    assert response.json() == {"error": {"code": "disk_full", "message": i18n.translate(lang, DISK_FULL)}}


def assert_blobs_whole(small: SmallDisk) -> None:
    """Every stored original is whole: its bytes hash to its name."""
    for blob in (small.data_dir / "files").rglob("*.pdf"):
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == blob.stem, f"partial blob {blob}"


def wordy_pdf(path: Path, pages: int = 30) -> Path:
    """A small file with a large text layer: 600 words a page, compressed."""
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page()
        words = " ".join(f"tu{number}x{index}" for index in range(600))
        box = pymupdf.Rect(36, 36, page.rect.width - 36, page.rect.height - 36)
        page.insert_textbox(box, words, fontname="helv", fontsize=7)
    doc.save(path, deflate=True)
    doc.close()
    return path


def test_an_upload_that_does_not_fit_is_507_in_the_person_s_language_and_leaves_nothing(small, clean_log, tmp_path):
    path = make_pdf(tmp_path / "khong-vua.pdf", pages=3)
    before_files, before_documents = data_files(small.data_dir), documents(small)
    with small.filled():
        assert_disk_full(upload(small, path), "vi")  # Vietnamese, when the request names no language
        assert_disk_full(upload(small, path, lang="en"), "en")
        assert data_files(small.data_dir) == before_files
        assert documents(small) == before_documents
    # With room again, the same file goes in whole.
    response = upload(small, path)
    assert response.status_code == 201, response.text
    assert small.world.member.get(f"/api/documents/{response.json()['id']}/file").content == path.read_bytes()


def test_an_upload_whose_text_layer_does_not_fit_is_507_and_leaves_nothing(small, clean_log, tmp_path):
    """Room for the upload's temp copy, none for what ingest writes (thumbnails, text layer):
    the worker's write fails, and that is the disk, not a damaged PDF."""
    path = wordy_pdf(tmp_path / "nhieu-chu.pdf")
    before_files, before_documents = data_files(small.data_dir), documents(small)
    with small.filled(leave=path.stat().st_size + 64 * 1024):
        assert_disk_full(upload(small, path), "vi")
        assert data_files(small.data_dir) == before_files, "the refused upload left files"
        assert documents(small) == before_documents
    assert_blobs_whole(small)
    assert upload(small, path).status_code == 201


def test_what_is_stored_still_downloads_and_shows_on_a_full_disk(small, clean_log):
    world = small.world
    document = world.document
    file_url = f"/api/documents/{document['id']}/file"
    with small.filled():
        # A download is noted in the security log before the file goes out (docs/api.md,
        # Security events): where SQLite finds no room for the note, it is refused, clearly.
        original = world.member.get(file_url)
        if original.status_code == 200:
            assert hashlib.sha256(original.content).hexdigest() == document["sha256"]
        else:
            assert original.status_code == 507 and original.json()["error"]["code"] == "disk_full", original.text
        # Pages drawn before, and the thumbnails drawn at upload, come from the page cache.
        for page, width in [*small.seen_pages, (3, 256)]:
            image = world.member.get(f"/api/documents/{document['id']}/pages/{page}", params={"width": width})
            assert image.status_code == 200, image.text
            assert Image.open(io.BytesIO(image.content)).width == width
        # A page never drawn at that width has no room to be cached: drawn, or a clear refusal.
        fresh = world.member.get(f"/api/documents/{document['id']}/pages/4", params={"width": 2048})
        if fresh.status_code != 200:
            assert fresh.status_code == 507 and fresh.json()["error"]["code"] == "disk_full", fresh.text
        assert not list((small.data_dir / "cache").rglob("*.tmp")), "a half-written page image was left"
    assert_blobs_whole(small)
    assert hashlib.sha256(world.member.get(file_url).content).hexdigest() == document["sha256"]


def checkpoint_and_empty_the_wal(database: Path) -> None:
    """Fold SQLite's write-ahead log into the file and truncate it, as a checkpoint does:
    the next write must grow the log, and on a full disk it cannot."""
    with contextlib.closing(sqlite3.connect(database, timeout=10)) as connection:
        deadline = time.monotonic() + 10
        while connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:
            assert time.monotonic() < deadline, "the server kept the log busy"
            time.sleep(0.05)


def integrity(database: Path) -> str:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def test_a_database_write_without_room_is_507_and_the_database_stays_whole(small, clean_log):
    world = small.world
    agenda_url = f"/api/meetings/{world.meeting_id}/agenda"
    tablet = Socket.connect(small.server.base_url, token=world.member.token)
    try:
        tablet.join(world.meeting_id)
        items_before = len(world.secretary.ok("GET", f"/api/meetings/{world.meeting_id}")["agenda"])
        checkpoint_and_empty_the_wal(small.database_path())
        with small.filled():
            # Over HTTP, in the language asked for (the test client asks for English).
            refused = world.secretary.post(agenda_url, json={"title": "Mục không lưu được"})
            assert refused.status_code == 507, refused.text
            assert refused.json()["error"] == {"code": "disk_full", "message": i18n.translate("en", DISK_FULL)}
            # Over the socket: the annotation's ack says so.
            ack = put(tablet, world, ink(world))
            assert ack["ok"] is False and ack["error"]["code"] == "disk_full", ack
            # Reads go on.
            assert len(world.member.ok("GET", f"/api/meetings/{world.meeting_id}")["agenda"]) == items_before
            assert integrity(small.database_path()) == "ok"
        # With room again, the same writes go through.
        world.secretary.ok("POST", agenda_url, 201, json={"title": "Mục lưu được"})
        assert put(tablet, world, ink(world))["ok"] is True
    finally:
        tablet.close()
    assert integrity(small.database_path()) == "ok"


def test_an_upload_whose_document_row_finds_no_room_is_507_and_leaves_no_row(small, clean_log, tmp_path):
    """Room for the upload's files, none for SQLite's log: the last step, the document's row,
    fails. The original already moved into the store stays, whole: content-addressed, it is
    the same file the next upload of this PDF would store (deleting it could pull it from
    under a concurrent upload of the same file that is about to commit)."""
    path = make_pdf(tmp_path / "hang-cuoi.pdf", pages=1)
    before_documents = documents(small)
    log_start = len(small.server.output())
    checkpoint_and_empty_the_wal(small.database_path())
    # tmpfs counts in 4 KiB pages: one each for the temp copy, the text layer and the
    # thumbnail, and one to spare, less than SQLite's log needs for one frame and its header.
    assert path.stat().st_size <= 4096
    with small.filled(leave=4 * 4096):
        assert_disk_full(upload(small, path), "vi")
        assert documents(small) == before_documents
        assert not list((small.data_dir / "tmp").iterdir())
        assert not list((small.data_dir / "cache").rglob("*.tmp")), "a half-written thumbnail was left"
    assert "database or disk is full" in small.server.output()[log_start:], "the row was not the step refused"
    assert_blobs_whole(small)
    assert integrity(small.database_path()) == "ok"
    response = upload(small, path)
    assert response.status_code == 201, response.text
    assert small.world.member.get(f"/api/documents/{response.json()['id']}/file").content == path.read_bytes()


def test_the_filler_really_fills_the_disk(small):
    """The premise of the tests above: with the disk filled, not one more byte fits."""
    one_more = small.data_dir / "tmp" / "one-more"
    with small.filled(), pytest.raises(OSError) as raised, open(one_more, "wb", buffering=0) as handle:
        handle.write(b"x" * 8192)
    assert raised.value.errno == errno.ENOSPC
    one_more.unlink(missing_ok=True)
