"""`meeting-server tls init`: a local CA and a server certificate for HTTPS on the LAN.

iPad Safari gives service workers and wake lock only to secure contexts, and a
committee LAN has no public DNS, so no public CA can issue us a certificate.
Instead the tablets install our own CA once (ca.mobileconfig), and the server
certificate is signed by it. The CA is kept across re-runs so that adding a
host name never means re-installing the CA on every iPad.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import plistlib
import re
import socket
import tempfile
import uuid
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_YEARS = 10
# Apple rejects TLS server certificates valid for longer than 825 days, even under a user-installed CA.
SERVER_DAYS = 825
# Tablet clocks drift: a certificate "not yet valid" by a minute fails the morning of the meeting.
BACKDATE = dt.timedelta(hours=1)
PROFILE_NAME = "Phòng họp không giấy – CA nội bộ"
_DNS_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class TlsError(Exception):
    """Why the certificates cannot be made; its message is the one line the operator reads."""


def init_tls(tls_dir: Path, hosts: list[str]) -> list[Path]:
    """Make (or reuse) the CA, then always a fresh server key and certificate for `hosts`.

    Returns the paths written."""
    names = _parse_hosts(hosts)
    try:
        return _make_files(tls_dir, names)
    except OSError as exc:
        raise TlsError(f"cannot write to {tls_dir}: {exc.strerror or exc}") from None


def _make_files(tls_dir: Path, names: list[x509.GeneralName]) -> list[Path]:
    tls_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    written: list[Path] = []

    ca = _load_ca(tls_dir)
    if ca is None:
        ca = _new_ca()
        written += _write(tls_dir / "ca.key", _key_pem(ca[1]), private=True)
        written += _write(tls_dir / "ca.crt", ca[0].public_bytes(serialization.Encoding.PEM))
    ca_cert, ca_key = ca

    key = ec.generate_private_key(ec.SECP256R1())
    cert = _server_cert(names, key, ca_cert, ca_key)
    # The full chain, so clients that were given only the CA still build the path.
    chain = cert.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(serialization.Encoding.PEM)
    # Key before certificate: `serve` starts TLS only once server.crt exists too.
    written += _write(tls_dir / "server.key", _key_pem(key), private=True)
    written += _write(tls_dir / "server.crt", chain)
    written += _write(tls_dir / "ca.mobileconfig", mobileconfig(ca_cert))
    return written


def _parse_hosts(hosts: list[str]) -> list[x509.GeneralName]:
    """Each host as a SAN entry: IP addresses as IPAddress (Safari ignores IPs given as DNS names)."""
    names: list[x509.GeneralName] = []
    for raw in hosts:
        host = raw.strip()
        if not host:
            raise TlsError("--host must not be empty")
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            address = None
        if address is not None:
            if address.is_unspecified:
                raise TlsError(f"--host {host} is a listen address; give the address the tablets connect to")
            name: x509.GeneralName = x509.IPAddress(address)
        else:
            dns = host.lower().rstrip(".")
            labels = dns.split(".")
            # An all-digit last label is a mistyped IP address (192.168.1.300), not a name.
            if len(dns) > 253 or labels[-1].isdigit() or not all(_DNS_LABEL.match(label) for label in labels):
                raise TlsError(f"--host {raw!r} is neither an IP address nor a valid host name")
            name = x509.DNSName(dns)
        if name not in names:
            names.append(name)
    if not names:
        raise TlsError("give at least one --host")
    return names


def _load_ca(tls_dir: Path) -> tuple[x509.Certificate, object] | None:
    cert_path, key_path = tls_dir / "ca.crt", tls_dir / "ca.key"
    if not cert_path.exists() and not key_path.exists():
        return None
    if not (cert_path.exists() and key_path.exists()):
        # Never silently replace half a CA: the tablets may already trust it.
        missing = key_path if cert_path.exists() else cert_path
        raise TlsError(f"{missing} is missing; restore it, or delete {tls_dir}/ca.* to make a new CA")
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise TlsError(f"cannot read the CA in {tls_dir}: {exc}") from None
    if key.public_key().public_bytes(*_SPKI) != cert.public_key().public_bytes(*_SPKI):
        raise TlsError(f"{key_path} does not belong to {cert_path}")
    if cert.not_valid_after_utc <= _now() + dt.timedelta(days=1):
        raise TlsError(f"the CA in {cert_path} has expired; delete {tls_dir}/ca.* to make a new one")
    return cert, key


_SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _new_ca() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    # The host name tells two committees' CAs apart in the iPad's certificate list.
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"Meeting Room Local CA {socket.gethostname()}"[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Meeting Room"),
        ]
    )
    start = _now() - BACKDATE
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _server_cert(names, key, ca_cert: x509.Certificate, ca_key) -> x509.Certificate:
    first = names[0].value
    start = _now() - BACKDATE
    # Never outlive the CA: a chain with an expired root fails anyway, and more confusingly.
    end = min(start + dt.timedelta(days=SERVER_DAYS), ca_cert.not_valid_after_utc)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, str(first)[:64])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # An EC key only signs; keyEncipherment would be for RSA key transport.
        .add_extension(_key_usage(digital_signature=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def _key_usage(**granted: bool) -> x509.KeyUsage:
    usages = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    return x509.KeyUsage(**{**usages, **granted})


def mobileconfig(ca_cert: x509.Certificate) -> bytes:
    """An Apple configuration profile holding the CA as a trusted root.

    Its identifiers come from the CA's fingerprint, so downloading it again
    updates the installed profile rather than adding a second one."""
    der = ca_cert.public_bytes(serialization.Encoding.DER)
    fingerprint = ca_cert.fingerprint(hashes.SHA256()).hex()
    identifier = f"vn.meeting-room.ca.{fingerprint[:16]}"

    def stable_uuid(part: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:meeting-room:ca:{fingerprint}:{part}")).upper()

    common_name = ca_cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    profile = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": identifier,
        "PayloadUUID": stable_uuid("profile"),
        "PayloadDisplayName": PROFILE_NAME,
        "PayloadDescription": "Cho phép iPad tin cậy máy chủ phòng họp trên mạng nội bộ (HTTPS).",
        "PayloadOrganization": "Meeting Room",
        "PayloadContent": [
            {
                "PayloadType": "com.apple.security.root",
                "PayloadVersion": 1,
                "PayloadIdentifier": f"{identifier}.root",
                "PayloadUUID": stable_uuid("root"),
                "PayloadDisplayName": common_name,
                "PayloadCertificateFileName": "ca.crt",
                "PayloadContent": der,
            }
        ],
    }
    return plistlib.dumps(profile, fmt=plistlib.FMT_XML)


def _key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, data: bytes, *, private: bool = False) -> list[Path]:
    """Write atomically: a crash mid-write must not leave `serve` a truncated key or certificate."""
    # mkstemp creates the file 0600, so a private key is never readable by others, not even briefly.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600 if private else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return [path]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
