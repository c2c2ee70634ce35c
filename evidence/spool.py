"""issue 23: a large message export's events with their text on disk.

A phone's whole backup (600,000 messages in a 260 MB SMS Backup & Restore file) held as Event
objects took ~1 KB a message: 1 GB for `check`. Most of it is text — the summary, the details
(the body, the phone's own date) and the record's locator — which the chronology's order, its
merges and its facts never read for a plain message. So past SPOOL_ABOVE events, a reader's
events keep in memory what those steps use (time, kind, basis, number, place, amount,
direction, zone flag) and write the rest, one record per event, to an unnamed temporary file
(`SpooledEvent`): read back when something asks for it (the JSON and CSV writers, the listing,
the pages), one record at a time. ~230 bytes a message instead of ~1 KB.

A spooled event is an Event in every way the code can see (same fields, same values, same
identity for as long as it lives); `dataclasses.replace` of one gives a plain Event. Its
details answer `in` and `get` of a key they do not hold without reading the disk (each record's
key set is kept), so a scan for a rare key (a lure, a phishing domain) costs nothing per
message.

The file is unnamed (created unlinked, `tempfile.TemporaryFile`): nothing is left behind by a
kill, nothing is ever written in the case folder, and it goes when its last event goes. A
spooled event that is pickled (to another process) travels as a plain Event.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import tempfile
from array import array
from collections.abc import ItemsView, Iterator, KeysView, Mapping, Sequence, ValuesView
from typing import Any

from evidence.model import Event, SourceRef

SPOOL_ABOVE = 20_000  # events of one file kept whole in memory up to this many


class Spool:
    """One file's records on disk: (summary, locator, details) per event, appended."""

    def __init__(self, path: str, sha256: str) -> None:
        self.path, self.sha256 = path, sha256
        # unnamed, closed with the spool (when its last event goes): never a file left behind
        self._file = tempfile.TemporaryFile(prefix="evidence-spool-")  # noqa: SIM115
        self._starts = array("q")
        self._sizes = array("I")
        self._keys = array("H")  # each record's key set, an index into _key_sets
        self._key_sets: list[frozenset[str]] = []
        self._key_ids: dict[tuple[str, ...], int] = {}
        self._end = 0
        self._dirty = False
        self._last: tuple[int, tuple[str, str, dict[str, str]]] | None = None

    def add(self, summary: str, locator: str, details: Mapping[str, str]) -> int:
        """Write one record; its number."""
        data = marshal.dumps((summary, locator, details if type(details) is dict else dict(details)))
        self._file.write(data)
        self._starts.append(self._end)
        self._sizes.append(len(data))
        self._end += len(data)
        self._dirty = True
        keys = tuple(details)
        at = self._key_ids.get(keys)
        if at is None:
            at = self._key_ids[keys] = len(self._key_sets)
            self._key_sets.append(frozenset(keys))
        self._keys.append(at)
        return len(self._starts) - 1

    def has(self, rec: int, key: str) -> bool:
        return key in self._key_sets[self._keys[rec]]

    def record(self, rec: int) -> tuple[str, str, dict[str, str]]:
        """(summary, locator, details) of record `rec`; the last one read is kept, since a
        caller usually asks for several fields of one event in a row."""
        last = self._last
        if last is not None and last[0] == rec:
            return last[1]
        if self._dirty:
            self._file.flush()
            self._dirty = False
        got = marshal.loads(os.pread(self._file.fileno(), self._sizes[rec], self._starts[rec]))
        self._last = (rec, got)
        return got  # type: ignore[no-any-return]

    def event(self, e: Event) -> SpooledEvent:
        """`e` with its text written here."""
        rec = self.add(e.summary, e.source.locator, e.details)
        thin = object.__new__(SpooledEvent)
        for slot in _KEPT_SLOTS:
            slot.__set__(thin, slot.__get__(e))
        _SPOOL_SLOT.__set__(thin, self)
        _REC_SLOT.__set__(thin, rec)
        return thin


