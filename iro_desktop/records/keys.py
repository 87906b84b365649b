"""The device's Ed25519 key pair: made on first use, kept only inside the encrypted store.

The private key never touches a file or a log: it lives in the store's settings (SQLCipher-encrypted),
as base64 of the 32 raw bytes. Everything else is derived from it.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from iro_desktop.records.signing import b64, fingerprint, raw_public_key, unb64
from iro_desktop.store import Store

PRIVATE_KEY_SETTING = "device.private_key"


def device_key(store: Store) -> Ed25519PrivateKey:
    """This device's signing key, made and saved the first time it is asked for."""
    saved = store.get_setting(PRIVATE_KEY_SETTING)
    if saved:
        return Ed25519PrivateKey.from_private_bytes(unb64(saved))
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    store.set_setting(PRIVATE_KEY_SETTING, b64(raw))
    return device_key(store)  # read back, so two first uses at once still agree on one key


def device_public_key(store: Store) -> bytes:
    return raw_public_key(device_key(store))


def device_fingerprint(store: Store) -> str:
    return fingerprint(device_public_key(store))


def device_name(store: Store) -> str:
    """How the device introduces itself to the receiver: the IRO's name, as on their documents."""
    name = store.profile().iro_name.strip()
    return f"{name}'s device" if name else "An IRO's device"


def fingerprint_groups(fp: str) -> str:
    """The fingerprint spaced for reading aloud: '84258 30172 ...'."""
    return " ".join(fp.split("-"))
