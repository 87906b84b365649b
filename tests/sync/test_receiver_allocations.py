"""Which children each IRO's devices receive, through the real receiver over HTTP, on SQLite and
PostgreSQL: the council allocates by the CLI, a CSV file or the admin API; a device reads its IRO's
children signed by the receiver's key, naming the device, so the answer cannot be altered or handed to
another device."""

from __future__ import annotations

import json

from iro_desktop.records.signing import canonical, unb64, verify
from iro_desktop.sync.receiver.allocations import ALLOCATIONS_STATEMENT
from tests.sync.helpers import Device
from tests.sync.test_receiver_accounts import admin, bearer, new_token


def children_seen(client, device: Device, identity: dict) -> list[str]:
    """The children a device is sent, after checking the receiver's signature and that it names this
    device, as the app does with the key it pinned at enrolment."""
    answer = device.signed(client, "GET", "/v1/allocations")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    statement = body["allocations"]
    assert verify(unb64(identity["public_key"]), canonical(statement), body["signature"])
    assert statement["statement"] == ALLOCATIONS_STATEMENT and statement["device"] == device.fingerprint
    assert statement["receiver"] == identity["fingerprint"] and statement["server_time"].endswith("Z")
    return statement["children"]


def approved(client, db_url: str, capsys, device: Device, iro: str | None) -> None:
    device.enrol(client)
    with_iro = ["--iro", iro] if iro else []
    assert admin(db_url, capsys, "approve", device.fingerprint, *with_iro)[0] == 0


def test_two_iros_three_devices_each_device_sees_only_its_iros_children(receiver, capsys):
    token = new_token(receiver.db_url, capsys, "case system")
    alex, jo_laptop, jo_tablet = Device("Alex's laptop"), Device("Jo's laptop"), Device("Jo's tablet")
    with receiver.client(headers=bearer(token)) as council, receiver.client() as client:
        for name in ("Alex Example", "Jo Example"):
            assert council.post("/v1/admin/iros", json={"name": name}).status_code == 201
        approved(client, receiver.db_url, capsys, alex, "Alex Example")
        approved(client, receiver.db_url, capsys, jo_laptop, "Jo Example")
        approved(client, receiver.db_url, capsys, jo_tablet, "Jo Example")
        for child, iro in (("A1", "Alex Example"), ("A2", "Alex Example"), ("J1", "Jo Example")):
            assert council.put(f"/v1/admin/allocations/{child}", json={"iro": iro}).status_code == 200
        assert children_seen(client, alex, receiver.identity) == ["A1", "A2"]
        assert children_seen(client, jo_laptop, receiver.identity) == ["J1"]
        assert children_seen(client, jo_tablet, receiver.identity) == ["J1"]
        assert council.put("/v1/admin/allocations/A2", json={"iro": "Jo Example"}).status_code == 200
        assert children_seen(client, alex, receiver.identity) == ["A1"]
        assert children_seen(client, jo_tablet, receiver.identity) == ["A2", "J1"]
        listed = council.get("/v1/admin/allocations", params={"iro": "Jo Example"}).json()
        assert [(a["child_id"], a["iro"], a["until"]) for a in listed] == [
            ("A2", "Jo Example", None),
            ("J1", "Jo Example", None),
        ]
        assert council.get("/v1/admin/allocations/A2").json()["iro"] == "Jo Example"
        history = council.get("/v1/admin/allocation-history/A2").json()
        assert [h["iro"] for h in history] == ["Alex Example", "Jo Example"]
        assert history[0]["until"] == history[1]["since"] and history[1]["until"] is None
        iros = {i["name"]: i["devices"] for i in council.get("/v1/admin/iros").json()}
        assert iros == {"Alex Example": 1, "Jo Example": 2}


def test_a_replacement_laptop_receives_the_iros_children_and_the_old_one_nothing(receiver, capsys):
    db = receiver.db_url
    old, new = Device("Alex's old laptop"), Device("Alex's new laptop")
    assert admin(db, capsys, "iro", "add", "Alex Example")[0] == 0
    assert admin(db, capsys, "allocate", "A1", "--iro", "Alex Example")[0] == 0
    with receiver.client() as client:
        approved(client, db, capsys, old, "Alex Example")
        assert children_seen(client, old, receiver.identity) == ["A1"]
        approved(client, db, capsys, new, "Alex Example")
        assert admin(db, capsys, "revoke", old.fingerprint)[0] == 0
        assert children_seen(client, new, receiver.identity) == ["A1"]
        refused = old.signed(client, "GET", "/v1/allocations")
    assert refused.status_code == 403 and "revoked" in refused.json()["detail"]
    assert "A1" not in refused.text


def test_a_pending_device_is_refused_and_one_with_no_iro_is_sent_no_children(receiver, capsys):
    db = receiver.db_url
    assert admin(db, capsys, "iro", "add", "Alex Example")[0] == 0
    assert admin(db, capsys, "allocate", "A1", "--iro", "Alex Example")[0] == 0
    pending, unbound = Device("pending"), Device("unbound")
    with receiver.client() as client:
        pending.enrol(client)
        waiting = pending.signed(client, "GET", "/v1/allocations")
        approved(client, db, capsys, unbound, None)
        assert children_seen(client, unbound, receiver.identity) == []
        answer = unbound.signed(client, "GET", "/v1/allocations").json()["allocations"]
        assert answer["iro"] is None
        assert admin(db, capsys, "approve", unbound.fingerprint, "--iro", "Alex Example")[0] == 0
        assert children_seen(client, unbound, receiver.identity) == ["A1"]
    assert waiting.status_code == 403 and "waiting" in waiting.json()["detail"]


