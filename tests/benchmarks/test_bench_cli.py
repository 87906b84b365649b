"""Command-line benchmarks: `caseload --json` at 60 and 10,000 children, and `verify` of a signed record.

Each command is the installed `.venv/bin/iro-desktop`, started as a process as the README starts it, and
timed against a baseline process in the same run, the two interleaved so both see the same noise:
- caseload: tests/benchmarks/plain_caseload.py, which opens the same store with sqlcipher3 and the raw key,
  reads the same rows and writes the same JSON objects with values straight from the rows. Both unwrap the
  data key with the store's own KDF, here the cheap test KDF, so the key derivation is excluded from both.
- verify: `python -c pass`, and a process that reads the bundle and checks its hash and signature only.
Peak memory is each process's own maximum resident set (os.wait4 in a small launcher).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from iro_desktop.records.export import export_record
from iro_desktop.services.demo import populate_demo
from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import SignedRecord
from tests.benchmarks.conftest import DEMO_SECRET
from tests.benchmarks.helpers import interleaved, peaks, process_ms, report

TODAY = date(2026, 11, 25)
SECRET = DEMO_SECRET
SIZES = (60, 10000)
RUNS = 5
ENV = {"IRO_DESKTOP_PASSPHRASE": SECRET}
ROOT = Path(__file__).resolve().parents[2]
IRO = Path(sys.executable).with_name("iro-desktop")
SIGNATURE_ONLY = """
import base64, hashlib, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from iro_desktop.records.signing import record_statement
b = json.loads(open(sys.argv[1], "rb").read())
assert hashlib.sha256(base64.b64decode(b["canonical_json"])).hexdigest() == b["content_hash"]
statement = record_statement(*(b[k] for k in ("record_id", "record_version", "kind", "content_hash",
                                              "pdf_hash", "supersedes_hash")))
Ed25519PublicKey.from_public_bytes(base64.b64decode(b["public_key"])).verify(
    base64.b64decode(b["signature"]), statement)
"""


@pytest.fixture(scope="module")
def stores(demo_files) -> dict[int, Path]:
    return {size: demo_files(size) for size in SIZES}


def test_caseload_json_against_a_plain_sqlcipher_script(stores):
    day = TODAY.isoformat()
    commands = {}
    for size, db in stores.items():
        commands[f"app{size}"] = [IRO, "caseload", "--db", db, "--json", "--as-of", day]
        commands[f"plain{size}"] = [sys.executable, "-m", "tests.benchmarks.plain_caseload", db, day]
    runs = interleaved(commands, RUNS, ENV, ROOT)
    app = {n: process_ms(runs[f"app{n}"]) for n in SIZES}
    plain = {n: process_ms(runs[f"plain{n}"]) for n in SIZES}
    report(
        f"iro-desktop caseload --json, KDF excluded (median of {RUNS} interleaved runs each)",
        [
            *(
                row
                for n in SIZES
                for row in (
                    (f"{n:>6} children: iro-desktop caseload --json", f"{app[n]:6.0f} ms"),
                    (f"{n:>6} children: plain sqlcipher3 script (baseline)", f"{plain[n]:6.0f} ms"),
                    (f"{n:>6} children: ratio (target <= 3x at 10,000)", f"{app[n] / plain[n]:6.2f}x"),
                    (f"{n:>6} children: peak memory, app / baseline", peaks(runs, f"app{n}", f"plain{n}")),
                )
            ),
            ("10,000 / 60, iro-desktop (target < 170x; linear is 167x)", f"{app[10000] / app[60]:.1f}x"),
            ("10,000 / 60, baseline", f"{plain[10000] / plain[60]:.1f}x"),
        ],
    )


def test_verify_against_python_and_the_signature_check_alone(tmp_path):
    store = create_store(tmp_path / "v.db", SECRET, kdf=TEST_KDF, is_demo=True)
    try:
        populate_demo(store, TODAY, size=20)  # the demo signs some reviews: export one, PDF and all
        with store.session() as s:
            record_id = s.scalars(select(SignedRecord.record_id).where(SignedRecord.kind == "review")).first()
        bundle = export_record(store, record_id, tmp_path / "record.json")
    finally:
        store.close()
    runs = interleaved(
        {
            "pass": [sys.executable, "-c", "pass"],
            "signature": [sys.executable, "-c", SIGNATURE_ONLY, bundle],
            "verify": [IRO, "verify", bundle],
        },
        RUNS,
        ENV,
        ROOT,
    )
    verify, signature, bare = (process_ms(runs[name]) for name in ("verify", "signature", "pass"))
    report(
        f"iro-desktop verify of a signed review ({bundle.stat().st_size // 1024} KiB; median of {RUNS} each)",
        [
            ("python -c pass", f"{bare:.0f} ms"),
            ("signature check alone, as a process (baseline)", f"{signature:.0f} ms"),
            ("iro-desktop verify FILE", f"{verify:.0f} ms"),
            ("ratio to the baseline (target <= 2x)", f"{verify / signature:.2f}x"),
            ("peak memory, verify / baseline", peaks(runs, "verify", "signature")),
        ],
    )
