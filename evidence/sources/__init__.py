"""One module per input format, each implementing `Source`; `evidence.extract.REGISTRY` lists
them in sniff order.

The interface follows plaso's parsers: a cheap `sniff` by signature (magic bytes, XML root, CSV
header, SQLite schema, file name — never by reading a PDF's text or decoding pixels), a
`validate` that may refuse a file it claimed with a reason a lawyer can act on, and a `read`
that never raises on bad data. Each module also declares what its timestamps mean.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from evidence import model
from evidence.model import Basis, Event, FileKind, Issue, SourceFile

if TYPE_CHECKING:
    from evidence.ocr.model import OcrOutcome


@dataclasses.dataclass(frozen=True)
class Context:
    """What a reader needs to know about the case, passed down (no process-wide state)."""

    tz: dt.tzinfo
    lang: str = "zh-Hans"
    not_after: dt.datetime | None = None  # latest plausible time (the intake/check date)
    victim: model.Victim | None = None
    # [case] period as instants: [first day 00:00, day after the last 00:00) in the case zone
    period: tuple[dt.datetime, dt.datetime] | None = None
    # The OCR stage (evidence.ocr.stage.Reader): accepted screenshot/photo -> its page. None: no
    # OCR, and images give one event each as always.
    ocr: Callable[[SourceFile], OcrOutcome] | None = None

    @property
    def period_days(self) -> tuple[dt.date, dt.date] | None:
        """The period as its first and last day in the case zone."""
        if self.period is None:
            return None
        start, end = self.period
        return (start.astimezone(self.tz).date(),
                (end.astimezone(self.tz) - dt.timedelta(days=1)).date())


class Source(Protocol):
    """What every module in `evidence/sources/` declares and does (checked by mypy where
    `extract.REGISTRY` is typed, and by tests/test_formats.py)."""

    __name__: str  # the module's name: its registry name is the last part

    # What the time of its events means (plaso's timestamp_desc): "message_time" (received,
    # or sent for outgoing messages), "call_started", "transaction_time", "recording_started",
    # "taken", "stated_in_text", "document_created". An event may refine it in
    # details["time_meaning"] ("received", "saved", "file_modified" …).
    TIME_MEANING: str
    # How its times are known at best (Basis.EXACT for a device log; an event may be weaker).
    BASIS: Basis

    def sniff(self, head: bytes, name: str) -> bool:
        """Is this file ours? `head` is the file's first bytes (extract.HEAD_BYTES; for an SQLite
        database followed by its schema, see evidence.sqlitedb), `name` its file name.
        Cheap, and must never raise."""
        ...

    def kind(self, head: bytes, name: str) -> FileKind:
        """The inventory kind of a file this module sniffed as its own."""
        ...

    def validate(self, path: Path, lang: str) -> str | None:
        """One sentence saying why this file cannot be used (it is then rejected), or None."""
        ...

    def read(self, file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
        """Events and problems of one accepted file; never raises on bad data."""
        ...
