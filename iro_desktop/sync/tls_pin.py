"""TLS pinned inside the encrypted store, never by a path to a file someone could swap.

Either the council's CA certificate (its PEM, read once when the IRO chose the file: only certificates it
vouches for, for the receiver's address, are accepted), or, with no CA given, the SHA-256 of the receiver
certificate's public key (SubjectPublicKeyInfo) as presented at enrolment, checked against the authorities
this computer trusts; from then on a certificate with any other key is refused, however trusted. The pin is
checked during the TLS handshake, before any request is written, so a refused receiver is sent nothing.
"""

from __future__ import annotations

import hashlib
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import certifi
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from iro_desktop.problems import Problem
from iro_desktop.store import Store
from iro_desktop.store.models import Setting
from iro_desktop.sync.errors import SyncError

TLS_PIN_SETTING = "sync.tls_pin"  # in the encrypted store: a dict, see ca_pin and _key_pin
LEGACY_CA_FILE_SETTING = "sync.ca_file"  # older versions kept a path here: read into TLS_PIN_SETTING at use
UNTRUSTED = (
    "The council's receiver presented a certificate from an authority this device does not trust: "
    "nothing was sent."
)
NOT_PINNED = "The receiver's certificate is not the one pinned at enrolment: nothing was sent."
WRONG_NAME = "The receiver's certificate is for another address than this one: nothing was sent."
OUT_OF_DATE = "The receiver's certificate has expired or is not valid yet: nothing was sent."
CHOOSE_CA = " If the council gave you its CA certificate, choose it in View > Sync before enrolling."
_NAME_MISMATCH, _NOT_YET_VALID, _EXPIRED = {62, 64}, 9, 10  # OpenSSL's X509_V_ERR_*: host or IP, dates


class PinMismatch(ssl.SSLError):
    """The receiver's certificate key is not the one pinned at enrolment (raised inside the handshake)."""


def ca_pin(pem: bytes) -> dict:
    """The pin for a CA certificate file's bytes: its certificates as PEM (nothing else the file held, such
    as a private key), with the first one's subject and SHA-256 to show. A Problem if it holds none."""
    try:
        certs = x509.load_pem_x509_certificates(pem)
    except ValueError:
        certs = []
    if not certs:
        raise Problem(
            "That file holds no certificate in PEM format: choose the one the council gave you.", "path"
        )
    first = certs[0]
    return {
        "kind": "ca",
        "pem": "".join(c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in certs),
        "sha256": first.fingerprint(hashes.SHA256()).hex(),
        "subject": first.subject.rfc4514_string(),
    }


def spki_sha256(der: bytes) -> str:
    """SHA-256 (hex) of a DER certificate's SubjectPublicKeyInfo: what a key pin holds."""
    key = x509.load_der_x509_certificate(der).public_key()
    spki = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


def tls_pin(store: Store) -> dict | None:
    """What this device pins, from the encrypted store. A path left by an older version is read once: its
    certificates go into the store and the path is forgotten; SyncError if the file is gone or not one."""
    pin = store.get_setting(TLS_PIN_SETTING)
    if pin:
        return pin
    legacy = store.get_setting(LEGACY_CA_FILE_SETTING)
    if not legacy:
        return None
    try:
        pin = ca_pin(Path(legacy).read_bytes())
    except OSError as exc:
        raise SyncError(
            f"The council's certificate file this device was set to trust ({legacy}) can no longer be read: "
            "nothing was sent. Choose the council's CA certificate again in View > Sync."
        ) from exc
    except Problem as exc:
        raise SyncError(f"The council's certificate file ({legacy}): {exc} Nothing was sent.") from exc
    with store.session() as s:  # one transaction: the pin stored and the path forgotten together
        s.merge(Setting(key=TLS_PIN_SETTING, value=pin))
        s.merge(Setting(key=LEGACY_CA_FILE_SETTING, value=None))
    return pin


