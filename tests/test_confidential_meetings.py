"""Confidential meetings ("Mật", issue 14), against the real server over HTTP.

- A meeting is made, changed, read, listed and copied with `confidential`.
- Every response that carries a confidential meeting's content says `Cache-Control:
  no-store`: page images (thumbnails too), page text, the PDF (original and sanitized),
  annotations and their exports, the minutes (draft and final, PDF and JSON), the archive
  ZIP, every OParl answer that shows it, search hits that quote it, and the meeting's own
  JSON. An ordinary meeting keeps its caching: page images a day in the tablet's private
  cache, the PDF `private`, JSON without a header.
- Downloads and exports of a confidential meeting are security events whose details say
  `confidential: true`; an ordinary meeting's say nothing of it.
"""

from __future__ import annotations

import pytest

from tests.conftest import World, make_world, new_user
from tests.export_support import hold_full_meeting
from tests.malformed_pdfs import active_pdf
from tests.support import Api, make_pdf, unique

NO_STORE = "no-store"
DAY = "private, max-age=86400"


@pytest.fixture
def secret(admin, cast, tmp_path) -> World:
    """The world's meeting, made confidential by its secretary, with a second document that
    carries JavaScript (served as a sanitized copy) and a word found nowhere else."""
    folder = tmp_path / "secret"
    folder.mkdir()
    world = make_world(admin, cast, folder)
    world.meeting = world.secretary.ok("PATCH", f"/api/meetings/{world.meeting_id}", json={"confidential": True})
    assert world.meeting["confidential"] is True
    return world


def cache_control(api: Api, url: str, **kw) -> str | None:
    response = api.get(url, **kw)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    return response.headers.get("cache-control")


def reader_of(admin: Api, world: World) -> Api:
    """A member invited to this meeting alone: their lists hold nothing else."""
    reader = new_user(admin, "member", "Đồng chí Chỉ Đọc")
    participants = [{"user_id": p["user_id"]} for p in world.meeting["participants"]] + [{"user_id": reader.id}]
    world.secretary.ok("PATCH", f"/api/meetings/{world.meeting_id}", json={"participants": participants})
    return reader


def upload(world: World, path, data: bytes) -> dict:
    path.write_bytes(data)
    response = world.upload(path)
    assert response.status_code == 201, response.text
    return response.json()


def live_urls(world: World, active: dict) -> dict[str, str]:
    """What a tablet, the console and an exporter fetch of a meeting before it closes."""
    mid, doc, item = world.meeting_id, world.document["id"], world.item["id"]
    return {
        "meeting": f"/api/meetings/{mid}",
        "invitation": f"/api/meetings/{mid}/invitation.ics",
        "document": f"/api/documents/{doc}",
        "thumbnail": f"/api/documents/{doc}/pages/1?width=256",
        "page image": f"/api/documents/{doc}/pages/2?width=1536",
        "page text": f"/api/documents/{doc}/pages/1/text",
        "pdf": f"/api/documents/{doc}/file",
        "pdf download": f"/api/documents/{doc}/file?download=1",
        "sanitized pdf": f"/api/documents/{active['id']}/file",
        "annotations": f"/api/documents/{doc}/annotations",
        "annotated pdf": f"/api/documents/{doc}/annotated.pdf?scope=shared",
        "json-ld": f"/api/documents/{doc}/annotations.jsonld",
        "votes": f"/api/meetings/{mid}/votes",
        "minutes": f"/api/meetings/{mid}/minutes",
        "minutes json": f"/api/meetings/{mid}/minutes.json",
        "draft minutes pdf": f"/api/meetings/{mid}/minutes.pdf",
        "search": f"/api/search?q=bien+ban&meeting_id={mid}",
        "oparl meeting": f"/api/oparl/v1/meetings/{mid}",
        "oparl agenda item": f"/api/oparl/v1/agenda-items/{item}",
        "oparl file": f"/api/oparl/v1/files/{doc}",
        "oparl location": f"/api/oparl/v1/locations/{mid}",
    }


def record_urls(world: World) -> dict[str, str]:
    """What is fetched of it once it is closed and its minutes are final."""
    mid = world.meeting_id
    return {
        "final minutes pdf": f"/api/meetings/{mid}/minutes.pdf",
        "final minutes json": f"/api/meetings/{mid}/minutes.json",
        "archive": f"/api/meetings/{mid}/archive.zip",
        "oparl minutes": f"/api/oparl/v1/minutes/{mid}",
    }


# ---- the flag -------------------------------------------------------------------------------


