"""The `meeting-server` command: exit codes, one-line errors, import, and surviving a kill -9."""

from __future__ import annotations

import shutil

import httpx

from tests.support import (
    ADMIN,
    DEMO,
    PASSWORD,
    DemoServer,
    ServerProcess,
    Socket,
    demo_passwords,
    login,
    make_pdf,
    run_cli,
)


def test_user_add_and_its_errors(tmp_path):
    ok = run_cli(
        "user",
        "add",
        "thuky",
        "--role",
        "secretary",
        "--full-name",
        "Phạm Thị Thu Hà",
        "--password",
        PASSWORD,
        data_dir=tmp_path,
    )
    assert "created secretary thuky" in ok.stdout
    generated = run_cli("user", "add", "bithu", "--role", "chair", "--full-name", "Nguyễn Đức Thành", data_dir=tmp_path)
    password = generated.stdout.split("password: ")[1].strip()
    assert len(password) >= 12
    taken = run_cli(
        "user",
        "add",
        "thuky",
        "--role",
        "member",
        "--full-name",
        "X",
        "--password",
        PASSWORD,
        data_dir=tmp_path,
        check=False,
    )
    assert taken.returncode == 1 and taken.stderr.count("\n") == 1 and "taken" in taken.stderr
    short = run_cli(
        "user",
        "add",
        "x1",
        "--role",
        "member",
        "--full-name",
        "X",
        "--password",
        "short",
        data_dir=tmp_path,
        check=False,
    )
    assert short.returncode == 1 and "password" in short.stderr
    bad_role = run_cli("user", "add", "x2", "--role", "king", "--full-name", "X", data_dir=tmp_path, check=False)
    assert bad_role.returncode == 2


def test_bad_settings_fail_fast_with_one_line(tmp_path):
    result = run_cli("serve", data_dir=tmp_path, env={"MEETING_BROKER_URL": "amqp://nope"}, check=False)
    assert result.returncode == 1
    assert (
        result.stderr.strip() == "meeting-server: bad setting MEETING_BROKER_URL: Value error, must be a redis:// URL"
    )


def test_import_a_prepared_folder(tmp_path):
    data = tmp_path / "data"
    for name, role in (("thuky", "secretary"), ("bithu", "chair"), ("uyvien", "member")):
        run_cli("user", "add", name, "--role", role, "--full-name", name.title(), "--password", PASSWORD, data_dir=data)
    folder = tmp_path / "hop-chi-bo"
    folder.mkdir()
    make_pdf(folder / "bao-cao.pdf", pages=3)
    make_pdf(folder / "nghi-quyet.pdf", pages=2)
    (folder / "agenda.toml").write_text(
        """title = "Họp Chi bộ tháng 12"
starts_at = "2026-12-05T14:00:00+07:00"
location = "Phòng họp tầng 2"

[[participants]]
username = "bithu"
[[participants]]
username = "uyvien"
[[participants]]
username = "thuky"

[[items]]
title = "Báo cáo công tác tháng"
[[items.documents]]
file = "bao-cao.pdf"
title = "Báo cáo tháng 11"

[[items]]
title = "Nghị quyết tháng 12"
[[items.documents]]
file = "nghi-quyet.pdf"
""",
        encoding="utf-8",
    )
    result = run_cli("import", str(folder), data_dir=data)
    meeting_id = int(result.stdout.split()[2].rstrip(":"))
    server = ServerProcess(data).start()
    try:
        member = login(server.base_url, "uyvien", PASSWORD)
        meeting = member.ok("GET", f"/api/meetings/{meeting_id}")
        assert meeting["title"] == "Họp Chi bộ tháng 12" and meeting["location"] == "Phòng họp tầng 2"
        assert [(i["title"], [d["title"] for d in i["documents"]]) for i in meeting["agenda"]] == [
            ("Báo cáo công tác tháng", ["Báo cáo tháng 11"]),
            # No title given: the file name made readable, never the slug (documents/titles.py).
            ("Nghị quyết tháng 12", ["Nghi quyet"]),
        ]
        assert [d["page_count"] for i in meeting["agenda"] for d in i["documents"]] == [3, 2]
        assert meeting["presenter"] == {"document_id": meeting["agenda"][0]["documents"][0]["id"], "page": 1}
    finally:
        server.stop()


