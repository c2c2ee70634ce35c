"""Everything known about one victim, gathered once: config, inventory, events, timeline.

`check`, `timeline` and `build` all start here, so they can never disagree about a victim.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from evidence import config, extract, inventory, template, timeline, times
from evidence.model import Case, Issue, SourceFile, Victim
from evidence.sources import victim_toml

if TYPE_CHECKING:
    from evidence.ocr.model import OcrOutcome


@dataclasses.dataclass(frozen=True)
class Collected:
    case: Case
    victim: Victim
    inventory: inventory.Inventory
    timeline: timeline.Timeline
    issues: tuple[Issue, ...]  # config + inventory + extraction + timeline problems, in that order


def context(case: Case, victim: Victim | None = None, not_after: dt.datetime | None = None,
            ocr: Callable[[SourceFile], OcrOutcome] | None = None) -> extract.Context:
    tz = times.zone(case.timezone)
    lang = case.language if case.language in template.LANGUAGES else "zh-Hans"
    period = times.day_bounds(*case.period, tz) if case.period else None
    return extract.Context(tz=tz, lang=lang, not_after=not_after or times.now(), victim=victim,
                           period=period, ocr=ocr)


def victim(case: Case, victim_id: str, not_after: dt.datetime | None = None,
           digest: Callable[[Path], str] | None = None,
           ocr: Callable[[SourceFile], OcrOutcome] | None = None) -> Collected:
    """`digest`: SHA-256 of an input file, when the caller already has them (batch).
    `ocr`: the OCR stage's Reader (issue 21), None: images' text is not read."""
    person, config_issues = config.load_victim(case, victim_id)
    ctx = context(case, person, not_after, ocr)
    inv = inventory.scan(person, ctx, digest)
    events, read_issues = extract.run(inv.files, ctx)
    manual, manual_issues = victim_toml.events(person, ctx)
    tl = timeline.build([*events, *manual], person, ctx)
    issues = _unique([*config_issues, *inv.issues, *read_issues, *manual_issues, *tl.issues])
    return Collected(case, person, inv, tl, issues)


def _unique(issues: list[Issue]) -> tuple[Issue, ...]:
    """A reader and the timeline may both note the same thing about one file (e.g. an
    assumed zone): say it once."""
    seen: set[tuple[str, str | None, str | None]] = set()
    out = []
    for issue in issues:
        key = (issue.code, issue.path, issue.locator)
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return tuple(out)
