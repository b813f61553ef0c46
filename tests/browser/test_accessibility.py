"""axe-core finds nothing serious on any page (issue 12, "the tablet in the hand").

Every page a person opens, in the iPad profile, as the person who opens it: the
login page, the meeting list of a member and of the secretary, the tablet, the
console and the hall screen of an open meeting, preparing a meeting and a new
one, the archive, the admin's pages and the account page. axe-core (vendored in
tests/vendor/axe-core, see its README) runs on each once the page has drawn its
content; any violation of impact "serious" or "critical" fails the test, with
the rule, the elements and what axe says to fix.

The Content Security Policy forbids inline scripts, so the engine is not added
as a `<script>` (Playwright's add_script_tag inlines it): it is evaluated
through the DevTools protocol, which the page's policy does not govern. The
policy itself stays as it is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import login_in_browser
from tests.support import ADMIN
from tests.votes_support import attend, open_meeting

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

RUN_AXE = """
async () => {
  const result = await axe.run(document);
  return {
    passed: result.passes.map((r) => r.id),
    violations: result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary, impact: n.impact })),
    })),
  };
}
"""

PAGE_1 = '[data-testid="page-image"][data-page="1"]'
THUMBNAIL = '[data-testid="thumbnail"][data-page="1"]'

# (name, who, path, what shows once the page has drawn its content)
PAGES = [
    ("login", None, "/login", "[data-testid=login-username]"),
    ("index-member", "member", "/", "[data-testid=meeting]"),
    ("index-secretary", "secretary", "/", "[data-testid=meeting]"),
    ("tablet", "member", "/meetings/{id}", (PAGE_1, THUMBNAIL)),
    ("console", "secretary", "/meetings/{id}/console", (PAGE_1, THUMBNAIL)),
    ("hall-screen", "secretary", "/meetings/{id}/screen", "main"),
    ("prepare", "secretary", "/meetings/{id}/prepare", "main"),
    ("new-meeting", "secretary", "/meetings/new", "main"),
    ("archive", "member", "/archive", "[data-testid=archive-meeting]"),
    ("admin-users", "admin", "/admin/users", "[data-testid=user-row]"),
    ("admin-bodies", "admin", "/admin/bodies", "main"),
    ("admin-settings", "admin", "/admin/settings", "main"),
    ("admin-security", "admin", "/admin/security", "main"),
    ("account", "member", "/account", "main"),
]


def serious_violations(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(RUN_AXE)
    # The engine really looked: the contrast rule ran on text of this page and it held.
    assert "color-contrast" in result["passed"], result["passed"]
    return [v for v in result["violations"] if v["impact"] in SERIOUS]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:8]:
            summary = (node["summary"] or "").replace("\n", " / ")
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize(("name", "who", "path", "ready"), PAGES, ids=[p[0] for p in PAGES])
def test_axe_finds_nothing_serious(blank_ipad, world, name, who, path, ready):
    open_meeting(world.secretary, world.meeting_id)
    attend(world.secretary, world.meeting_id, world.chair, world.member, world.member2)
    if name == "archive":
        # The archive lists closed meetings: this one, held and closed.
        world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    path = path.format(id=world.meeting_id)
    page = blank_ipad()
    if who is None:
        page.goto(path)
    elif who == "admin":
        login_in_browser(page, ADMIN[0], path, password=ADMIN[1])
    else:
        login_in_browser(page, getattr(world, who).user["username"], path)
    for selector in (ready,) if isinstance(ready, str) else ready:
        page.locator(selector).first.wait_for()
    page.wait_for_load_state("networkidle")
    # Lazy thumbnails far off screen never load: wait only for the eager images.
    page.wait_for_function("() => [...document.images].filter(i => i.loading !== 'lazy').every(i => i.complete)")
    page.wait_for_timeout(300)
    found = serious_violations(page)
    assert not found, f"{name} ({path}):\n{describe(found)}"
    assert not page.errors, page.errors
