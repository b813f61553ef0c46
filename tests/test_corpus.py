"""Every PDF of PDF.js's test corpus through the real upload: taken or refused
with a clear 4xx, never a 500, never a dead server. Slow: it runs in CI too."""

from __future__ import annotations

import subprocess

import pytest

from tests.support import ADMIN, ServerProcess, add_admin, login, pdf_corpus

pytestmark = pytest.mark.slow


def poppler_pages(path) -> int | None:
    """pdfinfo's page count when poppler reads the file without complaint."""
    result = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=30)
    if result.returncode != 0 or result.stderr.strip():
        return None
    line = next((row for row in result.stdout.splitlines() if row.startswith("Pages:")), None)
    return int(line.split()[-1]) if line else None


def test_the_whole_corpus(tmp_path, capsys):
    files = sorted(pdf_corpus().rglob("*.pdf"))
    assert len(files) > 500
    data = tmp_path / "data"
    add_admin(data)
    server = ServerProcess(data, env={"MEETING_INGEST_TIMEOUT_S": "20", "MEETING_RENDER_TIMEOUT_S": "20"}).start()
    try:
        admin = login(server.base_url, *ADMIN)
        meeting = admin.ok(
            "POST", "/api/meetings", 201, json={"title": "Corpus", "starts_at": "2026-11-27T08:00:00+07:00"}
        )
        item = admin.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "All"})
        taken, refused, disagreements = 0, 0, []
        for path in files:
            with open(path, "rb") as handle:
                response = admin.post(
                    f"/api/agenda/{item['id']}/documents", files={"file": (path.name, handle, "application/pdf")}
                )
            assert response.status_code in (201, 413, 415, 422), f"{path.name}: {response.status_code} {response.text}"
            assert "error" in response.json() or response.status_code == 201
            if response.status_code != 201:
                refused += 1
                continue
            taken += 1
            expected = poppler_pages(path)
            if expected is not None and expected != response.json()["page_count"]:
                disagreements.append((path.name, expected, response.json()["page_count"]))
        with capsys.disabled():
            print(f"\nreal corpus: {len(files)} files, {taken} taken, {refused} refused with a 4xx, no 5xx")
        # The server is still healthy after all of it.
        assert admin.get("/api/me").status_code == 200
        # Nearly every file poppler reads cleanly gets the same page count from us.
        assert len(disagreements) <= 3, disagreements
        assert taken > 450, (taken, refused)
    finally:
        server.stop()
