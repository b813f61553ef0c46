"""The server's error messages in the person's language (issue 12).

Error bodies keep their `code`; their `message` is in the language of the
`lang` cookie, else of Accept-Language, else Vietnamese. The messages are
written in English in the code, as msgids (meeting_server/i18n); the first
tests here read the code itself and fail when a message raised anywhere in
meeting_server has no Vietnamese translation, or a translation's `{params}`
differ from its template's or from the params the raise passes.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import httpx
import pytest
import socketio

from meeting_server import i18n
from meeting_server.app import FRAMEWORK_MESSAGES
from meeting_server.auth.models import Role
from meeting_server.errors import EMPTY_PROBLEM, GENERIC_PROBLEM, NO_FIELD, NOT_JSON, VALIDATION_PROBLEMS, WITH_FIELD
from tests.support import Socket, unique

ROOT = Path(__file__).resolve().parent.parent / "meeting_server"
ERROR_BASES = {"MeetingError"}
# Helpers that build an error body from a message, and the position of the message among their arguments.
HELPERS = {
    ("realtime/server.py", "_refusal"): 1,
    ("http_guard.py", "_refusal"): 3,
    **{(str(p.relative_to(ROOT)), "error_body"): 1 for p in ROOT.rglob("*.py")},
}
PARAM = re.compile(r"\{(\w+)\}")
# Vietnamese letters English never has: a translation without any is likely left in English.
VIETNAMESE = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.I)


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """MeetingError and every class deriving from it, anywhere in meeting_server."""
    names = set(ERROR_BASES)
    grew = True
    while grew:
        grew = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                    if bases & names:
                        names.add(node.name)
                        grew = True
    return names


def _module_strings(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _templates(arg: ast.expr, constants: dict[str, str]) -> list[str] | None:
    """The msgids a message argument can be: a literal, either branch of `a if c else b`,
    or a module-level string constant. None: something else (an f-string, a call)."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.IfExp):
        body, orelse = _templates(arg.body, constants), _templates(arg.orelse, constants)
        return None if body is None or orelse is None else body + orelse
    if isinstance(arg, ast.Name) and arg.id in constants:
        return [constants[arg.id]]
    return None


def _params(call: ast.Call) -> set[str] | None:
    """The keys of `params={...}` (an empty set without params); None when not a dict literal."""
    for keyword in call.keywords:
        if keyword.arg == "params":
            if not isinstance(keyword.value, ast.Dict):
                return None
            return {k.value for k in keyword.value.keys if isinstance(k, ast.Constant)}
    return set()


