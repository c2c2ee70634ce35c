"""Reading XML exported by phones: safely, in a stream, and despite the exporters' bugs.

SMS Backup & Restore writes emoji as two UTF-16 halves (`&#55357;&#56396;`), which every
conforming parser rejects; it also leaves files truncated when the phone runs out of space.
`RepairedStream` rewrites character references into valid ones chunk by chunk (carrying a
small tail over so no reference is split), decodes any declared or BOM-marked encoding to
UTF-8, and `records` hands each record element over as soon as expat has read it.

Safety: the parser refuses any DOCTYPE, entity declaration and external entity reference (the
handlers raise, as defusedxml's with `forbid_dtd=True` do) and never reads parameter entities,
so entities are never expanded and nothing is fetched, wherever in the file the DOCTYPE stands;
`has_doctype` lets `validate` say so before any parse. Every XML reader goes through `records`.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
import xml.etree.ElementTree as ET
import xml.parsers.expat
from collections.abc import Generator
from pathlib import Path
from typing import BinaryIO, NoReturn

from evidence import template
from evidence.model import Issue, Severity

CHUNK = 64 * 1024
TAIL = 32  # longer than any character reference pair we rewrite (2 x 13 characters)
REPLACEMENT = 0xFFFD

_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_CONTROL_BYTES = bytes(c for c in range(0x20) if c not in (0x9, 0xA, 0xD))
_BAD_BYTES = re.compile(b"[" + re.escape(_CONTROL_BYTES) + b"]|\xef\xbf[\xbe\xbf]")  # C0 controls, U+FFFE/U+FFFF
_DECL_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""")
_HEAD_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.DOTALL)
_ROOT = re.compile(r"\s*<([A-Za-z_][\w.\-]*)")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DOCTYPE16 = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)

# expat error codes meaning "the input ended early" (xml.parsers.expat.errors)
_EOF_CODES = frozenset({3, 5, 6, 20})  # no element found, unclosed token, partial char, unclosed CDATA


def _valid_xml_char(v: int) -> bool:
    return v in (0x9, 0xA, 0xD) or 0x20 <= v <= 0xD7FF or 0xE000 <= v <= 0xFFFD or 0x10000 <= v <= 0x10FFFF


def _ref_value(m: re.Match[str]) -> int:
    return int(m.group(1), 16) if m.group(1) is not None else int(m.group(2))


def repair_text(text: str, final: bool = True) -> tuple[str, str, int]:
    """Rewrite invalid character references (raw control characters: see `fix_controls`).

    Returns (repaired text, unprocessed tail to prepend to the next chunk, repairs made).
    With `final=False` the last TAIL characters are kept back unless no reference can span them.
    """
    cut = len(text) if final else max(0, len(text) - TAIL)
    out: list[str] = []
    pos = 0
    repairs = 0
    i = text.find("&#")
    while i != -1 and i < cut:
        m = _REF.match(text, i)
        if m is None:
            i = text.find("&#", i + 2)
            continue
        v = _ref_value(m)
        end = m.end()
        if 0xD800 <= v <= 0xDBFF:
            m2 = _REF.match(text, end)
            if m2 is not None and 0xDC00 <= _ref_value(m2) <= 0xDFFF:
                combined = 0x10000 + ((v - 0xD800) << 10) + (_ref_value(m2) - 0xDC00)
                out.append(text[pos:i])
                out.append(f"&#{combined};")
                pos = m2.end()
                repairs += 1
                i = text.find("&#", pos)
                continue
        if not _valid_xml_char(v):
            out.append(text[pos:i])
            out.append(f"&#{REPLACEMENT};")
            pos = end
            repairs += 1
        i = text.find("&#", end)
    stop = max(pos, cut)
    out.append(text[pos:stop])
    return "".join(out), text[stop:], repairs


def fix_controls(data: bytes) -> tuple[bytes, int]:
    """Raw characters XML forbids -> U+FFFD. On UTF-8 bytes: C0 controls never occur inside a
    multi-byte sequence, and the translate() length check skips the regex on clean chunks."""
    if len(data.translate(None, _CONTROL_BYTES)) == len(data) and b"\xef\xbf\xbe" not in data \
            and b"\xef\xbf\xbf" not in data:
        return data, 0
    return _BAD_BYTES.subn("\ufffd".encode(), data)


def repair(data: bytes) -> bytes:
    """Whole-buffer form of the stream repair (UTF-8 in, UTF-8 out). Never raises."""
    stream = RepairedStream(_BytesSource(data))
    parts = []
    while chunk := stream.read(CHUNK):
        parts.append(chunk)
    return b"".join(parts)


class _BytesSource:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n < 0 else self._pos + n
        chunk = self._data[self._pos:end]
        self._pos += len(chunk)
        return chunk


