"""Minuting benchmarks: autosave latency on a long review, and full-text search across a whole caseload.

Run by `make bench`. Each figure is compared with a baseline measured in the same run: the same service
call or query on a plain (unencrypted) sqlite3 database built by the same migrations, with the same pragmas
and BEGIN IMMEDIATE transactions, so the ratio shows what encryption costs.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from sqlalchemy import create_engine, event, insert, text

from iro_desktop.services import minutes as svc
from iro_desktop.store import Store, create_store, migrate
from iro_desktop.store.engine import SESSION_PRAGMAS, begin_immediate
from iro_desktop.store.keys import KdfParams
from iro_desktop.store.models import Child, Decision, MonitoringNote, Review, ReviewSection, WishEntry
from tests.benchmarks.helpers import median_ms, percentile_ms, report

SECRET = "benchmark-passphrase-for-timing"
CHEAP_KDF = KdfParams(1, 8 * 1024, 1)
WORDS = (
    "placement carers school contact mum dad brother sister sibling health dentist assessment review plan "
    "permanence court order education attendance progress friends football swimming college pathway "
    "advocate social worker manager decision agreed support therapy camhs referral transport taxi "
    "bedroom phone allowance birthday holiday passport identity culture religion language life story "
    "weekend saturday sleepover nan grandmother cousin pet cat dog music drama homework maths reading "
    "confidence anxiety sleep eating routine behaviour incident missing safe happy settled worried upset"
).split()
EXTRA_SECTIONS = tuple(f"extra_{i}" for i in range(20 - len(svc.SECTION_KEYS)))


def _plain_store(path) -> Store:
    """The same schema (migrations, FTS5 table and triggers), pragmas and transactions, without encryption."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"isolation_level": None})

    @event.listens_for(engine, "connect")
    def _pragmas(conn, _record):
        for pragma in SESSION_PRAGMAS:
            conn.execute(pragma)

    begin_immediate(engine)
    migrate.upgrade(engine)
    return Store(path, engine, "plain-baseline")


