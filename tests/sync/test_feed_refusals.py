"""Every way a feed is refused, each with a plain reason and nothing changed in the app's store: a feed
altered in transit, an answer replayed for a new request, one signed by another key, one signed by the
receiver's own key that slips in another IRO's child, and a revoked device. Then, through the API itself,
which devices see which children: one IRO never another's, a replacement laptop all of its IRO's, and a
child moved between IROs seen leaving one and arriving whole at the other.

The fakes stand in front of the real receiver on 127.0.0.1 (tests/sync/faulty_proxy.py's `rewrite`), so
every request is a real signed request with its real nonce and only the one thing under test is wrong."""

from __future__ import annotations

import json
from datetime import date

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from iro_desktop.records.keys import device_fingerprint
from iro_desktop.records.signing import canonical, sign, unb64
from iro_desktop.services import council_feed
from iro_desktop.services.sync import sync_once
from iro_desktop.store import audit
from iro_desktop.sync.client import ENROLMENT_SETTING
from iro_desktop.sync.feed import batch_problem
from iro_desktop.sync.protocol import HEADER_NONCE
from iro_desktop.sync.receiver import receipts
from tests.sync.faulty_proxy import FaultyProxy, body_of, with_body
from tests.sync.feed_helpers import Council, child_rows, enrolled_to, ledger_seqs, store_dump
from tests.sync.helpers import Device
from tests.sync.live import LiveReceiver

ALEX, BO = "Alex Example", "Bo Example"
REFUSED = "The council's feed was refused: "
NOT_SIGNED = (
    REFUSED + "it is not signed by the receiver key pinned when this laptop enrolled. Nothing was changed."
)


@pytest.fixture
def receiver(tmp_path):
    live = LiveReceiver(tmp_path).start()
    yield live
    live.stop()


@pytest.fixture
def council(receiver):
    team = Council(receiver.db_url)
    team.iro(ALEX)
    team.iro(BO)
    for n, (child, iro) in enumerate([("FC1001", ALEX), ("FC1002", ALEX), ("FC2001", BO)]):
        team.rows(child, child_rows(child, date(2013, 2, 1 + n), date(2025, 1, 6), moves=1))
        team.details(child, {"child": {"first_name": "Ash", "last_name": f"Fictional{n}"}})
        team.allocate(child, iro)
    yield team
    team.close()


class FakeReceiver:
    """The real receiver behind a proxy that, once armed, does `to_feed` to each answer to a pull."""

    def __init__(self, receiver: LiveReceiver, to_feed):
        self.armed, self.to_feed = False, to_feed
        self.proxy = FaultyProxy(receiver.port, 0.0, receiver.restart, rewrite=self._rewrite)
        self.url = self.proxy.url

    def _rewrite(self, request: bytes, response: bytes) -> bytes | None:
        if not (self.armed and request.startswith(b"GET /v1/feed/")):
            return response
        return self.to_feed(response)


@pytest.fixture
def fake(receiver):
    """A FakeReceiver in front of the test's receiver, made with what it does to each answer."""
    made: list[FakeReceiver] = []

    def make(to_feed) -> FakeReceiver:
        made.append(FakeReceiver(receiver, to_feed))
        return made[-1]

    yield make
    for one in made:
        one.proxy.close()


def _resigned(response: bytes, key: Ed25519PrivateKey, change=lambda statement: None) -> bytes:
    """The answer with its statement changed by `change`, then signed again by `key`."""
    answer = json.loads(body_of(response))
    change(answer["feed"])
    answer["signature"] = sign(key, canonical(answer["feed"]))
    return with_body(response, json.dumps(answer).encode())


def _refused(store, council: Council, fake: FakeReceiver) -> str:
    """Sync Alex's laptop once cleanly, publish more for its child, then sync through the armed fake:
    what the app said, once shown that its store is as the clean sync left it."""
    enrolled_to(store, council, fake.url, ALEX)
    assert sync_once(store).feed.problem is None
    council.rows("FC1001", child_rows("FC1001", date(2013, 2, 1), date(2025, 1, 6), moves=2))
    council.notice("FC1001", summary="Carers ask for the placement to end.")
    before, position = store_dump(store, leave_out=("audit_log", "settings")), council_feed.position(store)
    fake.armed = True
    report = sync_once(store)
    assert store_dump(store, leave_out=("audit_log", "settings")) == before
    assert council_feed.position(store) == position
    assert report.feed.applied == 0 and report.feed.problem in _refusals_recorded(store)
    fake.armed = False  # the real answer is taken at the next sync: the refusal cost nothing
    assert sync_once(store).feed.applied == 2 and council_feed.position(store) > position
    return report.feed.problem