def test_a_csv_file_is_allocated_whole_or_not_at_all_and_each_problem_names_its_line(
    receiver, capsys, tmp_path
):
    db = receiver.db_url
    for name in ("Alex Example", "Jo Example"):
        assert admin(db, capsys, "iro", "add", name)[0] == 0
    assert admin(db, capsys, "allocate", "A1", "--iro", "Alex Example")[0] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "child_id,iro\nA1,Jo Example\nB2,Nobody Known\nA1,Alex Example\nC3,Jo Example,extra\n/x,Jo Example\n"
    )
    status, _, err = admin(db, capsys, "allocate", "--csv", str(bad))
    assert status == 1 and "Nothing was allocated" in err
    problems = [line.strip() for line in err.splitlines()[1:]]
    assert [p.split(":")[0] for p in problems] == ["Line 3", "Line 4", "Line 5", "Line 6"]
    assert "Nobody Known" in problems[0] and "already on line 2" in problems[1]
    status, out, _ = admin(db, capsys, "allocations", "--json")
    assert [(a["child_id"], a["iro"]) for a in json.loads(out)] == [("A1", "Alex Example")]  # unchanged
    good = tmp_path / "good.csv"
    good.write_text("\ufeffchild_id,iro\r\nA1,Jo Example\r\nB2,Alex Example\r\n\r\nC3, Jo Example \r\n")
    status, out, _ = admin(db, capsys, "allocate", "--csv", str(good))
    assert status == 0 and "Allocated 3" in out
    status, out, _ = admin(db, capsys, "allocations", "--iro", "Jo Example", "--json")
    assert [a["child_id"] for a in json.loads(out)] == ["A1", "C3"]
    status, out, _ = admin(db, capsys, "allocate", "--csv", str(good))
    assert status == 0 and "Allocated 0" in out and "3 already so" in out
    headless = tmp_path / "headless.csv"
    headless.write_text("A9,Jo Example\n")
    status, _, err = admin(db, capsys, "allocate", "--csv", str(headless))
    assert status == 1 and "Line 1" in err


def test_the_admin_api_refuses_what_it_cannot_do_in_plain_words(receiver, capsys):
    token = new_token(receiver.db_url, capsys, "case system")
    with receiver.client(headers=bearer(token)) as council:
        assert council.post("/v1/admin/iros", json={"name": "Alex Example"}).status_code == 201
        twice = council.post("/v1/admin/iros", json={"name": "Alex Example"})
        nobody = council.put("/v1/admin/allocations/A1", json={"iro": "Nobody"})
        bad_child = council.put("/v1/admin/allocations/%20A1", json={"iro": "Alex Example"})
        not_allocated = council.delete("/v1/admin/allocations/A1")
        never = council.get("/v1/admin/allocation-history/A1")
        unknown_iro = council.get("/v1/admin/allocations", params={"iro": "Nobody"})
        malformed = council.post("/v1/admin/iros", content=b"{", headers={"Content-Type": "application/json"})
        no_token = council.get("/v1/admin/iros", headers={"Authorization": ""})
    assert twice.status_code == 409 and nobody.status_code == 422 and bad_child.status_code == 422
    assert not_allocated.status_code == 404 and never.status_code == 404 and unknown_iro.status_code == 404
    assert malformed.status_code == 400 and no_token.status_code == 401
    for answer in (twice, nobody, bad_child, not_allocated, never, unknown_iro, malformed, no_token):
        assert isinstance(answer.json()["detail"], str)


def test_an_inactive_iro_keeps_their_history_but_is_allocated_no_child(receiver, capsys, tmp_path):
    db = receiver.db_url
    for name in ("Alex Example", "Jo Example"):
        assert admin(db, capsys, "iro", "add", name)[0] == 0
    assert admin(db, capsys, "allocate", "A1", "--iro", "Alex Example")[0] == 0
    assert admin(db, capsys, "iro", "deactivate", "Alex Example", "--by", "Sam Admin")[0] == 0
    status, _, err = admin(db, capsys, "allocate", "A2", "--iro", "Alex Example")
    assert status == 1 and "not an active IRO" in err
    rows = tmp_path / "rows.csv"
    rows.write_text("child_id,iro\nA3,Jo Example\nA4,Alex Example\n")
    status, _, err = admin(db, capsys, "allocate", "--csv", str(rows))
    assert status == 1 and "Line 3: Alex Example is not an active IRO." in err
    assert admin(db, capsys, "allocate", "A1", "--iro", "Jo Example")[0] == 0  # handed over
    status, out, _ = admin(db, capsys, "iro", "list", "--json")
    assert {i["name"]: i["active"] for i in json.loads(out)} == {"Alex Example": False, "Jo Example": True}
    assert admin(db, capsys, "iro", "activate", "Alex Example")[0] == 0
    assert admin(db, capsys, "allocate", "A2", "--iro", "Alex Example")[0] == 0
    status, out, _ = admin(db, capsys, "admin-log", "--json")
    acts = [(e["actor"], e["act"]) for e in json.loads(out) if e["act"].startswith("iro ")]
    assert ("cli: Sam Admin", "iro deactivated") in acts and acts[-1][1] == "iro activated"
