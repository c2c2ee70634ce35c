"""The nouns of the tool. Frozen dataclasses: stages pass them along, never mutate them.

Data flows one way: files -> SourceFile -> Event -> Plan -> PDF.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path


class Severity(enum.StrEnum):
    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"


@dataclasses.dataclass(frozen=True)
class Issue:
    """A problem found while working: carried to the report, never raised.

    `code` is a stable short identifier (e.g. "zero_byte") tests and JSON consumers match on;
    `message` is one sentence for a lawyer: what happened and what to do.
    """

    severity: Severity
    code: str
    message: str
    path: str | None = None  # relative to the victim folder (or case folder for case-level issues)
    locator: str | None = None  # record inside the file: "sms[12]", "row 7", "page 3 line 5"


class FileKind(enum.StrEnum):
    SMS_BACKUP = "sms_backup"  # SMS Backup & Restore sms-*.xml
    SMS_EXPORT = "sms_export"  # CSV exports of messages
    SMS_DB = "sms_db"  # iOS sms.db
    CALL_LOG = "call_log"  # calls-*.xml, call CSV, iOS CallHistory.storedata
    RECORDING = "recording"
    SCREENSHOT = "screenshot"
    PHOTO = "photo"
    BANK_STATEMENT = "bank_statement"  # PDF or CSV with transactions
    NOTICE_TEXT = "notice_text"  # plain text with pasted SMS / bank notices
    DOCUMENT = "document"  # any other readable PDF
    UNKNOWN = "unknown"


class Status(enum.StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"  # same bytes as an accepted file; exhibited once, listed in custody


@dataclasses.dataclass(frozen=True)
class SourceFile:
    """One file found under a victim folder, as the inventory saw it."""

    path: str  # POSIX path relative to the victim folder
    abspath: Path
    sha256: str
    size: int
    kind: FileKind
    status: Status
    reason: str | None = None  # why rejected, in words a lawyer understands
    duplicate_of: str | None = None  # path of the accepted file with the same bytes
    received: dt.datetime | None = None  # from intake.json, when the file came through intake
    original_path: str | None = None  # path inside the victim's submission (zip/folder)
    # The file's modification time: as recorded in intake.json when the file came through
    # intake (what the victim's device or zip said), else as found on disk — which a plain
    # copy changes. Weak either way: shown flagged, never used to order or number anything.
    mtime: dt.datetime | None = None
    # A companion of another accepted file that is read together with it (an SQLite -wal /
    # -shm beside its database): its path; never exhibited or read on its own.
    part_of: str | None = None


class Basis(enum.StrEnum):
    """How sure a timestamp is, best first."""

    EXACT = "exact"  # device log with an epoch or zoned time
    TEXT = "text"  # stated in a message body (bank notice), completed from the message time
    OCR = "ocr"  # read by OCR on a screenshot or photo (a stated or displayed time)
    EXIF = "exif"
    FILENAME = "filename"
    FILE_MTIME = "file_mtime"  # weak: changes when files are copied
    MANUAL = "manual"  # typed by the lawyer in victim.toml


class EventKind(enum.StrEnum):
    CALL = "call"
    SMS = "sms"
    BANK_NOTICE = "bank_notice"
    VERIFICATION_CODE = "verification_code"
    PHISHING = "phishing"  # a message carrying a link to a look-alike page
    RECORDING = "recording"
    SCREENSHOT = "screenshot"
    PHOTO = "photo"
    TRANSACTION = "transaction"  # a bank statement row
    DOCUMENT = "document"
    ORDER = "order"
    MANUAL = "manual"


class Direction(enum.StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


@dataclasses.dataclass(frozen=True, slots=True)  # issue 23: one per record, 600k in a backup
class SourceRef:
    path: str  # relative to the victim folder
    sha256: str
    locator: str  # "sms[12]", "row 7", "rowid 31", "page 2 line 14", "file", "orders[0]"


@dataclasses.dataclass(frozen=True, slots=True)  # issue 23: slots, 600k of them in a backup
class Event:
    time: dt.datetime  # always aware
    basis: Basis
    kind: EventKind
    summary: str  # one line in the case language
    source: SourceRef
    counterparty: str | None = None  # normalised number or sender (95588, 13757123456)
    attribution: str | None = None  # "浙江省杭州市 中国移动", "中国工商银行"
    amount: Decimal | None = None  # CNY unless details["currency"] says otherwise
    direction: Direction | None = None
    zone_assumed: bool = False  # the source had no zone: the case zone was applied
    details: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # other sources carrying the very same record (merged duplicates), kept for the citation
    also: tuple[SourceRef, ...] = ()

    def __hash__(self) -> int:  # details is a dict; identity of an event is its source
        return hash((self.time, self.kind, self.source))

    @property
    def needs_review(self) -> bool:
        """Marked for the lawyer's review (a guessed year, a time outside the case period…):
        shown in the chronology, counted in no total until reviewed."""
        return self.details.get(NEEDS_REVIEW) == "true"


NEEDS_REVIEW = "needs_review"  # details key: "true" when the event must be reviewed
REVIEW_REASON = "review_reason"  # details key: why, one sentence a reason ("; " between)


def for_review(details: Mapping[str, str], reason: str) -> dict[str, str]:
    """`details` marked for review with `reason` added to any reason already there."""
    reasons = [r for r in (details.get(REVIEW_REASON), reason) if r]
    return {**details, NEEDS_REVIEW: "true", REVIEW_REASON: "; ".join(dict.fromkeys(reasons))}


# ---- case configuration ------------------------------------------------------------------


class CompensationStatus(enum.StrEnum):
    NONE = "none"
    REGISTERED = "registered"
    AGREEMENT = "agreement"
    PAID = "paid"


@dataclasses.dataclass(frozen=True)
class Order:
    id: str
    placed: dt.datetime
    item: str = ""
    amount: Decimal | None = None
    channel: str = ""
    zone_assumed: bool = True


@dataclasses.dataclass(frozen=True)
class ManualEvent:
    time: dt.datetime
    kind: str
    summary: str
    zone_assumed: bool = True


@dataclasses.dataclass(frozen=True)
class Compensation:
    status: CompensationStatus = CompensationStatus.NONE
    amount_paid: Decimal = Decimal("0")


@dataclasses.dataclass(frozen=True)
class Victim:
    id: str
    folder: Path
    name: str = ""
    region: str = ""
    phone: str = ""
    id_number: str = ""
    cards: tuple[str, ...] = ()
    claimed_loss: Decimal | None = None
    orders: tuple[Order, ...] = ()
    compensation: Compensation = dataclasses.field(default_factory=Compensation)
    events: tuple[ManualEvent, ...] = ()
    purposes: Mapping[str, str] = dataclasses.field(default_factory=dict)  # path -> 证明目的
    exhibit_names: Mapping[str, str] = dataclasses.field(default_factory=dict)  # path -> 证据名称
    exhibit_facts: Mapping[str, str] = dataclasses.field(default_factory=dict)  # path -> exhibits.Fact
    transcripts: Mapping[str, str] = dataclasses.field(default_factory=dict)  # recording -> its transcript
    config_found: bool = True  # False when victim.toml is missing


@dataclasses.dataclass(frozen=True)
class Case:
    folder: Path
    title: str
    court: str = ""
    counsel: str = ""
    defendant: str = ""
    timezone: str = "Asia/Shanghai"
    bates_prefix: str = "EV"
    language: str = "zh-Hans"
    template: str = "default"
    redaction: str = ""  # [case] redaction: the lawyer's copy of templates/redaction.toml
    # 制作日期 / the evidence list's date / PDF CreationDate: [case] build_date, else
    # SOURCE_DATE_EPOCH, else the day the case was loaded in its zone (config decides)
    build_date: dt.date | None = None
    # [case] period: the first and last day (inclusive, case zone) the case is about
    period: tuple[dt.date, dt.date] | None = None


# ---- what the renderer hands the output layer (plain values; issue 19: render imports nothing
# from evidence/pdf, so these live here) ----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Raster:
    """An image file whose compressed data a PDF can carry unchanged.

    JPEG: the whole file as /DCTDecode. PNG (8-bit grey/RGB, not interlaced): the IDAT chunks
    joined, as /FlateDecode with the PNG predictor, which is what img2pdf does, minus its full
    decode of the image.
    """

    path: Path
    filter: str  # "/DCTDecode" | "/FlateDecode"
    width: int
    height: int
    colors: int  # 1 grey, 3 RGB
    rotate: int = 0  # clockwise display rotation from EXIF orientation
    idat: tuple[tuple[int, int], ...] = ()  # PNG: (offset, length) of each IDAT payload


@dataclasses.dataclass(frozen=True)
class StampText:
    """The stamps' text as render.dossier.stamp_text made it."""

    pdf: bytes  # one page whose /Resources hold the font subsets the stamps use
    runs: tuple[tuple[tuple[str, bytes], ...], ...]  # per stamp: (font name, codes) pieces
    widths: tuple[float, ...]  # per stamp, at `size`
    size: float


@dataclasses.dataclass(frozen=True)
class BundleSection:
    title: str  # outline entry inside the front matter
    page: int  # 0-based page in the front matter


@dataclasses.dataclass(frozen=True)
class BundleStampFace:
    """How bundle stamps are drawn (render.joint.stamp_face): `sheet` has one page per
    character of `chars`, drawn in black from x = 0 at the stamp's baseline; `widths` are their
    advances; `size` is the stamp's box. A label is these glyph forms side by side, right-aligned
    on a white knock-out: extractable text, embedded font, a few bytes per page."""

    sheet: bytes
    chars: str
    widths: tuple[float, ...]
    size: tuple[float, float]
    # issue 17: a page's own stamp (a dossier's) goes beneath the bundle number, at `small`
    # times its size, as `beneath` puts it ("（{stamp}）"); `line`: a glyph line's height
    line: float = 14.0
    small: float = 0.75
    beneath: str = "({stamp})"
    # duplex printing: on a verso (even bundle page) the binding is on the right, so the stamp
    # stands this far left of the bottom right, as the dossier's own stamp does after its gutter
    verso_shift: float = 0.0
