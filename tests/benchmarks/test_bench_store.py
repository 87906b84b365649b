"""Store benchmarks: unlock with the real KDF, raw-key connection open, and one edited field's write.

Run by `make bench`. Ratios are against baselines measured in the same run (machines are noisy).
"""

from __future__ import annotations

import sqlite3
from datetime import date

from sqlalchemy import create_engine, event, update

from iro_desktop.store import create_store, open_store
from iro_desktop.store.engine import SESSION_PRAGMAS, begin_immediate, raw_connection
from iro_desktop.store.keys import KdfParams, key_file_for, read_key_file, unwrap
from iro_desktop.store.models import Base, Child, Review, ReviewSection
from tests.benchmarks.helpers import median_ms, percentile_ms, report, timed

SECRET = "benchmark-passphrase-for-timing"


def test_unlock_and_connection_open(tmp_path):
    db = tmp_path / "s.db"
    create_store(db, SECRET).close()  # the default KdfParams: what users get
    unlock = timed(lambda: open_store(db, SECRET).close(), repeat=5)
    kdf_only = timed(lambda: unwrap(read_key_file(key_file_for(db)), SECRET), repeat=5)
    data_key = unwrap(read_key_file(key_file_for(db)), SECRET)
    raw_open = timed(lambda: raw_connection(db, data_key).close(), repeat=50)
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("create table t(x)").connection.close()
    plain_open = timed(
        lambda: sqlite3.connect(plain).execute("select count(*) from sqlite_master").connection.close(),
        repeat=50,
    )
    k = KdfParams()
    report(
        f"Unlock (Argon2id t={k.time_cost}, m={k.memory_kib // 1024} MiB, p={k.parallelism})",
        [
            ("unlock, median of 5 (target 300-1000 ms)", f"{median_ms(unlock):.0f} ms"),
            ("of which key derivation + unwrap", f"{median_ms(kdf_only):.0f} ms"),
            ("connection open with the raw key", f"{median_ms(raw_open):.2f} ms"),
            ("plain sqlite3 open (baseline)", f"{median_ms(plain_open):.2f} ms"),
            ("raw-key open / plain open", f"{median_ms(raw_open) / median_ms(plain_open):.1f}x"),
        ],
    )


def _seed(engine) -> int:
    with engine.begin() as conn:
        child = conn.execute(
            Child.__table__.insert().values(
                child_ref="B1",
                first_name="Bench",
                last_name="Example",
                dob=date(2014, 1, 1),
                review_cycle="standard",
            )
        )
        review = conn.execute(
            Review.__table__.insert().values(
                child_id=child.inserted_primary_key[0], kind="standard", status="planned", source="app"
            )
        )
        section = conn.execute(
            ReviewSection.__table__.insert().values(
                review_id=review.inserted_primary_key[0], key="placement", text=""
            )
        )
    return section.inserted_primary_key[0]


def _edit_one_field(engine, section_id: int, words: list[str]):
    def save():
        words.append("word")
        with engine.begin() as conn:
            conn.execute(
                update(ReviewSection).where(ReviewSection.id == section_id).values(text=" ".join(words))
            )

    return save


def _plain_engine(path):
    """The same schema, pragmas and transactions as the store, without encryption: the fair baseline."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"isolation_level": None})

    @event.listens_for(engine, "connect")
    def _pragmas(conn, _record):
        for pragma in SESSION_PRAGMAS:
            conn.execute(pragma)

    begin_immediate(engine)
    Base.metadata.create_all(engine)
    return engine


def test_write_of_one_edited_field_encrypted_against_plain(tmp_path):
    store = create_store(tmp_path / "enc.db", SECRET, kdf=KdfParams(1, 8 * 1024, 1))
    plain = _plain_engine(tmp_path / "plain.db")
    enc_save = _edit_one_field(store.engine, _seed(store.engine), ["start"] * 2000)
    plain_save = _edit_one_field(plain, _seed(plain), ["start"] * 2000)
    enc, base = [], []
    for _ in range(5):  # interleave so both see the same machine noise
        base += timed(plain_save, repeat=40)
        enc += timed(enc_save, repeat=40)
    store.close()
    report(
        "One edited field (a 2,000-word section), committed with synchronous=FULL",
        [
            ("SQLCipher median / p95", f"{median_ms(enc):.2f} / {percentile_ms(enc, 95):.2f} ms"),
            (
                "plain sqlite3 median / p95 (baseline)",
                f"{median_ms(base):.2f} / {percentile_ms(base, 95):.2f} ms",
            ),
            ("ratio SQLCipher / plain (target <= 1.3x)", f"{median_ms(enc) / median_ms(base):.2f}x"),
        ],
    )
