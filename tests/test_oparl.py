"""OParl 1.1, checked the way a crawler meets it: start at System, follow every link of a full
meeting held through the API, and validate each object against the official OParl 1.1 JSON
Schemas (vendored in tests/vendor/oparl-1.1, see its README) and the spec's MUST rules.

The official schemas mark embedded objects with `"schema": "File.json"` (not `$ref`) and use
the formats `url`, `date` and `date-time`; here those are followed and checked as the spec
defines them (chapter 2.4: a date-time is `yyyy-mm-ddThh:mm:ss±hh:mm`).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from jsonschema import Draft4Validator, FormatChecker
from rfc3986_validator import validate_rfc3986

from tests.conftest import make_world, new_user
from tests.export_support import AWKWARD_TITLE, hold_full_meeting
from tests.malformed_pdfs import active_pdf

SCHEMAS = Path(__file__).parent / "vendor" / "oparl-1.1" / "schema"
OPARL = "https://schema.oparl.org/1.1/"
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str) or not DATE_TIME.match(value):
        return False
    datetime.fromisoformat(value)
    return True


@FORMATS.checks("date")
def _date(value: object) -> bool:
    return isinstance(value, str) and bool(DATE.match(value))


@FORMATS.checks("url")
def _url(value: object) -> bool:
    return (
        isinstance(value, str) and validate_rfc3986(value, rule="URI") and urlsplit(value).scheme in ("http", "https")
    )


def schema(kind: str) -> dict:
    return json.loads((SCHEMAS / f"{kind}.json").read_text())


def kind_of(obj: dict) -> str:
    assert obj["type"].startswith(OPARL), obj["type"]
    return obj["type"][len(OPARL) :]


class Crawler:
    """Follows every OParl link from System; validates each object it meets."""

    def __init__(self, api):
        self.api = api
        self.objects: dict[str, dict] = {}  # id -> the object as served at its id
        self.lists: dict[str, dict] = {}  # url -> the list page
        self.embedded: list[tuple[dict, str]] = []  # (object, kind) as met inside another
        self.errors: list[str] = []

    def path(self, url: str) -> str:
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == self.api.base_url.rstrip("/"), url
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def fetch(self, url: str) -> dict:
        response = self.api.get(self.path(url))
        assert response.status_code == 200, f"{url}: {response.status_code} {response.text}"
        assert response.headers["content-type"].startswith("application/json"), url
        return response.json()

    def crawl(self, start: str) -> Crawler:
        self.visit_object(start, "System")
        return self

    def visit_object(self, url: str, kind: str) -> None:
        if url in self.objects:
            return
        obj = self.fetch(url)
        self.objects[url] = obj
        assert obj["id"] == url, f"served at {url} with id {obj['id']}"
        assert kind_of(obj) == kind, (url, obj["type"], kind)
        # Not embedded: created and modified are required (spec 3.1).
        assert "created" in obj and "modified" in obj, url
        self.check(obj, kind)

    def visit_list(self, url: str, kind: str) -> None:
        if url in self.lists:
            return
        page = self.fetch(url)
        self.lists[url] = page
        assert set(page) >= {"data", "pagination", "links"}, url
        assert "next" not in page["links"], "a single page has no next page"
        assert page["pagination"]["totalElements"] == len(page["data"])
        for obj in page["data"]:
            assert kind_of(obj) == kind
            self.check(obj, kind)
            self.visit_object(obj["id"], kind)
            # The list holds the object exactly as its id serves it.
            assert self.objects[obj["id"]] == obj, obj["id"]

    def check(self, obj: dict, kind: str) -> None:
        """The schema, the spec's value rules, then every link and embedded object."""
        rules = schema(kind)
        for error in Draft4Validator(rules, format_checker=FORMATS).iter_errors(obj):
            self.errors.append(f"{kind} {obj.get('id')}: {error.json_path}: {error.message}")
        for key, value in obj.items():
            # 2.4: no null values; no empty strings or lists where nothing is known (lists a
            # schema requires excepted: those must be there, empty or not).
            assert value is not None, (obj["id"], key)
            assert value != "" or key in rules.get("required", []), (obj["id"], key)
            assert value != [] or key in rules.get("required", []), (obj["id"], key)
            spec = rules["properties"].get(key)
            if spec is None:
                # Vendor extensions carry a prefix (ours: "meeting:").
                assert ":" in key, (kind, key)
                continue
            self.follow(spec, value)

    def follow(self, spec: dict, value) -> None:
        embedded = spec.get("schema") or spec.get("items", {}).get("schema")
        references = spec.get("references") or spec.get("items", {}).get("references")
        if spec.get("type") == "object" and embedded:
            self.meet_embedded(value, embedded)
        elif spec.get("type") == "array" and embedded and spec["items"].get("type") == "object":
            for each in value:
                self.meet_embedded(each, embedded)
        elif references == "externalList":
            self.visit_list(value, embedded.removesuffix(".json"))
        elif references:
            for url in value if isinstance(value, list) else [value]:
                self.visit_object(url, references)

    def meet_embedded(self, obj: dict, schema_file: str) -> None:
        kind = schema_file.removesuffix(".json")
        self.embedded.append((obj, kind))
        self.check(obj, kind)
        # Embedded objects have ids too (2.5): each answers with the same object.
        self.visit_object(obj["id"], kind)
        assert self.objects[obj["id"]] == obj, obj["id"]


