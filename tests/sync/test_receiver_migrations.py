"""A council's receiver database made before the receiver had migrations upgrades in place when the new
receiver starts, on SQLite and PostgreSQL: what it held is still held and answered, and the new rules
(each device's records its own) hold from then on."""

from __future__ import annotations

import httpx
from sqlalchemy import create_engine, insert, inspect, text

from iro_desktop.records.bundle import Bundle
from iro_desktop.sync.receiver import cli, create_app
from iro_desktop.sync.receiver.receipts import ReceiptSigner, load_or_create_key
from iro_desktop.sync.receiver.storage import HEAD_REVISION, MIGRATIONS, utcnow
from tests.sync.conftest import ServerThread
from tests.sync.helpers import Device, make_bundle
from tests.sync.receiver_before_migrations import OLD


def _old_database(db_url: str, key_file, alex: Device) -> Bundle:
    """The old tables, with Alex's device approved and one record of Alex's received (returned)."""
    engine = create_engine(db_url)
    OLD.create_all(engine)
    bundle = make_bundle(alex.key)
    receipt_json, receipt_signature = ReceiptSigner(load_or_create_key(key_file)).receipt(
        bundle.record_id, bundle.content_hash, utcnow(), alex.fingerprint
    )
    with engine.begin() as conn:
        conn.execute(
            insert(OLD.tables["devices"]).values(
                fingerprint=alex.fingerprint,
                public_key=alex.public_key,
                name="Alex's laptop",
                status="approved",
                enrolled_at=utcnow(),
                decided_at=utcnow(),
            )
        )
        conn.execute(
            insert(OLD.tables["records"]).values(
                record_id=bundle.record_id,
                record_version=1,
                content_hash=bundle.content_hash,
                sender=alex.fingerprint,
                kind="review",
                canonical_json=bundle.canonical_json,
                pdf=bundle.pdf,
                pdf_hash=bundle.pdf_hash,
                signature=bundle.signature,
                supersedes_hash=None,
                supersedes_key="",
                received_at=utcnow(),
                receipt_json=receipt_json,
                receipt_signature=receipt_signature,
            )
        )
    engine.dispose()
    return bundle


def test_an_old_receiver_database_upgrades_in_place_and_keeps_what_it_held(db_url, tmp_path):
    alex, jo = Device("Alex's laptop"), Device("Jo's laptop")
    key_file = tmp_path / "receiver.key"
    held = _old_database(db_url, key_file, alex)
    app = create_app(db_url, key_file)
    try:
        with ServerThread(app) as server:
            with httpx.Client(base_url=f"http://127.0.0.1:{server.port}") as client:
                again = alex.put(client, held)  # the old receipt, answered again
                read = alex.get(client, held.record_id)
                jo.enrol(client)
                assert cli.main(["approve", jo.fingerprint, "--by", "Sam Admin", "--db", db_url]) == 0
                jo_same_id = jo.put(client, make_bundle(jo.key, held.record_id, note="Jo's own record"))
                alex_new = alex.put(client, make_bundle(alex.key))
                trail = jo.signed(client, "GET", "/v1/trail")
    finally:
        app.state.store.dispose()
    assert again.status_code == 200 and again.json()["receipt"]["content_hash"] == held.content_hash
    assert read.status_code == 200 and [v["content_hash"] for v in read.json()["versions"]] == [
        held.content_hash
    ]
    assert jo_same_id.status_code == 201 and alex_new.status_code == 201  # new rows number on past the old
    assert trail.status_code == 200 and trail.json()["entries"] == 0
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
        assert "decided_by" in {c["name"] for c in inspect(conn).get_columns("devices")}
        assert {"trail_heads", "trail_events"} <= set(inspect(conn).get_table_names())
    engine.dispose()