def test_the_secretary_marks_a_meeting_confidential_and_a_copy_keeps_it(world):
    secretary, member = world.secretary, world.member
    url = f"/api/meetings/{world.meeting_id}"
    assert world.meeting["confidential"] is False

    made = secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Họp Ban Thường vụ về công tác cán bộ",
            "starts_at": "2026-12-01T08:00:00+07:00",
            "confidential": True,
        },
    )
    assert made["confidential"] is True

    assert secretary.ok("PATCH", url, json={"confidential": True})["confidential"] is True
    assert member.ok("GET", url)["confidential"] is True
    listed = {m["id"]: m for m in member.ok("GET", "/api/meetings")}
    assert listed[world.meeting_id]["confidential"] is True
    # A change that does not name it leaves it as it is.
    assert secretary.ok("PATCH", url, json={"location": "Phòng họp số 2"})["confidential"] is True

    copy = secretary.ok("POST", f"{url}/copy", 201)
    assert (copy["status"], copy["confidential"]) == ("draft", True)

    # Only those who steer the meeting change it.
    refused = member.patch(url, json={"confidential": False})
    assert refused.status_code == 403
    assert secretary.ok("PATCH", url, json={"confidential": False})["confidential"] is False
    assert secretary.patch(url, json={"confidential": "có lẽ"}).status_code == 422
    assert secretary.ok("POST", f"/api/meetings/{copy['id']}/copy", 201)["confidential"] is True


# ---- what no cache keeps ----------------------------------------------------------------------


def test_a_confidential_meetings_content_is_kept_by_no_cache(secret, tmp_path):
    w = secret
    active = upload(w, tmp_path / "co-ma.pdf", active_pdf())
    assert w.secretary.get(f"/api/documents/{active['id']}/file").headers["etag"].endswith('-sanitized"')
    for name, url in live_urls(w, active).items():
        for api in (w.member, w.secretary):
            assert cache_control(api, url) == NO_STORE, (name, api.user["role"])

    # A page image asked for again with its ETag: the 304 says so too.
    image = f"/api/documents/{w.document['id']}/pages/1?width=256"
    etag = w.member.get(image).headers["etag"]
    again = w.member.get(image, headers={"If-None-Match": etag})
    assert (again.status_code, again.headers["cache-control"]) == (304, NO_STORE)

    hold_full_meeting(w, tmp_path)
    for name, url in record_urls(w).items():
        assert cache_control(w.secretary, url) == NO_STORE, name
    # The votes name its resolutions and, for a named vote, who chose what.
    for vote in w.member.ok("GET", f"/api/meetings/{w.meeting_id}/votes"):
        assert cache_control(w.member, f"/api/votes/{vote['id']}") == NO_STORE


def test_an_ordinary_meeting_keeps_its_caching(world, tmp_path):
    w = world
    active = upload(w, tmp_path / "co-ma.pdf", active_pdf())
    expected = {
        "thumbnail": DAY,
        "page image": DAY,
        "pdf": "private",
        "pdf download": "private",
        "sanitized pdf": "private",
        # What differs per caller, and a draft that changes with every word: never kept.
        "annotated pdf": NO_STORE,
        "json-ld": NO_STORE,
        "draft minutes pdf": NO_STORE,
    }
    for name, url in live_urls(w, active).items():
        assert cache_control(w.member, url) == expected.get(name), name

    hold_full_meeting(w, tmp_path)
    expected = {"final minutes pdf": DAY, "archive": NO_STORE}
    for name, url in record_urls(w).items():
        assert cache_control(w.secretary, url) == expected.get(name), name


def test_a_list_or_a_search_that_shows_a_confidential_meeting_is_kept_by_no_cache(world, admin, cast, tmp_path):
    marker = unique("Nhansu")
    reader = reader_of(admin, world)
    response = world.upload(make_pdf(tmp_path / "thuong.pdf", text=f"Bao cao {marker}"))
    assert response.status_code == 201, response.text
    lists = ["/api/meetings", "/api/oparl/v1/meetings", "/api/search?q=bien+ban"]
    for url in [*lists, f"/api/search?q={marker}"]:
        assert cache_control(reader, url) is None, url

    # The reader is invited to a confidential meeting too.
    folder = tmp_path / "secret"
    folder.mkdir()
    secret = make_world(admin, cast, folder)
    participants = [{"user_id": p["user_id"]} for p in secret.meeting["participants"]] + [{"user_id": reader.id}]
    secret.secretary.ok(
        "PATCH", f"/api/meetings/{secret.meeting_id}", json={"participants": participants, "confidential": True}
    )
    for url in lists:
        assert cache_control(reader, url) == NO_STORE, url
    hits = reader.ok("GET", "/api/search", params={"q": "bien ban"})["hits"]
    assert {(h["meeting_id"], h["confidential"]) for h in hits} == {
        (world.meeting_id, False),
        (secret.meeting_id, True),
    }
    # Hits of the ordinary meeting alone quote nothing confidential.
    assert {h["meeting_id"] for h in reader.ok("GET", "/api/search", params={"q": marker})["hits"]} == {
        world.meeting_id
    }
    assert cache_control(reader, f"/api/search?q={marker}") is None
    assert cache_control(reader, f"/api/search?q=bien+ban&meeting_id={world.meeting_id}") is None


