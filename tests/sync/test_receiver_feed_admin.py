"""The council's side of the feed, as its data team uses it: the receiver's commands (load-903, load-details,
notice, notices) and the admin API, on the real receiver over HTTP, SQLite and PostgreSQL. What is
published reaches the allocated IRO's device in order; what is refused says where and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from iro_desktop.sync.receiver import feed
from iro_desktop.sync.receiver.storage import ReceiverStore
from tests.sync.helpers import Device
from tests.sync.test_receiver_accounts import admin, bearer, new_token
from tests.sync.test_receiver_allocations import approved

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def _extract(folder: Path, header: str, episodes: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "header.csv").write_text(HEADER + header)
    (folder / "episodes.csv").write_text(EPISODES + episodes)
    return folder


def _pulled(client, device: Device, after: int = 0) -> list[tuple[str, str]]:
    answer = device.signed(client, "GET", f"/v1/feed/{after}")
    assert answer.status_code == 200, answer.text
    return [(c["child_id"], c["kind"]) for c in answer.json()["feed"]["changes"]]


def test_load_903_publishes_each_changed_child_once_and_names_refused_rows(receiver, capsys, tmp_path):
    db = receiver.db_url
    for args in (["iro", "add", "Alex Example"], ["allocate", "FC1", "--iro", "Alex Example"]):
        assert admin(db, capsys, *args)[0] == 0
    alex = Device("Alex's laptop")
    with receiver.client() as client:
        approved(client, db, capsys, alex, "Alex Example")
        extract = _extract(
            tmp_path / "903",
            "FC1,1,04/03/2015,WBRI,,,\nFC2,2,05/06/2014,WBRI,,,\n",
            "FC1,06/01/2025,S,C2,N1,U1,PR1,,,,,,\nFC2,31/02/2025,S,C2,N1,U1,PR1,,,,,,\n",
        )
        status, out, err = admin(db, capsys, "load-903", str(extract))
        assert status == 0 and "Published the 903 rows of 2 child(ren); 0 unchanged." in out
        assert "episodes.csv row 3" in err and "DECOM" in err  # 31 February: the import's own rule
        assert admin(db, capsys, "load-903", str(extract))[1].strip().endswith("2 unchanged.")
        assert _pulled(client, alex) == [("FC1", "allocated"), ("FC1", "903")]  # FC2 is nobody's


def test_load_details_is_all_or_nothing_and_notices_list_with_their_answers(receiver, capsys, tmp_path):
    db = receiver.db_url
    for args in (["iro", "add", "Alex Example"], ["allocate", "FC1", "--iro", "Alex Example"]):
        assert admin(db, capsys, *args)[0] == 0
    good = {"FC1": {"child": {"first_name": "Ash", "last_name": "Fictional"}}}
    bad = {**good, "FC2": {"people": [{"id": "P1", "role": "wizard", "name": "Kit Example"}]}}
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    status, _, err = admin(db, capsys, "load-details", str(tmp_path / "bad.json"))
    assert status == 1 and "Nothing was published: FC2: Person 1 needs" in err
    held = ReceiverStore(db)
    try:
        assert feed.changes_for(held, 1, 0).changes[-1]["kind"] == "allocated"  # nothing more
        (tmp_path / "good.json").write_text(json.dumps(good))
        assert admin(db, capsys, "load-details", str(tmp_path / "good.json"))[0] == 0
        status, out, _ = admin(
            db, capsys, "notice", "FC1", "--kind", "care_plan_change",
            "--summary", "Plan changed to long-term fostering", "--answer-by", "2026-12-18",
        )  # fmt: skip
        assert status == 0 and "answer by 2026-12-18" in out
        status, _, err = admin(
            db, capsys, "notice", "FC9", "--kind", "complaint", "--summary", "x", "--answer-by", "2026-12-18"
        )
        assert status == 1 and "not allocated to any IRO" in err
        listed = json.loads(admin(db, capsys, "notices", "--json")[1])
        assert [(n["child_id"], n["kind"], n["answer"]) for n in listed] == [
            ("FC1", "care_plan_change", None)
        ]
        assert [c["kind"] for c in feed.changes_for(held, 1, 0).changes] == ["allocated", "details", "notice"]
    finally:
        held.dispose()


def test_the_admin_api_publishes_rows_details_and_notices_only_with_a_token(receiver, capsys):
    token = new_token(receiver.db_url, capsys, "case system")
    alex = Device("Alex's laptop")
    rows = {"header": [{"CHILD": "FC1", "SEX": "1", "DOB": "04/03/2015"}], "episodes": [], "reviews": []}
    with receiver.client(headers=bearer(token)) as council, receiver.client() as client:
        assert council.post("/v1/admin/iros", json={"name": "Alex Example"}).status_code == 201
        approved(client, receiver.db_url, capsys, alex, "Alex Example")
        assert council.put("/v1/admin/allocations/FC1", json={"iro": "Alex Example"}).status_code == 200
        assert client.put("/v1/admin/children/FC1/903", json=rows).status_code == 401  # no token
        put = council.put("/v1/admin/children/FC1/903", json=rows)
        assert put.status_code == 200 and put.json()["seq"] and put.json()["refused"] == []
        assert council.put("/v1/admin/children/FC1/903", json=rows).json()["seq"] is None  # unchanged
        wrong = {"header": [{"CHILD": "FC2", "DOB": "04/03/2015"}]}
        refused = council.put("/v1/admin/children/FC1/903", json=wrong)
        assert (
            refused.status_code == 422 and "header row 1: The row is for CHILD 'FC2', not FC1" in refused.text
        )
        person = {"id": "SW1", "role": "social_worker", "name": "Kit Example", "phone": "01632 960001"}
        assert council.put("/v1/admin/children/FC1/details", json={"people": [person]}).status_code == 200
        notice = {"child_id": "FC1", "kind": "early_review_request", "summary": "Carer asks for a review",
                  "answer_by": "2026-12-14"}  # fmt: skip
        raised = council.post("/v1/admin/notices", json=notice)
        assert raised.status_code == 201 and raised.json()["answer"] is None
        late = council.post("/v1/admin/notices", json={**notice, "answer_by": "14/12/2026"})
        assert late.status_code == 422 and "YYYY-MM-DD" in late.json()["detail"]
        assert [n["id"] for n in council.get("/v1/admin/notices", params={"open": "true"}).json()] == [
            raised.json()["id"]
        ]
        seen = _pulled(client, alex)
        assert seen == [("FC1", "allocated"), ("FC1", "903"), ("FC1", "details"), ("FC1", "notice")]
        answer = {"answer": "acknowledged", "note": "", "answered_on": "2026-12-08"}
        path = f"/v1/notices/{raised.json()['id']}/answer"
        body = json.dumps(answer).encode()
        assert alex.signed(client, "PUT", path, body).status_code == 200
        assert alex.signed(client, "PUT", path, body).status_code == 200  # the same answer again
        other = json.dumps({**answer, "answer": "concern", "note": "x"}).encode()
        assert alex.signed(client, "PUT", path, other).status_code == 409
        assert council.get("/v1/admin/notices", params={"open": "true"}).json() == []
        assert _pulled(client, alex)[-1] == ("FC1", "notice_answered")
