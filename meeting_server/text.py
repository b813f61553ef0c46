"""One-line human text (names, titles, places, vote options), cleaned as it arrives.

All of it ends up printed in the minutes, which take a line as NFC, without
control characters, its whitespace collapsed, and refuse a name or title
that is blank then. Text taken in unclean made the minutes PDF (and with it
finalizing and the archive) fail for good: a meeting titled "\\x11" was a 500
on every `minutes.pdf`. So the API cleans such text the same way when it
arrives and checks its length after cleaning (NFC may lengthen a string).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

# C0/C1 controls and the Unicode line/paragraph separators; \n and \t are handled apart.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
SPACES = re.compile(r"\s+")


def one_line(value: str) -> str:
    text = unicodedata.normalize("NFC", value).replace("\r", "\n")
    return SPACES.sub(" ", CONTROL.sub("", text)).strip()


def _cleaned(max_length: int, *, required: bool) -> AfterValidator:
    def clean(value: str) -> str:
        text = one_line(value)
        if required and not text:
            raise ValueError("must say something: spaces and control characters alone do not count")
        if len(text) > max_length:
            # pydantic's own type for it: the error handlers say it in the person's language.
            raise PydanticCustomError(
                "string_too_long", "String should have at most {max_length} characters", {"max_length": max_length}
            )
        return text

    return AfterValidator(clean)


# The Field bounds the text as sent (and tells the OpenAPI schema); `_cleaned` the text as kept.
Title = Annotated[str, Field(min_length=1, max_length=500), _cleaned(500, required=True)]
"""A meeting's, agenda item's or vote's title."""

Name = Annotated[str, Field(min_length=1, max_length=200), _cleaned(200, required=True)]
"""A person's full name."""

Line = Annotated[str, Field(max_length=500), _cleaned(500, required=False)]
"""A line that may be empty: a location, a reason."""
