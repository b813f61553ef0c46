"""What the printed minutes say about votes and attendance (issue 12): a late
arrival and an early departure with their times in the meeting's time zone,
the attendance each vote used ("Có mặt khi biểu quyết: 7/9"), a named vote's
ballots by name with the ones recorded at the console marked with who recorded them, and a secret
vote's paper ballots as counts only."""

from __future__ import annotations

from datetime import datetime, timedelta

from meeting_server.minutes.document import (
    Actor,
    AgendaEntry,
    Attendee,
    BallotLine,
    OptionCount,
    VoteRecord,
    option_label,
)
from meeting_server.minutes.pdf import render_minutes_pdf
from tests.test_minutes_pdf import MEMBERS, VN, flat, minutes, poppler

OPENED = datetime(2026, 11, 27, 8, 0, tzinfo=VN)


def test_the_minutes_print_who_came_late_who_left_and_how_each_vote_was_cast(tmp_path):
    attendees = [Attendee(name=name, position=position, status="present") for name, position in MEMBERS[:6]]
    attendees += [
        Attendee(
            name=MEMBERS[6][0], position=MEMBERS[6][1], status="present", arrived_at=OPENED + timedelta(minutes=35)
        ),
        Attendee(
            name=MEMBERS[7][0], position=MEMBERS[7][1], status="present", left_at=OPENED + timedelta(hours=2, minutes=5)
        ),
        Attendee(name="Ngô Thị Lệ Thủy", status="absent", reason="Đi công tác"),
    ]
    named = VoteRecord(
        title="Thông qua chương trình công tác",
        eligible=9,
        cast=3,
        attending=7,
        passed=False,
        results=[OptionCount(label=option_label(o), count=n) for o, n in (("yes", 2), ("no", 1), ("abstain", 0))],
        ballots=[
            BallotLine(name=MEMBERS[0][0], label=option_label("yes")),
            BallotLine(
                name=MEMBERS[1][0], label=option_label("no"), recorded_by=Actor(name="Lê Thị Thu", role="secretary")
            ),
            BallotLine(
                name=MEMBERS[2][0], label=option_label("yes"), recorded_by=Actor(name=MEMBERS[0][0], role="chair")
            ),
        ],
    )
    secret = VoteRecord(
        title="Bầu Ban Kiểm tra",
        secret=True,
        eligible=9,
        cast=7,
        attending=7,
        passed=True,
        results=[OptionCount(label=option_label(o), count=n) for o, n in (("yes", 6), ("no", 1), ("abstain", 0))],
        paper=[OptionCount(label=option_label(o), count=n) for o, n in (("yes", 2), ("no", 0), ("abstain", 0))],
    )
    doc = minutes(
        "draft", attendees=attendees, extra_items=[AgendaEntry(title="Biểu quyết khác", votes=[named, secret])]
    )
    text = flat(poppler("pdftotext", render_minutes_pdf(doc), tmp_path=tmp_path))
    late, gone = (", ".join(filter(None, MEMBERS[i])) for i in (6, 7))
    assert f"đồng chí {late} (đến muộn, lúc 8 giờ 35 phút)" in text
    assert f"đồng chí {gone} (về sớm, lúc 10 giờ 05 phút)" in text
    assert "- Có mặt khi biểu quyết: 7/9" in text
    yes, no = option_label("yes"), option_label("no")
    assert (
        f"- Biểu quyết của từng đồng chí: {MEMBERS[0][0]}: {yes}; {MEMBERS[1][0]}: {no} (do đồng chí Lê Thị Thu, thư ký, ghi nhận); "
        f"{MEMBERS[2][0]}: {yes} (do đồng chí {MEMBERS[0][0]}, chủ trì, ghi nhận)."
    ) in text
    paper = text[text.index("- Trong đó phiếu giấy") :]
    assert paper.split(".")[0].endswith(f"{yes}: 2; {no}: 0; {option_label('abstain')}: 0")
    # The secret vote names nobody: the only list of names with choices is the named vote's.
    assert text.count("Biểu quyết của từng đồng chí") == 1