def _refusals_recorded(store) -> list[str]:
    return [e.detail for e in audit.entries(store) if e.action == "feed refused"]


def test_a_feed_altered_in_transit_by_one_byte_is_refused(store, council, fake):
    def one_byte(response: bytes) -> bytes:
        assert b'"PLACE_PROVIDER":"PR1"' in response  # in a change's 903 rows
        return response.replace(b'"PLACE_PROVIDER":"PR1"', b'"PLACE_PROVIDER":"PR2"', 1)

    assert _refused(store, council, fake(one_byte)) == NOT_SIGNED


def test_an_earlier_answer_replayed_for_a_new_request_is_refused(store, council, fake):
    held: list[bytes] = []

    def replayed(response: bytes) -> bytes | None:
        if not held:
            held.append(response)
            return None  # lost on the way: the laptop asks again, and is given this one
        return held[0]

    replayer = fake(replayed)
    enrolled_to(store, council, replayer.url, ALEX)
    replayer.armed = True
    first = sync_once(store)
    assert "No answer from the receiver" in first.feed.problem and ledger_seqs(store) == []
    before = store_dump(store, leave_out=("audit_log", "settings"))
    said = sync_once(store).feed.problem
    assert said == REFUSED + "it answers an earlier request (a replayed answer). Nothing was changed."
    assert store_dump(store, leave_out=("audit_log", "settings")) == before
    assert council_feed.position(store) == 0 and said in _refusals_recorded(store)
    replayer.armed = False
    assert sync_once(store).feed.children_added == ["FC1001", "FC1002"]


def test_a_feed_signed_by_another_key_is_refused(store, council, fake):
    impostor = Ed25519PrivateKey.generate()  # a receiver that is not the one this laptop enrolled with
    assert _refused(store, council, fake(lambda response: _resigned(response, impostor))) == NOT_SIGNED


def test_a_change_for_a_child_not_allocated_to_this_iro_is_refused_though_signed_by_the_receiver(
    store, receiver, council, fake
):
    """The receiver's own key (as a compromised or faulty receiver would sign) slipping Bo's child into
    Alex's feed: the signature verifies, and the app still refuses the whole batch."""

    def bo_child(statement: dict) -> None:
        change = next(c for c in statement["changes"] if c["kind"] == "903")
        change["child_id"] = "FC2001"
        change["body"] = child_rows("FC2001", date(2013, 2, 3), date(2025, 1, 6), moves=3)

    real_key = receipts.load_key(receiver.key_file)
    said = _refused(store, council, fake(lambda response: _resigned(response, real_key, bo_child)))
    assert (
        said == REFUSED + "it holds a change for a child not allocated to you (FC2001). Nothing was changed."
    )


def _revoked_after_one_sync(store, receiver: LiveReceiver, council: Council) -> Device:
    """Alex's laptop synced once, then it and another of Alex's laptops revoked, and more published."""
    enrolled_to(store, council, receiver.url, ALEX)
    assert sync_once(store).feed.children_added == ["FC1001", "FC1002"]
    laptop = _approved(council, receiver, ALEX)
    council.revoke(laptop.fingerprint)
    council.revoke(device_fingerprint(store))
    council.notice("FC1001", summary="Carers ask for the placement to end.")
    return laptop


def test_a_revoked_device_gets_nothing(store, receiver, council):
    laptop = _revoked_after_one_sync(store, receiver, council)
    before = store_dump(store, leave_out=("audit_log", "settings"))
    position = council_feed.position(store)

    report = sync_once(store)

    assert report.feed is None and report.stopped  # the sync stopped before asking for the feed
    assert store_dump(store, leave_out=("audit_log", "settings")) == before
    assert council_feed.position(store) == position
    with httpx.Client(base_url=receiver.url) as http:
        refused = laptop.signed(http, "GET", f"/v1/feed/{position}")
    assert refused.status_code == 403 and refused.json()["detail"] == "This device's key has been revoked."


