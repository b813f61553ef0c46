"""The generated corpus of broken and hostile PDFs (tests/malformed_pdfs.py)
through the real upload, on a server of its own: every file is taken (201) or
refused with a 4xx that says why, in the reader's language; never a 5xx, never
a hang; page 1 of what is taken is drawn or refused clearly; and the server
answers afterwards. Counts by class and outcome are printed."""

from __future__ import annotations

import collections
import hashlib
import io
import re
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pymupdf
import pytest

from meeting_server.documents.pdf import IngestFailure, inspect_pdf
from tests.conftest import start_server
from tests.export_support import hold_full_meeting
from tests.malformed_pdfs import CLASSES, active_pdf, class_of, generate
from tests.support import Api, make_pdf

# Per request: far above what any answer should take (the ingest timeout below),
# low enough that a hang fails the test rather than the CI job.
CLIENT_TIMEOUT_S = 45
SERVER_ENV = {
    "MEETING_INGEST_TIMEOUT_S": "15",
    "MEETING_RENDER_TIMEOUT_S": "15",
    "MEETING_WORKER_MEMORY_MB": "1024",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    process, admin = start_server(tmp_path_factory.mktemp("malformed-server"), env=SERVER_ENV)
    admin.http.timeout = httpx.Timeout(CLIENT_TIMEOUT_S)
    yield admin
    process.stop()


def _item(admin: Api, title: str) -> int:
    meeting = admin.ok("POST", "/api/meetings", 201, json={"title": title, "starts_at": "2026-11-27T08:00:00+07:00"})
    return admin.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "Tất cả"})["id"]


def _outcome(admin: Api, item_id: int, path: Path, lang: str) -> str:
    """What the server made of one file: "taken/page-<status>" or "refused/<status>/<code>".
    Fails on a 5xx, a hang, or a refusal without a code and a message."""
    headers = {"Accept-Language": lang}
    try:
        with open(path, "rb") as handle:
            response = admin.post(
                f"/api/agenda/{item_id}/documents",
                files={"file": (path.name, handle, "application/pdf")},
                headers=headers,
            )
    except httpx.TimeoutException:
        return "HANG/upload"
    if response.status_code >= 500:
        return f"5xx/{response.status_code}: {response.text[:200]}"
    if response.status_code != 201:
        error = response.json().get("error") or {}
        assert 400 <= response.status_code < 500 and error.get("code") and error.get("message"), (
            path.name,
            response.status_code,
            response.text,
        )
        return f"refused/{response.status_code}/{error['code']}"
    document = response.json()
    try:
        page = admin.get(f"/api/documents/{document['id']}/pages/1", params={"width": 256}, headers=headers)
    except httpx.TimeoutException:
        return "HANG/page"
    if page.status_code >= 500:
        return f"5xx/page {page.status_code}: {page.text[:200]}"
    if page.status_code != 200:
        assert page.status_code == 422 and page.json()["error"]["message"], (path.name, page.text)
    return f"taken/page-{page.status_code}"


