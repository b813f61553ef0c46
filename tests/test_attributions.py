"""True attributions (issue 12): the minutes name who did what, as the audit log has it.

The minutes said "theo quyết định của chủ trì" for a vote opened without
quorum, also when the secretary clicked, and "thư ký kiểm đếm" for paper
ballots the chair counted. They name the actual person now, with their role.
"""

from __future__ import annotations

import re
import subprocess

from tests.conftest import new_user
from tests.support import unique
from tests.votes_support import attend, ballot, close, draft, open_meeting


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _pdf_text(api, meeting_id: int, tmp_path) -> str:
    response = api.get(f"/api/meetings/{meeting_id}/minutes.pdf")
    assert response.status_code == 200, response.text
    path = tmp_path / "minutes.pdf"
    path.write_bytes(response.content)
    return _flat(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)


def _opened_without_quorum(by, meeting_id: int, title: str, **fields) -> dict:
    vote = draft(by, meeting_id, title=title, **fields)
    refused = by.post(f"/api/votes/{vote['id']}/open", json={"override_quorum": False})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "quorum_not_met", refused.text
    return by.ok("POST", f"/api/votes/{vote['id']}/open", json={"override_quorum": True})


def test_the_minutes_name_whoever_overrode_the_quorum_and_counted_the_paper(admin, cast, tmp_path):
    secretary, chair = cast["secretary"], cast["chair"]
    absent = [new_user(admin, "member") for _ in range(3)]
    meeting = secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": unique("Họp chi bộ"),
            "starts_at": "2026-11-27T08:00:00+07:00",
            "location": "",
            "participants": [{"user_id": chair.id}, *({"user_id": m.id} for m in absent)],
        },
    )
    mid = meeting["id"]
    open_meeting(secretary, mid)
    attend(secretary, mid, secretary, chair)  # 2 of 5: no quorum

    by_secretary = _opened_without_quorum(secretary, mid, "Biểu quyết do thư ký mở")
    ballot(secretary, by_secretary["id"], "yes")
    close(secretary, by_secretary["id"])
    by_chair = _opened_without_quorum(chair, mid, "Biểu quyết do chủ trì mở", secret=True)
    chair.ok("POST", f"/api/votes/{by_chair['id']}/paper", json={"tally": {"yes": 1, "no": 1}})
    close(chair, by_chair["id"])

    record = secretary.ok("GET", f"/api/meetings/{mid}/minutes")
    votes = {v["title"]: v for v in record["other_votes"]}
    who = {
        "secretary": {"user_id": secretary.id, "name": secretary.user["full_name"], "role": "secretary"},
        "chair": {"user_id": chair.id, "name": chair.user["full_name"], "role": "chair"},
    }
    assert votes["Biểu quyết do thư ký mở"]["quorum"]["overridden_by"] == who["secretary"]
    assert votes["Biểu quyết do chủ trì mở"]["quorum"]["overridden_by"] == who["chair"]
    assert votes["Biểu quyết do chủ trì mở"]["paper_counted_by"] == who["chair"]

    text = _pdf_text(secretary, mid, tmp_path)
    secretary_name, chair_name = secretary.user["full_name"], chair.user["full_name"]
    assert (
        f"Biểu quyết được tiến hành theo quyết định của đồng chí {secretary_name} (thư ký) khi chưa đủ số thành viên"
    ) in text, text
    assert (
        f"Biểu quyết được tiến hành theo quyết định của đồng chí {chair_name} (chủ trì) khi chưa đủ số thành viên"
    ) in text, text
    assert f"Trong đó phiếu giấy (do đồng chí {chair_name}, chủ trì, kiểm đếm)" in text, text
    assert "quyết định của chủ trì" not in text and "thư ký kiểm đếm" not in text
