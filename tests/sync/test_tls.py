"""The app's side of TLS, against the real receiver served over HTTPS on 127.0.0.1 with certificates from
throwaway CAs made here, and a real SQLCipher store: enrolment and sync with the council's CA pinned, or with
the receiver certificate's key pinned at enrolment; every other certificate refused in a plain sentence,
with nothing sent; the pin kept inside the encrypted store, not as a path to a file."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from iro_desktop.records.keys import device_fingerprint
from iro_desktop.services.sync import forget_pin, set_ca_file, sync_settings
from iro_desktop.store import audit
from iro_desktop.store.models import Setting
from iro_desktop.sync import outbox
from iro_desktop.sync.client import SERVER_SETTING, SyncError, enrol, sync_once
from iro_desktop.sync.tls_pin import (
    CHOOSE_CA,
    LEGACY_CA_FILE_SETTING,
    NOT_PINNED,
    TLS_PIN_SETTING,
    UNTRUSTED,
    WRONG_NAME,
)
from tests.sync.live import queue_signed_records
from tests.sync.tls import Authority, TLSReceiver


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """The council's CA and another one nobody asked for, each with receiver certificates."""
    folder = tmp_path_factory.mktemp("pki")
    council, other = Authority.make("Example Borough Test CA"), Authority.make("Unrelated Test CA")
    first = council.issue(folder, "receiver")
    return SimpleNamespace(
        council=council,
        other=other,
        receiver=first,
        renewed=council.issue(folder, "renewed", key=first.key),  # a new certificate, the same key
        rekeyed=council.issue(folder, "rekeyed"),  # the same CA, a new key
        foreign=other.issue(folder, "foreign"),  # another CA's certificate for the same address
        misnamed=council.issue(folder, "misnamed", hosts=("receiver.elsewhere.example",)),
    )


@pytest.fixture
def receiver(tmp_path, pki):
    live = TLSReceiver(tmp_path / "receiver", pki.receiver)
    (tmp_path / "receiver").mkdir()
    live.start()
    yield live
    live.stop()


@pytest.fixture
def council_ca_file(tmp_path, pki):
    return pki.council.write(tmp_path / "council-ca.pem")


@pytest.fixture
def system_trusts_both(tmp_path, pki, monkeypatch):
    """This computer's trusted authorities include both throwaway CAs (as if installed system-wide)."""
    bundle = tmp_path / "system-cas.pem"
    bundle.write_bytes(pki.council.pem + pki.other.pem)
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    return bundle


def _approved(store, receiver):
    receiver.approve(device_fingerprint(store))


def _waiting_untouched(store, n):
    """Every record still queued, never attempted: none left the outbox."""
    lines = outbox.outbox_items(store)
    return len(lines) == n and all(line.state == "queued" and line.attempts == 0 for line in lines)


def _settings_text(store) -> str:
    with store.session() as s:
        return json.dumps({row.key: row.value for row in s.scalars(select(Setting))})


def test_enrolment_and_sync_with_the_council_ca_pinned(store, receiver, council_ca_file, pki):
    set_ca_file(store, str(council_ca_file))
    pin = store.get_setting(TLS_PIN_SETTING)
    assert pin["kind"] == "ca" and pin["pem"] == pki.council.pem.decode()
    assert enrol(store, receiver.url).status == "pending"
    _approved(store, receiver)
    ids = queue_signed_records(store, 3)
    report = sync_once(store)
    assert sorted(report.delivered) == sorted(ids) and not report.stopped
    assert receiver.count() == 3
    assert str(council_ca_file) not in _settings_text(store)  # the PEM is kept, never the path


def test_a_receiver_certificate_from_another_ca_is_refused_at_enrolment(
    store, receiver, council_ca_file, pki
):
    set_ca_file(store, str(council_ca_file))
    receiver.present(pki.foreign)
    with pytest.raises(SyncError) as refused:
        enrol(store, receiver.url)
    assert str(refused.value) == UNTRUSTED
    assert receiver.requests == [] and receiver.devices() == []  # the receiver was sent nothing


def test_after_enrolment_another_cas_certificate_is_refused_and_nothing_is_sent(
    store, receiver, council_ca_file, pki
):
    set_ca_file(store, str(council_ca_file))
    enrol(store, receiver.url)
    _approved(store, receiver)
    queue_signed_records(store, 2)
    receiver.present(pki.foreign)
    report = sync_once(store)
    assert report.stopped == UNTRUSTED and not report.delivered
    assert _waiting_untouched(store, 2)
    assert receiver.requests == [] and receiver.count() == 0
    assert [e.detail for e in audit.entries(store) if e.action == "sync"] == [UNTRUSTED]
    receiver.present(pki.rekeyed)  # the council's CA still vouches for a new key: a CA pin allows it
    assert len(sync_once(store).delivered) == 2


def test_a_certificate_for_another_address_is_refused(store, receiver, council_ca_file, pki):
    set_ca_file(store, str(council_ca_file))
    receiver.present(pki.misnamed)  # signed by the council's CA, but not for 127.0.0.1
    with pytest.raises(SyncError) as refused:
        enrol(store, receiver.url)
    assert str(refused.value) == WRONG_NAME and receiver.requests == []


