"""issue 23: what a dossier lists of a large message export.

A phone's whole backup (600,000 messages in a 260 MB SMS Backup & Restore file) is one exhibit
whose original carrier is the export itself, cited by its SHA-256. Printed whole it would be tens
of thousands of pages, so a file holding more than LIST_ALL messages is listed in part: every
message that bears on the case in full (from a fraud number, a phishing link, a counted debit,
sent or received in the fraud window — a day either side of the orders, the first fraud call and
the debits — and, when the case names its `[case] period`, every bank or payment notice and code
of that period, so a refund or a later debit weeks after the fraud is on the page), the rest
counted by kind. A whole period of notices is not listed without one: a backup in which one
message in five is a bank notice gave 540 pages for 63,000 messages. The page says so.
Nothing is dropped: timeline.json holds every message and the chronology's note names the
file and its hash.

Pure: model values in, model values out (layout.plan calls it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from evidence import spool
from evidence.model import Event, EventKind

LIST_ALL = 2000  # a file with up to this many messages is listed whole
MARGIN = dt.timedelta(days=1)
MESSAGE_KINDS = frozenset({EventKind.SMS, EventKind.BANK_NOTICE, EventKind.VERIFICATION_CODE,
                           EventKind.PHISHING})


@dataclasses.dataclass(frozen=True)
class Listing:
    """One large message file, as the dossier lists it."""

    path: str
    sha256: str
    held: int  # messages the file holds
    listed: int  # of them listed in full
    unlisted: tuple[tuple[str, int], ...]  # (event kind, count) of the others, by kind
    window: tuple[dt.datetime, dt.datetime] | None  # the fraud window used, if any


def period_span(period: tuple[dt.date, dt.date] | None, tz: dt.tzinfo
                ) -> tuple[dt.datetime, dt.datetime] | None:
    """[case] period's first and last day (inclusive) as [start, end) in the case zone."""
    if period is None:
        return None
    return (dt.datetime.combine(period[0], dt.time(), tz),
            dt.datetime.combine(period[1] + dt.timedelta(days=1), dt.time(), tz))


def window(anchors: Iterable[dt.datetime | None]) -> tuple[dt.datetime, dt.datetime] | None:
    """A day either side of the case's own moments (orders, first fraud call, debits)."""
    times = [t for t in anchors if t is not None]
    return (min(times) - MARGIN, max(times) + MARGIN) if times else None


def relevant(e: Event, numbers: frozenset[str], marked: frozenset[int],
             span: tuple[dt.datetime, dt.datetime] | None,
             period: tuple[dt.datetime, dt.datetime] | None = None) -> bool:
    if e.kind not in MESSAGE_KINDS or e.kind is EventKind.PHISHING or id(e) in marked:
        return True
    if period is not None and e.kind is not EventKind.SMS and period[0] <= e.time < period[1]:
        return True
    if e.counterparty and e.counterparty in numbers:
        return True
    return span is not None and span[0] <= e.time <= span[1]


def hidden(by_path: Mapping[str, Sequence[Event]], numbers: Iterable[str], marked: Iterable[Event],
           span: tuple[dt.datetime, dt.datetime] | None,
           period: tuple[dt.datetime, dt.datetime] | None = None
           ) -> tuple[set[int], tuple[Listing, ...]]:
    """(ids of the events not listed, the large files' listings). An event is left out only
    when every file it is read from is large and it bears on nothing above. `period`: the
    case's [case] period as [start, end) in the case zone."""
    large = {path for path, evs in by_path.items()
             if sum(e.kind in MESSAGE_KINDS for e in evs) > LIST_ALL}
    if not large:
        return set(), ()
    keep, ids = frozenset(numbers), frozenset(id(e) for e in marked)
    left_out: set[int] = set()
    listings = []
    for path in sorted(large):
        counts: dict[str, int] = {}
        messages = [e for e in by_path[path] if e.kind in MESSAGE_KINDS]
        for e in messages:
            if not relevant(e, keep, ids, span, period) and _only_in(e, large):
                left_out.add(id(e))
                counts[str(e.kind)] = counts.get(str(e.kind), 0) + 1
        sha = next((r.sha256 for e in messages for r in (e.source, *e.also) if r.path == path), "")
        listings.append(Listing(path, sha, len(messages), len(messages) - sum(counts.values()),
                                tuple(sorted(counts.items())), span))
    return left_out, tuple(listings)


def _only_in(e: Event, large: set[str]) -> bool:
    """Every file `e` is read from is large (a spooled event's own path without its text)."""
    return spool.path_of(e) in large and all(r.path in large for r in e.also)