def _run(admin: Api, files: list[Path], item_id: int, label: str, group=class_of) -> dict:
    started = time.monotonic()
    # Vietnamese and English in turn: the refusals come in both.
    with ThreadPoolExecutor(max_workers=3) as pool:
        outcomes = list(pool.map(lambda n: _outcome(admin, item_id, files[n], ("vi", "en")[n % 2]), range(len(files))))
    table: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for path, outcome in zip(files, outcomes, strict=True):
        table[group(path)][outcome.split(":")[0]] += 1
    lines = [f"{label}: {len(files)} files in {time.monotonic() - started:.1f} s"]
    for name in sorted(table):
        lines.append(f"  {name:14} " + ", ".join(f"{k} {v}" for k, v in sorted(table[name].items())))
    totals = collections.Counter(outcome.split("/")[0] for outcome in outcomes)
    lines.append("  total          " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    bad = [(path.name, outcome) for path, outcome in zip(files, outcomes, strict=True) if outcome[:1] in "5H"]
    return {"lines": lines, "bad": bad}


def _still_serving(admin: Api, item_id: int, tmp_path: Path) -> None:
    assert admin.get("/api/me").status_code == 200
    response = admin.post(
        f"/api/agenda/{item_id}/documents",
        files={"file": ("normal.pdf", make_pdf(tmp_path / "normal.pdf", pages=2).read_bytes(), "application/pdf")},
    )
    assert response.status_code == 201, response.text
    document = response.json()
    assert document["page_count"] == 2
    page = admin.get(f"/api/documents/{document['id']}/pages/2")
    assert page.status_code == 200 and page.content[:2] == b"\xff\xd8"


def test_malformed_corpus_never_5xx_never_hangs(hostile, tmp_path, capsys):
    files = generate(tmp_path / "corpus")
    assert len(files) >= 300
    assert {class_of(path) for path in files} == set(CLASSES)
    item_id = _item(hostile, "Tệp PDF hỏng")
    result = _run(hostile, files, item_id, "malformed PDFs")
    with capsys.disabled():
        print("\n" + "\n".join(result["lines"]))
    assert not result["bad"], result["bad"]
    _still_serving(hostile, item_id, tmp_path)


def test_a_refusal_says_why_in_the_readers_language(hostile):
    item_id = _item(hostile, "Ngôn ngữ")
    data = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[2 0 R]/Count 1000000000>>"
    answers = {}
    for lang in ("vi", "en"):
        response = hostile.post(
            f"/api/agenda/{item_id}/documents",
            files={"file": ("loop.pdf", data, "application/pdf")},
            headers={"Accept-Language": lang},
        )
        assert response.status_code in (413, 422), response.text
        answers[lang] = response.json()["error"]["message"]
    assert answers["vi"] != answers["en"]
    assert any(ch in answers["vi"] for ch in "ệỏạếờ"), answers["vi"]


# ---- what the server hands out carries no active content; the archive keeps the original --------

ACTIVE_NAME = re.compile(
    r"/(?:JavaScript|JS|OpenAction|AA|Launch|EmbeddedFiles?|EF|FileAttachment)(?![^\s/\[\]()<>{}%])"
)


def active_parts(data: bytes) -> list[str]:
    """What in this PDF could run or carry a file, found by walking every object with PyMuPDF
    (compressed object streams and all) and by reading the raw bytes."""
    found = [f"raw {m.group(0)!r}" for m in re.finditer(ACTIVE_NAME.pattern.encode(), data)]
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        if doc.embfile_count():
            found.append(f"{doc.embfile_count()} embedded files")
        for xref in range(1, doc.xref_length()):
            text = doc.xref_object(xref, compressed=True)
            found += [f"object {xref}: {m.group(0)}" for m in ACTIVE_NAME.finditer(text)]
        for page in doc:
            found += [
                f"page {page.number + 1}: {a.type[1]} annotation"
                for a in page.annots()
                if a.type[1] == "FileAttachment"
            ]
    return found


def test_served_pdfs_carry_no_active_content_and_the_archive_keeps_the_original(world, tmp_path):
    upload = active_pdf()
    assert len(active_parts(upload)) >= 5  # the test file does carry it all
    (tmp_path / "co-ma.pdf").write_bytes(upload)
    response = world.upload(tmp_path / "co-ma.pdf", title="Tài liệu có mã")
    assert response.status_code == 201, response.text
    document = response.json()
    assert document["sha256"] == hashlib.sha256(upload).hexdigest() and document["page_count"] == 2

    served = world.member.get(f"/api/documents/{document['id']}/file")
    assert served.status_code == 200 and served.headers["content-type"] == "application/pdf"
    assert active_parts(served.content) == []
    with pymupdf.open(stream=served.content, filetype="pdf") as doc:  # still the same document
        assert doc.page_count == 2 and "Tai lieu co ma trang 2" in doc[1].get_text()
    again = world.member.get(f"/api/documents/{document['id']}/file", params={"download": 1})
    assert again.content == served.content
    # A document without any is handed out as uploaded.
    plain = world.member.get(f"/api/documents/{world.document['id']}/file")
    assert plain.status_code == 200 and hashlib.sha256(plain.content).hexdigest() == world.document["sha256"]

    # The annotated copy is made from the served one; the archive keeps the upload byte for byte.
    world.document = document
    hold_full_meeting(world, tmp_path)
    annotated = world.member.get(f"/api/documents/{document['id']}/annotated.pdf", params={"scope": "shared"})
    assert annotated.status_code == 200, annotated.text
    assert active_parts(annotated.content) == []
    with pymupdf.open(stream=annotated.content, filetype="pdf") as doc:
        assert "Ink" in [a.type[1] for a in doc[0].annots()]
    archive = world.secretary.get(f"/api/meetings/{world.meeting_id}/archive.zip")
    assert archive.status_code == 200, archive.text
    with zipfile.ZipFile(io.BytesIO(archive.content)) as bundle:
        pdfs = {name: bundle.read(name) for name in bundle.namelist() if name.endswith(".pdf")}
    originals = [name for name, data in pdfs.items() if data == upload]
    assert len(originals) == 1 and originals[0].startswith("documents/"), sorted(pdfs)
    # Its annotated copy in the archive is made from the served one: nothing active in it.
    annotated_copies = [name for name in pdfs if name.startswith("annotations/")]
    assert annotated_copies, sorted(pdfs)
    for name in annotated_copies:
        assert active_parts(pdfs[name]) == [], name


def test_the_offline_import_refuses_each_broken_file_by_name(tmp_path):
    """`inspect_pdf` (the command line's offline import, in its own process, no worker)
    answers every file or raises IngestFailure, which the import names: never
    MuPDF's own exception, such as "code=7: Invalid number of pages" from a
    page tree whose /Count it cannot believe. Bombs aside: without a worker's
    memory cap they would only measure this machine."""
    pymupdf.TOOLS.mupdf_display_errors(False)
    outcomes: collections.Counter = collections.Counter()
    for path in generate(tmp_path / "corpus"):
        if class_of(path) == "bomb":
            continue
        try:
            inspect_pdf(str(path), 2000)
            outcomes["read"] += 1
        except IngestFailure as failure:
            outcomes[failure.kind] += 1
    assert outcomes["page_count"] > 0 and outcomes["corrupt"] > 0 and outcomes["read"] > 0, outcomes
