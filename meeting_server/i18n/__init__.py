"""The server's own words in the person's language, the gettext way.

A message in the code is written in English and is its own msgid:
`Invalid("No such body.")`, or a template with named params,
`Invalid("Unknown user ids: {ids}.", params={"ids": missing})`. The
catalogues here, `<lang>.json`, map each msgid to its text in that language
(the English one maps it to itself, or to better English without touching
the code). Nothing is translated inside a service: the edges do it when they
answer, in the language of the person asking (`negotiate`): the HTTP
exception handlers (app.py) and the socket acks (realtime/server.py).

These catalogues are the server's, apart from web_client/i18n: the client's
catalogues are keyed by dotted names and sent whole to every page, while
these are keyed by the English sentence and only the server needs them.
tests/test_error_language.py checks that every message raised in
meeting_server has a translation with the same params.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any, NamedTuple

FOLDER = Path(__file__).parent
DEFAULT_LANG = "vi"
LANG_COOKIE = "lang"


@cache
def catalogues() -> dict[str, dict[str, str]]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(FOLDER.glob("*.json"))}


def languages() -> list[str]:
    return sorted(catalogues(), key=lambda code: (code != DEFAULT_LANG, code))


class Text(NamedTuple):
    """A message inside a message's params, translated along with it."""

    msgid: str
    params: Mapping[str, Any] | None = None


def translate(lang: str | None, msgid: str, params: Mapping[str, Any] | None = None) -> str:
    """`msgid` in `lang` with its params filled in. A msgid missing from the
    catalogue stays as written (English): a gap shows, rather than breaks."""
    lang = lang or DEFAULT_LANG
    text = catalogues().get(lang, {}).get(msgid) or msgid
    return fill(text, params, lang)


def known(msgid: str) -> bool:
    """Whether the default catalogue translates `msgid`."""
    return msgid in catalogues().get(DEFAULT_LANG, {})


def fill(template: str, params: Mapping[str, Any] | None, lang: str = "en") -> str:
    for name, value in (params or {}).items():
        template = template.replace("{" + name + "}", show(value, lang))
    return template


def show(value: Any, lang: str = "en") -> str:
    if isinstance(value, Text):
        return translate(lang, value.msgid, value.params)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(show(item, lang) for item in value)
    return str(value)


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The `lang` cookie if it names a language we have, else the first of
    Accept-Language's languages we have (by q), else Vietnamese."""
    known = catalogues()
    if cookie in known:
        return cookie
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, rest = part.strip().partition(";")
        quality = 1.0
        for param in rest.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            choices.append((-quality, index, tag.strip().lower()))
    for _, _, tag in sorted(choices):
        if tag == "*":
            return DEFAULT_LANG
        primary = tag.split("-")[0]
        if primary in known:
            return primary
    return DEFAULT_LANG


def from_headers(cookie_header: str | None, accept_language: str | None) -> str:
    """The language of a request or a socket handshake, from its raw headers."""
    cookie = None
    if cookie_header:
        try:
            jar = SimpleCookie(cookie_header)
        except CookieError:
            jar = SimpleCookie()
        cookie = jar[LANG_COOKIE].value if LANG_COOKIE in jar else None
    return negotiate(cookie, accept_language)


def from_scope(scope: Mapping[str, Any]) -> str:
    """The language of an ASGI request (middleware that answers before FastAPI does)."""
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
    return from_headers(headers.get("cookie"), headers.get("accept-language"))


def from_request(request: Any) -> str:
    """The language of a Starlette request: its `lang` cookie, else Accept-Language, else Vietnamese."""
    return negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
