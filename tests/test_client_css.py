"""The web client's CSS and templates, read as files: what a tablet in the hand needs.

- Hover styles apply only where there is a hover (`@media (hover: hover)`): on
  an iPad a tap leaves a sticky :hover behind, and a button stays "hovered"
  after it was tapped.
- No page disables pinch-zoom of the whole page (`user-scalable=no`,
  `maximum-scale=1`): a member with weak eyes must be able to zoom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import ROOT

CSS_DIR = ROOT / "web_client" / "static" / "css"
TEMPLATES = ROOT / "web_client" / "templates"
CSS_FILES = sorted(CSS_DIR.glob("*.css"))


@dataclass
class Rule:
    prelude: str  # the selector list (or an at-rule's prelude)
    parents: tuple[str, ...]  # the preludes of the blocks around it, outermost first
    line: int


def css_rules(text: str) -> list[Rule]:
    """Every block of a style sheet with the blocks around it.

    A small reader of CSS syntax: comments and strings are skipped, braces
    nest (at-rules, nested rules), declarations end with `;`."""
    rules: list[Rule] = []
    stack: list[str] = []
    prelude: list[str] = []
    line = 1
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise ValueError(f"line {line}: unterminated comment")
            line += text.count("\n", i, end + 2)
            i = end + 2
            continue
        if c in "\"'":
            end = i + 1
            while end < n and text[end] != c:
                end += 2 if text[end] == "\\" else 1
            prelude.append(c + c)  # a string's content is never a selector
            line += text.count("\n", i, end + 1)
            i = end + 1
            continue
        if c == "{":
            head = " ".join("".join(prelude).split())
            rules.append(Rule(head, tuple(stack), line))
            stack.append(head)
            prelude = []
        elif c == "}":
            if not stack:
                raise ValueError(f"line {line}: unbalanced }}")
            stack.pop()
            prelude = []
        elif c == ";":
            prelude = []
        else:
            prelude.append(c)
        line += c == "\n"
        i += 1
    if stack:
        raise ValueError(f"unclosed block: {stack[-1]!r}")
    return rules


def only_where_hover(prelude: str) -> bool:
    """An @media whose every query asks for a hovering pointer."""
    if not prelude.lower().startswith("@media"):
        return False
    queries = prelude[len("@media") :].split(",")
    squeeze = [re.sub(r"\s+", "", q.lower()) for q in queries]
    return all("(hover:hover)" in q and not q.startswith("not") for q in squeeze)


def hover_outside_media(text: str) -> list[str]:
    found = []
    for rule in css_rules(text):
        if rule.prelude.startswith("@") or ":hover" not in rule.prelude:
            continue
        if not any(only_where_hover(p) for p in rule.parents):
            found.append(f"line {rule.line}: {rule.prelude}")
    return found


def test_the_reader_sees_hover_inside_and_outside_media():
    sheet = """
    /* .a:hover { } in a comment */
    .b[title="x{:hover}"] { color: red; }
    .c:hover { color: red; }
    @media (hover: hover) { .d:hover { color: red; } .e:hover, .f { color: blue; } }
    @media (hover: hover) and (pointer: fine) { .g:hover { color: red; } }
    @media (max-width: 900px) { .h:hover { color: red; } }
    @media (max-width: 900px) { @media (hover:hover) { .i:hover { color: red; } } }
    @media not all and (hover: hover) { .j:hover { color: red; } }
    @media (hover: hover), (max-width: 600px) { .k:hover { color: red; } }
    """
    found = hover_outside_media(sheet)
    assert [f.split(": ", 1)[1] for f in found] == [".c:hover", ".h:hover", ".j:hover", ".k:hover"]
    assert found[0].startswith("line 4:")


@pytest.mark.parametrize("path", CSS_FILES, ids=lambda p: p.name)
def test_hover_styles_apply_only_where_there_is_hover(path: Path):
    found = hover_outside_media(path.read_text(encoding="utf-8"))
    assert not found, f"{path.name}: :hover outside @media (hover: hover):\n" + "\n".join(found)


def test_there_are_style_sheets_to_check():
    assert len(CSS_FILES) >= 5
    assert any(":hover" in p.read_text(encoding="utf-8") for p in CSS_FILES)


# ---- pinch-zoom -----------------------------------------------------------------------------

VIEWPORT_BLOCK = re.compile(r"{%-?\s*block\s+viewport\s*-?%}(.*?){%-?\s*endblock", re.S)
VIEWPORT_META = re.compile(r"<meta[^>]*name=[\"']viewport[\"'][^>]*>", re.I | re.S)


def zoom_refusals(content: str) -> list[str]:
    """What in a viewport's content stops a person zooming the page."""
    refused = []
    for part in content.split(","):
        key, _, value = (s.strip().lower() for s in part.partition("="))
        if key == "user-scalable" and value in ("no", "0"):
            refused.append(part.strip())
        if key == "maximum-scale":
            try:
                if float(value) <= 1:
                    refused.append(part.strip())
            except ValueError:
                pass
    return refused


def viewports(text: str) -> list[str]:
    """The viewport contents a template writes or overrides."""
    found = [m.group(1) for m in VIEWPORT_BLOCK.finditer(text)]
    for meta in VIEWPORT_META.findall(text):
        content = re.search(r"content=\"(.*?)\"", meta, re.S)
        if content and "{% block viewport %}" not in content.group(1):
            found.append(content.group(1))
    return found


def test_the_viewport_reader_sees_a_refused_zoom():
    assert zoom_refusals("width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no") == [
        "maximum-scale=1",
        "user-scalable=no",
    ]
    assert zoom_refusals("width=device-width, initial-scale=1, maximum-scale=5") == []
    assert viewports("{% block viewport %}width=device-width, user-scalable=0{% endblock %}") == [
        "width=device-width, user-scalable=0"
    ]


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_no_page_disables_pinch_zoom(path: Path):
    text = path.read_text(encoding="utf-8")
    for content in viewports(text):
        assert not zoom_refusals(content), f"{path.name}: the viewport refuses zoom: {content}"


def test_the_base_template_writes_a_viewport_that_allows_zoom():
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    found = viewports(base)
    assert found and "width=device-width" in found[0] and not zoom_refusals(found[0])
