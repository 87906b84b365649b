"""IRO accounts, administrator tokens and the admin log, through the real receiver over HTTP and its CLI,
on SQLite and PostgreSQL: a token is shown once and kept only as its hash, opens /v1/admin/ and nothing
else, stops working when revoked; every administrative act is logged with who did it."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, inspect, select, text

from iro_desktop.sync.receiver import cli
from iro_desktop.sync.receiver.accounts import token_hash
from tests.sync.helpers import Device


def admin(db_url: str, capsys, *args: str) -> tuple[int, str, str]:
    """The CLI as the council's administrator runs it: (exit status, stdout, stderr)."""
    status = cli.main([*args, "--db", db_url])
    out = capsys.readouterr()
    return status, out.out, out.err


def new_token(db_url: str, capsys, name: str) -> str:
    status, out, _ = admin(db_url, capsys, "admin-token", "create", "--name", name, "--by", "Sam Admin")
    assert status == 0
    return next(line for line in out.splitlines() if line.startswith("iro-admin-"))


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def every_value_held(db_url: str) -> str:
    """Every row of every table, as text: what anyone reading the database would see."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = [
            repr(row)
            for table in inspect(conn).get_table_names()
            for row in conn.execute(text(f'SELECT * FROM "{table}"'))
        ]
    engine.dispose()
    return "\n".join(rows)


def test_a_token_is_shown_once_and_only_its_hash_is_kept(receiver, capsys):
    token = new_token(receiver.db_url, capsys, "case system")
    with receiver.client() as client:
        assert client.get("/v1/admin/iros", headers=bearer(token)).status_code == 200
    held = every_value_held(receiver.db_url)
    assert token not in held and token_hash(token) in held
    if receiver.db_url.startswith("sqlite"):  # the files themselves, journal included
        database = Path(receiver.db_url.removeprefix("sqlite:///"))
        for path in database.parent.glob(database.name + "*"):
            assert token.encode() not in path.read_bytes()
    for listing in (["admin-tokens"], ["admin-tokens", "--json"], ["admin-log"], ["admin-log", "--json"]):
        status, out, err = admin(receiver.db_url, capsys, *listing)
        assert status == 0 and token not in out + err
    status, out, _ = admin(receiver.db_url, capsys, "admin-tokens", "--json")
    (listed,) = json.loads(out)
    assert listed["name"] == "case system" and listed["last_used_at"] and listed["revoked_at"] is None
    assert set(listed) == {"name", "created_at", "created_by", "last_used_at", "revoked_at"}


def test_a_token_is_rotated_by_making_a_new_one_and_revoking_the_old(receiver, capsys):
    old = new_token(receiver.db_url, capsys, "case system 2026")
    new = new_token(receiver.db_url, capsys, "case system 2027")
    assert admin(receiver.db_url, capsys, "admin-token", "revoke", "case system 2026")[0] == 0
    with receiver.client() as client:
        refused = client.get("/v1/admin/iros", headers=bearer(old))
        unknown = client.get("/v1/admin/iros", headers=bearer("iro-admin-" + "A" * 43))
        kept = client.get("/v1/admin/iros", headers=bearer(new))
    assert refused.status_code == 403 and "revoked" in refused.json()["detail"]
    assert unknown.status_code == 401 and kept.status_code == 200
    status, out, _ = admin(receiver.db_url, capsys, "admin-tokens")
    assert "REVOKED" in out.splitlines()[0] and "REVOKED" not in out.splitlines()[1]
    assert admin(receiver.db_url, capsys, "admin-token", "create", "--name", "case system 2026")[0] == 1


def test_a_token_cannot_act_as_a_device_nor_a_device_as_an_administrator(receiver, capsys):
    token = new_token(receiver.db_url, capsys, "case system")
    device = Device("Alex's laptop")
    with receiver.client() as client:
        device.enrol(client)
        assert admin(receiver.db_url, capsys, "approve", device.fingerprint)[0] == 0
        as_device = client.get("/v1/allocations", headers=bearer(token))
        as_trail = client.get("/v1/trail", headers=bearer(token))
        signed_admin = device.signed(client, "GET", "/v1/admin/iros")
        signed_put = device.signed(client, "POST", "/v1/admin/iros", json.dumps({"name": "Mallory"}).encode())
        both = client.get(
            "/v1/admin/allocations",
            headers={**device.headers("GET", "/v1/admin/allocations", b""), "Authorization": "Bearer x"},
        )
        signed_device = device.signed(client, "GET", "/v1/allocations")
    assert as_device.status_code == 401 and as_trail.status_code == 401
    assert signed_admin.status_code == 401 and "administrator token" in signed_admin.json()["detail"]
    assert signed_put.status_code == 401 and both.status_code == 401
    assert signed_device.status_code == 200  # the device itself is in order
    assert "Mallory" not in every_value_held(receiver.db_url)


def test_every_administrative_act_is_logged_with_who_did_it(receiver, capsys):
    db = receiver.db_url
    token = new_token(db, capsys, "case system")
    alex, jo = Device("Alex's laptop"), Device("Jo's laptop")
    with receiver.client() as client:
        alex.enrol(client), jo.enrol(client)
        assert admin(db, capsys, "iro", "add", "Alex Example", "--by", "Sam Admin")[0] == 0
        added = client.post("/v1/admin/iros", json={"name": "Jo Example"}, headers=bearer(token))
        assert added.status_code == 201 and added.json()["name"] == "Jo Example"
        assert (
            admin(db, capsys, "approve", alex.fingerprint, "--iro", "Alex Example", "--by", "Sam Admin")[0]
            == 0
        )
        assert (
            admin(db, capsys, "approve", jo.fingerprint, "--iro", "Jo Example", "--by", "Kim Admin")[0] == 0
        )
        assert admin(db, capsys, "allocate", "100001", "--iro", "Alex Example", "--by", "Sam Admin")[0] == 0
        moved = client.put("/v1/admin/allocations/100001", json={"iro": "Jo Example"}, headers=bearer(token))
        assert moved.status_code == 200 and moved.json()["iro"] == "Jo Example"
        assert client.delete("/v1/admin/allocations/100001", headers=bearer(token)).status_code == 200
        assert admin(db, capsys, "allocate", "100002", "--iro", "Jo Example", "--by", "Kim Admin")[0] == 0
        assert admin(db, capsys, "deallocate", "100002", "--by", "Kim Admin")[0] == 0
        assert admin(db, capsys, "revoke", jo.fingerprint, "--by", "Kim Admin")[0] == 0
        assert admin(db, capsys, "admin-token", "revoke", "case system", "--by", "Sam Admin")[0] == 0
    status, out, _ = admin(db, capsys, "admin-log", "--json")
    logged = [(e["actor"], e["act"], e["subject"], e["detail"]) for e in json.loads(out)]
    assert logged == [
        ("cli: Sam Admin", "token created", "case system", ""),
        ("cli: Sam Admin", "iro added", "Alex Example", ""),
        ("token: case system", "iro added", "Jo Example", ""),
        ("cli: Sam Admin", "device approved", alex.fingerprint, "IRO: Alex Example"),
        ("cli: Kim Admin", "device approved", jo.fingerprint, "IRO: Jo Example"),
        ("cli: Sam Admin", "allocation made", "100001", "to Alex Example"),
        ("token: case system", "allocation made", "100001", "to Jo Example, moved from Alex Example"),
        ("token: case system", "allocation ended", "100001", "from Jo Example"),
        ("cli: Kim Admin", "allocation made", "100002", "to Jo Example"),
        ("cli: Kim Admin", "allocation ended", "100002", "from Jo Example"),
        ("cli: Kim Admin", "device revoked", jo.fingerprint, "IRO: Jo Example"),
        ("cli: Sam Admin", "token revoked", "case system", ""),
    ]
    status, out, _ = admin(db, capsys, "admin-log")
    assert status == 0 and len(out.splitlines()) == len(logged) and "token: case system" in out


def test_iro_names_are_checked_unique_and_known_before_a_device_is_bound(receiver, capsys):
    db = receiver.db_url
    assert admin(db, capsys, "iro", "add", "Alex Example")[0] == 0
    status, _, err = admin(db, capsys, "iro", "add", "Alex Example")
    assert status == 1 and "already an IRO named Alex Example" in err
    for bad in (" Alex", "Alex\u202eelpmaxE", "", "x" * 101):
        assert admin(db, capsys, "iro", "add", bad)[0] == 1
    assert admin(db, capsys, "iro", "rename", "Alex Example", "Alex Sample")[0] == 0
    device = Device()
    with receiver.client() as client:
        device.enrol(client)
    status, _, err = admin(db, capsys, "approve", device.fingerprint, "--iro", "Alex Example")
    assert status == 1 and "no IRO named Alex Example" in err
    assert receiver.store.device(device.fingerprint).status == "pending"  # nothing changed
    status, out, _ = admin(db, capsys, "approve", device.fingerprint, "--iro", "Alex Sample")
    assert status == 0 and "IRO Alex Sample" in out
    status, out, _ = admin(db, capsys, "iro", "list", "--json")
    assert [(i["name"], i["devices"]) for i in json.loads(out)] == [("Alex Sample", 1)]
    with receiver.store.reading() as s:
        assert s.scalar(select(text("count(*)")).select_from(text("iros"))) == 1


def test_serving_plain_http_beyond_this_machine_warns_that_tokens_need_tls(tmp_path, capsys, monkeypatch):
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    db = ["--db", f"sqlite:///{tmp_path / 'receiver.db'}", "--key-file", str(tmp_path / "receiver.key")]
    assert cli.main(["serve", "--host", "127.0.0.1", *db]) == 0
    assert "Warning" not in capsys.readouterr().err
    assert cli.main(["serve", "--host", "0.0.0.0", *db]) == 0
    err = capsys.readouterr().err
    assert "plain HTTP" in err and "--tls-cert" in err and "administrator tokens" in err


def test_every_admin_address_in_the_openapi_refuses_no_token_and_a_device_signature(receiver, capsys):
    """Read from the receiver's own OpenAPI, so an administrative address added later is checked too."""
    device = Device("Alex's laptop")
    with receiver.client() as client:
        device.enrol(client)
        assert admin(receiver.db_url, capsys, "approve", device.fingerprint)[0] == 0
        paths = client.get("/openapi.json").json()["paths"]
        asked = [
            (method.upper(), path.replace("{child_id}", "DEMO0001"))
            for path, methods in paths.items() if path.startswith("/v1/admin/")
            for method in methods
        ]
        answers = {
            (method, path): (
                client.request(method, path, content=b"{}").status_code,
                device.signed(client, method, path, b"{}").status_code,
            )
            for method, path in asked
        }
    assert len(asked) >= 6
    assert {key: codes for key, codes in answers.items() if codes != (401, 401)} == {}
    assert json.loads(admin(receiver.db_url, capsys, "allocations", "--json")[1]) == []  # nothing was done
