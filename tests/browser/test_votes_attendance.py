"""Who may vote follows attendance, as a real session in the browser (issue 12):
the secretary's console, the chair's iPad, two member iPads and the hall screen.

- A member marked absent gets no ballot sheet, and a ballot her browser sends anyway is refused.
- The secretary records the ballot of a member present without a working tablet, and votes
  for herself at the console; the ballot is counted and marked "recorded by the secretary".
- While the vote is open the console lists who has not voted yet, by name.
- The closed named vote shows each name with its choice on the console, the tablets and the hall screen.
- A secret vote takes a paper count at the console and shows no names anywhere.

Screenshots go to /tmp/shots/votes12/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import connected
from tests.browser.test_votes import create_vote_in_console, row
from tests.votes_support import open_meeting

SHOTS = Path("/tmp/shots/votes12")


@pytest.fixture
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def post_from_page(page, url: str, body: dict) -> dict:
    """What the page's own session gets for a request sent by hand (a tampered tablet)."""
    return page.evaluate(
        """async ([url, body]) => {
            const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
                                       body: JSON.stringify(body), credentials: "same-origin"});
            return {status: r.status, body: await r.json()};
        }""",
        [url, body],
    )


def names_on(scope) -> dict[str, tuple[str, bool]]:
    """user id -> (choice, recorded at the console) from a vote's list of named ballots."""
    scope.get_by_test_id("vote-ballots").wait_for()
    return {
        b.get_attribute("data-user-id"): (b.get_attribute("data-choice"), b.get_attribute("data-recorded") == "true")
        for b in scope.get_by_test_id("vote-ballot").all()
    }