@pytest.fixture
def full(world, tmp_path):
    return hold_full_meeting(world, tmp_path)


def system_url(api) -> str:
    return f"{api.base_url.rstrip('/')}/api/oparl/v1/system"


def test_a_crawler_from_system_reaches_every_object_and_each_validates(world, full):
    crawler = Crawler(world.member).crawl(system_url(world.member))
    assert crawler.errors == []
    system = crawler.objects[system_url(world.member)]
    assert system["oparlVersion"] == OPARL
    [body] = crawler.lists[system["body"]]["data"]
    meetings = crawler.lists[body["meeting"]]["data"]
    meeting = next(m for m in meetings if m["id"].endswith(f"/meetings/{world.meeting_id}"))
    # Held (today, not on the scheduled 27 November): it starts when it opened, in the meeting's time zone.
    held = world.admin.ok("GET", f"/api/meetings/{world.meeting_id}")
    opened = datetime.fromisoformat(held["opened_at"]).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).replace(microsecond=0)
    closed = datetime.fromisoformat(held["closed_at"]).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).replace(microsecond=0)
    assert meeting["meetingState"] == "completed" and meeting["start"] == opened.isoformat()
    assert meeting["end"] == closed.isoformat() and meeting["end"].endswith("+07:00")
    # Reached and served at their ids: both agenda items, both documents, the location, the minutes.
    kinds = [kind for _, kind in crawler.embedded]
    assert {"AgendaItem", "File", "Location"} <= set(kinds)
    items = meeting["agendaItem"]
    assert [i["name"] for i in items] == [world.item["title"], full["second_item"]["title"]]
    files = [f for i in items for f in i["auxiliaryFile"]]
    assert {f["meeting:sha256Checksum"] for f in files} == {world.document["sha256"], full["resolution"]["sha256"]}
    assert meeting["resultsProtocol"]["id"] in crawler.objects
    assert meeting["location"]["description"] == "Hội trường"
    # No time anywhere with fractions of a second, and every one in OParl's form.
    times = re.findall(r'"(?:created|modified|start|end)": "([^"]+)"', json.dumps(crawler.objects))
    assert times and all(DATE_TIME.match(t) for t in times), times


def test_files_name_portably_and_download_as_attachments(world, full):
    meeting = world.member.ok("GET", f"/api/oparl/v1/meetings/{world.meeting_id}")
    files = [f for i in meeting["agendaItem"] for f in i.get("auxiliaryFile", [])] + [meeting["resultsProtocol"]]
    awkward = next(f for f in files if f["name"] == AWKWARD_TITLE)
    assert not set('/:"\\<>') & set(awkward["fileName"]), awkward["fileName"]
    assert awkward["fileName"].endswith(".pdf") and "Nghị quyết" in awkward["fileName"]
    for file in files:
        assert not set('/:"') & set(file["fileName"])
        assert file["downloadUrl"] != file["accessUrl"]
        shown = world.member.get(urlsplit(file["accessUrl"]).path)
        assert shown.status_code == 200 and shown.content.startswith(b"%PDF")
        # 2.7: accessUrl MUST NOT answer as an attachment; downloadUrl MUST, with the file name.
        assert not shown.headers.get("content-disposition", "").startswith("attachment")
        parts = urlsplit(file["downloadUrl"])
        saved = world.member.get(f"{parts.path}?{parts.query}")
        assert saved.status_code == 200 and saved.content == shown.content
        disposition = saved.headers["content-disposition"]
        assert disposition.startswith("attachment;") and "filename" in disposition, disposition


