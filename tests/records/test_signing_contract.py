"""The signing contract both sides of sync rest on: canonical bytes, readable fingerprints, intact bundles."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from iro_desktop.records import bundle as bundles
from iro_desktop.records import signing


def _bundle(key, content=None) -> bundles.Bundle:
    canonical_json = signing.canonical(
        content or {"child": "DEMO0001", "words": "Dw i eisiau gweld fy mrawd"}
    )
    pdf = b"%PDF-1.4 fictional"
    content_hash, pdf_hash = signing.sha256_hex(canonical_json), signing.sha256_hex(pdf)
    statement = signing.record_statement("rec-1", 1, "review", content_hash, pdf_hash, None)
    public = signing.raw_public_key(key)
    return bundles.Bundle(
        "rec-1",
        1,
        "review",
        canonical_json,
        pdf,
        content_hash,
        pdf_hash,
        None,
        signing.sign(key, statement),
        public,
        signing.fingerprint(public),
    )


def test_canonical_json_is_the_same_bytes_whatever_the_key_order():
    assert (
        signing.canonical({"b": 1, "a": "£"})
        == signing.canonical({"a": "£", "b": 1})
        == b'{"a":"\xc2\xa3","b":1}'
    )


def test_fingerprints_are_six_groups_of_five_digits_and_typed_any_way():
    printed = signing.fingerprint(signing.raw_public_key(Ed25519PrivateKey.generate()))
    assert [len(g) for g in printed.split("-")] == [5] * 6
    assert signing.normalise_fingerprint(printed.replace("-", " ")) == printed
    with pytest.raises(ValueError, match="30 digits"):
        signing.normalise_fingerprint("1234")


def test_an_intact_bundle_round_trips_and_has_no_problems():
    bundle = _bundle(Ed25519PrivateKey.generate())
    assert bundles.problems(bundles.from_json(bundles.to_json(bundle))) == []


def test_a_bundle_signed_by_another_key_is_caught():
    honest, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    forged = _bundle(honest)
    forged = bundles.Bundle(
        **{
            **forged.__dict__,
            "public_key": signing.raw_public_key(other),
            "fingerprint": signing.fingerprint(signing.raw_public_key(other)),
        }
    )
    assert bundles.problems(forged) == ["The signature does not verify with the key in the bundle."]


@pytest.mark.parametrize("text", [b"", b"[]", b"{}", b'{"format": "iro-desktop-record", "version": 1}'])
def test_what_is_not_a_bundle_gets_a_plain_message(text):
    with pytest.raises(bundles.BundleError):
        bundles.from_json(text)


def test_only_the_canonical_base64_spelling_is_accepted():
    signature = signing.b64(b"\x01" * 64)  # ends in "==": the last data character has spare bits
    tweaked = signature[:-3] + chr(ord(signature[-3]) + 1) + "=="  # same bytes when decoded leniently
    assert signing.unb64(signature) == b"\x01" * 64
    with pytest.raises(ValueError):
        signing.unb64(tweaked)


def test_the_kind_of_record_is_signed_too():
    bundle = _bundle(Ed25519PrivateKey.generate())
    relabelled = bundles.Bundle(**{**bundle.__dict__, "kind": "challenge_letter"})
    assert bundles.problems(relabelled) == ["The signature does not verify with the key in the bundle."]


@pytest.mark.parametrize("version", [b"9007199254740993", b"2147483648", b"0", b"1.5", b'"1"', b"null"])
def test_a_version_number_no_store_can_hold_is_refused_plainly(version):
    data = bundles.to_json(_bundle(Ed25519PrivateKey.generate())).replace(
        b'"record_version":1', b'"record_version":' + version
    )
    with pytest.raises(bundles.BundleError, match="version number is not a whole number"):
        bundles.from_json(data)