def detect_encoding(head: bytes) -> tuple[str, int]:
    """(Python codec name, BOM length) from a BOM, UTF-16 without BOM, or the XML declaration."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    if head.startswith(b"<\x00?\x00"):
        return "utf-16-le", 0
    if head.startswith(b"\x00<\x00?"):
        return "utf-16-be", 0
    m = _HEAD_ENCODING.match(head)
    if m:
        try:
            name = codecs.lookup(m.group(1).decode("ascii")).name
        except LookupError:
            return "utf-8", 0
        if name.startswith("utf-16") or name.startswith("utf-32"):
            return "utf-8", 0  # declared UTF-16 without a BOM or 00-pattern: the bytes are 8-bit
        return name, 0
    return "utf-8", 0


class RepairedStream:
    """A binary file seen as repaired UTF-8 XML, read in chunks (the `read` iterparse needs)."""

    def __init__(self, raw: BinaryIO | _BytesSource) -> None:
        self._raw = raw
        self._decoder: codecs.IncrementalDecoder | None = None
        self._carry = ""
        self._out = bytearray()
        self._first = True
        self._eof = False
        self.repairs = 0
        self.encoding = "utf-8"

    def _fill(self) -> None:
        data = self._raw.read(CHUNK)
        if self._decoder is None:
            # the first chunk decides the encoding; CHUNK is far longer than any XML declaration
            self.encoding, skip = detect_encoding(data[:256])
            self._decoder = codecs.getincrementaldecoder(self.encoding)(errors="replace")
            data = data[skip:]
        final = not data
        text = self._carry + self._decoder.decode(data, final=final)
        repaired, self._carry, n = repair_text(text, final=final)
        self.repairs += n
        if self._first and repaired:
            # the bytes handed to expat are UTF-8 whatever the file declared
            repaired = _DECL_ENCODING.sub(r'\1"UTF-8"', repaired, count=1)
            self._first = False
        encoded, bad = fix_controls(repaired.encode("utf-8", errors="replace"))
        self.repairs += bad
        self._out += encoded
        if final:
            self._eof = True

    def read(self, size: int = -1) -> bytes:
        while not self._eof and (size < 0 or len(self._out) < size):
            self._fill()
        if size < 0 or size >= len(self._out):
            chunk = bytes(self._out)
            self._out.clear()
        else:
            chunk = bytes(self._out[:size])
            del self._out[:size]
        return chunk


# ---- sniffing -------------------------------------------------------------------------------


def _head_text(head: bytes) -> str:
    encoding, skip = detect_encoding(head[:256])
    return head[skip:].decode(encoding, errors="replace")


_XML_FIRST = frozenset(b"<\xef\xfe\xff\x00")  # "<", a UTF-8 or UTF-16 byte order mark, UTF-16


def root_tag(head: bytes) -> str | None:
    """Name of the root element from the first bytes of a file, or None if it is not XML."""
    first = head.lstrip()[:1]
    if not first or first[0] not in _XML_FIRST:
        return None  # a picture, a recording…: not decoded as text (every file is sniffed)
    text = _head_text(head)
    pos = 0
    while True:
        m = _PROLOG.match(text, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
    m = _ROOT.match(text, pos)
    return m.group(1) if m else None


def has_doctype(head: bytes) -> bool:
    return bool(_DOCTYPE.search(head) or _DOCTYPE16.search(_head_text(head)))


# ---- streaming records ----------------------------------------------------------------------


@dataclasses.dataclass
class Failure:
    kind: str  # "truncated" | "malformed" | "forbidden" | "unreadable"
    line: int = 0
    column: int = 0
    detail: str = ""


@dataclasses.dataclass
class Outcome:
    """What a pass over the file found besides the records themselves."""

    root: str | None = None
    root_attrs: dict[str, str] = dataclasses.field(default_factory=dict)
    started: dict[str, int] = dataclasses.field(default_factory=dict)  # per record tag
    complete: int = 0
    last: str | None = None  # locator of the last complete record
    pending: tuple[str, dict[str, str]] | None = None  # started, never finished: (locator, attrs)
    failure: Failure | None = None
    repairs: int = 0


class Forbidden(ValueError):
    """A DOCTYPE, an entity declaration or an external entity reference: never read."""


def _refuse(*_args: object) -> NoReturn:
    raise Forbidden


def _parser(tags: frozenset[str], outcome: Outcome,
            done: list[tuple[str, int, ET.Element]]) -> xml.parsers.expat.XMLParserType:
    """An expat parser that appends each complete record to `done` and refuses any DOCTYPE,
    entity declaration or external entity (as defusedxml with forbid_dtd does, without its
    pure-Python tree glue, which was a third of the parse: issue 23)."""
    parser = xml.parsers.expat.ParserCreate(None, "}")  # "}": namespaced names as xml.etree gives them
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = parser.ExternalEntityRefHandler = _refuse
    parser.buffer_text = True
    open_: list[ET.Element] = []  # the record being read and its open descendants
    depth = 0
    index = 0
    ns = False  # a namespace was declared: names as xml.etree writes them

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth, index
        depth += 1
        if ns:
            name, attrs = _clark(name), {_clark(k): v for k, v in attrs.items()}
        if depth == 1:
            outcome.root, outcome.root_attrs = name, dict(attrs)
        elif open_:
            open_.append(ET.SubElement(open_[-1], name, attrs))
        elif depth == 2 and name in tags:
            index = outcome.started.get(name, 0) + 1
            outcome.started[name] = index
            outcome.pending = (f"{name}[{index}]", attrs)
            open_.append(ET.Element(name, attrs))

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1
        if open_:
            record = open_.pop()
            if not open_:
                outcome.pending = None
                done.append((record.tag, index, record))

    def namespace(*_args: object) -> None:
        nonlocal ns
        ns = True

    parser.StartNamespaceDeclHandler = namespace
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    return parser


def _clark(name: str) -> str:
    """`uri}local` (expat's form) as `{uri}local` (xml.etree's)."""
    return "{" + name if "}" in name else name


def records(path: Path, tags: frozenset[str], outcome: Outcome) -> Generator[tuple[str, int, ET.Element], None, None]:
    """Yield (tag, 1-based index among siblings of that tag, record) for each complete record.

    Records are the root's children whose tag is in `tags`. Problems end the walk and are left
    in `outcome.failure` (records completed before the problem are yielded first).
    """
    try:
        f = path.open("rb")
    except OSError as exc:
        outcome.failure = Failure("unreadable", detail=str(exc))
        return
    stream = RepairedStream(f)
    done: list[tuple[str, int, ET.Element]] = []
    parser = _parser(tags, outcome, done)
    try:
        while True:
            try:
                data = stream.read(CHUNK)
                parser.Parse(data, not data)
            except xml.parsers.expat.ExpatError as exc:
                kind = "truncated" if exc.code in _EOF_CODES else "malformed"
                outcome.failure = Failure(kind, exc.lineno, exc.offset, str(exc).split(":")[0])
            except Forbidden:
                outcome.failure = Failure("forbidden", detail="DTDForbidden")
            except (OSError, ValueError) as exc:  # e.g. I/O error mid-file
                outcome.failure = Failure("unreadable", detail=str(exc))
            for tag, index, record in done:
                outcome.complete += 1
                outcome.last = f"{tag}[{index}]"
                yield tag, index, record
            done.clear()
            if outcome.failure is not None or not data:
                break
    finally:
        outcome.repairs = stream.repairs
        f.close()


def readable(path: Path, tags: frozenset[str]) -> Outcome:
    """Parse only until the first complete record (or the end): enough to accept or reject."""
    outcome = Outcome()
    walk = records(path, tags, outcome)
    for _ in walk:
        break
    walk.close()
    return outcome


# ---- what a pass means for the lawyer -------------------------------------------------------


def validate(path: Path, tags: frozenset[str], lang: str) -> str | None:
    """Rejection reason for a file from which no record at all can be read; None if readable.

    A truncated file with complete records is accepted (its reader reports the truncation).
    """
    try:
        with path.open("rb") as f:
            head = f.read(CHUNK)
    except OSError:
        return template.t(lang, "sources.xml_unreadable", line=1)
    if has_doctype(head):
        return template.t(lang, "sources.xml_doctype")
    outcome = readable(path, tags)
    if outcome.failure is None or outcome.complete > 0:
        return None
    if outcome.failure.kind == "forbidden":
        return template.t(lang, "sources.xml_doctype")
    return template.t(lang, "sources.xml_unreadable", line=max(outcome.failure.line, 1))


def problems(outcome: Outcome, path: str, lang: str) -> list[Issue]:
    """Issues for truncation, damage, a count mismatch and repaired characters."""
    issues: list[Issue] = []
    failure = outcome.failure
    if failure is not None and failure.kind == "forbidden":
        issues.append(Issue(Severity.ERROR, "xml_doctype", template.t(lang, "sources.xml_doctype"), path=path))
    elif failure is not None and failure.kind == "truncated":
        pending = ""
        if outcome.pending is not None:
            locator, attrs = outcome.pending
            address = attrs.get("address") or attrs.get("number") or "?"
            pending = template.t(lang, "sources.xml_truncated_pending", locator=locator, address=address)
        issues.append(Issue(
            Severity.WARNING, "xml_truncated",
            template.t(lang, "sources.xml_truncated", path=path, n=outcome.complete,
                       last=outcome.last or "-", pending=pending),
            path=path, locator=outcome.last,
        ))
    elif failure is not None:
        issues.append(Issue(
            Severity.ERROR if outcome.complete == 0 else Severity.WARNING, "xml_malformed",
            template.t(lang, "sources.xml_malformed", path=path, line=failure.line, column=failure.column,
                       detail=failure.detail or failure.kind, n=outcome.complete),
            path=path, locator=outcome.last,
        ))
    declared = outcome.root_attrs.get("count", "").strip()
    unread = failure is not None and outcome.complete == 0  # rejected by validate: one error is enough
    if re.fullmatch(r"[0-9]{1,12}", declared) and int(declared) != outcome.complete and not unread:
        issues.append(Issue(
            Severity.WARNING, "xml_count_mismatch",
            template.t(lang, "sources.xml_count", path=path, declared=int(declared), found=outcome.complete),
            path=path,
        ))
    if outcome.repairs:
        issues.append(Issue(
            Severity.NOTE, "xml_repaired",
            template.t(lang, "sources.xml_repaired", path=path, n=outcome.repairs), path=path,
        ))
    return issues