def test_without_a_ca_enrolment_pins_the_receivers_key_and_any_other_is_refused(
    store, receiver, pki, system_trusts_both
):
    done = enrol(store, receiver.url)
    pin = store.get_setting(TLS_PIN_SETTING)
    assert pin["kind"] == "key" and pin["spki_sha256"] == pki.receiver.spki_sha256
    assert pin["server"] == receiver.url and "Example Borough Test CA" in pin["issuer"]
    assert done.status == "pending"
    assert pki.receiver.spki_sha256[:8] in sync_settings(store).pin  # shown to the IRO
    _approved(store, receiver)
    queue_signed_records(store, 2)
    # Both trusted by this computer, neither the pinned key: the same CA's new key, and another CA's.
    for other in (pki.rekeyed, pki.foreign):
        receiver.present(other)
        report = sync_once(store)
        assert report.stopped == NOT_PINNED and not report.delivered
        assert _waiting_untouched(store, 2)
        assert receiver.requests == [] and receiver.count() == 0
        with pytest.raises(SyncError, match="not the one pinned"):  # enrolling again cannot re-pin either
            enrol(store, receiver.url)
        assert receiver.requests == []
    receiver.present(pki.renewed)  # a renewed certificate keeping the pinned key is accepted
    assert len(sync_once(store).delivered) == 2
    assert store.get_setting(TLS_PIN_SETTING) == pin


def test_without_a_ca_a_certificate_this_computer_does_not_trust_is_refused(store, receiver):
    with pytest.raises(SyncError) as refused:
        enrol(store, receiver.url)  # the throwaway CA is in no trusted list here
    assert str(refused.value) == UNTRUSTED + CHOOSE_CA
    assert receiver.requests == [] and store.get_setting(TLS_PIN_SETTING) is None


def test_forgetting_the_key_pin_lets_the_next_enrolment_pin_the_new_one(
    store, receiver, pki, system_trusts_both
):
    enrol(store, receiver.url)
    _approved(store, receiver)
    receiver.present(pki.rekeyed)
    assert sync_once(store).stopped == NOT_PINNED
    forget_pin(store)
    enrol(store, receiver.url)
    assert store.get_setting(TLS_PIN_SETTING)["spki_sha256"] == pki.rekeyed.spki_sha256
    queue_signed_records(store, 1)
    assert len(sync_once(store).delivered) == 1


def test_the_pin_is_in_the_store_so_the_ca_file_changing_afterwards_changes_nothing(
    store, store_path, receiver, council_ca_file, pki
):
    set_ca_file(store, str(council_ca_file))
    enrol(store, receiver.url)
    _approved(store, receiver)
    council_ca_file.unlink()  # gone
    queue_signed_records(store, 1)
    assert len(sync_once(store).delivered) == 1
    pki.other.write(council_ca_file)  # swapped for another CA's, whose certificate the receiver now shows
    receiver.present(pki.foreign)
    queue_signed_records(store, 1)
    assert sync_once(store).stopped == UNTRUSTED
    assert receiver.requests == [] and receiver.count() == 1
    raw = b"".join(p.read_bytes() for p in store_path.parent.glob(store_path.name + "*"))
    assert b"CERTIFICATE" not in raw and pki.council.pem[30:80] not in raw  # the store's files are encrypted


def test_a_path_kept_by_an_older_version_is_read_into_the_store_once(store, receiver, council_ca_file, pki):
    store.set_setting(LEGACY_CA_FILE_SETTING, str(council_ca_file))  # as older versions kept it
    enrol(store, receiver.url)
    assert store.get_setting(LEGACY_CA_FILE_SETTING) is None
    assert store.get_setting(TLS_PIN_SETTING)["pem"] == pki.council.pem.decode()
    council_ca_file.unlink()
    _approved(store, receiver)
    queue_signed_records(store, 1)
    assert len(sync_once(store).delivered) == 1


def test_a_path_kept_by_an_older_version_to_a_file_now_gone_is_explained(store, receiver, tmp_path):
    store.set_setting(SERVER_SETTING, receiver.url)
    store.set_setting(LEGACY_CA_FILE_SETTING, str(tmp_path / "gone.pem"))
    queue_signed_records(store, 1)
    with pytest.raises(SyncError, match="can no longer be read: nothing was sent"):
        sync_once(store)
    assert "can no longer be read" in sync_settings(store).pin
    assert _waiting_untouched(store, 1) and receiver.requests == []


def test_a_device_enrolled_before_pins_were_kept_pins_the_key_at_its_next_sync(
    store, receiver, pki, system_trusts_both
):
    enrol(store, receiver.url)
    _approved(store, receiver)
    store.set_setting(TLS_PIN_SETTING, None)  # as a store enrolled by an older version is
    queue_signed_records(store, 1)
    assert len(sync_once(store).delivered) == 1
    assert store.get_setting(TLS_PIN_SETTING)["spki_sha256"] == pki.receiver.spki_sha256
    receiver.present(pki.foreign)
    assert sync_once(store).stopped == NOT_PINNED


def test_the_command_line_enrols_with_the_council_ca_and_says_what_is_pinned(
    store, store_path, receiver, council_ca_file, monkeypatch, capsys
):
    from iro_desktop.cli import main
    from tests.conftest import PASSPHRASE

    store.close()
    monkeypatch.setenv("IRO_DESKTOP_PASSPHRASE", PASSPHRASE)
    args = ["enrol", "--db", str(store_path), "--server", receiver.url, "--ca", str(council_ca_file)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "Certificate pinned: The council's CA certificate" in printed
    assert "Example Borough Test CA" in printed
    council_ca_file.unlink()  # the file is not needed afterwards: its certificate is in the store
    assert main(["enrol", "--db", str(store_path), "--server", receiver.url]) == 0
