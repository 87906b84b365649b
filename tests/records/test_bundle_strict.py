"""A bundle is read strictly: exactly the fields of its version, each of its JSON type, each named once.

Security review, issue 15: a single changed byte that renamed the null-valued "supersedes_hash" still
verified, because a missing field read as null and an unknown one was ignored. Here every byte of real signed
bundles is changed in turn, names included, and no changed text both reads and verifies.
"""

from __future__ import annotations

import json
import string
import time
from functools import cache

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from iro_desktop.records.bundle import BUNDLE_FIELDS, Bundle, BundleError, from_json, problems, to_json
from iro_desktop.records.export import verify_file
from iro_desktop.records.sealed import sign_bundle
from iro_desktop.records.signing import canonical, sha256_hex

PRINTABLE = frozenset(string.printable.encode()) - frozenset(b"\t\n\r\x0b\x0c")  # 0x20 to 0x7e
EXPECTED_FIELDS = [
    "canonical_json",
    "content_hash",
    "fingerprint",
    "format",
    "kind",
    "pdf",
    "pdf_hash",
    "public_key",
    "record_id",
    "record_version",
    "signature",
    "supersedes_hash",
    "version",
]


@cache
def _bundles() -> tuple[Bundle, ...]:
    """Signed as finalising signs: a first version without a PDF (three fields null), and a correction."""
    key = Ed25519PrivateKey.generate()
    record = {"kind": "review", "child": {"ref": "T0001", "name": "Sam Fictional"}, "held_date": "2026-11-20"}
    first = sign_bundle(key, "rec-1", 1, "review", canonical({**record, "version": 1}), None, None)
    pdf = b"%PDF-1.4\n% fictional\n%%EOF\n"
    second = sign_bundle(
        key, "rec-1", 2, "review", canonical({**record, "version": 2}), pdf, first.content_hash
    )
    return first, second


def _reads_and_verifies(text: bytes) -> Bundle | None:
    """The bundle the text holds if it is readable and intact, else None."""
    try:
        bundle = from_json(text)
    except BundleError:
        return None
    return bundle if not problems(bundle) else None


def _flipped(byte: int) -> int:
    """Another printable ASCII character one bit away (two for '~', whose neighbour is DEL)."""
    for mask in (0x01, 0x02):
        if byte ^ mask in PRINTABLE:
            return byte ^ mask
    raise AssertionError(f"no printable neighbour for {byte:#x}")


def _in_names(text: bytes) -> list[int]:
    """The offsets of every byte of every field name, quotes included."""
    offsets = []
    for name in BUNDLE_FIELDS:
        quoted = b'"' + name.encode() + b'":'
        at = text.index(quoted)
        offsets += range(at, at + len(quoted) - 1)
    return offsets


def test_a_bundle_is_written_with_exactly_the_fields_of_its_version_nulls_included():
    assert sorted(BUNDLE_FIELDS) == EXPECTED_FIELDS
    first, second = _bundles()
    doc = json.loads(to_json(first))
    assert sorted(doc) == EXPECTED_FIELDS
    assert doc["pdf"] is doc["pdf_hash"] is doc["supersedes_hash"] is None
    assert sorted(json.loads(to_json(second))) == EXPECTED_FIELDS
    for bundle in (first, second):
        assert from_json(to_json(bundle)) == bundle and problems(bundle) == []


@pytest.mark.parametrize("which", [0, 1], ids=["no PDF, nothing superseded", "PDF and superseded"])
def test_no_single_changed_byte_reads_and_verifies(which):
    """Every byte flipped one bit (names, quotes, colons and commas too); every byte deleted; every byte of
    every field name and every bracket, colon and comma replaced by each other printable character."""
    started = time.monotonic()
    text = to_json(_bundles()[which])
    assert set(text) <= PRINTABLE and _reads_and_verifies(text) is not None
    mutations = []
    for at in range(len(text)):
        mutations.append(text[:at] + bytes([_flipped(text[at])]) + text[at + 1 :])
        mutations.append(text[:at] + text[at + 1 :])
    structural = set(_in_names(text)) | {at for at, byte in enumerate(text) if byte in b"{}:,"}
    for at in sorted(structural):
        for other in PRINTABLE - {text[at]}:
            mutations.append(text[:at] + bytes([other]) + text[at + 1 :])
    accepted = [m for m in mutations if _reads_and_verifies(m) is not None]
    assert accepted == [], accepted[:3]
    assert len(mutations) > 2 * len(text) and time.monotonic() - started < 10


def _edited(bundle: Bundle, edit) -> bytes:
    doc = json.loads(to_json(bundle))
    edit(doc)
    return json.dumps(doc).encode()


def _renamed(old: str, new: str):
    return lambda doc: doc.update({new: doc.pop(old)})


