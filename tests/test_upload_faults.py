"""Issue 14, "Faults": an upload cut off half-way leaves nothing behind.

A tablet on the hall's Wi-Fi walks out of range in the middle of an upload.
Over a raw socket (httpx would not let us stop half-way), the upload
announces its whole size, sends half and hangs up, as a Content-Length
body and as a chunked one; then the server holds no new document row, no new
file anywhere in its data folder (blobs, temp files, page cache, text
layers), logged no traceback, and takes the next upload as usual.
"""

from __future__ import annotations

import os
import socket
import struct
import time
from pathlib import Path

import pytest

from tests.conftest import World
from tests.support import ServerProcess, make_pdf

ANNOUNCED = 5 * 1024 * 1024
BOUNDARY = "----cutoff-upload-boundary"
# How long the server may take to notice the hang-up and let go of what it held.
SETTLE_S = 10.0


def data_files(data_dir: Path) -> set[str]:
    """Every file under the data folder, but the server's log and the SQLite files
    (rows are checked through the API; the WAL grows with every write anyway)."""
    found = set()
    for folder, _, names in os.walk(data_dir):
        for name in names:
            if name.startswith(("server-", "meeting.db")) and Path(folder) == data_dir:
                continue
            found.add(str((Path(folder) / name).relative_to(data_dir)))
    return found


def documents_of(world: World) -> list[int]:
    meeting = world.secretary.ok("GET", f"/api/meetings/{world.meeting_id}")
    return sorted(doc["id"] for item in meeting["agenda"] for doc in item["documents"])


def multipart_head() -> bytes:
    """The form up to the file's first byte: a title, then the file part's headers."""
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nCắt giữa chừng\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="cut.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()


def pdf_like(size: int) -> bytes:
    # Starts like a PDF, so nothing refuses it before the body is all in.
    return b"%PDF-1.7\n" + os.urandom(size - 9)


def open_upload(server: ServerProcess, world: World, headers: dict[str, str]) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    head = {
        "Host": f"127.0.0.1:{server.port}",
        "Authorization": f"Bearer {world.secretary.token}",
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Accept-Language": "en",
        **headers,
    }
    lines = [f"POST /api/agenda/{world.item['id']}/documents HTTP/1.1", *(f"{k}: {v}" for k, v in head.items())]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return sock


def hang_up(sock: socket.socket, abort: bool) -> None:
    """Close as a client that quits does (FIN), or as one that vanishes mid-write (RST)."""
    if abort:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def cut_with_length(server: ServerProcess, world: World, abort: bool) -> None:
    head = multipart_head()
    sock = open_upload(server, world, {"Content-Length": str(ANNOUNCED)})
    sock.sendall(head + pdf_like(ANNOUNCED // 2 - len(head)))
    hang_up(sock, abort)


def send_chunked(sock: socket.socket, body: bytes) -> None:
    for start in range(0, len(body), 256 * 1024):
        piece = body[start : start + 256 * 1024]
        sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")


def cut_chunked(server: ServerProcess, world: World, abort: bool) -> None:
    sock = open_upload(server, world, {"Transfer-Encoding": "chunked"})
    send_chunked(sock, multipart_head() + pdf_like(ANNOUNCED // 2))
    # No closing boundary, no last chunk: the tablet is gone.
    hang_up(sock, abort)


def status_of(sock: socket.socket) -> int:
    """The status code of the answer on `sock` (its status line is all we read)."""
    line = b""
    while not line.endswith(b"\r\n"):
        data = sock.recv(1)
        assert data, "the server closed without answering"
        line += data
    return int(line.split()[1])


def test_a_whole_chunked_upload_is_taken(server: ServerProcess, world: World, tmp_path):
    """The server takes a chunked upload (what a cut chunked upload below is cut from)."""
    pdf = make_pdf(tmp_path / "chunked.pdf", pages=2).read_bytes()
    sock = open_upload(server, world, {"Transfer-Encoding": "chunked"})
    send_chunked(sock, multipart_head() + pdf + f"\r\n--{BOUNDARY}--\r\n".encode())
    sock.sendall(b"0\r\n\r\n")
    with sock:
        assert status_of(sock) == 201
    assert len(documents_of(world)) == 2  # the world's own, and this one


def log_tail(server: ServerProcess, since: int) -> str:
    return server.output()[since:]


@pytest.mark.parametrize("abort", [False, True], ids=["closed", "reset"])
@pytest.mark.parametrize("cut", [cut_with_length, cut_chunked], ids=["content-length", "chunked"])
def test_an_upload_cut_half_way_leaves_nothing_behind(server: ServerProcess, world: World, tmp_path, cut, abort):
    before_files = data_files(server.data_dir)
    before_documents = documents_of(world)
    log_start = len(server.output())

    cut(server, world, abort)

    # The server says (a warning, for the operator) when it has let go of the request;
    # the old behaviour, a traceback, ends the wait too.
    deadline = time.monotonic() + SETTLE_S
    while not any(line in log_tail(server, log_start) for line in ("cut off", "Traceback")):
        assert time.monotonic() < deadline, "the server did not notice the hang-up"
        time.sleep(0.05)
    # A hang-up is the client's doing, not a bug: no traceback, no 500.
    assert "Traceback" not in log_tail(server, log_start)
    assert data_files(server.data_dir) - before_files == set(), "files left behind by the cut upload"
    assert documents_of(world) == before_documents

    # The server still answers, and the next upload goes through whole.
    path = make_pdf(tmp_path / "after.pdf", pages=2)
    response = world.upload(path)
    assert response.status_code == 201, response.text
    assert documents_of(world) == sorted([*before_documents, response.json()["id"]])
    assert world.member.get(f"/api/documents/{response.json()['id']}/file").content == path.read_bytes()
    assert not list((server.data_dir / "tmp").iterdir()), "temp files left after a normal upload"


def test_a_hang_up_during_ingest_leaves_a_whole_document_or_none(server: ServerProcess, world: World, tmp_path):
    """The tablet sends everything, then goes while the server ingests, before the answer:
    the document is stored whole or not at all, and the temp files go either way."""
    before_documents = documents_of(world)
    log_start = len(server.output())
    # Enough pages that drawing their thumbnails takes a moment to hang up in.
    pdf = make_pdf(tmp_path / "whole.pdf", pages=80).read_bytes()
    body = multipart_head() + pdf + f"\r\n--{BOUNDARY}--\r\n".encode()
    sock = open_upload(server, world, {"Content-Length": str(len(body))})
    sock.sendall(body)
    # The body is all in once the server has its temp copy: hang up then.
    temp = server.data_dir / "tmp"
    deadline = time.monotonic() + SETTLE_S
    while not list(temp.iterdir()):
        assert time.monotonic() < deadline, "the server never started on the upload"
        time.sleep(0.005)
    hang_up(sock, abort=True)

    # The server carries on without anyone to answer: wait for its temp files to go.
    deadline = time.monotonic() + SETTLE_S
    while list(temp.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(temp.iterdir()), "temp files left by the abandoned upload"
    added = sorted(set(documents_of(world)) - set(before_documents))
    assert len(added) <= 1
    for document_id in added:
        assert world.member.get(f"/api/documents/{document_id}/file").content == pdf
    assert "Traceback" not in log_tail(server, log_start)
    assert world.upload(make_pdf(tmp_path / "next.pdf", pages=1)).status_code == 201