class LazyDetails(Mapping[str, str]):
    """A spooled event's details: read from disk only when a key it holds is asked for."""

    __slots__ = ("_rec", "_spool")

    def __init__(self, spool: Spool, rec: int) -> None:
        self._spool, self._rec = spool, rec

    def _all(self) -> dict[str, str]:
        return self._spool.record(self._rec)[2]

    def __getitem__(self, key: str) -> str:
        return self._all()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._all()[key] if self._spool.has(self._rec, key) else default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._spool.has(self._rec, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    # the whole mapping asked for: the dict's own views (what writing an event costs)
    def keys(self) -> KeysView[str]:
        return self._all().keys()

    def items(self) -> ItemsView[str, str]:
        return self._all().items()

    def values(self) -> ValuesView[str]:
        return self._all().values()

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self) -> tuple[Any, ...]:  # copied or pickled: a plain dict
        return (dict, (dict(self._all()),))


# what a spooled event keeps in memory: every field but the text
_KEPT = tuple(f.name for f in dataclasses.fields(Event) if f.name not in ("summary", "source",
                                                                          "details"))


class SpooledEvent(Event):
    """An Event whose summary, locator and details are in a Spool (see the module docstring)."""

    __slots__ = ("_rec", "_spool")
    _spool: Spool
    _rec: int

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # dataclasses.replace(e, ...) calls the class with every field: a plain Event
        return Event(*args, **kwargs)

    @property
    def summary(self) -> str:
        return self._spool.record(self._rec)[0]

    @property
    def source(self) -> SourceRef:
        s = self._spool
        return SourceRef(s.path, s.sha256, s.record(self._rec)[1])

    @property
    def details(self) -> Mapping[str, str]:
        return LazyDetails(self._spool, self._rec)

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        whole = self.whole()  # a plain Event on the other side
        return (_plain, (tuple(getattr(whole, f.name) for f in dataclasses.fields(Event)),))

    def whole(self) -> Event:
        """The plain Event, its text read back."""
        summary, locator, details = self._spool.record(self._rec)
        return Event(**{name: getattr(self, name) for name in _KEPT}, summary=summary,
                     source=SourceRef(self._spool.path, self._spool.sha256, locator),
                     details=details)


# (the slots themselves: setting 600,000 events' fields by name cost a second; issue 23)
_KEPT_SLOTS = tuple(Event.__dict__[name] for name in _KEPT)
_SPOOL_SLOT, _REC_SLOT = SpooledEvent.__dict__["_spool"], SpooledEvent.__dict__["_rec"]


def _plain(values: tuple[Any, ...]) -> Event:
    return Event(*values)


def path_of(e: Event) -> str:
    """`e.source.path`, without reading a spooled event's record."""
    return e._spool.path if isinstance(e, SpooledEvent) else e.source.path


def spooled(e: Event) -> bool:
    return isinstance(e, SpooledEvent)


def replace(e: Event, **changes: Any) -> Event:
    """`dataclasses.replace`, keeping a spooled event's text on disk (a new record)."""
    new = dataclasses.replace(e, **changes)
    return e._spool.event(new) if isinstance(e, SpooledEvent) else new


def kept(before: Sequence[Event], after: list[Event]) -> list[Event]:
    """`after` (a step's events, position for position those of `before`), each event the
    step replaced whose `before` was spooled written to that spool in turn: a phone's bank
    notices whose balances were checked do not stay whole in memory."""
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        if new is not old and isinstance(old, SpooledEvent) and not isinstance(new, SpooledEvent):
            after[i] = old._spool.event(new)
    return after


class Collector:
    """A reader's events of one file, in reading order: whole in memory up to SPOOL_ABOVE,
    past that every event's text on disk. `key`: the reader's repeat key (common.drop_repeats);
    its hash is taken while the event is whole, so finding repeats reads nothing back."""

    def __init__(self, path: str, sha256: str, key: Any = None) -> None:
        self.events: list[Event] = []
        self.hashes = array("q")
        self._key = key
        self._spool: Spool | None = None
        self._path, self._sha = path, sha256

    def append(self, e: Event) -> None:
        if self._key is not None:
            self.hashes.append(hash(self._key(e)))
        if self._spool is None and len(self.events) >= SPOOL_ABOVE:
            self._spool = Spool(self._path, self._sha)
            self.events = [self._spool.event(x) for x in self.events]
        can = (self._spool is not None and not e.also and e.source.path == self._path
               and e.source.sha256 == self._sha)
        self.events.append(self._spool.event(e) if can and self._spool is not None else e)