def test_a_revoked_device_is_told_it_was_revoked_not_that_it_waits_for_approval(store, receiver, council):
    _revoked_after_one_sync(store, receiver, council)
    report = sync_once(store)
    assert "revoked" in report.stopped, report.stopped
    assert store.get_setting(ENROLMENT_SETTING) == "revoked"


# ---------------------------------------------------------------- through the API: who sees which child


def _approved(council: Council, receiver: LiveReceiver, iro: str) -> Device:
    laptop = Device(f"{iro}'s laptop")
    with httpx.Client(base_url=receiver.url) as http:
        assert laptop.enrol(http).status_code == 202
    council.approve(laptop.fingerprint, iro)
    return laptop


def _pulled(laptop: Device, receiver: LiveReceiver, after: int = 0) -> list[dict]:
    """Every change the laptop is sent after `after`, each answer checked as the app checks it."""
    key = unb64(httpx.get(f"{receiver.url}/v1/receiver").json()["public_key"])
    changes, more = [], True
    with httpx.Client(base_url=receiver.url) as http:
        while more:
            path = f"/v1/feed/{after}"
            headers = laptop.headers("GET", path, b"")
            answer = http.get(path, headers=headers)
            assert answer.status_code == 200, answer.text
            statement = answer.json()["feed"]
            assert batch_problem(answer.json(), key, laptop.fingerprint, headers[HEADER_NONCE], after) is None
            changes += statement["changes"]
            after, more = statement["next"], statement["more"]
    return changes


def _children(changes: list[dict]) -> set[str]:
    return {c["child_id"] for c in changes}


def test_each_iro_sees_only_its_own_children_and_a_replacement_laptop_sees_them_all(receiver, council):
    alex_one, alex_two = _approved(council, receiver, ALEX), _approved(council, receiver, ALEX)
    bo = _approved(council, receiver, BO)
    council.notice("FC2001", summary="Bo's child: the school has raised a concern.")
    council.rows("FC1002", child_rows("FC1002", date(2013, 2, 2), date(2025, 1, 6), moves=2))

    assert (
        _children(_pulled(alex_one, receiver))
        == _children(_pulled(alex_two, receiver))
        == {"FC1001", "FC1002"}
    )
    assert _children(_pulled(bo, receiver)) == {"FC2001"}

    replacement = _approved(council, receiver, ALEX)  # Alex's new laptop, approved later, starts from nothing
    got = _pulled(replacement, receiver)
    assert got == _pulled(alex_one, receiver)
    arrived = {c["child_id"]: c["body"] for c in got if c["kind"] == "allocated"}
    assert set(arrived) == {"FC1001", "FC1002"}
    assert all(
        body["903"]["episodes"] and body["details"]["child"]["first_name"] == "Ash"
        for body in arrived.values()
    )


def test_a_child_moved_to_another_iro_leaves_one_and_arrives_whole_at_the_other(receiver, council):
    alex, bo = _approved(council, receiver, ALEX), _approved(council, receiver, BO)
    council.notice("FC1001", summary="Carers ask for the placement to end.")
    alex_at, bo_at = _pulled(alex, receiver)[-1]["seq"], _pulled(bo, receiver)[-1]["seq"]

    council.deallocate("FC1001")
    council.allocate("FC1001", BO)
    council.rows("FC1001", child_rows("FC1001", date(2013, 2, 1), date(2025, 1, 6), moves=2))

    left = _pulled(alex, receiver, alex_at)
    assert [(c["child_id"], c["kind"]) for c in left] == [("FC1001", "deallocated")]
    arrived = _pulled(bo, receiver, bo_at)
    assert [(c["child_id"], c["kind"]) for c in arrived] == [("FC1001", "allocated"), ("FC1001", "903")]
    snapshot = arrived[0]["body"]
    assert len(snapshot["903"]["episodes"]) == 2 and snapshot["details"]["child"]["last_name"] == "Fictional0"
    assert [n["summary"] for n in snapshot["notices"]] == ["Carers ask for the placement to end."]