@dataclass
class Presented:
    """The receiver certificates one client is shown, each checked in its TLS handshake before anything is
    sent. `expected` is the pinned key hash; None when there is none yet (enrolment), where the first one
    seen is taken and every later connection of the same client must show the same key."""

    expected: str | None
    certificate: bytes | None = None  # the first certificate presented, DER
    taking: bool = field(init=False)  # no pin yet: this client takes one

    def __post_init__(self) -> None:
        self.taking = self.expected is None

    def check(self, der: bytes | None) -> None:
        if der is None:
            raise PinMismatch(NOT_PINNED)
        got = spki_sha256(der)
        if self.expected is None:
            self.expected = got
        elif got != self.expected:
            raise PinMismatch(NOT_PINNED)
        if self.certificate is None:
            self.certificate = der


def _checking(presented: Presented) -> tuple[type[ssl.SSLSocket], type[ssl.SSLObject]]:
    """SSLSocket and SSLObject (TLS through a proxy) classes whose handshake ends with the key check."""

    class CheckedSocket(ssl.SSLSocket):
        def do_handshake(self, block=False):
            super().do_handshake(block)
            presented.check(self.getpeercert(binary_form=True))

    class CheckedObject(ssl.SSLObject):
        def do_handshake(self):
            super().do_handshake()
            presented.check(self.getpeercert(binary_form=True))

    return CheckedSocket, CheckedObject


def _context(pin: dict | None, presented: Presented | None) -> ssl.SSLContext:
    """Certificates always verified and the hostname checked. A CA pin is the only authority trusted;
    otherwise this computer's authorities are, and `presented` checks the key."""
    if pin and pin.get("kind") == "ca":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # no authority loaded but the pinned one
        context.load_verify_locations(cadata=pin["pem"])
        context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # an intermediate, or the receiver's own
    else:
        context = ssl.create_default_context()
        context.load_verify_locations(cafile=certifi.where())
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if presented is not None:
        context.sslsocket_class, context.sslobject_class = _checking(presented)
    return context


def pinned_context(
    store: Store, server: str, enrolling: bool = False
) -> tuple[ssl.SSLContext, Presented | None]:
    """A TLS context trusting only what is pinned (see the module's docstring). Enrolling with no pin for this
    receiver takes its certificate's key, returned in the Presented to be stored once enrolment succeeds."""
    pin = tls_pin(store)
    presented = None
    if urlsplit(server).scheme == "https" and not (pin and pin.get("kind") == "ca"):
        # A key pin holds for every sync; enrolling with another receiver's address takes that one's key.
        keep = pin and pin.get("kind") == "key" and (not enrolling or pin.get("server") == base(server))
        presented = Presented(pin["spki_sha256"] if keep else None)
    return _context(pin, presented), presented


def keep_key_pin(store: Store, server: str, presented: Presented | None) -> None:
    """Store the key taken on first use (at enrolment; or at the first sync of a device enrolled before
    pins were kept, over a connection this computer's authorities vouched for, as it was then)."""
    if presented is not None and presented.taking and presented.certificate is not None:
        pin = _key_pin(server, presented.certificate, store.clock.today().isoformat())
        store.set_setting(TLS_PIN_SETTING, pin)


def base(server: str) -> str:
    return server.rstrip("/")


def _key_pin(server: str, der: bytes, today: str) -> dict:
    cert = x509.load_der_x509_certificate(der)
    return {
        "kind": "key",
        "spki_sha256": spki_sha256(der),
        "server": base(server),
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "pinned_on": today,
    }


def tls_refusal(exc: BaseException) -> str | None:
    """The plain sentence for a TLS refusal somewhere in an error's chain of causes, or None."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, PinMismatch):
            return NOT_PINNED
        if isinstance(cause, ssl.SSLCertVerificationError):
            code = cause.verify_code
            if code in _NAME_MISMATCH:
                return WRONG_NAME
            return OUT_OF_DATE if code in (_NOT_YET_VALID, _EXPIRED) else UNTRUSTED
        cause = cause.__cause__ or cause.__context__
    return None
