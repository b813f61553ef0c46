"""The pages a person opens (PROTOCOL.md, "Pages a person opens"), and API docs served locally."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from meeting_server.auth.models import Role, UserPublic
from meeting_server.deps import Ctx, OptionalUser
from meeting_server.errors import Forbidden, MeetingError
from meeting_server.ids import Id
from meeting_server.meetings.access import can_control, visible_meeting
from meeting_server.web.i18n import LANG_COOKIE, Catalogs

router = APIRouter(include_in_schema=False)

# The pages open to a person who must change their password first (see Pages.render).
PASSWORD_CHANGE_PATHS = frozenset({"/account", "/login"})


class Pages:
    """Renders web_client/templates with the current user's language."""

    def __init__(self, templates: Jinja2Templates, catalogs: Catalogs):
        self.templates = templates
        self.catalogs = catalogs

    def lang(self, request: Request) -> str:
        return self.catalogs.pick(request.cookies.get(LANG_COOKIE))

    def render(
        self,
        request: Request,
        template: str,
        user: UserPublic | None,
        page_data: dict | None = None,
        status_code: int = 200,
        **extra,
    ) -> Response:
        if user is not None and user.must_change_password and request.url.path not in PASSWORD_CHANGE_PATHS:
            # A new account or a reset password: every page waits until the person chose their own.
            return RedirectResponse("/account", status_code=303)
        lang = self.lang(request)

        def t(key: str, **params) -> str:
            return self.catalogs.translate(lang, key, **params)

        context = {
            "t": t,
            "lang": lang,
            "langs": self.catalogs.languages,
            "user": user.model_dump(mode="json") if user else None,
            "page_data": page_data or {},
            "i18n": self.catalogs.catalog(lang),
            **extra,
        }
        return self.templates.TemplateResponse(request, template, context, status_code=status_code)

    def error(self, request: Request, user: UserPublic | None, error: MeetingError) -> Response:
        return self.render(
            request,
            "error.html",
            user,
            status_code=error.status,
            status=error.status,
            code=error.code,
            message=error.text(self.lang(request)),
        )


def pages(request: Request) -> Pages:
    return request.app.state.pages


def _login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


# A path on this server: one slash, then no slash or backslash, and no space or control
# character anywhere. Browsers drop tabs and newlines from a URL and read "\" as "/", so
# "/\t/evil.example" would leave for another site as surely as "//evil.example".
SAFE_NEXT = re.compile(r"/(?![/\\])[^\s\\\x00-\x1f\x7f]*")


def _safe_next(value: str | None) -> str:
    # Only paths on this server: never an open redirect to another site.
    return value if value and SAFE_NEXT.fullmatch(value) else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    return pages(request).render(request, "login.html", None, {"next": _safe_next(next)})


@router.get("/", response_class=HTMLResponse)
def index_page(request: Request, user: OptionalUser) -> Response:
    if user is None:
        return _login_redirect(request)
    return pages(request).render(request, "index.html", user)


def _meeting_page(request: Request, ctx, user: UserPublic | None, meeting_id: int, template: str, *, control: bool):
    if user is None:
        return _login_redirect(request)
    try:
        with ctx.db.read() as session:
            meeting = visible_meeting(session, user, meeting_id)
            if control and not can_control(session, user, meeting):
                raise Forbidden("Only the meeting's secretary or chair may use the console.")
    except MeetingError as error:
        return pages(request).error(request, user, error)
    return pages(request).render(request, template, user, {"meeting_id": meeting_id})


# Before /meetings/{meeting_id}, which would take "new" for an id.
@router.get("/meetings/new", response_class=HTMLResponse)
def new_meeting_page(request: Request, user: OptionalUser) -> Response:
    if user is None:
        return _login_redirect(request)
    if user.role not in (Role.admin, Role.secretary, Role.chair):
        return pages(request).error(
            request, user, Forbidden("Only an admin, a secretary or a chair may create meetings.")
        )
    return pages(request).render(request, "prepare.html", user, {"meeting_id": None})


