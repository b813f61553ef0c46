"""One canonical JSON form, so a hash computed today can be recomputed by anyone later.

`canonical_json(value)` is the UTF-8 encoding of `value` written with:

- object keys sorted by Unicode code point, each key once;
- no whitespace at all: `,` between items, `:` between key and value;
- strings as they are in UTF-8 (no `\\uXXXX` for non-ASCII such as "Biên bản");
  only `"`, `\\` and the control characters U+0000..U+001F are escaped:
  `\\"` `\\\\` `\\b` `\\f` `\\n` `\\r` `\\t`, the rest as `\\u00XX` (lowercase hex);
- integers in plain decimal; `true`, `false`, `null`;
- floats as the shortest decimal that reads back as the same double (Python's
  `repr`); NaN and infinities are refused. Hashed records should prefer
  integers and strings, which every language writes the same way.

This is exactly `json.dumps(value, sort_keys=True, separators=(",", ":"),
ensure_ascii=False, allow_nan=False).encode("utf-8")`. A string holding a
lone surrogate cannot be encoded and is refused.

It is close to RFC 8785 (JCS) but not identical: JCS orders keys by UTF-16
code units (differs only for keys outside the Basic Multilingual Plane) and
formats floats by ECMAScript rules.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

HEX_DIGITS = frozenset("0123456789abcdef")


def canonical_json(value: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON value. Raises ValueError or TypeError for what JSON cannot hold."""
    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"not encodable as UTF-8: {exc.reason}") from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_sha256_hex(value: object) -> bool:
    """A SHA-256 digest as this format writes it: 64 lowercase hex digits."""
    return isinstance(value, str) and len(value) == 64 and set(value) <= HEX_DIGITS