def test_a_new_receiver_database_is_made_at_the_newest_revision_and_opens_again_unchanged(db_url, tmp_path):
    for _ in range(2):
        app = create_app(db_url, tmp_path / "receiver.key")
        app.state.store.dispose()
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
        uniques = {u["name"] for u in inspect(conn).get_unique_constraints("records")}
    engine.dispose()
    assert {"uq_records_sender_record_version", "uq_records_sender_content_hash"} <= uniques


def _database_at(db_url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(db_url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


def test_a_0002_database_gains_iros_tokens_allocations_and_the_admin_log(db_url, tmp_path, capsys):
    """A receiver at revision 0002 with an approved device: after the upgrade the device is still approved,
    bound to no IRO (it is sent no children) until it is approved again to an IRO."""
    alex = Device("Alex's laptop")
    _database_at(db_url, "0002")
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO devices (fingerprint, public_key, name, status, enrolled_at, decided_at, "
                "decided_by) VALUES (:f, :k, 'Alex''s laptop', 'approved', :t, :t, 'Sam Admin')"
            ),
            {"f": alex.fingerprint, "k": alex.public_key, "t": utcnow()},
        )
    engine.dispose()
    app = create_app(db_url, tmp_path / "receiver.key")
    try:
        with ServerThread(app) as server, httpx.Client(base_url=f"http://127.0.0.1:{server.port}") as client:
            before = alex.signed(client, "GET", "/v1/allocations")
            for args in (["iro", "add", "Alex Example"], ["allocate", "A1", "--iro", "Alex Example"]):
                assert cli.main([*args, "--db", db_url]) == 0
            assert cli.main(["approve", alex.fingerprint, "--iro", "Alex Example", "--db", db_url]) == 0
            after = alex.signed(client, "GET", "/v1/allocations")
    finally:
        app.state.store.dispose()
    assert before.status_code == 200 and before.json()["allocations"]["children"] == []
    assert after.json()["allocations"]["children"] == ["A1"]
    engine = create_engine(db_url)
    with engine.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        tables = set(inspect(conn).get_table_names())
        indexes = {i["name"]: i for i in inspect(conn).get_indexes("allocations")}
        device_name = conn.execute(text("SELECT name FROM devices")).scalar()
    engine.dispose()
    assert revision == HEAD_REVISION
    assert {"iros", "admin_tokens", "allocations", "admin_log"} <= tables
    assert indexes["uq_allocations_open_child"]["unique"] and device_name == "Alex's laptop"


def test_a_0003_database_gains_the_feed_and_its_open_allocations_reach_their_iros_devices(db_url, tmp_path):
    """A child allocated before the feed existed: the upgrade announces the allocation, so the IRO's device
    learns of the child at its first pull, and nothing of another IRO's."""
    alex = Device("Alex's laptop")
    _database_at(db_url, "0003")
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO iros (name, active, created_at, created_by) VALUES "
                "('Alex Example', true, :t, 'cli: t'), ('Bo Example', true, :t, 'cli: t')"
            ),
            {"t": utcnow()},
        )
        conn.execute(
            text(
                "INSERT INTO devices (fingerprint, public_key, name, status, enrolled_at, iro_id) "
                "VALUES (:f, :k, 'Alex''s laptop', 'approved', :t, 1)"
            ),
            {"f": alex.fingerprint, "k": alex.public_key, "t": utcnow()},
        )
        conn.execute(
            text("INSERT INTO allocations (child_id, iro_id, since) VALUES ('A1', 1, :t), ('B1', 2, :t)"),
            {"t": utcnow()},
        )
    engine.dispose()
    app = create_app(db_url, tmp_path / "receiver.key")
    try:
        with ServerThread(app) as server, httpx.Client(base_url=f"http://127.0.0.1:{server.port}") as client:
            pulled = alex.signed(client, "GET", "/v1/feed/0").json()["feed"]
    finally:
        app.state.store.dispose()
    assert [(c["child_id"], c["kind"]) for c in pulled["changes"]] == [("A1", "allocated")]
    assert pulled["changes"][0]["body"] == {"903": None, "details": None, "notices": []}
