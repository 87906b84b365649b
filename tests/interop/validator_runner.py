"""Runs the councils' SSDA903 validator (csc-validator-be-903, import name lac_validator) on a folder.

It runs inside the validator's own virtual environment (it needs pandas<2, which the app must not have):
    python validator_runner.py FOLDER COLLECTION_YEAR RULESET
and prints one JSON object: the tables it read, the rules that could not run, and one finding per flagged
row, {"table", "row" (0-based data row, as the validator counts), "child", "rule"}.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import sys
import warnings
from pathlib import Path

LOCAL_AUTHORITY = "E09000027"  # any valid code: no REVIEWS rule depends on it


def _findings(results: dict) -> list[dict]:
    found = []
    for table, frame in results.items():
        if not hasattr(frame, "columns"):
            continue  # the metadata entry
        for column in (c for c in frame.columns if str(c).startswith("ERR_")):
            for row in frame.index[frame[column].eq(True)]:
                child = frame.at[row, "CHILD"]
                found.append({"table": table, "row": int(row), "child": str(child), "rule": column[4:]})
    return found


def validate(folder: Path, year: str, ruleset: str) -> dict:
    from lac_validator.lac_validator import LacValidator
    from lac_validator.utils import process_uploaded_files

    logging.disable(
        logging.CRITICAL
    )  # the validator logs every rule it runs, and tracebacks of the ones that fail
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    files = process_uploaded_files({"This year": sorted(str(p) for p in folder.glob("*.csv"))})
    metadata = {"collectionYear": year, "localAuthority": LOCAL_AUTHORITY}
    with contextlib.redirect_stdout(sys.stderr):  # some rules print as they run: keep stdout for the JSON
        validator = LacValidator(metadata=metadata, files=files, registry=registry)
    return {
        "ruleset": ruleset,
        "collection_year": year,
        "tables": {name: len(frame) for name, frame in validator.dfs.items()},
        "rules_not_run": [str(code) for code in validator.fails],
        "findings": _findings(validator.ds_results),
    }


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    folder_arg, year_arg, ruleset_arg = sys.argv[1:4]
    print(json.dumps(validate(Path(folder_arg), year_arg, ruleset_arg)))