@router.get("/meetings/{meeting_id}/prepare", response_class=HTMLResponse)
def prepare_page(meeting_id: Id, request: Request, user: OptionalUser, ctx: Ctx) -> Response:
    return _meeting_page(request, ctx, user, meeting_id, "prepare.html", control=True)


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
def tablet_page(meeting_id: Id, request: Request, user: OptionalUser, ctx: Ctx) -> Response:
    return _meeting_page(request, ctx, user, meeting_id, "tablet.html", control=False)


@router.get("/meetings/{meeting_id}/console", response_class=HTMLResponse)
def console_page(meeting_id: Id, request: Request, user: OptionalUser, ctx: Ctx) -> Response:
    return _meeting_page(request, ctx, user, meeting_id, "console.html", control=True)


@router.get("/meetings/{meeting_id}/screen", response_class=HTMLResponse)
def screen_page(meeting_id: Id, request: Request, user: OptionalUser, ctx: Ctx) -> Response:
    return _meeting_page(request, ctx, user, meeting_id, "screen.html", control=False)


@router.get("/archive", response_class=HTMLResponse)
def archive_page(request: Request, user: OptionalUser) -> Response:
    if user is None:
        return _login_redirect(request)
    return pages(request).render(request, "archive.html", user)


def _admin_page(
    request: Request, user: UserPublic | None, template: str, refusal: Forbidden, **extra: object
) -> Response:
    """A page of the admin's: the login page first, and a page saying why for anyone else."""
    if user is None:
        return _login_redirect(request)
    if user.role != Role.admin:
        return pages(request).error(request, user, refusal)
    return pages(request).render(request, template, user, extra or None)


@router.get("/admin/users", response_class=HTMLResponse)
def admin_users_page(request: Request, user: OptionalUser) -> Response:
    return _admin_page(
        request, user, "admin_users.html", Forbidden("Only an admin may manage accounts."), me=user and user.id
    )


@router.get("/admin/bodies", response_class=HTMLResponse)
def admin_bodies_page(request: Request, user: OptionalUser) -> Response:
    return _admin_page(request, user, "admin_bodies.html", Forbidden("Only an admin may manage bodies."))


@router.get("/admin/settings", response_class=HTMLResponse)
def admin_settings_page(request: Request, user: OptionalUser) -> Response:
    return _admin_page(request, user, "admin_settings.html", Forbidden("Only an admin may change the settings."))


@router.get("/admin/security", response_class=HTMLResponse)
def admin_security_page(request: Request, user: OptionalUser) -> Response:
    return _admin_page(request, user, "admin_security.html", Forbidden("Only an admin may read the security events."))


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, user: OptionalUser) -> Response:
    if user is None:
        return _login_redirect(request)
    return pages(request).render(request, "account.html", user, {"must_change": user.must_change_password})


@router.get("/lang/{code}")
def set_language(code: str, request: Request, next: str | None = None) -> Response:
    response = RedirectResponse(_safe_next(next), status_code=303)
    if code in pages(request).catalogs.catalogs:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response


# FastAPI's own /docs loads Swagger UI from a CDN (blank on an offline LAN) and
# starts it with an inline script, which the Content Security Policy refuses.
API_DOCS = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Meeting server API</title>
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
<link rel="icon" href="/vendor/swagger-ui/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    return HTMLResponse(API_DOCS)


def _tls_file(ctx, name: str, media_type: str) -> Response:
    # Public on purpose: a fresh iPad fetches the CA before it can log in.
    from meeting_server.errors import NotFound  # here, to leave the module's imports to their owner

    path = ctx.settings.tls_dir / name
    if not path.is_file():
        raise NotFound("TLS is not set up: run meeting-server tls init")
    # no-cache: after a new CA the tablets must not keep installing the old one.
    return Response(path.read_bytes(), media_type=media_type, headers={"Cache-Control": "no-cache"})


@router.get("/ca.crt")
def ca_certificate(ctx: Ctx) -> Response:
    return _tls_file(ctx, "ca.crt", "application/x-x509-ca-cert")


@router.get("/ca.mobileconfig")
def ca_profile(ctx: Ctx) -> Response:
    # Safari offers to install a profile served with this media type.
    return _tls_file(ctx, "ca.mobileconfig", "application/x-apple-aspen-config")
