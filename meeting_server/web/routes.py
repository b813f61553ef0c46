"""The pages a person opens (PROTOCOL.md, "Pages a person opens"), and API docs served locally."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from meeting_server.auth.models import UserPublic
from meeting_server.deps import Ctx, OptionalUser
from meeting_server.errors import Forbidden, MeetingError
from meeting_server.ids import Id
from meeting_server.meetings.access import can_control, visible_meeting
from meeting_server.web.i18n import LANG_COOKIE, Catalogs

router = APIRouter(include_in_schema=False)


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
    ) -> HTMLResponse:
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

    def error(self, request: Request, user: UserPublic | None, error: MeetingError) -> HTMLResponse:
        return self.render(
            request,
            "error.html",
            user,
            status_code=error.status,
            status=error.status,
            code=error.code,
            message=error.message,
        )


def pages(request: Request) -> Pages:
    return request.app.state.pages


def _login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _safe_next(value: str | None) -> str:
    # Only paths on this server: never an open redirect to another site.
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


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


@router.get("/lang/{code}")
def set_language(code: str, request: Request, next: str | None = None) -> Response:
    response = RedirectResponse(_safe_next(next), status_code=303)
    if code in pages(request).catalogs.catalogs:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    # FastAPI's default loads Swagger UI from a CDN: blank on an offline LAN.
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Meeting server API",
        swagger_js_url="/vendor/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/vendor/swagger-ui/swagger-ui.css",
        swagger_favicon_url="/vendor/swagger-ui/favicon-32x32.png",
    )


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