def test_who_may_vote_follows_attendance_on_every_screen(world, ipad, hall_screen, shots):
    w = world
    meeting = w.meeting_id
    open_meeting(w.secretary, meeting)
    console = ipad(w.secretary, f"/meetings/{meeting}/console")
    chair = ipad(w.chair, f"/meetings/{meeting}")
    member = ipad(w.member, f"/meetings/{meeting}")
    absent = ipad(w.member2, f"/meetings/{meeting}")
    screen = hall_screen(w.chair, f"/meetings/{meeting}/screen")
    for page in (console, chair, member, absent, screen):
        connected(page)
    # Every tablet checked its owner in; the secretary marks member2 absent (she is away, her tablet open).
    console.locator('[data-testid="attendance-count"][data-attending="4"]').wait_for()
    row(console, w.member2.id).locator('[data-testid="attendance-status"][data-status="absent"]').click()
    console.locator('[data-testid="attendance-count"][data-attending="3"]').wait_for()
    times = row(console, w.chair.id).get_by_test_id("attendance-times")
    assert times.inner_text().startswith("Đến ")

    # A named vote opens.
    item = create_vote_in_console(console, "Thông qua Chương trình công tác")
    item.get_by_test_id("vote-open").click()
    opened = console.locator('[data-testid="vote-item"][data-status="open"]')
    opened.wait_for()
    vote_id = int(opened.get_attribute("data-vote-id"))

    # The absent member gets no ballot: the sheet is a pill, and opened it says why, with no options.
    sheet = absent.locator(f'[data-testid="vote-sheet"][data-vote-id="{vote_id}"][data-phase="absent"]')
    sheet.wait_for(state="attached")
    assert absent.get_by_test_id("vote-option").count() == 0
    absent.get_by_test_id("vote-pill").click()
    sheet.get_by_test_id("vote-absent").wait_for()
    shots(absent, "tablet-absent-member")
    # A ballot her browser sends anyway is refused.
    refused = post_from_page(absent, f"/api/votes/{vote_id}/ballot", {"choice": "yes"})
    assert refused["status"] == 409 and refused["body"]["error"]["code"] == "absent"

    # The console lists who has not voted: the secretary herself, the chair, the member; member2 is absent.
    turnout = opened.get_by_test_id("vote-turnout")
    waiting = turnout.get_by_test_id("vote-not-voted")
    waiting.nth(2).wait_for()
    assert {x.get_attribute("data-user-id") for x in waiting.all()} == {
        str(u.id) for u in (w.secretary, w.chair, w.member)
    }
    assert w.member2.user["full_name"] in turnout.get_by_test_id("vote-absent-list").inner_text()
    # The chair votes on her iPad; she leaves the list.
    chair_sheet = chair.locator(f'[data-testid="vote-sheet"][data-vote-id="{vote_id}"]')
    chair_sheet.locator('[data-testid="vote-option"][data-option="no"]').click()
    chair_sheet.get_by_test_id("vote-confirm").click()
    chair_sheet.get_by_test_id("vote-recorded").wait_for()
    console.locator(f'[data-testid="vote-not-voted"][data-user-id="{w.chair.id}"]').wait_for(state="detached")
    shots(console, "console-not-voted")

    # The member's iPad is flat: the secretary records her ballot at the console.
    member_row = console.locator(f'[data-testid="vote-not-voted"][data-user-id="{w.member.id}"]')
    member_row.get_by_test_id("vote-record-open").click()
    member_row.locator('[data-testid="vote-record-choice"][data-choice="yes"]').click()
    dialog = console.get_by_test_id("vote-record-dialog")
    assert w.member.user["full_name"] in dialog.inner_text()
    dialog.get_by_test_id("vote-record-confirm").click()
    member_row.wait_for(state="detached")
    # The secretary votes for herself from the console.
    own_row = console.locator(f'[data-testid="vote-not-voted"][data-user-id="{w.secretary.id}"]')
    own_row.get_by_test_id("vote-self").click()
    own_row.locator('[data-testid="vote-record-choice"][data-choice="yes"]').click()
    console.get_by_test_id("vote-record-dialog").get_by_test_id("vote-record-confirm").click()
    opened.locator('[data-testid="vote-progress"][data-cast="3"][data-eligible="4"]').wait_for()
    screen.locator(f'[data-vote-id="{vote_id}"] [data-testid="vote-progress"][data-cast="3"]').wait_for()

    opened.get_by_test_id("vote-close").click()
    console.get_by_test_id("vote-close-dialog").get_by_test_id("vote-close-confirm").click()
    done = console.locator(f'[data-testid="vote-item"][data-vote-id="{vote_id}"][data-status="closed"]')
    done.wait_for()
    expected = {
        str(w.secretary.id): ("yes", False),
        str(w.chair.id): ("no", False),
        str(w.member.id): ("yes", True),
    }
    # Names with their choices on the console, the tablets and the hall screen; the recorded one marked.
    assert names_on(done) == expected
    assert "thư ký ghi nhận" in done.locator(f'[data-testid="vote-ballot"][data-user-id="{w.member.id}"]').inner_text()
    assert "Có mặt khi biểu quyết: 3/4" in done.get_by_test_id("vote-result").inner_text()
    for tablet in (chair, member):
        result = tablet.locator(f'[data-testid="vote-sheet"][data-vote-id="{vote_id}"][data-phase="result"]')
        assert names_on(result) == expected
    wall = screen.locator(f'[data-testid="screen-vote"][data-vote-id="{vote_id}"][data-phase="closed"]')
    assert names_on(wall) == expected
    assert w.member.user["full_name"] in wall.inner_text()
    shots(console, "console-named-result")
    shots(member, "tablet-named-result")
    shots(screen, "screen-named-result")
    closed = w.member2.ok("GET", f"/api/votes/{vote_id}")
    assert closed["tally"] == {"yes": 2, "no": 1, "abstain": 0}
    assert [b["user_id"] for b in closed["ballots"] if b.get("recorded_by")] == [w.member.id]

    # A secret vote: the chair on her iPad, one paper ballot counted at the console, the secretary at the console.
    item = create_vote_in_console(console, "Bầu Ban Kiểm tra", secret=True)
    item.get_by_test_id("vote-open").click()
    secret = console.locator('[data-testid="vote-item"][data-status="open"]')
    secret.wait_for()
    secret_id = int(secret.get_attribute("data-vote-id"))
    # Nobody's ballot is recorded for them in a secret vote: only the console user's own row has choices.
    secret.get_by_test_id("vote-not-voted").nth(2).wait_for()
    assert secret.get_by_test_id("vote-record-open").count() == 0
    assert secret.get_by_test_id("vote-self").count() == 1
    chair_sheet = chair.locator(f'[data-testid="vote-sheet"][data-vote-id="{secret_id}"]')
    chair_sheet.locator('[data-testid="vote-option"][data-option="yes"]').click()
    chair_sheet.get_by_test_id("vote-confirm").click()
    chair_sheet.get_by_test_id("vote-recorded").wait_for()
    form = secret.get_by_test_id("vote-paper-form")
    form.locator('[data-testid="vote-paper-count"][data-option="no"]').fill("1")
    form.get_by_test_id("vote-paper-save").click()
    secret.locator('[data-testid="vote-progress"][data-cast="2"]').wait_for()
    own_row = secret.locator(f'[data-testid="vote-not-voted"][data-user-id="{w.secretary.id}"]')
    own_row.get_by_test_id("vote-self").click()
    own_row.locator('[data-testid="vote-record-choice"][data-choice="yes"]').click()
    console.get_by_test_id("vote-record-dialog").get_by_test_id("vote-record-confirm").click()
    secret.locator('[data-testid="vote-progress"][data-cast="3"]').wait_for()
    shots(console, "console-secret-paper")
    secret.get_by_test_id("vote-close").click()
    console.get_by_test_id("vote-close-dialog").get_by_test_id("vote-close-confirm").click()
    done = console.locator(f'[data-testid="vote-item"][data-vote-id="{secret_id}"][data-status="closed"]')
    done.wait_for()
    done.locator('[data-testid="vote-paper"][data-total="1"]').wait_for()
    wall = screen.locator(f'[data-testid="screen-vote"][data-vote-id="{secret_id}"][data-phase="closed"]')
    wall.wait_for()
    member.locator(f'[data-testid="vote-sheet"][data-vote-id="{secret_id}"][data-phase="result"]').wait_for()
    # A secret vote shows no names with choices anywhere.
    for scope in (done, wall, member.get_by_test_id("vote-sheet")):
        assert scope.get_by_test_id("vote-ballots").count() == 0
    shots(screen, "screen-secret-result")
    closed = w.chair.ok("GET", f"/api/votes/{secret_id}")
    assert closed["tally"] == {"yes": 2, "no": 1, "abstain": 0} and closed["ballots"] is None
    assert closed["paper"] == {"yes": 0, "no": 1, "abstain": 0}
    for page in (console, chair, member, absent, screen):
        assert page.errors == []
