"""Every text a person reads is in the interface's language, the server's
refusals included: the server writes its messages in English, and a
Vietnamese console or tablet shows the catalog's sentence for the code."""

from __future__ import annotations

import json
from pathlib import Path

import httpx


def test_a_refused_upload_reads_in_vietnamese(world, ipad, tmp_path):
    console = ipad(world.secretary, f"/meetings/{world.meeting_id}/console")
    fake = tmp_path / "bao-cao.pdf"
    fake.write_text("Đây không phải là PDF, chỉ là văn bản.", encoding="utf-8")
    # The agenda has loaded: the file goes under its item.
    console.locator(f'[data-testid="upload-item"] option[value="{world.item["id"]}"]').wait_for(state="attached")
    console.get_by_test_id("upload-input").set_input_files(str(fake))
    message = console.get_by_test_id("upload-message")
    message.wait_for(state="visible")
    console.wait_for_function("el => el.dataset.state === 'error'", arg=message.element_handle())
    vi = json.loads((Path(__file__).parents[2] / "web_client/i18n/vi.json").read_text(encoding="utf-8"))
    text = message.inner_text()
    assert vi["console.upload_not_pdf"] in text
    # The server's English sentence (its answer to an English client) is not shown.
    served = httpx.post(
        f"{world.secretary.base_url}/api/agenda/{world.item['id']}/documents",
        headers={"Authorization": f"Bearer {world.secretary.token}", "Accept-Language": "en"},
        files={"file": ("x.pdf", b"not a pdf", "application/pdf")},
    ).json()["error"]["message"]
    assert served and served not in text


def test_the_error_page_reads_in_vietnamese(world, ipad):
    """A member opening the console gets the Vietnamese refusal, not the server's English one."""
    tablet = ipad(world.member, "/")
    response = tablet.goto(f"/meetings/{world.meeting_id}/console")
    assert response.status == 403
    page = tablet.get_by_test_id("error-page")
    assert page.get_attribute("data-code") == "forbidden"
    assert "secretary" not in page.inner_text()
