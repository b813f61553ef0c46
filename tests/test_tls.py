"""`meeting-server tls init` and HTTPS: the real CLI, the real server, real TLS handshakes."""

from __future__ import annotations

import datetime as dt
import ipaddress
import plistlib
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import PolicyBuilder, Store

from tests.support import ServerProcess, run_cli

HOSTS = ("127.0.0.1", "meeting.local")


def tls_init(data_dir: Path, *hosts: str, check: bool = True) -> subprocess.CompletedProcess:
    # --host=VALUE, so that argparse reads a host like "-x.lan" as a value, not an option.
    return run_cli("tls", "init", *(f"--host={host}" for host in hosts), data_dir=data_dir, check=check)


def read_chain(path: Path) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(path.read_bytes())


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("tls-data")
    result = tls_init(data_dir, *HOSTS)
    assert result.stdout.count("wrote ") == 5, result.stdout
    return data_dir


def test_init_writes_the_files_with_private_keys_0600(data_dir):
    tls = data_dir / "tls"
    assert sorted(p.name for p in tls.iterdir()) == ["ca.crt", "ca.key", "ca.mobileconfig", "server.crt", "server.key"]
    assert (tls / "ca.key").stat().st_mode & 0o777 == 0o600
    assert (tls / "server.key").stat().st_mode & 0o777 == 0o600
    assert (tls / "ca.crt").stat().st_mode & 0o077 == 0o044  # public, for anyone who asks


def test_server_certificate_is_one_ipad_safari_accepts(data_dir):
    tls = data_dir / "tls"
    leaf, *rest = read_chain(tls / "server.crt")
    ca = x509.load_pem_x509_certificate((tls / "ca.crt").read_bytes())
    assert rest == [ca], "server.crt is the full chain: leaf, then the CA"

    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    assert san.get_values_for_type(x509.DNSName) == ["meeting.local"]
    assert leaf.not_valid_after_utc - leaf.not_valid_before_utc <= dt.timedelta(days=825)
    assert leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value == x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.SERVER_AUTH]
    )

    constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    assert ca.not_valid_after_utc - ca.not_valid_before_utc >= dt.timedelta(days=3650)

    # The leaf is signed by the CA and valid for each host, under a browser-like policy.
    store = Store([ca])
    for host in (x509.DNSName("meeting.local"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))):
        verifier = PolicyBuilder().store(store).build_server_verifier(host)
        assert verifier.verify(leaf, [])[-1] == ca
    # The key on disk is the leaf's key.
    key = serialization.load_pem_private_key((tls / "server.key").read_bytes(), password=None)
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert key.public_key().public_bytes(*spki) == leaf.public_key().public_bytes(*spki)


def test_rerun_keeps_the_ca_and_makes_a_new_server_certificate(tmp_path):
    tls_init(tmp_path, "127.0.0.1")
    tls = tmp_path / "tls"
    ca_before, key_before = (tls / "ca.crt").read_bytes(), (tls / "ca.key").read_bytes()
    profile_before, server_key_before = (tls / "ca.mobileconfig").read_bytes(), (tls / "server.key").read_bytes()

    result = tls_init(tmp_path, "127.0.0.1", "192.168.1.10", "phonghop.lan")
    assert "ca.key" not in result.stdout  # the CA was not written again
    assert (tls / "ca.crt").read_bytes() == ca_before and (tls / "ca.key").read_bytes() == key_before
    # Same profile identifiers: re-downloading updates the installed profile, not a second one.
    assert (tls / "ca.mobileconfig").read_bytes() == profile_before
    assert (tls / "server.key").read_bytes() != server_key_before
    leaf = read_chain(tls / "server.crt")[0]
    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["127.0.0.1", "192.168.1.10"]
    assert san.get_values_for_type(x509.DNSName) == ["phonghop.lan"]


@pytest.mark.parametrize("host", ["", "bad_name!", "0.0.0.0", "192.168.1.300", "-x.lan"])
def test_a_bad_host_fails_with_one_line_and_writes_nothing(tmp_path, host):
    result = tls_init(tmp_path, "127.0.0.1", host, check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("meeting-server: "), result.stderr
    assert not (tmp_path / "tls" / "server.crt").exists()


class HttpsServer(ServerProcess):
    """`serve` after `tls init`: ready once its port accepts connections."""

    def start(self) -> HttpsServer:
        handle = open(self.log, "ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "meeting_server",
                "serve",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.output()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"server did not listen within 20 s: {self.output()[-3000:]}")


@pytest.fixture(scope="module")
def https_server(data_dir):
    server = HttpsServer(data_dir)
    try:
        yield server.start()
    finally:
        server.stop()


def trusting(ca_file: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(ca_file))
    context.verify_flags |= ssl.VERIFY_X509_STRICT  # RFC 5280 checks, as strict as Safari's
    return context


def test_serve_speaks_https_and_offers_the_ca(https_server, data_dir):
    ca_file = data_dir / "tls" / "ca.crt"
    url = f"https://127.0.0.1:{https_server.port}"
    with urllib.request.urlopen(f"{url}/ca.crt", context=trusting(ca_file), timeout=10) as response:
        assert response.status == 200
        assert response.headers["content-type"] == "application/x-x509-ca-cert"
        assert response.read() == ca_file.read_bytes()
        # Once seen over HTTPS, an iPad never tries plain HTTP for this server again.
        assert response.headers["strict-transport-security"] == "max-age=31536000"

    with urllib.request.urlopen(f"{url}/ca.mobileconfig", context=trusting(ca_file), timeout=10) as response:
        assert response.headers["content-type"] == "application/x-apple-aspen-config"
        profile = plistlib.loads(response.read())
    ca_der = x509.load_pem_x509_certificate(ca_file.read_bytes()).public_bytes(serialization.Encoding.DER)
    assert profile["PayloadType"] == "Configuration"
    assert profile["PayloadDisplayName"] == "Phòng họp không giấy – CA nội bộ"
    [root] = profile["PayloadContent"]
    assert root["PayloadType"] == "com.apple.security.root"
    assert root["PayloadContent"] == ca_der
    assert profile["PayloadUUID"] != root["PayloadUUID"]


def test_https_is_refused_without_trusting_the_ca(https_server):
    # Proof the handshake really checks the chain: the system store alone does not know our CA.
    with (
        pytest.raises(ssl.SSLCertVerificationError),
        socket.create_connection(("127.0.0.1", https_server.port), timeout=5) as sock,
    ):
        ssl.create_default_context().wrap_socket(sock, server_hostname="127.0.0.1")


def test_ca_routes_are_404_without_tls(server):
    for path in ("/ca.crt", "/ca.mobileconfig"):
        response = httpx.get(server.base_url + path, headers={"Accept-Language": "en"}, timeout=10)
        assert "strict-transport-security" not in response.headers  # plain HTTP: HSTS would be ignored, or wrong
        assert response.status_code == 404
        assert response.json()["error"] == {
            "code": "not_found",
            "message": "TLS is not set up: run meeting-server tls init",
        }
