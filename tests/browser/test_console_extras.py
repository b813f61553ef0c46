"""Three small things the secretary and the members reach for, in the iPad
profile against the real server: the console shows the meeting's quorum rule
and changes it in a dialog (and puts a mistaken attendance back to "not
known"); the console exports a document's shared annotations (PDF, JSON-LD);
a member downloads the document with their own and the shared annotations."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf

from tests.annotation_support import ink, note, put
from tests.browser.conftest import connected
from tests.votes_support import attend, open_meeting


def downloaded(page, link) -> bytes:
    """Tap a download link the way the member does and return what the browser saved."""
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def pdf_annotations(content: bytes) -> dict[str, dict]:
    """The PDF's annotations by /NM (our annotation id), read with pypdf."""
    found = {}
    for page in pypdf.PdfReader(io.BytesIO(content)).pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Popup":
                found[str(annot["/NM"])] = annot
    return found


def quorum_on_server(api, meeting_id: int) -> dict:
    return api.ok("GET", f"/api/meetings/{meeting_id}")["quorum"]


def test_the_console_shows_and_changes_the_quorum_rule(world, ipad):
    meeting = world.meeting_id
    open_meeting(world.secretary, meeting)
    attend(world.secretary, meeting, world.chair)
    console = ipad(world.secretary, f"/meetings/{meeting}/console")
    connected(console)

    # Four voting participants; the secretary (joined) and the chair attend; 2/3 needs 3.
    rule = console.locator('[data-testid="quorum-rule"][data-numerator="2"][data-denominator="3"]')
    rule.wait_for()
    assert rule.inner_text().startswith("Túc số: 2/3 số thành viên có quyền biểu quyết")
    console.locator('[data-testid="quorum-status"][data-met="false"][data-required="3"]').wait_for()

    # The usual choices say what they mean here; 2/3 is the one in force.
    console.get_by_test_id("quorum-edit").click()
    dialog = console.get_by_test_id("quorum-dialog")
    dialog.wait_for()

    def choice(value):
        return dialog.locator(f'[data-testid="quorum-choice"][value="{value}"]')

    assert choice("2/3").is_checked()
    half = dialog.locator("label", has=console.locator('[value="1/2"]'))
    assert "Một nửa" in half.inner_text() and "Cần ít nhất 2 trên 4 người" in half.inner_text()

    # A fraction above one is refused in the dialog; nothing reaches the server.
    dialog.get_by_test_id("quorum-numerator").fill("5")
    dialog.get_by_test_id("quorum-denominator").fill("3")
    assert choice("custom").is_checked()  # typing a fraction chooses it
    dialog.get_by_test_id("quorum-save").click()
    error = dialog.get_by_test_id("quorum-error")
    error.wait_for()
    assert "Tử số không được lớn hơn mẫu số" in error.inner_text()
    assert quorum_on_server(world.secretary, meeting) == {"numerator": 2, "denominator": 3}

    # 1/2: the server takes it; the rule, the badge and the counts follow.
    choice("1/2").check()
    dialog.get_by_test_id("quorum-save").click()
    dialog.wait_for(state="detached")
    console.locator('[data-testid="quorum-rule"][data-numerator="1"][data-denominator="2"]').wait_for()
    console.locator('[data-testid="quorum-status"][data-met="true"][data-required="2"]').wait_for()
    assert console.get_by_test_id("quorum-rule").inner_text().startswith("Túc số: 1/2 số thành viên")
    assert quorum_on_server(world.secretary, meeting) == {"numerator": 1, "denominator": 2}

    # A custom fraction, typed.
    console.get_by_test_id("quorum-edit").click()
    dialog.wait_for()
    assert choice("1/2").is_checked()
    dialog.get_by_test_id("quorum-numerator").fill("4")
    dialog.get_by_test_id("quorum-denominator").fill("5")
    dialog.get_by_test_id("quorum-save").click()
    dialog.wait_for(state="detached")
    console.locator('[data-testid="quorum-rule"][data-numerator="4"][data-denominator="5"]').wait_for()
    console.locator('[data-testid="quorum-status"][data-met="false"][data-required="4"]').wait_for()
    assert quorum_on_server(world.secretary, meeting) == {"numerator": 4, "denominator": 5}

    # The chair changes it on another device: this console learns the rule from the event.
    world.chair.ok("PATCH", f"/api/meetings/{meeting}/quorum", json={"numerator": 3, "denominator": 4})
    console.locator('[data-testid="quorum-rule"][data-numerator="3"][data-denominator="4"]').wait_for()
    console.locator('[data-testid="quorum-status"][data-met="false"][data-required="3"]').wait_for()

    # The chair was recorded present by mistake: back to "not known".
    chair = console.locator(f'[data-testid="participant"][data-user-id="{world.chair.id}"]')
    assert chair.get_attribute("data-status") == "present"
    chair.get_by_test_id("attendance-clear").click()
    console.locator(
        f'[data-testid="participant"][data-user-id="{world.chair.id}"][data-status="unknown"][data-pending="false"]'
    ).wait_for()
    assert not chair.get_by_test_id("attendance-clear").is_visible()
    console.locator('[data-testid="attendance-count"][data-attending="1"][data-voting="4"]').wait_for()
    roll = {e["user_id"]: e["status"] for e in world.secretary.ok("GET", f"/api/meetings/{meeting}")["attendance"]}
    assert roll[world.chair.id] is None

    # A closed meeting keeps its rule; nobody changes it any more.
    world.secretary.ok("POST", f"/api/meetings/{meeting}/close")
    console.locator('body[data-meeting-status="closed"]').wait_for()
    assert not console.get_by_test_id("quorum-edit").is_visible()
    assert console.get_by_test_id("quorum-rule").get_attribute("data-numerator") == "3"
    assert console.errors == []