def test_a_files_size_and_checksum_are_those_of_what_it_hands_out(world, tmp_path):
    """A PDF with JavaScript is handed out as a copy without it: OParl describes that copy,
    from the upload on (not only after a first download), and the original's stay apart."""
    original = active_pdf()
    (tmp_path / "co-ma.pdf").write_bytes(original)
    uploaded = world.upload(tmp_path / "co-ma.pdf")
    assert uploaded.status_code == 201, uploaded.text
    document = uploaded.json()
    file = world.member.ok("GET", f"/api/oparl/v1/files/{document['id']}")
    handed_out = world.member.get(urlsplit(file["downloadUrl"]).path, params={"download": 1}).content
    assert handed_out != original and b"/JavaScript" not in handed_out
    assert file["size"] == len(handed_out)
    assert file["meeting:sha256Checksum"] == hashlib.sha256(handed_out).hexdigest() != document["sha256"]
    # A file without active content is handed out as it is.
    plain = world.member.ok("GET", f"/api/oparl/v1/files/{world.document['id']}")
    assert (plain["size"], plain["meeting:sha256Checksum"]) == (world.document["size_bytes"], world.document["sha256"])


def test_list_filters_select_by_created_and_modified(world, admin, cast, tmp_path):
    """A meeting made later and another changed later: each filter keeps exactly the right ones."""
    api = world.secretary
    first = world.meeting_id
    ids = lambda **params: {  # noqa: E731
        int(m["id"].rsplit("/", 1)[1]) for m in api.ok("GET", "/api/oparl/v1/meetings", params=params)["data"]
    }
    shown = lambda mid: api.ok("GET", f"/api/oparl/v1/meetings/{mid}")  # noqa: E731
    time.sleep(1.1)
    (tmp_path / "second").mkdir()
    second = make_world(admin, cast, tmp_path / "second").meeting_id
    made = shown(second)["created"]
    assert shown(first)["created"] < made
    assert second in ids(created_since=made) and first not in ids(created_since=made)
    assert first in ids(created_until=shown(first)["created"]) and second not in ids(
        created_until=shown(first)["created"]
    )
    time.sleep(1.1)
    # A change to the first meeting's agenda moves its `modified` (and that of its items).
    api.ok("POST", f"/api/meetings/{first}/agenda", 201, json={"title": "Việc khác"})
    changed = shown(first)["modified"]
    assert changed > shown(second)["modified"]
    assert first in ids(modified_since=changed) and second not in ids(modified_since=changed)
    assert second in ids(modified_until=shown(second)["modified"])
    assert first not in ids(modified_until=shown(second)["modified"])
    # Reserved characters URL-encoded, as the spec's own example; "Z" for UTC is read too.
    assert first in ids(modified_since=changed.replace("+00:00", "Z"))
    # The list's links keep the filters.
    page = api.ok("GET", "/api/oparl/v1/meetings", params={"created_since": made})
    assert "created_since=" in page["links"]["self"]
    # Every external list takes them, the empty ones too; a bad one is a clear error.
    for path in ("/api/oparl/v1/bodies", "/api/oparl/v1/body/organizations", "/api/oparl/v1/body/papers"):
        assert api.get(path, params={"modified_since": made}).status_code == 200
    for bad in ("yesterday", "2026-11-27T08:00:00", "2026-13-01T00:00:00+07:00"):
        response = api.get("/api/oparl/v1/meetings", params={"created_since": bad})
        assert response.status_code == 422, bad
        assert response.json()["error"]["code"] == "invalid"


def test_oparl_sees_only_what_the_caller_may_see(world, full, admin):
    outsider = world.outsider
    crawler = Crawler(outsider).crawl(system_url(outsider))
    assert crawler.errors == []
    assert not any(url.endswith(f"/meetings/{world.meeting_id}") for url in crawler.objects)
    meeting = world.member.ok("GET", f"/api/oparl/v1/meetings/{world.meeting_id}")
    hidden = [
        meeting["id"],
        meeting["location"]["id"],
        meeting["resultsProtocol"]["id"],
        *(i["id"] for i in meeting["agendaItem"]),
        *(f["id"] for i in meeting["agendaItem"] for f in i["auxiliaryFile"]),
    ]
    for url in hidden:
        assert outsider.get(urlsplit(url).path).status_code == 404, url
    # An archivist sees the closed meeting, all of it.
    archivist = new_user(admin, "archivist")
    seen = Crawler(archivist).crawl(system_url(archivist))
    assert seen.errors == []
    assert set(hidden) <= set(seen.objects)
    # And nobody without a login.
    assert httpx.get(system_url(outsider)).status_code == 401