def _prose(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _long_review(store: Store, rng: random.Random) -> int:
    """One review with 20 sections of 2,000 words each (the 12 Schedule 7 sections and 8 more)."""
    with store.engine.begin() as conn:
        child = conn.execute(
            insert(Child).values(
                child_ref="B1",
                first_name="Bench",
                last_name="Example",
                dob=date(2014, 1, 1),
                review_cycle="standard",
            )
        )
        review = conn.execute(
            insert(Review).values(
                child_id=child.inserted_primary_key[0],
                kind="standard",
                status="planned",
                planned_date=date(2026, 11, 25),
                source="app",
            )
        )
        review_id = review.inserted_primary_key[0]
        conn.execute(
            insert(ReviewSection),
            [
                {"review_id": review_id, "key": key, "text": _prose(rng, 2000)}
                for key in (*svc.SECTION_KEYS, *EXTRA_SECTIONS)
            ],
        )
    return review_id


def _autosave_samples(store: Store, review_id: int, edits: int, rng: random.Random) -> list[float]:
    texts = {s.key: s.text for s in svc.minutes(store, review_id, date(2026, 11, 25)).sections}
    samples = []
    for i in range(edits):
        key = svc.SECTION_KEYS[i % len(svc.SECTION_KEYS)]
        texts[key] += " " + rng.choice(WORDS)  # one more word typed, then the pause that triggers a save
        start = time.perf_counter()
        svc.save_section(store, review_id, key, texts[key])
        samples.append(time.perf_counter() - start)
    return samples


def test_autosave_latency_on_a_review_of_20_sections_of_2000_words(tmp_path):
    enc = create_store(tmp_path / "enc.db", SECRET, kdf=CHEAP_KDF)
    plain = _plain_store(tmp_path / "plain.db")
    enc_review, plain_review = _long_review(enc, random.Random(1)), _long_review(plain, random.Random(1))
    enc_s, base_s = [], []
    rng_enc, rng_plain = random.Random(2), random.Random(2)
    for _ in range(6):  # interleaved, so both see the same machine noise
        base_s += _autosave_samples(plain, plain_review, 50, rng_plain)
        enc_s += _autosave_samples(enc, enc_review, 50, rng_enc)
    enc.close()
    plain.close()
    report(
        "Autosave: save_section on a review of 20 sections x 2,000 words (FTS5 triggers, synchronous=FULL)",
        [
            ("edits timed", f"{len(enc_s)} per store"),
            (
                "SQLCipher median / p95 (target p95 < 20 ms)",
                f"{median_ms(enc_s):.2f} / {percentile_ms(enc_s, 95):.2f} ms",
            ),
            (
                "plain sqlite3 median / p95 (baseline)",
                f"{median_ms(base_s):.2f} / {percentile_ms(base_s, 95):.2f} ms",
            ),
            ("ratio SQLCipher / plain (median)", f"{median_ms(enc_s) / median_ms(base_s):.2f}x"),
        ],
    )


def _caseload(store: Store, rng: random.Random, children: int = 100, reviews: int = 20) -> int:
    """100 children with 20 held reviews each: 12 minuted sections, a wish and two decisions per review."""
    rows = 0
    with store.engine.begin() as conn:
        for c in range(children):
            child_id = conn.execute(
                insert(Child).values(
                    child_ref=f"S{c}",
                    first_name=f"Child{c}",
                    last_name="Example",
                    dob=date(2010, 1, 1),
                    review_cycle="standard",
                )
            ).inserted_primary_key[0]
            for r in range(reviews):
                held = date(2016, 1, 1) + timedelta(days=120 * r)
                review_id = conn.execute(
                    insert(Review).values(
                        child_id=child_id,
                        kind="standard",
                        status="held",
                        held_date=held,
                        planned_date=held,
                        source="app",
                    )
                ).inserted_primary_key[0]
                conn.execute(
                    insert(ReviewSection),
                    [
                        {"review_id": review_id, "key": key, "text": _prose(rng, 80)}
                        for key in svc.SECTION_KEYS
                    ],
                )
                conn.execute(
                    insert(WishEntry).values(
                        child_id=child_id,
                        review_id=review_id,
                        recorded_on=held,
                        how_obtained="app",
                        words=_prose(rng, 20),
                    )
                )
                conn.execute(
                    insert(Decision),
                    [
                        {
                            "child_id": child_id,
                            "review_id": review_id,
                            "number": n,
                            "action": _prose(rng, 12),
                            "person_responsible": "Sam Example",
                            "due_date": held,
                            "status": "done",
                        }
                        for n in (1, 2)
                    ],
                )
                rows += len(svc.SECTION_KEYS) + 3
            conn.execute(
                insert(MonitoringNote),
                [
                    {
                        "child_id": child_id,
                        "noted_on": date(2026, 1, 1),
                        "kind": "contact",
                        "text": _prose(rng, 60),
                    }
                    for _ in range(4)
                ],
            )
            rows += 4
    return rows


QUERIES = ("passport", "camhs referral", '"sibling contact"', "foot*", "dentist NOT dog", "sleepover nan")


def _query_samples(store: Store, repeat: int) -> tuple[list[float], int]:
    samples, hits = [], 0
    with store.engine.connect() as conn:
        for _ in range(repeat):
            for q in QUERIES:
                start = time.perf_counter()
                rows = conn.execute(
                    text(
                        "SELECT rowid, source, child_id, snippet(search_index, 0, '[', ']', '…', 12) "
                        "FROM search_index WHERE search_index MATCH :q ORDER BY rank LIMIT 50"
                    ),
                    {"q": q},
                ).all()
                samples.append(time.perf_counter() - start)
                hits += len(rows)
    return samples, hits


def test_full_text_search_across_100_children_with_20_reviews_each(tmp_path):
    enc = create_store(tmp_path / "enc.db", SECRET, kdf=CHEAP_KDF)
    plain = _plain_store(tmp_path / "plain.db")
    start = time.perf_counter()
    rows = _caseload(enc, random.Random(3))
    fill_s = time.perf_counter() - start
    _caseload(plain, random.Random(3))
    enc_s, base_s = [], []
    for _ in range(5):
        base, _ = _query_samples(plain, 2)
        timed, hits = _query_samples(enc, 2)
        base_s += base
        enc_s += timed
    with enc.engine.connect() as conn:
        indexed = conn.execute(text("SELECT count(*) FROM search_index")).scalar()
    enc.close()
    plain.close()
    report(
        "Full-text search (FTS5 MATCH, ranked, top 50 with snippets) over 100 children x 20 reviews",
        [
            ("rows indexed (sections, wishes, decisions, notes)", f"{indexed} (inserted {rows})"),
            ("filling the encrypted store, through the triggers", f"{fill_s:.1f} s"),
            ("queries timed", f"{len(enc_s)} ({len(QUERIES)} kinds)"),
            (
                "SQLCipher median / p95 (target < 50 ms)",
                f"{median_ms(enc_s):.2f} / {percentile_ms(enc_s, 95):.2f} ms",
            ),
            (
                "plain sqlite3 FTS5 median / p95 (baseline)",
                f"{median_ms(base_s):.2f} / {percentile_ms(base_s, 95):.2f} ms",
            ),
            ("ratio SQLCipher / plain (median)", f"{median_ms(enc_s) / median_ms(base_s):.2f}x"),
        ],
    )
