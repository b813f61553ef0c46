"""The authorization table (meeting_server/auth/policy.py): complete, and true.

1. Completeness: every route the app registers and every socket event it
   serves has an entry, and no entry names one that is gone.
2. The walk: every entry tried as every kind of person (anonymous, each role,
   a participant, a non-participant, the meeting's controller) against the
   real server. Whom the table refuses gets exactly that refusal (401, 403, or
   404 for a meeting one may not see); whom it lets through is not refused
   with 401, nor with 403 unless the entry says the service checks more (`finer`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx
import pytest
import socketio
from fastapi.routing import APIRoute

from meeting_server.auth import policy
from meeting_server.auth.models import Role
from meeting_server.auth.policy import Standing
from meeting_server.errors import MeetingError
from tests.conftest import new_user
from tests.support import PASSWORD, Api, login, make_pdf

NOWHERE = 2**31  # an id nothing has
# Writes that change how people stand to the meeting (archivists see closed meetings).
CHANGES_STANDING = {"/api/meetings/{meeting_id}/close"}


# -- 1. completeness ---------------------------------------------------------


def _fastapi_app(outer):
    app = outer
    while not hasattr(app, "routes"):
        app = getattr(app, "other_asgi_app", None) or app.app
    return app


def _api_routes(routes, prefix: str = ""):
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix, route
        elif hasattr(route, "original_router"):  # FastAPI's lazily included routers
            yield from _api_routes(route.original_router.routes, prefix + route.include_context.prefix)
        elif hasattr(route, "routes") and not hasattr(route, "app"):
            yield from _api_routes(route.routes, prefix)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from meeting_server.app import create_app
    from meeting_server.config import Settings

    outer = create_app(Settings(data_dir=tmp_path_factory.mktemp("policy")))
    app = _fastapi_app(outer)
    yield app, app.state.ctx.sio
    app.state.ctx.db.dispose()


def test_every_route_has_an_entry(built):
    app, _ = built
    registered: set[tuple[str, str]] = set()
    others = []
    for prefix, route in _api_routes(app.routes):
        registered |= {(method, prefix + route.path) for method in route.methods}
    for route in app.routes:
        path = getattr(route, "path", None)
        if path in policy.ASSET_MOUNTS:
            continue
        if not isinstance(route, APIRoute) and not hasattr(route, "original_router"):
            # Starlette's own routes (the OpenAPI document): GET, and HEAD by HeadAsGet.
            others.append(path)
            registered.add(("GET", path))
    assert others == ["/openapi.json"], "a route outside FastAPI's: give it an entry and extend this test"
    missing = sorted(registered - set(policy.HTTP))
    gone = sorted(set(policy.HTTP) - registered)
    assert not missing, f"routes without an entry in auth/policy.py HTTP: {missing}"
    assert not gone, f"entries in auth/policy.py HTTP for no route: {gone}"
    mounts = sorted(getattr(r, "path", "") for r in app.routes if type(r).__name__ == "Mount")
    assert mounts == sorted(policy.ASSET_MOUNTS)


def test_every_socket_event_has_an_entry(built):
    _, sio = built
    served = set(sio.handlers["/"])
    assert served >= policy.SOCKET_TRANSPORT
    events = served - policy.SOCKET_TRANSPORT
    assert sorted(events - set(policy.SOCKET)) == [], "events without an entry in auth/policy.py SOCKET"
    assert sorted(set(policy.SOCKET) - events) == [], "entries in auth/policy.py SOCKET for no event"


def test_docs_show_the_table():
    docs = (Path(__file__).parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    assert policy.table() in docs, "docs/api.md: paste the output of python -m meeting_server.auth.policy"


def test_an_event_without_an_entry_is_not_served():
    from meeting_server.realtime.server import event_handler

    handler = event_handler(socketio.AsyncServer(async_mode="asgi"), None)  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        handler("meeting:unlisted", dataclasses.make_dataclass("X", []))  # type: ignore[arg-type]


# -- 2. the walk -------------------------------------------------------------


@dataclasses.dataclass
class Person:
    name: str
    role: Role | None
    api: Api | None
    standing: Standing  # toward the walk's meetings
    username: str = ""
    password: str = PASSWORD


NOT_INVITED = Standing(visible=False, participant=False, controller=False)


@pytest.fixture(scope="module")
def people(admin, cast) -> list[Person]:
    archivist = new_user(admin, "archivist")
    stranger_secretary = new_user(admin, "secretary")
    return [
        Person("anonymous", None, None, NOT_INVITED),
        Person("admin", Role.admin, admin, Standing(True, False, True)),
        Person("secretary", Role.secretary, cast["secretary"], Standing(True, True, True)),
        Person("chair", Role.chair, cast["chair"], Standing(True, True, True)),
        Person("member", Role.member, cast["member"], Standing(True, True, False)),
        Person("outsider", Role.member, cast["outsider"], NOT_INVITED),
        Person("archivist", Role.archivist, archivist, NOT_INVITED),
        Person("other secretary", Role.secretary, stranger_secretary, NOT_INVITED),
    ]


@dataclasses.dataclass
class Things:
    meeting_id: int
    item_id: int
    vote_id: int
    document_id: int | None = None


def make_things(cast, tmp_path: Path, with_document: bool) -> Things:
    """A published meeting of the secretary's, with the chair and a member invited."""
    secretary = cast["secretary"]
    meeting = secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Phiên kiểm tra quyền",
            "starts_at": "2026-11-27T08:00:00+07:00",
            "location": "Hội trường",
            "participants": [{"user_id": cast[k].id} for k in ("chair", "member")],
        },
    )
    item = secretary.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "Báo cáo"})
    vote = secretary.ok("POST", f"/api/meetings/{meeting['id']}/votes", 201, json={"title": "Biểu quyết"})
    things = Things(meeting["id"], item["id"], vote["id"])
    if with_document:
        with open(make_pdf(tmp_path / f"walk-{meeting['id']}.pdf", pages=2), "rb") as handle:
            things.document_id = secretary.ok(
                "POST",
                f"/api/agenda/{item['id']}/documents",
                201,
                files={"file": ("walk.pdf", handle, "application/pdf")},
            )["id"]
    return things


