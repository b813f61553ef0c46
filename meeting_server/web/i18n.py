"""The one string catalog per language, shared by templates and the JS client.

Catalogs live in web_client/i18n/<lang>.json as flat key -> text maps.
Vietnamese is the default; a key missing in another language falls back
to Vietnamese, then to the key itself (so a gap shows, rather than breaks).
"""

from __future__ import annotations

import json
from pathlib import Path

DEFAULT_LANG = "vi"
LANG_COOKIE = "lang"


class Catalogs:
    def __init__(self, folder: Path):
        self.catalogs: dict[str, dict[str, str]] = {}
        for path in sorted(folder.glob("*.json")):
            self.catalogs[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        self.catalogs.setdefault(DEFAULT_LANG, {})

    @property
    def languages(self) -> list[str]:
        return sorted(self.catalogs, key=lambda code: (code != DEFAULT_LANG, code))

    def pick(self, cookie: str | None) -> str:
        # Vietnamese unless the person chose otherwise: an iPad's own language
        # setting says little about the committee's working language.
        return cookie if cookie in self.catalogs else DEFAULT_LANG

    def catalog(self, lang: str) -> dict[str, str]:
        merged = dict(self.catalogs[DEFAULT_LANG])
        merged.update(self.catalogs.get(lang, {}))
        return merged

    def translate(self, lang: str, key: str, **params) -> str:
        text = self.catalogs.get(lang, {}).get(key) or self.catalogs[DEFAULT_LANG].get(key) or key
        for name, value in params.items():
            text = text.replace("{" + name + "}", str(value))
        return text