def raised_messages() -> tuple[dict[str, list[str]], list[str]]:
    """Every msgid an error is built with in meeting_server (msgid -> where), and the
    places that build one the catalogue cannot translate."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(ROOT.rglob("*.py"))}
    classes = _error_classes(trees)
    found: dict[str, list[str]] = {}
    problems: list[str] = []
    everywhere: dict[str, str] = {}
    for tree in trees.values():
        everywhere.update(_module_strings(tree))  # for a constant imported from another module
    for path, tree in trees.items():
        constants = {**everywhere, **_module_strings(tree)}
        module = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            if name in classes:
                index = 0
            elif (module, name) in HELPERS:
                index = HELPERS[module, name]
            else:
                continue
            arg = node.args[index] if len(node.args) > index else None
            if arg is None or (name == "error_body" and isinstance(arg, ast.Name) and arg.id not in constants):
                continue  # a helper passing on its caller's message, checked at the caller
            if module == "app.py" and isinstance(arg, ast.Name) and arg.id == "message":
                continue  # FRAMEWORK_MESSAGES, checked below
            templates = _templates(arg, constants)
            if templates is None:
                problems.append(f"{where}: the message is not a literal (an f-string?): {ast.unparse(arg)[:100]}")
                continue
            passed = _params(node)
            for template in templates:
                found.setdefault(template, []).append(where)
                wanted = set(PARAM.findall(template))
                if passed is not None and not wanted <= passed:
                    problems.append(f"{where}: {template!r} needs params {sorted(wanted)}, given {sorted(passed)}")
                if passed is not None and passed - wanted and len(templates) == 1:
                    problems.append(f"{where}: {template!r} does not use params {sorted(passed - wanted)}")
    return found, problems


def other_messages() -> list[str]:
    """Msgids that are not an error's first argument: the framework's refusals by
    status, the validation problems, role names inside messages."""
    return [
        *FRAMEWORK_MESSAGES.values(),
        *VALIDATION_PROBLEMS.values(),
        EMPTY_PROBLEM,
        GENERIC_PROBLEM,
        NO_FIELD,
        WITH_FIELD,
        NOT_JSON,
        *(role.value for role in Role),
    ]


def test_every_message_raised_in_the_server_is_a_literal_with_matching_params():
    found, problems = raised_messages()
    assert len(found) > 150, "the walk found too few messages: is it still looking at the right calls?"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_message_has_a_translation_with_the_same_params(lang):
    found, _ = raised_messages()
    catalogue = i18n.catalogues()[lang]
    missing = sorted(set(found) - set(catalogue)) + sorted(m for m in other_messages() if m not in catalogue)
    assert not missing, f"{lang}.json lacks:\n" + "\n".join(f"{m!r} ({', '.join(found.get(m, []))})" for m in missing)
    for msgid, text in catalogue.items():
        assert text.strip(), msgid
        assert set(PARAM.findall(text)) == set(PARAM.findall(msgid)), (lang, msgid, text)


def test_the_vietnamese_catalogue_is_vietnamese_and_nothing_in_it_is_stale():
    found, _ = raised_messages()
    vi = i18n.catalogues()["vi"]
    english = [
        msgid
        for msgid, text in vi.items()
        if not VIETNAMESE.search(PARAM.sub("", text)) and PARAM.sub("", text).strip(" .:{}")
    ]
    assert not english, "Vietnamese translations without a Vietnamese letter:\n" + "\n".join(english)
    used = set(found) | set(other_messages())
    # The ValueError sentences of input validators (text.py, votes/models.py...) are used through pydantic.
    validators = {msgid for msgid in vi if msgid[:1].islower()}
    stale = sorted(set(vi) - used - validators)
    assert not stale, "catalogue entries no code uses:\n" + "\n".join(stale)
    assert set(i18n.catalogues()["en"]) == set(vi)


def test_the_language_is_the_cookie_then_accept_language_then_vietnamese():
    assert i18n.negotiate("en", "vi") == "en"
    assert i18n.negotiate("vi", "en-US,en;q=0.9") == "vi"
    assert i18n.negotiate(None, "en-US,en;q=0.9") == "en"
    assert i18n.negotiate("fr", "fr-FR, en;q=0.5, vi;q=0.8") == "vi"
    assert i18n.negotiate(None, "de, en;q=0") == "vi"
    assert i18n.negotiate(None, "") == "vi"
    assert i18n.negotiate(None, None) == "vi"
    assert i18n.from_headers("session=x; lang=en", "vi") == "en"
    assert i18n.from_headers("garbage;;==", None) == "vi"


# ---- over HTTP and a socket -------------------------------------------------------------------


def _message(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    return error["message"]


def _english_messages() -> set[str]:
    return set(i18n.catalogues()["en"].values())


def test_a_wrong_login_answers_in_the_cookie_s_language_else_accept_language_else_vietnamese(server):
    url = f"{server.base_url}/api/auth/login"
    wrong = {"username": unique("nobody"), "password": "not the password"}
    vi = i18n.catalogues()["vi"]["Wrong username or password."]
    assert VIETNAMESE.search(vi)
    # No cookie, no Accept-Language: Vietnamese.
    assert _message(httpx.post(url, json=wrong), 401, "unauthorized") == vi
    assert _message(
        httpx.post(url, json=wrong, headers={"Accept-Language": "en-GB,en;q=0.9"}), 401, "unauthorized"
    ) == ("Wrong username or password.")
    # The cookie wins over the browser's own language.
    both = {"Accept-Language": "en-US", "Cookie": "lang=vi"}
    assert _message(httpx.post(url, json=wrong, headers=both), 401, "unauthorized") == vi
    assert _message(httpx.post(url, json=wrong, headers={"Cookie": "lang=en"}), 401, "unauthorized") == (
        "Wrong username or password."
    )
    # A language the server does not have: the next one asked for, else Vietnamese.
    assert _message(httpx.post(url, json=wrong, headers={"Accept-Language": "fr, en;q=0.5"}), 401, "unauthorized") == (
        "Wrong username or password."
    )
    assert _message(httpx.post(url, json=wrong, headers={"Accept-Language": "fr"}), 401, "unauthorized") == vi


def test_a_templated_message_fills_its_params_in_either_language(server, admin):
    url = f"{server.base_url}/api/meetings"
    headers = {"Authorization": f"Bearer {admin.token}"}
    body = {"title": unique("Họp"), "starts_at": "2031-05-04T08:00:00+07:00", "participants": [{"user_id": 987654}]}
    vi = _message(httpx.post(url, json=body, headers=headers), 422, "invalid")
    assert "987654" in vi and VIETNAMESE.search(vi), vi
    en = _message(httpx.post(url, json=body, headers={**headers, "Accept-Language": "en"}), 422, "invalid")
    assert en == "Unknown participant user ids: 987654.", en


def test_validation_errors_and_the_framework_s_own_refusals_answer_in_the_language(server, admin):
    headers = {"Authorization": f"Bearer {admin.token}"}
    english = _english_messages()
    blank = {"title": "", "starts_at": "2031-05-04T08:00:00+07:00", "participants": []}
    cases = [
        ("POST", "/api/meetings", {"json": blank}, 422, "invalid"),
        ("POST", "/api/meetings", {"json": {"title": "x"}}, 422, "invalid"),
        (
            "POST",
            "/api/meetings",
            {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
            422,
            "invalid",
        ),
        ("GET", "/api/meetings/not-a-number", {}, 422, "invalid"),
        ("GET", "/api/no/such/thing", {}, 404, "not_found"),
        ("DELETE", "/api/me", {}, 405, "invalid"),
    ]
    for method, path, kw, status, code in cases:
        extra = kw.pop("headers", {})
        with httpx.Client(base_url=server.base_url, headers={**headers, **extra}) as client:
            vi = _message(client.request(method, path, **kw), status, code)
            en = _message(client.request(method, path, headers={"Accept-Language": "en"}, **kw), status, code)
        assert VIETNAMESE.search(vi), (method, path, vi)
        assert vi not in english and not any(e in vi for e in english if len(e) > 12), (method, path, vi)
        assert not VIETNAMESE.search(en) and en != vi, (method, path, en)
    # The blank title names its field and says what is wrong, in Vietnamese.
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        vi = _message(client.post("/api/meetings", json=blank), 422, "invalid")
    assert vi == "title: " + i18n.catalogues()["vi"][EMPTY_PROBLEM] + ".", vi


def _socket(base_url: str, token: str, headers: dict, lang: str | None = None) -> Socket:
    """A socket with exactly these handshake headers (Socket.connect adds English)."""
    client = socketio.Client(reconnection=False)
    sock = Socket(client)
    auth = {"token": token, **({"lang": lang} if lang else {})}
    client.connect(base_url, auth=auth, headers=headers, transports=["websocket"], wait_timeout=10)
    return sock


def test_a_socket_ack_answers_in_the_handshake_s_language(server, admin):
    vi = i18n.catalogues()["vi"]["No such meeting."]
    unknown = {"meeting_id": 987654321}
    sockets = {
        "none": _socket(server.base_url, admin.token, {}),
        "accept": _socket(server.base_url, admin.token, {"Accept-Language": "en-US,en"}),
        "cookie": _socket(server.base_url, admin.token, {"Cookie": "lang=en", "Accept-Language": "vi"}),
        "cookie_vi": _socket(server.base_url, admin.token, {"Cookie": "lang=vi", "Accept-Language": "en"}),
        "auth": _socket(server.base_url, admin.token, {"Accept-Language": "vi"}, lang="en"),
    }
    try:
        answers = {name: sock.call("meeting:join", unknown) for name, sock in sockets.items()}
        for ack in answers.values():
            assert ack["ok"] is False and ack["error"]["code"] == "not_found", ack
        assert answers["none"]["error"]["message"] == vi
        assert answers["cookie_vi"]["error"]["message"] == vi
        assert answers["accept"]["error"]["message"] == "No such meeting."
        assert answers["cookie"]["error"]["message"] == "No such meeting."
        # The page's own language, sent by the client in the handshake, comes first.
        assert answers["auth"]["error"]["message"] == "No such meeting."
        # A payload pydantic refuses, and an event there is not: in the socket's language too.
        bad = sockets["none"].call("meeting:join", {"meeting_id": "one"})
        assert bad["error"]["code"] == "invalid" and "meeting_id" in bad["error"]["message"], bad
        assert VIETNAMESE.search(bad["error"]["message"]), bad
        nothing = sockets["none"].call("no:such:event", {})
        assert VIETNAMESE.search(nothing["error"]["message"]), nothing
        assert "no:such:event" in nothing["error"]["message"]
    finally:
        for sock in sockets.values():
            sock.close()


def test_a_refused_socket_says_why_in_its_language(server):
    for headers, expected in (({}, "vi"), ({"Accept-Language": "en"}, "en")):
        client = socketio.Client(reconnection=False)
        said: list = []
        client.on("connect_error", lambda data, said=said: said.append(data))
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(server.base_url, auth={"token": "no such token"}, headers=headers, transports=["websocket"])
        text = i18n.translate(expected, "The session has ended; log in again.")
        assert said == [{"message": text, "data": {"code": "unauthorized", "message": text}}], (headers, said)
