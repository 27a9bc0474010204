"""A log with many distinct free-text activities ("Letter No. N sent"), for bench_scale.py."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

#: The regular steps every case takes, with their types (an annotation table's columns).
BACKBONE = {
    "Application received": ("submit", "front_office", "Registry", "in_person", True),
    "Documents checked": ("verify", "back_office", "Registry", "internal", False),
    "Fee paid": ("pay", "citizen", "Bank", "in_person", True),
    "Decision made": ("approve", "back_office", "Registry", "internal", False),
    "Certificate issued": ("issue", "front_office", "Registry", "in_person", True),
}
_COLUMNS = ("kind", "actor", "agency", "channel", "citizen_present")


def letters_log(path: Path, cases: int = 200, letters: int = 1000, seed: int = 0) -> Path:
    """Write a CSV of ``cases`` cases along the backbone, where the ``letters`` letters
    "Letter No. N sent" (N unique: free text, one activity each) are spread over the cases,
    after the documents are checked."""
    rng = random.Random(seed)
    numbers = list(range(1, letters + 1))
    rng.shuffle(numbers)
    rows = ["case,activity,timestamp"]
    start = datetime(2024, 1, 1, 8)
    for case in range(cases):
        t = start + timedelta(hours=case * 3)
        names = list(BACKBONE)
        share = letters // cases + (1 if case < letters % cases else 0)
        for _ in range(share):
            names.insert(2, f"Letter No. {numbers.pop()} sent")
        for name in names:
            t += timedelta(minutes=rng.randint(10, 600))
            rows.append(f"c{case},{name},{t.isoformat()}")
    path.write_text("\n".join(rows) + "\n")
    return path


def letters_annotations(letters: int = 1000) -> dict[str, dict[str, object]]:
    """Every activity typed: the backbone as above, each letter a notice sent by mail."""
    known = {"documents_in": "none", "documents_out": "none", "mandatory": False}
    table = {name: dict(zip(_COLUMNS, row, strict=True)) | known for name, row in BACKBONE.items()}
    letter = ("notify", "back_office", "Registry", "mail", False)
    for n in range(1, letters + 1):
        table[f"Letter No. {n} sent"] = dict(zip(_COLUMNS, letter, strict=True)) | known
    return table
