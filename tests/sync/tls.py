"""Throwaway certificate authorities made in the test, and the real receiver served over TLS with them on
127.0.0.1 (restartable on the same port with another certificate), counting every HTTP request it is sent."""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from iro_desktop.sync.receiver.app import create_app
from iro_desktop.sync.receiver.storage import Device, ReceiverStore
from tests.sync.live import LiveReceiver

RECEIVER_HOSTS = ("127.0.0.1", "localhost")


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass(frozen=True)
class ServerCert:
    """A receiver certificate and its key, written to files for uvicorn."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    cert_file: Path
    key_file: Path

    @property
    def spki_sha256(self) -> str:
        spki = self.cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return hashlib.sha256(spki).hexdigest()

    def ssl(self) -> dict:
        return {"ssl_certfile": str(self.cert_file), "ssl_keyfile": str(self.key_file)}


@dataclass(frozen=True)
class Authority:
    """A throwaway CA: its key never leaves the test."""

    name: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @classmethod
    def make(cls, name: str) -> Authority:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(name, key, cert)

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def write(self, path: Path) -> Path:
        path.write_bytes(self.pem)
        return path

    def issue(
        self,
        folder: Path,
        file_stem: str,
        hosts: tuple[str, ...] = RECEIVER_HOSTS,
        key: ec.EllipticCurvePrivateKey | None = None,
    ) -> ServerCert:
        """A server certificate for `hosts` signed by this CA: a new key, or `key` (a renewal)."""
        key = key or ec.generate_private_key(ec.SECP256R1())
        names: list[x509.GeneralName] = []
        for host in hosts:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host))
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(hosts[0]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )
        folder.mkdir(parents=True, exist_ok=True)
        cert_file, key_file = folder / f"{file_stem}.crt", folder / f"{file_stem}.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(_pem_key(key))
        return ServerCert(cert, key, cert_file, key_file)


class _Counting:
    """ASGI wrapper noting every HTTP request that reaches the receiver (a refused handshake sends none)."""

    def __init__(self, app, requests: list[tuple[str, str]]):
        self.app, self.requests = app, requests

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            self.requests.append((scope["method"], scope["path"]))
        await self.app(scope, receive, send)


class TLSReceiver(LiveReceiver):
    """The real receiver over HTTPS on 127.0.0.1, presenting `served`; `present()` restarts it on the same
    port and database with another certificate."""

    def __init__(self, folder: Path, served: ServerCert):
        super().__init__(folder)
        self.url = f"https://127.0.0.1:{self.port}"
        self.served = served
        self.requests: list[tuple[str, str]] = []

    def _app(self):
        return _Counting(create_app(self.db_url, self.key_file), self.requests)

    def _tls(self) -> dict:
        return self.served.ssl()

    def present(self, served: ServerCert) -> None:
        """Serve another certificate from now on; the request count starts again."""
        self.stop()
        self.served = served
        self.requests.clear()
        self.start()

    def devices(self) -> list[Device]:
        held = ReceiverStore(self.db_url)
        try:
            return held.devices()
        finally:
            held.dispose()