SUPERSEDES_RENAMED = "The bundle has a field this version does not know: 'supersedes_hasx'."
REFUSALS = {
    # name: (edit to the first bundle's document, the sentence from_json refuses it with)
    "renamed null field": (
        _renamed("supersedes_hash", "supersedes_hasx"),
        SUPERSEDES_RENAMED + " The bundle is missing the field 'supersedes_hash'.",
    ),
    "renamed by case": (_renamed("pdf_hash", "PDF_hash"), "does not know: 'PDF_hash'."),
    "missing null field": (lambda doc: doc.pop("pdf_hash"), "The bundle is missing the field 'pdf_hash'."),
    "two missing": (
        lambda doc: [doc.pop("pdf"), doc.pop("pdf_hash")],
        "The bundle is missing the fields 'pdf', 'pdf_hash'.",
    ),
    "extra null field": (
        lambda doc: doc.update(note=None),
        "The bundle has a field this version does not know: 'note'.",
    ),
    "extra field, long name": (lambda doc: doc.update({"x" * 5000: 1}), "does not know: 'xxxxxxxx"),
    "missing version": (lambda doc: doc.pop("version"), "The bundle is missing the field 'version'."),
    "version true": (lambda doc: doc.update(version=True), "of version True, which this app does not read"),
    "record version true": (lambda doc: doc.update(record_version=True), "not a whole number from 1"),
    "number as text": (
        lambda doc: doc.update(record_id=7),
        "The bundle's field 'record_id' should be text, not a whole number.",
    ),
    "null where text is due": (
        lambda doc: doc.update(signature=None),
        "The bundle's field 'signature' should be text, not null.",
    ),
    "list where null is allowed": (
        lambda doc: doc.update(supersedes_hash=[]),
        "The bundle's field 'supersedes_hash' should be text or null, not a list.",
    ),
    "false for null": (
        lambda doc: doc.update(pdf=False),
        "The bundle's field 'pdf' should be text or null, not true or false.",
    ),
    "not base64": (
        lambda doc: doc.update(public_key=doc["public_key"] + "A"),
        "The bundle's field 'public_key' is not base64 in its one canonical spelling.",
    ),
}


@pytest.mark.parametrize("case", REFUSALS, ids=str)
def test_an_unknown_missing_renamed_or_mistyped_field_is_refused_naming_it(case, tmp_path):
    edit, sentence = REFUSALS[case]
    text = _edited(_bundles()[0], edit)
    with pytest.raises(BundleError) as refused:
        from_json(text)
    assert sentence in str(refused.value)
    assert len(str(refused.value)) < 300  # a plain sentence, not the field echoed whole
    path = tmp_path / "bundle.json"
    path.write_bytes(text)
    result = verify_file(path)  # what `iro-desktop verify` prints
    assert not result.intact and result.sentences == (str(refused.value),)


def _raw(text: bytes, old: bytes, new: bytes) -> bytes:
    assert text.count(old) == 1
    return text.replace(old, new)


def test_a_field_named_twice_is_refused_even_when_both_say_the_same():
    text = to_json(_bundles()[0])
    twice = [
        _raw(text, b'"supersedes_hash":null', b'"supersedes_hash":null,"supersedes_hash":null'),
        _raw(text, b'"pdf_hash":null', b'"pdf_hash":null,"pdf_hash":"' + sha256_hex(b"x").encode() + b'"'),
        _raw(text, b'{"canonical_json"', b'{"version":1,"canonical_json"'),
    ]
    for text in twice:
        with pytest.raises(BundleError, match="more than once"):
            from_json(text)


@pytest.mark.parametrize(
    "text",
    [
        b"\xef\xbb\xbf{}",  # a byte-order mark
        b'{"format": "iro-desktop-record", "version": NaN}',
        b'{"format": "iro-desktop-record", "version": Infinity}',
        '{"format": "iro-desktop-record"}'.encode("utf-16"),
        b"\xff\xfe",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["BOM", "NaN", "Infinity", "UTF-16", "not UTF-8", "nested too deeply"],
)
def test_what_is_not_plain_json_in_utf8_is_refused_plainly(text):
    with pytest.raises(BundleError, match="This file is not a record bundle"):
        from_json(text)


def test_text_that_is_not_unicode_is_refused_plainly():
    text = _raw(to_json(_bundles()[0]), b'"kind":"review"', b'"kind":"review\\ud800"')
    with pytest.raises(BundleError, match="'kind' holds text that is not Unicode"):
        from_json(text)


def test_only_layout_may_differ_and_then_the_bundle_read_is_the_one_signed():
    """Spaces and field order are not signed and change nothing read: the same Bundle comes back."""
    bundle = _bundles()[1]
    relaid = json.dumps(dict(reversed(json.loads(to_json(bundle)).items())), indent=2).encode()
    assert from_json(relaid) == bundle
