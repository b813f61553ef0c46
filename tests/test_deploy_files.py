"""docs/deploy/: each file checked, with the real tools where the machine has them.

- The environment table in docs/deploy/README.md lists exactly the fields of
  `Settings` (meeting_server/config.py, read with `ast`), with their defaults.
- The systemd unit has the sandbox the issue asks for, and `systemd-analyze
  verify` accepts it without a warning (skipped where systemd-analyze is absent).
- The nginx site: TLS, the WebSocket upgrade, several nodes with ip_hash for
  socket.io, the server's upload size; `nginx -t` accepts it, and a real nginx
  with it in front of a real node serves HTTPS, a WebSocket and socket.io's
  long polling (`make test` unpacks Debian's nginx into the venv; skipped where it is absent).
- The Containerfile (multi-stage, slim, non-root, a health check on /healthz)
  and compose.yaml (two app nodes, PostgreSQL, Redis, nginx) read and agree
  with each other, with the nginx site and with the settings.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import requests
import socketio
import yaml

from meeting_server.config import Settings
from meeting_server.limits import MULTIPART_OVERHEAD
from tests.conftest import start_server
from tests.support import ROOT, free_port, run_cli

DEPLOY = ROOT / "docs" / "deploy"
UNIT = DEPLOY / "meeting-server.service"
SITE = DEPLOY / "nginx.conf"
CONTAINERFILE = DEPLOY / "Containerfile"
COMPOSE = DEPLOY / "compose.yaml"
# Computed from where the server is installed: the table names them, with no literal default.
PACKAGE_PATHS = {"web_dir", "agendas_dir"}


# ---- The environment variables: one table ---------------------------------------------------


def settings_fields_in_source() -> list[str]:
    """The fields of `class Settings` as config.py declares them (not as pydantic reports them)."""
    tree = ast.parse((ROOT / "meeting_server" / "config.py").read_text())
    settings = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Settings")
    return [
        node.target.id
        for node in settings.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id != "model_config"
    ]


def env_table() -> dict[str, tuple[str, str]]:
    """MEETING_X -> (default cell, meaning cell), from the README's one table."""
    text = (DEPLOY / "README.md").read_text()
    section = text.split("\n## Environment variables\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[str, str]] = {}
    for line in section.splitlines():
        match = re.fullmatch(r"\| `(MEETING_[A-Z0-9_]+)` \| (.*?) \| (.*) \|", line.strip())
        if match:
            assert match[1] not in rows, f"{match[1]} is listed twice"
            rows[match[1]] = (match[2], match[3])
    return rows


def default_cell(value: object) -> str:
    """How the table writes a default: as one would set it in the environment."""
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "`1`" if value else "`0`"
    if isinstance(value, list):
        return f"`{json.dumps(value)}`"
    if isinstance(value, float):
        return f"`{value:g}`"
    if value == "":
        return "(empty)"
    return f"`{value}`"


def test_the_env_table_lists_exactly_the_settings():
    declared = settings_fields_in_source()
    assert set(declared) == set(Settings.model_fields)  # the ast reading is right
    expected = {f"MEETING_{name.upper()}" for name in declared}
    table = env_table()
    missing, extra = sorted(expected - set(table)), sorted(set(table) - expected)
    assert not missing and not extra, f"docs/deploy/README.md table: missing {missing}, not a setting {extra}"
    for name, field in Settings.model_fields.items():
        default, meaning = table[f"MEETING_{name.upper()}"]
        assert meaning.strip(), f"MEETING_{name.upper()} has no meaning"
        if name not in PACKAGE_PATHS:
            assert default == default_cell(field.default), f"MEETING_{name.upper()}: the table says {default}"


def test_the_readme_links_where_the_nginx_page_was():
    for page in (
        ROOT / "README.md",
        ROOT / "docs" / "architecture.md",
        ROOT / "docs" / "deploy-nginx.md",
        DEPLOY / "README.md",
    ):
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text()):
            if "://" not in target:
                assert (page.parent / target).exists(), f"{page.name} links to {target}, which is not there"
    assert "deploy/README.md" in (ROOT / "docs" / "deploy-nginx.md").read_text()