# ---- what the security log records --------------------------------------------------------------


def events(admin: Api, **params) -> list[dict]:
    page = admin.ok("GET", "/api/security-events", params={"limit": 200, **params})
    assert isinstance(page, dict)
    return page["events"]


def newest(admin: Api, kind: str, user: Api) -> dict:
    found = events(admin, kind=kind, user_id=user.id)
    assert found, f"no {kind} event"
    return found[0]


def test_downloads_and_exports_of_a_confidential_meeting_are_recorded_as_such(secret, world, tmp_path):
    admin, member = secret.admin, secret.member
    mid, doc, item = secret.meeting_id, secret.document["id"], secret.item["id"]

    assert member.get(f"/api/documents/{doc}/file?download=1").status_code == 200
    download = newest(admin, "document_download", member)
    assert (download["meeting_id"], download["document_id"], download["details"]) == (mid, doc, {"confidential": True})
    # Viewing its pages is no download.
    assert member.get(f"/api/documents/{doc}/pages/1?width=256").status_code == 200
    assert newest(admin, "document_download", member)["id"] == download["id"]

    for fmt, path in (("pdf", "annotated.pdf"), ("jsonld", "annotations.jsonld")):
        assert member.get(f"/api/documents/{doc}/{path}?scope=mine").status_code == 200
        exported = newest(admin, "export_annotations", member)
        assert (exported["meeting_id"], exported["document_id"]) == (mid, doc)
        assert exported["details"] == {"scope": "mine", "format": fmt, "confidential": True}
    for fmt in ("pdf", "json"):
        assert member.get(f"/api/meetings/{mid}/minutes.{fmt}").status_code == 200
        minutes = newest(admin, "export_minutes", member)
        assert (minutes["meeting_id"], minutes["details"]) == (
            mid,
            {"final": False, "format": fmt, "confidential": True},
        )

    # OParl: every answer that shows it, the list included, is an export of it.
    before = {e["id"] for e in events(admin, kind="export_oparl", user_id=member.id)}
    for url in (
        "/api/oparl/v1/meetings",
        f"/api/oparl/v1/meetings/{mid}",
        f"/api/oparl/v1/agenda-items/{item}",
        f"/api/oparl/v1/files/{doc}",
        f"/api/oparl/v1/locations/{mid}",
    ):
        assert member.get(url).status_code == 200, url
    # (The list also names the other confidential meetings the member is in.)
    oparl = [e for e in events(admin, kind="export_oparl", user_id=member.id) if e["id"] not in before]
    assert all(e["details"] == {"confidential": True} for e in oparl)
    shown = [e for e in reversed(oparl) if e["meeting_id"] == mid]  # in the order asked
    assert [e["document_id"] for e in shown] == [None, None, None, doc, None]

    hold_full_meeting(secret, tmp_path)
    assert secret.secretary.get(f"/api/meetings/{mid}/archive.zip").status_code == 200
    archive = newest(admin, "export_archive", secret.secretary)
    assert (archive["meeting_id"], archive["details"]) == (mid, {"confidential": True})
    assert member.get(f"/api/meetings/{mid}/minutes.pdf").status_code == 200
    assert newest(admin, "export_minutes", member)["details"] == {"final": True, "format": "pdf", "confidential": True}
    assert member.get(f"/api/oparl/v1/minutes/{mid}").status_code == 200
    assert newest(admin, "export_oparl", member)["details"] == {"confidential": True}

    # An ordinary meeting's: as before, nothing said of confidentiality.
    ordinary = world.document["id"]
    assert world.member.get(f"/api/documents/{ordinary}/file").status_code == 200
    assert newest(admin, "document_download", world.member)["details"] == {}
    assert world.member.get(f"/api/meetings/{world.meeting_id}/minutes.json").status_code == 200
    assert newest(admin, "export_minutes", world.member)["details"] == {"final": False, "format": "json"}
    assert world.member.get(f"/api/oparl/v1/meetings/{world.meeting_id}").status_code == 200
    assert newest(admin, "export_oparl", world.member)["details"] == {}
