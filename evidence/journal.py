"""The intake journal (issue 23): CASE/.intake-journal/<victim>.jsonl.

Intake appends a pending line (the record a file will have, plus `target`, its intended stored
path) and makes it durable before the file enters originals/; the journal is removed once
intake.json records every file. A line left behind is a file that was announced and then either
stored without its record (the next intake adopts it) or never stored whole: `unfulfilled` finds
the latter, which `check` and the next intake report — a custody gap is never silent.

At the case level, not in the victim folder, which holds evidence only.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

DIR = ".intake-journal"


def path(case_folder: Path, victim_id: str) -> Path:
    return case_folder / DIR / f"{victim_id}.jsonl"


def pending(journal: Path) -> list[dict[str, Any]]:
    """The journal's lines; a line cut short by a crash while it was written is no record.
    Raises OSError when the journal exists but cannot be read."""
    try:
        text = journal.read_text("utf-8", errors="replace")
    except FileNotFoundError:
        return []
    lines: list[dict[str, Any]] = []
    for raw in text.splitlines():
        with contextlib.suppress(ValueError):
            if isinstance(line := json.loads(raw), dict):
                lines.append(line)
    return lines


def clear(journal: Path) -> None:
    journal.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        journal.parent.rmdir()  # only when no other victim's journal is pending


def recorded(line: Mapping[str, Any], records: Iterable[Mapping[str, Any]]) -> bool:
    """intake.json already holds the file this line announced (intake stopped after writing
    intake.json, before removing the journal)."""
    return any(r.get("sha256") == line.get("sha256") and r.get("original_path") == line.get("original_path")
               and r.get("received") == line.get("received") for r in records)


def unfulfilled(lines: Iterable[Mapping[str, Any]], records: Iterable[Mapping[str, Any]],
                stored: Mapping[str, str]) -> list[Mapping[str, Any]]:
    """Lines whose file is neither recorded nor stored with the announced bytes anywhere in
    originals/ (`stored`: path relative to the victim folder -> SHA-256 of the files there)."""
    records = list(records)
    there = set(stored.values())
    return [line for line in lines
            if not recorded(line, records) and line.get("sha256") not in there]