def test_the_console_exports_a_documents_shared_annotations(world, ipad):
    sock = world.member.socket()
    try:
        sock.join(world.meeting_id)
        shared = ink(world, visibility="shared")
        private = note(world, visibility="private", text="Chỉ mình tôi đọc")
        for a in (shared, private):
            assert put(sock, world, a)["ok"] is True
    finally:
        sock.close()

    console = ipad(world.secretary, f"/meetings/{world.meeting_id}/console")
    connected(console)
    doc_id = world.document["id"]
    exports = console.locator(f'[data-testid="document-exports"][data-document-id="{doc_id}"]')
    more = console.locator(f'[data-testid="document-more"][data-document-id="{doc_id}"]')
    assert not exports.is_visible()  # the agenda stays uncluttered until asked
    more.click()
    exports.wait_for()
    assert more.get_attribute("aria-expanded") == "true"

    pdf_link = exports.get_by_test_id("export-shared-pdf")
    assert pdf_link.inner_text().strip() == "Ghi chú chung (PDF)"
    assert pdf_link.get_attribute("href") == f"/api/documents/{doc_id}/annotated.pdf?scope=shared"
    content = downloaded(console, pdf_link)
    assert content.startswith(b"%PDF")
    found = pdf_annotations(content)
    assert set(found) == {shared["id"]}, "every shared annotation, never a private one"
    assert found[shared["id"]]["/Subtype"] == "/Ink"
    assert str(found[shared["id"]]["/T"]) == world.member.user["full_name"]

    # A download folds the exports away again.
    exports.wait_for(state="hidden")
    more.click()
    jsonld_link = exports.get_by_test_id("export-shared-jsonld")
    assert jsonld_link.inner_text().strip() == "Ghi chú chung (JSON-LD)"
    collection = json.loads(downloaded(console, jsonld_link))
    assert collection["type"] == "AnnotationCollection"
    assert [item["id"] for item in collection["first"]["items"]] == [f"urn:uuid:{shared['id']}"]
    assert console.errors == []


def test_a_member_downloads_the_document_with_their_notes(world, ipad):
    mine = note(world, visibility="private", text="Đề nghị làm rõ số liệu quý III")
    others_private = note(world, visibility="private", text="Không phải của tôi")
    others_shared = ink(world, visibility="shared")
    for api, made in ((world.member, [mine]), (world.member2, [others_private, others_shared])):
        sock = api.socket()
        try:
            sock.join(world.meeting_id)
            for a in made:
                assert put(sock, world, a)["ok"] is True
        finally:
            sock.close()

    tablet = ipad(world.member, f"/meetings/{world.meeting_id}")
    connected(tablet)
    doc_id = world.document["id"]
    link = tablet.locator(f'[data-testid="download-annotated"][data-document-id="{doc_id}"]')
    link.wait_for()
    assert link.inner_text().strip() == "Tải bản có ghi chú"
    assert link.get_attribute("href") == f"/api/documents/{doc_id}/annotated.pdf?scope=visible"

    found = pdf_annotations(downloaded(tablet, link))
    assert set(found) == {mine["id"], others_shared["id"]}, "own and shared, never someone else's private note"
    assert found[mine["id"]]["/Subtype"] == "/Text"
    assert str(found[mine["id"]]["/Contents"]) == "Đề nghị làm rõ số liệu quý III"
    assert tablet.errors == []