def test_import_refuses_a_broken_folder_and_writes_nothing(tmp_path):
    data = tmp_path / "data"
    run_cli("user", "add", "thuky", "--role", "secretary", "--full-name", "T", "--password", PASSWORD, data_dir=data)
    folder = tmp_path / "f"
    shutil.copytree(DEMO, folder)
    (folder / "du-thao-nghi-quyet-cchc-chuyen-doi-so.pdf").write_bytes(b"%PDF-1.7 broken")
    result = run_cli("import", str(folder), data_dir=data, check=False)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    (folder / "agenda.toml").write_text('title = "x"\n', encoding="utf-8")
    missing = run_cli("import", str(folder), data_dir=data, check=False)
    assert missing.returncode == 1 and "starts_at" in missing.stderr
    assert run_cli("import", str(tmp_path / "nowhere"), data_dir=data, check=False).returncode == 1


def test_demo_serves_the_demo_meeting(tmp_path):
    server = DemoServer(tmp_path).start()
    try:
        secretary = server.login("thuky")
        [meeting] = secretary.ok("GET", "/api/meetings")
        detail = secretary.ok("GET", f"/api/meetings/{meeting['id']}")
        assert len(detail["agenda"]) >= 3
        assert all(item["documents"] and item["documents"][0]["page_count"] > 1 for item in detail["agenda"])
        roles = {p["role"] for p in detail["participants"]}
        assert {"secretary", "chair", "member"} <= roles
        # Every account of users.toml with its password, one a line: the list people log in from.
        output = server.output()
        for username, password in demo_passwords().items():
            assert any(line.split()[:2] == [username, password] for line in output.splitlines()), username
        assert f"/meetings/{meeting['id']}/console" in output
        assert httpx.get(f"{server.base_url}/docs").status_code == 200
    finally:
        server.stop()
    # Running the demo again reuses the meeting rather than adding another.
    again = DemoServer(tmp_path).start()
    try:
        assert len(again.login("thuky").ok("GET", "/api/meetings")) == 1
    finally:
        again.stop()


def test_an_acknowledged_page_turn_survives_kill_9(tmp_path):
    data = tmp_path / "data"
    run_cli("user", "add", ADMIN[0], "--role", "admin", "--full-name", "A", "--password", ADMIN[1], data_dir=data)
    server = ServerProcess(data).start()
    admin = login(server.base_url, *ADMIN)
    meeting = admin.ok("POST", "/api/meetings", 201, json={"title": "M", "starts_at": "2026-11-27T08:00:00+07:00"})
    item = admin.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "I"})
    with open(make_pdf(tmp_path / "d.pdf", pages=4), "rb") as handle:
        doc = admin.ok(
            "POST", f"/api/agenda/{item['id']}/documents", 201, files={"file": ("d.pdf", handle, "application/pdf")}
        )
    sock = Socket.connect(server.base_url, token=admin.token)
    ack = sock.call("page:turn", {"meeting_id": meeting["id"], "document_id": doc["id"], "page": 3})
    assert ack["ok"]
    server.kill()  # no goodbye: the ack must already be on disk
    sock.close()
    server.start()
    back = Socket.connect(server.base_url, token=admin.token)
    try:
        joined = back.join(meeting["id"], since_seq=ack["seq"] - 1)
        assert joined["state"]["presenter"] == {"document_id": doc["id"], "page": 3}
        assert [m["event"] for m in joined["missed"]] == ["page:turned"]
        assert joined["missed"][0]["data"]["seq"] == ack["seq"]
    finally:
        back.close()
        server.stop()
