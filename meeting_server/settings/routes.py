"""The site's settings over HTTP: anyone logged in reads them, an admin changes them."""

from __future__ import annotations

from fastapi import APIRouter

from meeting_server.deps import Ctx, CurrentUser
from meeting_server.settings import service
from meeting_server.settings.models import SettingsPublic, SettingsUpdate

router = APIRouter(tags=["settings"])


@router.get("/api/settings", response_model=SettingsPublic)
def get_settings(user: CurrentUser, ctx: Ctx) -> SettingsPublic:
    """The settings as they apply: the meeting's time zone and the minutes' header defaults (any logged-in user)."""
    with ctx.db.read() as session:
        return service.current(session, ctx.settings)


@router.put("/api/settings", response_model=SettingsPublic)
async def put_settings(body: SettingsUpdate, user: CurrentUser, ctx: Ctx) -> SettingsPublic:
    """Change the settings (admin): only the fields sent; an empty text falls back to the server's configuration."""
    return await ctx.intents.run(None, service.update_settings, user=user, data=body, config=ctx.settings)