# ---- systemd ------------------------------------------------------------------------------


def unit_entries(path: Path) -> dict[str, list[tuple[str, str]]]:
    """[Section] -> [(key, value)], repeated keys kept in order (systemd allows them)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = []
            continue
        key, _, value = line.partition("=")
        assert current is not None, f"{key} outside any section"
        sections[current].append((key.strip(), value.strip()))
    return sections


def test_the_systemd_unit_is_sandboxed():
    service = unit_entries(UNIT)["Service"]
    values: dict[str, list[str]] = {}
    for key, value in service:
        values.setdefault(key, []).append(value)
    one = {key: found[-1] for key, found in values.items()}
    assert one["ProtectSystem"] == "strict"
    for flag in ("ProtectHome", "PrivateTmp", "NoNewPrivileges", "MemoryDenyWriteExecute", "PrivateDevices"):
        assert one[flag] == "yes", flag
    assert one["CapabilityBoundingSet"] == "", "no capability at all"
    assert set(one["RestrictAddressFamilies"].split()) == {"AF_UNIX", "AF_INET", "AF_INET6"}
    assert "@system-service" in values["SystemCallFilter"]
    assert one["User"] not in ("root", "0") and one["User"] == one["Group"]
    assert "EnvironmentFile" in one
    environment = dict(item.split("=", 1) for value in values["Environment"] for item in shlex.split(value))
    for name in environment:
        if name.startswith("MEETING_"):
            assert name.removeprefix("MEETING_").lower() in Settings.model_fields, f"{name} is no setting"
    data_dir = environment["MEETING_DATA_DIR"]
    assert data_dir in one["ReadWritePaths"].split(), "the data folder must be the writable place"
    assert data_dir == f"/var/lib/{one['StateDirectory']}"
    assert one["ExecStart"].endswith("/meeting-server serve")


def test_systemd_analyze_verifies_the_unit(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed here (Debian: the systemd package)")
    # verify checks that ExecStart's program exists: the same unit, run by this venv's meeting-server.
    program = Path(sys.executable).parent / "meeting-server"
    assert program.exists(), "the meeting-server command of this venv"
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text().replace("/opt/meeting-server/bin/meeting-server", str(program)))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, output
    # An unknown or misspelt key is only a warning (exit 0): none is allowed.
    assert UNIT.name not in output, output


# ---- nginx --------------------------------------------------------------------------------


def upstreams(site: str) -> dict[str, str]:
    return dict(re.findall(r"upstream\s+(\w+)\s*\{(.*?)\}", site, re.S))


def location(site: str, path: str) -> str:
    match = re.search(r"location\s+" + re.escape(path) + r"\s*\{(.*?)\}", site, re.S)
    assert match, f"no location {path}"
    return match[1]


def size_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def test_the_nginx_site_says_what_a_deployment_needs():
    site = SITE.read_text()
    pools = upstreams(site)
    sockets = re.search(r"proxy_pass\s+http://(\w+);", location(site, "/socket.io/"))[1]  # type: ignore[index]
    rest = re.search(r"proxy_pass\s+http://(\w+);", location(site, "/"))[1]  # type: ignore[index]
    for name in (sockets, rest):
        assert len(re.findall(r"^\s*server\s+\S+", pools[name], re.M)) >= 2, f"upstream {name}: several nodes"
    # socket.io's long polling must reach the node that holds its session.
    assert re.search(r"^\s*ip_hash;", pools[sockets], re.M)
    upgrade = location(site, "/socket.io/")
    assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade;", upgrade)
    assert re.search(r"proxy_set_header\s+Connection\s+\$connection_upgrade;", upgrade)
    assert re.search(r"listen\s+443\s+ssl", site) and "ssl_certificate " in site
    # Above the server's own limit (whose refusal speaks the user's language), but not by much.
    body = size_bytes(re.search(r"client_max_body_size\s+(\w+);", site)[1])  # type: ignore[index]
    server_limit = Settings().max_upload_bytes + MULTIPART_OVERHEAD
    assert server_limit <= body <= server_limit + 2 * 1024**2, "client_max_body_size vs MEETING_MAX_UPLOAD_MB"
    metrics = re.search(r"location\s+~\s+\^/\(readyz\|metrics\)\$\s*\{(.*?)\}", site, re.S)
    assert metrics and "deny  all;" in metrics[1], "readyz and metrics are not for everyone"


def site_for_test(tmp_path: Path, node_port: int | None = None) -> tuple[Path, int, int]:
    """The site with this machine's paths and ports: certificates from `meeting-server tls init`,
    listening on free ports of 127.0.0.1, the upstream nodes at `node_port` when given."""
    run_cli("tls", "init", "--host", "phonghop.local", data_dir=tmp_path / "tls-data")
    https_port, http_port = free_port(), free_port()
    site = SITE.read_text().replace("/etc/nginx/tls/", f"{tmp_path / 'tls-data' / 'tls'}/")
    site = re.sub(r"^\s*listen \[::\]:\d+.*$", "", site, flags=re.M)
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    if node_port:
        site = re.sub(r"server 10\.89\.0\.\d+:8000", f"server 127.0.0.1:{node_port}", site)
    (tmp_path / "site.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    temp = "\n".join(
        f"    {kind}_temp_path {tmp_path / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main.write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temp}\n    include {tmp_path / 'site.conf'};\n}}\n"
    )
    return main, https_port, http_port


# `make test` unpacks Debian's nginx binary into the venv (the Makefile says why); an nginx
# on the PATH serves as well.
UNPACKED_NGINX = ROOT / ".venv" / "nginx" / "usr" / "sbin" / "nginx"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (str(UNPACKED_NGINX) if UNPACKED_NGINX.exists() else None)


def nginx_command(main: Path, *extra: str) -> list[str]:
    binary = nginx_binary()
    assert binary is not None
    return [binary, "-p", str(main.parent), "-e", str(main.parent / "error.log"), "-c", str(main), *extra]


def needs_nginx() -> None:
    if nginx_binary() is None:
        pytest.skip("nginx is not here (`make test` unpacks Debian's); the site's structure is checked above")


def test_nginx_accepts_the_site(tmp_path):
    needs_nginx()
    main, _, _ = site_for_test(tmp_path)
    result = subprocess.run(nginx_command(main, "-t"), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_nginx_with_the_site_in_front_of_a_real_node(tmp_path):
    needs_nginx()
    node, admin = start_server(tmp_path / "data")
    main, https_port, http_port = site_for_test(tmp_path, node.port)
    nginx = subprocess.Popen(nginx_command(main, "-g", "daemon off;"), stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(https_port)
        base = f"https://127.0.0.1:{https_port}"
        with httpx.Client(verify=False, timeout=10) as web:
            assert web.get(f"{base}/healthz").json() == {"status": "ok"}
            assert web.get(f"{base}/readyz").status_code == 200  # from 127.0.0.1: allowed
            me = web.get(f"{base}/api/me", headers={"Authorization": f"Bearer {admin.token}"})
            assert me.status_code == 200 and me.json()["id"] == admin.id
            redirect = web.get(f"http://127.0.0.1:{http_port}/login")
            assert redirect.status_code == 301 and redirect.headers["location"].startswith("https://")
        # socket.io through nginx: a WebSocket (the upgrade), then long polling alone (ip_hash's reason).
        for transports in (["websocket"], ["polling"]):
            # The test's own certificate: not verified. Without trust_env, requests would put
            # REQUESTS_CA_BUNDLE back in place of verify=False for the polling requests.
            http = requests.Session()
            http.verify, http.trust_env = False, False
            client = socketio.Client(reconnection=False, ssl_verify=False, http_session=http)
            client.connect(base, auth={"token": admin.token}, transports=transports, wait_timeout=10)
            try:
                assert client.transport() == transports[0]
                ack = client.call("meeting:join", {"meeting_id": 999999}, timeout=10)
                assert ack["ok"] is False and ack["error"]["code"] == "not_found", ack
            finally:
                client.disconnect()
    finally:
        nginx.send_signal(signal.SIGQUIT)
        try:
            nginx.wait(10)
        except subprocess.TimeoutExpired:
            nginx.kill()
        node.stop()


# ---- Containers ---------------------------------------------------------------------------


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Containerfile, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", path.read_text())
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_the_containerfile_is_multi_stage_slim_and_unprivileged():
    steps = instructions(CONTAINERFILE)
    stages = [args for word, args in steps if word == "FROM"]
    assert len(stages) >= 2, "multi-stage"
    for stage in stages:
        assert re.match(r"(docker\.io/library/)?python:3\.11-slim", stage), stage
    build_stage = stages[0].split(" AS ")[1]
    final = steps[max(i for i, (word, _) in enumerate(steps) if word == "FROM") :]
    # The wheel is built in the first stage and only installed in the last.
    assert any(word == "RUN" and "pip wheel" in args for word, args in steps[: len(steps) - len(final)])
    installs = [args for word, args in final if word == "RUN" and "pip install" in args]
    assert installs and f"from={build_stage}" in installs[0] and "--no-index" in installs[0]
    users = [args for word, args in final if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "runs as a user of its own"
    health = [args for word, args in final if word == "HEALTHCHECK"]
    assert health and "/healthz" in health[0]
    # What the first stage copies is in the repository (the context is its top folder).
    for word, args in steps:
        if word == "COPY" and "--from" not in args:
            for source in args.split()[:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
    env = dict(re.findall(r"(MEETING_\w+)=(\S+)", " ".join(args for word, args in final if word == "ENV")))
    assert env["MEETING_HOST"] == "0.0.0.0", "reachable from the other containers"
    for name in env:
        assert name.removeprefix("MEETING_").lower() in Settings.model_fields, f"{name} is no setting"
    volumes = [args for word, args in final if word == "VOLUME"]
    assert volumes == [env["MEETING_DATA_DIR"]]


def test_compose_runs_two_nodes_postgresql_redis_and_nginx():
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    apps = {
        name: service
        for name, service in services.items()
        if (service.get("build") or {}).get("dockerfile") == "docs/deploy/Containerfile"
    }
    assert len(apps) >= 2, "two app nodes"
    for service in apps.values():
        assert (COMPOSE.parent / service["build"]["context"]).resolve() == ROOT
    by_image = {name: str(service.get("image", "")) for name, service in services.items()}
    postgres = next(name for name, image in by_image.items() if "postgres:" in image)
    redis = next(name for name, image in by_image.items() if "redis:" in image)
    nginx = next(name for name, image in by_image.items() if "nginx:" in image)
    assert any("./nginx.conf:" in volume for volume in services[nginx]["volumes"])
    assert set(services[nginx]["depends_on"]) >= set(apps)

    site = SITE.read_text()
    nginx_address = services[nginx]["networks"]["meeting"]["ipv4_address"]
    for name, service in apps.items():
        env = service["environment"]
        for variable in env:
            assert variable.removeprefix("MEETING_").lower() in Settings.model_fields, f"{variable} is no setting"
        assert re.match(rf"postgresql\+psycopg://[^@]+@{postgres}:5432/", env["MEETING_DATABASE_URL"])
        assert env["MEETING_BROKER_URL"] == f"redis://{redis}:6379/0"
        assert nginx_address in json.loads(env["MEETING_TRUSTED_PROXIES"]), "nginx is a trusted proxy"
        assert set(service["depends_on"]) == {postgres, redis}
        # nginx.conf's nodes are these containers.
        address = service["networks"]["meeting"]["ipv4_address"]
        assert f"server {address}:{env['MEETING_PORT']}" in site, f"{name} is not in nginx.conf's upstreams"
        # One data folder for all nodes, where the image keeps it.
        assert any(volume.startswith("data:/var/lib/meeting-server") for volume in service["volumes"]), name