def fill(path: str, things: Things) -> str:
    values = {
        "meeting_id": things.meeting_id,
        "item_id": things.item_id,
        "agenda_item_id": things.item_id,
        "vote_id": things.vote_id,
        "document_id": things.document_id,
        "user_id": NOWHERE,
        "body_id": NOWHERE,
        "number": 1,
        "code": "en",
    }
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    assert "{" not in path, f"the walk knows no value for {path}"
    return path


def expected(rule: policy.Rule, person: Person) -> MeetingError | None:
    return rule.decide(person.role, person.standing if person.role is not None else None)


def check(what: str, rule: policy.Rule, person: Person, status: int, body: dict | None) -> None:
    refusal = expected(rule, person)
    where = f"{what} as {person.name}: {status} {body}"
    if refusal is not None:
        assert status == refusal.status, where
        assert body is not None and body.get("code") == refusal.code, where
        assert body.get("message") == refusal.message, where
    elif rule.finer or (rule.anyone and person.role is None):
        assert status != 401 or rule.anyone, where
    else:
        assert status not in (401, 403), where


def _error(response: httpx.Response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


def _client(server, person: Person, token: str | None = None) -> httpx.Client:
    headers = {"Accept-Language": "en"}
    token = token or (person.api.token if person.api else None)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=60, follow_redirects=False)


def _fresh_token(server, person: Person) -> str | None:
    """For logout: a session of its own, so the walk's ones stay."""
    if person.api is None:
        return None
    username = person.api.user["username"]
    password = "admin-password-1" if person.role == Role.admin and username == "admin" else person.password
    return login(server.base_url, username, password).token


def test_walk_every_route(server, cast, people, tmp_path):
    shared = make_things(cast, tmp_path, with_document=True)
    clients = {p.name: _client(server, p) for p in people}
    try:
        for (method, template), rule in policy.HTTP.items():
            if template == "/openapi.json":
                continue  # Starlette's route, outside the gate: anyone
            writes = method != "GET"
            things = shared
            if writes and "{" in template:
                # A write may change what it touches: each entry gets things of its own.
                things = make_things(cast, tmp_path, with_document="{document_id}" in template)
            for person in people:
                if template in CHANGES_STANDING:
                    # Closing makes the meeting visible to archivists: each person closes their own.
                    things = make_things(cast, tmp_path, with_document=False)
                elif method == "DELETE" and "{meeting_id}" not in template and "{" in template:
                    # What one person deletes is gone for the next: each deletes their own.
                    things = make_things(cast, tmp_path, with_document="{document_id}" in template)
                url = fill(template, things)
                client = clients[person.name]
                if template == "/api/auth/logout" and person.api is not None:
                    if person.name != "member":
                        continue  # a rule for any session: one signed-in person (a login is slow on purpose)
                    with _client(server, person, _fresh_token(server, person)) as own:
                        response = own.request(method, url)
                elif writes:
                    # A body no route takes: whoever passes the gate stops at validation (422).
                    response = client.request(method, url, json={"walk": True})
                else:
                    response = client.request(method, url)
                check(f"{method} {template}", rule, person, response.status_code, _error(response))
    finally:
        for client in clients.values():
            client.close()


def test_walk_every_socket_event(server, cast, people, tmp_path):
    things = make_things(cast, tmp_path, with_document=False)
    anonymous = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        anonymous.connect(server.base_url, transports=["websocket"], wait_timeout=10)
    for person in people:
        if person.api is None:
            continue
        sock = person.api.socket()
        try:
            for event, rule in policy.SOCKET.items():
                ack = sock.call(event, {"meeting_id": things.meeting_id})
                error = None if ack.get("ok") else ack.get("error")
                status = {"unauthorized": 401, "forbidden": 403, "not_found": 404}.get((error or {}).get("code"), 200)
                check(f"socket {event}", rule, person, status, error)
        finally:
            sock.close()
