"""The package a ward's IT person installs: a wheel that serves the whole app
with no source tree beside it (the web client, the fonts, the minutes
templates and the demo agenda all inside, found with importlib.resources).

The wheel is built as `pip wheel` builds it (setup.py copies the web client
and the demo agenda into the package) and installed with `--no-deps` into a
new venv in a temporary folder. Its dependencies come from the test venv
through a `.pth` line, which adds the folder to sys.path without running
that venv's own .pth files, so the editable install of the source tree stays
out of reach: the test asserts that the server runs from the new venv.
Downloading PyMuPDF and the rest again would only test pip.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.support import ROOT, DemoServer


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--quiet", "--wheel-dir", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("meeting_server-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel) -> Path:
    """A fresh venv with the wheel installed; returns its python."""
    home = tmp_path_factory.mktemp("install")
    venv.create(home / "venv", with_pip=True)
    python = home / "venv" / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return python


def test_the_wheel_carries_the_web_client_fonts_templates_and_demo(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "meeting_server/web_client/templates/login.html",
        "meeting_server/web_client/static/js/tablet.js",
        "meeting_server/web_client/vendor/socket.io/socket.io.esm.min.js",
        "meeting_server/web_client/i18n/vi.json",
        "meeting_server/fonts/LiberationSerif-Regular.ttf",
        "meeting_server/fonts/LICENSE.txt",
        "meeting_server/minutes/templates/minutes.html",
        "meeting_server/migrations/script.py.mako",
        "meeting_server/agendas/demo/agenda.toml",
        "meeting_server/agendas/demo/users.toml",
    ):
        assert shipped in names, f"{shipped} is not in the wheel"
    assert not any("node_modules" in name or "__pycache__" in name for name in names)


def test_the_installed_wheel_serves_the_demo_away_from_the_source_tree(installed, tmp_path):
    where = subprocess.run(
        [installed, "-c", "import meeting_server; print(meeting_server.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.parent.parent), f"meeting_server imported from {where}"

    server = DemoServer(tmp_path / "data", python=str(installed), cwd=tmp_path).start()
    try:
        assert "<form" in httpx.get(f"{server.base_url}/login", timeout=10).text
        module = httpx.get(f"{server.base_url}/static/js/tablet.js", timeout=10)
        assert module.status_code == 200 and "javascript" in module.headers["content-type"]
        assert "import" in module.text
        secretary = server.login("thuky")
        (meeting,) = [m for m in secretary.ok("GET", "/api/meetings")]
        detail = secretary.ok("GET", f"/api/meetings/{meeting['id']}")
        document = next(d for item in detail["agenda"] for d in item["documents"])
        page = secretary.http.get(f"/api/documents/{document['id']}/pages/1?width=400")
        assert page.status_code == 200 and page.headers["content-type"].startswith("image/")
        assert len(page.content) > 1000
    finally:
        server.stop()
