"""The joint bundle: every claimant's dossier behind the joint front matter, Bates-stamped
through, written as a stream by writer.py (peak memory: one part).
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pikepdf

from evidence import atomic, geometry, model
from evidence.pdf import writer

# The joint bundle concatenates 150+ dossiers (thousands of pages, every screenshot of every
# claimant). pypdf holds every copied page in memory until it writes, and so does qpdf (measured:
# 2.6x the inputs' size resident). So the bundle is written as a stream by our own append-only
# writer, one part at a time; peak memory is one part, whatever the number of claimants.
#
# Rebuilds: a lawyer adds one screenshot to one claimant and every later Bates number moves. So
# what is copied from a dossier does not depend on where it lands: each part is first turned into
# a *segment* (bundle_segment) — its objects serialised once, with references left as tokens
# (a page of this part, an object of this part, this page's stamp), and every stream kept as a
# byte range of the dossier file rather than a copy. A segment is cached beside the bundle, keyed
# by the dossier's SHA-256; assembling the bundle is then numbering, stamping (a stamp is a few
# bytes drawing glyph forms, not a reportlab page) and copying byte ranges. A from-scratch build
# makes the same segments and assembles them the same way, so both give the same bytes.


@dataclasses.dataclass(frozen=True)
class BundlePart:
    """One claimant's pages in the bundle: a dossier file, or a placeholder page (failed).

    `segment`/`key`: where this part's relocatable copy is cached and what it must have been
    made from (the dossier's hash and the tool); without them it is made in memory."""

    title: str  # outline entry of the claimant
    pdf: Path | bytes
    segment: Path | None = None
    key: str = ""
    pages: tuple[int, int] | None = None  # issue 18: only these pages [first, end) (a volume's)


CLAIMANT_LINK = "evidence-claimant:"  # placeholder URIs drawn by render.joint (1-based claimant)
PAGE_LINK = "evidence-page:"  # volume covers' rows: evidence-page:<volume>:<0-based page in it>


@dataclasses.dataclass(frozen=True)
class Links:
    """Where a volume's placeholder links go (issue 18): claimant n's first page as (volume,
    0-based page in that volume), and every volume's file name. A target in this volume is a
    jump to its page; one in another volume a remote go-to (GoToR) naming the file relative
    to this one, so the volumes keep working when their folder is moved as a whole."""

    volume: int
    files: tuple[str, ...]
    claimants: tuple[tuple[int, int], ...]
# issue 17: the bundle stamp stands where the dossier's stamp stood (bottom right as displayed:
# points from the right and bottom edges to its box), in the dossier's reserved stamp band
BUNDLE_STAMP_MARGIN = (26.35, 9.35)
SEGMENT_FORMAT = "evidence-bundle-segment/3"  # /3: its pages' own stamps, labels and hash material
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_TOKEN = b"\x00"  # never in serialised PDF syntax: pikepdf writes binary strings as hex
_PAGES_ROOT, _Q_OPEN = b"\x00s0\x00", b"\x00s1\x00"
# in qpdf's serialisation: a literal string (qpdf escapes every parenthesis in one), the
# /Length entry of a stream dictionary, or a reference
_SYNTAX = re.compile(rb"\((?:[^\\)]|\\.)*\)|/Length (?:\d+ \d+ R|\d+)|(\d+) (\d+) R")
_STREAM_START = re.compile(rb">>\s*stream(?:\r\n|\n)")
_STREAM_END = re.compile(rb"(?:\r\n|\r|\n)?endstream")
_REWRITTEN = re.compile(rb"/Dest\s*[(</]|/A\s*<<|/URI\b")  # for dictionary() to rewrite


def _bundle_label_nums(labels: Sequence[str]) -> list[tuple[int, str | None, int | None]]:
    """/PageLabels /Nums entries (page index, /P prefix, /St start or None for no number):
    runs of `prefix + decimal` compress to one entry, so `EV-B-000001…` needs six entries,
    not one per page (in a volume the decimal starts where the previous volume ended); a
    label that does not end in a number gets its own /P."""
    nums: list[tuple[int, str | None, int | None]] = []
    current: tuple[str, int, int] | None = None  # prefix, first page index, start number
    for index, label in enumerate(labels):
        m = _TRAILING.search(label)
        prefix, number = (label[:m.start()], int(m.group())) if m else (None, 0)
        if current and prefix == current[0] and current[2] + (index - current[1]) == number:
            continue
        if prefix is not None:
            current = (prefix, index, number)
            nums.append((index, prefix or None, number))
        else:
            current = None
            nums.append((index, label, None))
    return nums


_TRAILING = re.compile(r"[1-9][0-9]*$")


def label_nums(labels: Sequence[str]) -> list[tuple[int, str | None, int | None]]:
    """/PageLabels entries for these labels (see _bundle_label_nums): a dossier's volumes."""
    return _bundle_label_nums(labels)


def _pdf_text(text: str) -> bytes:
    """A PDF text string: ASCII as a literal, anything else UTF-16BE with a BOM (CJK titles)."""
    if text.isascii():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<feff" + text.encode("utf-16-be").hex().encode() + b">"


@dataclasses.dataclass(frozen=True)
class Segment:
    """One part, serialised independently of where it lands in the bundle.

    objects: ("p", page, body) — the page's dictionary; or ("o", index, body, data) — a local
    object, data None (not a stream), bytes, or (offset, length) in the part's file. Bodies hold
    tokens \\0p<n>\\0 (page n of this part), \\0o<n>\\0 (object n), \\0f<n>\\0 (page n's bundle
    stamp), \\0c<n>\\0 (claimant n's first page), \\0s0\\0 / \\0s1\\0 (page tree, "q" stream).
    outline: (title, page of this part, children). issue 17: `stamps`, each page's own stamp
    (a dossier's /EvStamp text, drawn small beneath the bundle number instead of the dossier's
    own stamp; "" none), `labels` its own page labels (cited by its bookmarks' titles).
    seals: each page's hash material (pagehash.Material, see pageseal), () when not made yet."""

    key: str
    pages: int
    count: int
    objects: tuple[tuple[Any, ...], ...]
    outline: tuple[Any, ...]
    stamps: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    seals: tuple[Any, ...] = ()


class _Copy:
    """Serialises one PDF's pages and everything they reference into a Segment."""

    def __init__(self, pdf: Any, path: Path | None, claimant_links: bool,
                 links: Links | None = None) -> None:
        self.pdf = pdf
        self.map: dict[tuple[int, int], bytes] = {}
        self.count = 0
        self.todo: list[tuple[int, Any]] = []
        self.objects: list[tuple[Any, ...]] = []
        self.page_index: dict[tuple[int, int], int] = {}
        for i, page in enumerate(pdf.pages):
            self.map[page.obj.objgen] = b"\x00p%d\x00" % i
            self.page_index[page.obj.objgen] = i
        self.claimant_links = claimant_links  # front matter only
        self.links = links  # volumes: \0c<n>\0 is then page n of the volume
        self._length = True  # unparsed(): keep a stream dictionary's /Length (see _token)
        self._names: dict[str, Any] | None = None
        self._blank: bytes | None = None
        self.raw = path.open("rb") if path is not None else None
        self.xref = pdf.get_xref_table() if path is not None else {}

    def close(self) -> None:
        if self.raw is not None:
            self.raw.close()

    def new(self) -> int:
        self.count += 1
        return self.count - 1

    def blank(self) -> bytes:
        """An empty form, drawn instead of a dossier's own stamp (/EvStamp): inside the bundle
        its text is the small line of the bundle's stamp (issue 17: one stamp per page)."""
        if self._blank is None:
            num = self.new()
            self.objects.append(("o", num, b"<</Type /XObject /Subtype /Form /BBox [0 0 0 0] "
                                 b"/Length 0>>", b""))
            self._blank = b"\x00o%d\x00" % num
        return self._blank

    def ref(self, obj: Any) -> bytes:
        key = obj.objgen
        token = self.map.get(key)
        if token is None:
            num = self.new()
            token = self.map[key] = b"\x00o%d\x00" % num
            self.todo.append((num, obj))
        return token

    def dest_page(self, dest: Any) -> int | None:
        """Index in this source of a destination: explicit array, or a named destination."""

        if isinstance(dest, (pikepdf.String, pikepdf.Name, str)):
            if self._names is None:
                self._names = {}
                names = self.pdf.Root.get("/Names")
                if names is not None and "/Dests" in names:
                    for key, value in pikepdf.NameTree(names.Dests).items():
                        self._names[str(key)] = value
                old = self.pdf.Root.get("/Dests")
                if old is not None:
                    for key, value in old.items():
                        self._names[key.lstrip("/")] = value
            dest = self._names.get(str(dest).lstrip("/"))
            if isinstance(dest, pikepdf.Dictionary):
                dest = dest.get("/D")
        if isinstance(dest, pikepdf.Array) and len(dest) and isinstance(dest[0], pikepdf.Object):
            try:
                return self.page_index.get(dest[0].objgen)
            except (AttributeError, TypeError):
                return None
        return None

    @staticmethod
    def goto(token: bytes) -> bytes:
        return b"[" + token + b" /XYZ null null null]"

    def value(self, obj: Any, top: bool = False) -> bytes:
        """PDF syntax of a value; indirect objects become tokens (their bodies are written by
        drain, `top` = writing that body now)."""

        if isinstance(obj, pikepdf.Object):
            if obj.is_indirect and not top:
                return self.ref(obj)
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
                fast = self.unparsed(obj, top)
                if fast is not None:
                    return fast
                if isinstance(obj, pikepdf.Dictionary):
                    return self.dictionary(obj.items())
                return b"[" + b" ".join(self.value(v) for v in obj) + b"]"
            text = bytes(obj.unparse())
            if _TOKEN in text:  # a string with NUL that was not hexed: write it as hex
                text = b"<" + bytes(obj).hex().encode() + b">"
            return text
        if obj is None:
            return b"null"
        if isinstance(obj, bool):
            return b"true" if obj else b"false"
        if isinstance(obj, int):
            return b"%d" % obj
        return writer.num(float(obj))

    def unparsed(self, obj: Any, top: bool = False, length: bool = True) -> bytes | None:
        """qpdf's own serialisation of a dictionary with its references made tokens: one C
        call and one regex pass instead of a Python call per entry. None when the dictionary
        holds what `dictionary` must rewrite (named destinations, actions, links) or a NUL.
        `length` False: a stream's dictionary, written without its /Length."""
        text = bytes(obj.unparse(resolved=True) if top else obj.unparse())
        if _TOKEN in text or _REWRITTEN.search(text):
            return None
        self._length = length
        return _SYNTAX.sub(self._token, text)

    def _token(self, m: re.Match[bytes]) -> bytes:
        if m.group(1) is not None:  # a reference
            key = (int(m.group(1)), int(m.group(2)))
            token = self.map.get(key)
            return token if token is not None else self.ref(self.pdf.get_object(key))
        if m.group(0).startswith(b"/"):  # /Length of a stream: written by drain
            return m.group(0) if self._length else b""
        return m.group(0)  # a string, as it is (its parentheses are escaped by qpdf)

    def dictionary(self, items: Any, skip: Sequence[str] = ()) -> bytes:

        out = [b"<<"]
        for key, value in items:
            if key in skip:
                continue
            if key == "/Dest" and isinstance(value, (pikepdf.String, pikepdf.Name)):
                index = self.dest_page(value)
                if index is not None:  # named destinations do not survive the copy
                    out.append(b"/Dest " + self.goto(b"\x00p%d\x00" % index))
                    continue
            if key == "/A" and isinstance(value, pikepdf.Dictionary):
                uri = str(value.get("/URI", ""))
                jump = self.volume_jump(uri)
                if jump is not None:
                    out.append(jump)
                    continue
                if self.claimant_links and uri.startswith(CLAIMANT_LINK) and uri[
                        len(CLAIMANT_LINK):].isdigit():
                    out.append(b"/Dest " + self.goto(b"\x00c%d\x00" % int(uri[len(CLAIMANT_LINK):])))
                    continue
                if value.get("/S") == "/GoTo" and isinstance(
                        value.get("/D"), (pikepdf.String, pikepdf.Name)):
                    index = self.dest_page(value.D)
                    if index is not None:
                        out.append(b"/Dest " + self.goto(b"\x00p%d\x00" % index))
                        continue
            out.append(bytes(pikepdf.Name(key).unparse()) + b" " + self.value(value))
        out.append(b">>")
        return b" ".join(out)

    def volume_jump(self, uri: str) -> bytes | None:
        """A volume's placeholder link as a jump (see Links); None: not one."""
        if self.links is None or not self.claimant_links:
            return None
        target: tuple[int, int] | None = None
        if uri.startswith(CLAIMANT_LINK) and uri[len(CLAIMANT_LINK):].isdigit():
            n = int(uri[len(CLAIMANT_LINK):])
            if 1 <= n <= len(self.links.claimants):
                target = self.links.claimants[n - 1]
        elif uri.startswith(PAGE_LINK):
            vol_text, _, page_text = uri[len(PAGE_LINK):].partition(":")
            if vol_text.isdigit() and page_text.isdigit():
                target = (int(vol_text), int(page_text))
        if target is None:
            return None
        volume, page = target
        if volume == self.links.volume:
            return b"/Dest " + self.goto(b"\x00c%d\x00" % page)
        return (b"/A <</S /GoToR /F " + _pdf_text(self.links.files[volume - 1])
                + b" /D [%d /XYZ null null null] /NewWindow true>>" % page)

    def _range(self, obj: Any, data: bytes) -> tuple[int, int] | None:
        """Where `data` (obj's raw stream) sits in the part's file, checked byte for byte."""
        entry = self.xref.get(obj.objgen)
        if self.raw is None or entry is None or getattr(entry, "type", 0) != 1:
            return None
        self.raw.seek(int(entry.offset))
        head = self.raw.read(65536)
        at = head.find(b"stream")
        while at >= 0:
            start = at + 6 + (2 if head[at + 6:at + 8] == b"\r\n" else 1)
            self.raw.seek(int(entry.offset) + start)
            if self.raw.read(len(data)) == data:
                return int(entry.offset) + start, len(data)
            at = head.find(b"stream", at + 6)
        return None

    def _located(self, obj: Any) -> tuple[int, int] | None:
        """Where a big stream's data sits in the part's file, from its object's offset and its
        /Length, when the file says `endstream` right after them (the dossiers: qpdf writes
        them so): its bytes need not be read here at all."""
        length = obj.stream_dict.get("/Length")
        entry = self.xref.get(obj.objgen)
        if (self.raw is None or entry is None or getattr(entry, "type", 0) != 1
                or not isinstance(length, int) or length <= 4096):
            return None
        self.raw.seek(int(entry.offset))
        head = self.raw.read(4096)
        m = _STREAM_START.search(head)
        if m is None:
            return None
        start = int(entry.offset) + m.end()
        self.raw.seek(start + length)
        return (start, length) if _STREAM_END.match(self.raw.read(12)) else None

    def drain(self) -> None:

        while self.todo:
            num, obj = self.todo.pop()
            if isinstance(obj, pikepdf.Stream):
                body = self.unparsed(obj.stream_dict, length=False) or self.dictionary(
                    obj.stream_dict.items(), skip=("/Length",))
                where = self._located(obj)
                if where is not None:
                    self.objects.append(("o", num, body.rstrip()[:-2] + b" /Length %d>>"
                                         % where[1], where))
                    continue
                data = obj.read_raw_bytes()
                body = body.rstrip()[:-2] + b" /Length %d>>" % len(data)
                where = self._range(obj, data) if len(data) > 4096 else None
                self.objects.append(("o", num, body, where if where is not None else data))
                del data
            else:
                self.objects.append(("o", num, self.value(obj, top=True), None))


def _outline_items(src: _Copy, items: Sequence[Any]) -> tuple[Any, ...]:
    """(title, page of the part, children) of a source outline."""
    out = []
    for item in items:
        dest = item.destination
        if dest is None and item.action is not None and item.action.get("/S") == "/GoTo":
            dest = item.action.get("/D")
        index = src.dest_page(dest) if dest is not None else None
        out.append((str(item.title), index or 0, _outline_items(src, item.children)))
    return tuple(out)


def _segment_page(src: _Copy, page: Any, index: int, size: tuple[float, float]) -> None:
    """One page: its own dictionary (inherited attributes pushed down, the page tree as
    parent), its content wrapped in q/Q, then its bundle stamp (a token: the stamp's text is
    the bundle's business) placed at the visible bottom right, where the dossier's stood."""

    box = geometry.inherited(page, "/CropBox") or geometry.inherited(page, "/MediaBox")
    rotate = int(geometry.inherited(page, "/Rotate") or 0)
    x0, y0, x1, y1 = geometry.box(box) or (0.0, 0.0, 612.0, 792.0)
    shown = geometry.View(x0, y0, x1 - x0, y1 - y0, rotate % 360)  # no clipping, as before
    right, bottom = BUNDLE_STAMP_MARGIN
    place = geometry.compose(geometry.translation(shown.size[0] - right - size[0], bottom),
                             geometry.display_to_user(shown))
    stamp_ops = b"Q q " + b" ".join(writer.num(v) for v in place) + b" cm /EvBundleStamp Do Q\n"
    tail = src.new()

    resources = geometry.inherited(page, "/Resources") or pikepdf.Dictionary()
    items = dict(resources.items())
    xobjects = items.pop("/XObject", None)
    xitems = b" ".join(bytes(pikepdf.Name(k).unparse()) + b" " + (
        src.blank() if k == "/EvStamp" else src.value(v))
        for k, v in (xobjects.items() if xobjects is not None else ()))
    res = src.dictionary(items.items())[:-2] + b" /XObject <<%s /EvBundleStamp \x00f%d\x00>>>>" % (
        xitems, index)

    contents = page.get("/Contents")
    if contents is None:
        own: list[bytes] = []
    elif isinstance(contents, pikepdf.Array):
        own = [src.value(c) for c in contents]
    else:
        own = [src.value(contents)]
    body = src.dictionary(
        [(k, v) for k, v in page.items() if k not in ("/Parent", "/Contents", *_INHERITED)])
    extra = [b"/Parent " + _PAGES_ROOT, b"/Resources " + res,
             b"/Contents [%s]" % b" ".join([_Q_OPEN, *own, b"\x00o%d\x00" % tail]),
             b"/MediaBox " + src.value(geometry.inherited(page, "/MediaBox"))]
    if geometry.inherited(page, "/CropBox") is not None:
        extra.append(b"/CropBox " + src.value(geometry.inherited(page, "/CropBox")))
    if rotate:
        extra.append(b"/Rotate %d" % rotate)
    src.objects.append(("p", index, body[:-2] + b" " + b" ".join(extra) + b">>"))
    src.objects.append(("o", tail, b"<</Length %d>>" % len(stamp_ops), stamp_ops))


def _open(pdf: Path | bytes) -> Any:

    import pikepdf

    return pikepdf.open(pdf if isinstance(pdf, Path) else io.BytesIO(pdf))


def bundle_segment(pdf: Path | bytes, size: tuple[float, float], key: str = "", *,
                   claimant_links: bool = False, links: Links | None = None) -> Segment:
    """Serialise a part (a dossier, the front matter, a placeholder page) for the bundle.
    `size`: the bundle stamp's box. Streams of a file part stay byte ranges of that file."""
    from evidence import verify  # reads a dossier's stamp text and page labels

    with _open(pdf) as opened:
        src = _Copy(opened, pdf if isinstance(pdf, Path) else None, claimant_links, links)
        cmaps: dict[Any, Any] = {}
        own = []
        try:
            for i, page in enumerate(opened.pages):
                own.append(" ".join(verify.stamp_text(page, cmaps).split()))
                _segment_page(src, page.obj, i, size)
                src.drain()
            outline = _outline_items(src, list(opened.open_outline().root)) if (
                "/Outlines" in opened.Root) else ()
            labels = verify.page_labels(opened) if "/PageLabels" in opened.Root else []
        finally:
            src.close()
        return Segment(key, len(opened.pages), src.count, tuple(src.objects), outline,
                       tuple(own), tuple(labels))


def save_segment(segment: Segment, path: Path) -> None:
    import marshal  # own cache files of bytes, ints and tuples: fast, nothing to execute

    data = marshal.dumps((SEGMENT_FORMAT, segment.key, segment.pages, segment.count, segment.objects,
                          segment.outline, segment.stamps, segment.labels, segment.seals),
                         2)  # 2: no back-references,
    # so the same segment always gives the same bytes
    atomic.write_bytes(path, data, durable=False)  # a cache: losing it costs time only


def load_segment(path: Path, key: str) -> Segment | None:
    """The cached segment at `path` if it was made with `key`, else None."""
    import marshal

    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, tuple) or len(data) != 9 or data[0] != SEGMENT_FORMAT or (
            data[1] != key):
        return None
    return Segment(*data[1:])


def part_segment(part: BundlePart, size: tuple[float, float]) -> Segment:
    """The part's segment: the cached one if its key matches, else made (and cached)."""
    if part.segment is not None and part.key:
        cached = load_segment(part.segment, part.key)
        if cached is not None:
            return cached
    made = bundle_segment(part.pdf, size, part.key)
    made = dataclasses.replace(made, seals=tuple(materials([(made, part.pdf)])))
    if part.segment is not None and part.key:
        save_segment(made, part.segment)
    return made


def segment_bytes(seg: Segment) -> int:
    """About what a segment adds to a bundle file: its bodies and streams."""
    return sum(len(e[2]) + (0 if e[0] == "p" or e[3] is None else
                            e[3][1] if isinstance(e[3], tuple) else len(e[3])) + 20
               for e in seg.objects)


def cut_points(segment: Segment) -> list[int]:
    """Where a part may be cut between volumes: the first page of each outline entry (a
    section, an exhibit, a sub-exhibit) — never inside an exhibit."""
    found: set[int] = set()

    def walk(items: Sequence[Any]) -> None:
        for _, page, children in items:
            found.add(page)
            walk(children)

    walk(segment.outline)
    return sorted(p for p in found if 0 < p < segment.pages)


_LOCAL = re.compile(rb"\x00o(\d+)\x00")
_PAGE_TOKEN = re.compile(rb"\x00([pf])(\d+)\x00")


def slice_segment(seg: Segment, first: int, end: int) -> Segment:
    """Pages [first, end) of a part, with only the objects they use. A link or bookmark to a
    page of the part outside the slice lands on the slice's first page (that page is in
    another volume); bookmarks of such pages are left out, their in-slice children kept."""

    def renumber(m: re.Match[bytes]) -> bytes:
        n = int(m.group(2))
        return b"\x00%s%d\x00" % (m.group(1), n - first if first <= n < end else 0)

    bodies = {entry[1]: entry for entry in seg.objects if entry[0] == "o"}
    used: set[int] = set()
    todo = [entry[2] for entry in seg.objects if entry[0] == "p" and first <= entry[1] < end]
    while todo:
        for m in _LOCAL.finditer(todo.pop()):
            n = int(m.group(1))
            if n not in used:
                used.add(n)
                todo.append(bodies[n][2])
    objects = []
    for entry in seg.objects:
        if entry[0] == "p":
            if first <= entry[1] < end:
                objects.append(("p", entry[1] - first, _PAGE_TOKEN.sub(renumber, entry[2])))
        elif entry[1] in used:
            objects.append(("o", entry[1], _PAGE_TOKEN.sub(renumber, entry[2]), *entry[3:]))

    def outline(items: Sequence[Any]) -> list[Any]:
        out: list[Any] = []
        for title, page, children in items:
            if first <= page < end:
                out.append((title, page - first, tuple(outline(children))))
            else:
                out += outline(children)
        return out

    return Segment(seg.key, end - first, seg.count, tuple(objects), tuple(outline(seg.outline)),
                   seg.stamps[first:end], seg.labels[first:end])


def _resolve(body: bytes, locals_: int, pages: int, stamps: int, claimants: Sequence[int],
             specials: Sequence[int]) -> bytes:
    """Replace a segment body's tokens by object references."""
    if _TOKEN not in body:
        return body
    parts = body.split(_TOKEN)
    for j in range(1, len(parts), 2):
        code = parts[j]
        kind, n = code[0], int(code[1:])  # kind as a byte value: no slice to compare
        num = (locals_ + n if kind == _O else pages + n if kind == _P else
               stamps + n if kind == _F else claimants[n] if kind == _C else specials[n])
        parts[j] = b"%d 0 R" % num
    return b"".join(parts)


_O, _P, _F, _C = b"opfc"


def _stamp_content(label: str, under: str, face: model.BundleStampFace,
                   glyphs: Mapping[str, tuple[int, float]]) -> bytes:
    """issue 17: one stamp: the bundle number, and beneath it, smaller, the page's own stamp
    (a dossier's, as face.beneath puts it), each right-aligned on a white knock-out and drawn
    with the face's glyph forms. `glyphs`: character -> (form index, advance)."""
    width, _ = face.size
    ops = _stamp_line(label, width, face.small * face.line + 0.5, 1.0, face, glyphs)
    if under:
        ops += _stamp_line(face.beneath.format(stamp=under), width, 0.0, face.small, face, glyphs)
    return b"\n".join(ops) + b"\n"


def _stamp_line(text: str, width: float, y: float, scale: float, face: model.BundleStampFace,
                glyphs: Mapping[str, tuple[int, float]]) -> list[bytes]:
    placed = [glyphs[ch] for ch in text]
    x = width - 2 - scale * sum(advance for _, advance in placed)
    num = writer.num
    ops = [b"q 1 g %s %s %s %s re f Q" % (num(x - 2), num(y), num(width - x + 2),
                                          num(scale * face.line))]
    for index, advance in placed:
        ops.append(b"q %s 0 0 %s %s %s cm /G%d Do Q" % (num(scale), num(scale), num(x), num(y),
                                                        index))
        x += scale * advance
    return ops


def _glyphs(face: model.BundleStampFace) -> dict[str, tuple[int, float]]:
    return {ch: (i, face.widths[i]) for i, ch in enumerate(face.chars)}


def _write_outline(w: writer.Writer, parent: int, items: Sequence[tuple[str, int, Any]]
                   ) -> tuple[int, int, int]:
    """Write `items` (title, bundle page object, children) under `parent`; returns (first,
    last, visible count)."""
    first_num = w.reserve(len(items)) if items else 0
    nums = [first_num + i for i in range(len(items))]
    count = 0
    for i, ((title, page, children), num) in enumerate(zip(items, nums, strict=True)):
        parts = [b"/Title " + _pdf_text(title), b"/Parent %d 0 R" % parent,
                 b"/Dest [%d 0 R /XYZ null null null]" % page]
        if i:
            parts.append(b"/Prev %d 0 R" % nums[i - 1])
        if i + 1 < len(nums):
            parts.append(b"/Next %d 0 R" % nums[i + 1])
        if children:
            first, last, _ = _write_outline(w, num, children)
            # claimants closed (negative count): 150 claimants stay one screen of bookmarks
            parts.append(b"/First %d 0 R /Last %d 0 R /Count -%d" % (first, last, len(children)))
        count += 1
        w.obj(num, b"<<" + b" ".join(parts) + b">>")
    return (nums[0], nums[-1], count) if nums else (0, 0, 0)


def _outline_pages(items: Sequence[Any], first_page: int, own: Sequence[str] = (),
                   cited: Sequence[str] = ()) -> list[tuple[str, int, Any]]:
    """A part's bookmarks on bundle pages; issue 17: a title citing the part's own page label
    (a dossier's "证据目录（JD-V001-000003）") cites the bundle's label of that page instead."""
    return [(title.replace(own[page], cited[page]) if page < len(own) and own[page] else title,
             first_page + page, _outline_pages(children, first_page, own, cited))
            for title, page, children in items]


def _glyph_forms(w: writer.Writer, face: model.BundleStampFace) -> tuple[int, int]:
    """The face's sheet pages as form XObjects: the first one's number (/G0) and how many."""

    with _open(face.sheet) as sheet:
        src = _Copy(sheet, None, False)
        forms = []
        for page in sheet.pages:
            content = b"".join(c.read_bytes() for c in (
                page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents]))
            res = src.value(page.obj.get("/Resources", pikepdf.Dictionary()))
            forms.append((res, content))
        src.drain()
    sw, sh = face.size[0], face.line
    base = w.reserve(src.count)
    form_base = w.reserve(len(forms))
    for _, num, body, data in src.objects:
        w.obj(base + num, _resolve(body, base, 0, 0, (), ()), data)
    for i, (res, content) in enumerate(forms):
        w.obj(form_base + i, b"<</Type /XObject /Subtype /Form /BBox [0 0 %s %s] /Resources %s "
              b"/Length %d>>" % (writer.num(sw), writer.num(sh), _resolve(res, base, 0, 0, (), ()),
                                 len(content)), content)
    return form_base, len(forms)


FrontSource = Callable[[], tuple[bytes, Sequence[model.BundleSection]]]
# (the heads' page count, every page's own stamp) -> every page's label, the face drawing them
StampSource = Callable[[int, Sequence[str]], tuple[Sequence[str], model.BundleStampFace]]


@dataclasses.dataclass(frozen=True)
class Head:
    """Pages written before the parts: the front matter, a volume's cover. `source` is called
    once the parts are written (see bundle)."""

    title: str
    source: FrontSource


def bundle(out: Path, front: bytes | FrontSource, parts: Sequence[BundlePart],
           sections: Sequence[model.BundleSection], front_title: str, stamps: StampSource,
           metadata: Mapping[str, str], stamp_size: tuple[float, float], *,
           direct_io: bool = False, manifest: Callable[[Sequence[str]], bytes] | None = None,
           after: Callable[[Path], str] | None = None) -> tuple[int, str]:
    """Write the joint bundle: front matter, then every part, stamped and bookmarked.

    Every page gets its label as a stamp at the visible bottom right, a dossier's page its own
    stamp beneath instead of where it stood (one stamp per page); page labels equal the stamps;
    the outline has the front-matter sections, then one entry per claimant (its title, then the
    label of its first page) holding its dossier's own outline, citing bundle labels. Front-matter links
    `evidence-claimant:<n>` become jumps to claimant n's first page. Parts with a segment cache
    are reused when their key matches. Writes to a temporary file beside `out`, then renames it.
    Returns (page count, SHA-256 of the file).

    Nothing written for the parts depends on the front matter's length: their pages are
    numbered before it, and the stamps (which show bundle page numbers) are written last. So
    `front` may be a function giving (front matter, sections) that is called once the parts
    are written (the caller renders it meanwhile), and `stamps` gives, for the front matter's
    page count, every bundle page's label and the face they are drawn with. `stamp_size`: the
    stamp's box (the parts' segments are cut for it).

    `direct_io` (opt-in, `build --direct-io`; issue 19): written past the disk cache through
    writer.DirectWriter, and the replaced bundle's blocks freed by a helper process. Tuned on
    a VM whose kernel hands out new cache memory slowly; on other disks the plain writer is
    as fast (bench/README.md), so it is not the default.
    """
    def given() -> tuple[bytes, Sequence[model.BundleSection]]:
        assert isinstance(front, bytes)
        return front, sections

    source = given if isinstance(front, bytes) else front
    return assemble(out, [Head(front_title, source)], parts, stamps, metadata, stamp_size,
                    direct_io=direct_io, manifest=manifest, after=after)


def assemble(out: Path, heads: Sequence[Head], parts: Sequence[BundlePart], stamps: StampSource,
             metadata: Mapping[str, str], stamp_size: tuple[float, float], *,
             links: Links | None = None, direct_io: bool = False,
             manifest: Callable[[Sequence[str]], bytes] | None = None,
             after: Callable[[Path], str] | None = None) -> tuple[int, str]:
    """bundle() for any heads (a volume: its cover, and the front matter in the first one);
    `links`: where a volume's placeholder links go. `stamps` is given the heads' page count.
    `manifest`: given every page's label, the manifest.json to attach, with a slot for each
    page's hash (integrity.with_page_slots), filled from the pages' hash material and their
    stamps (pdf/pageseal; no page is read back), so the file tells by itself which page was
    altered, added or removed (issue 18). `after`: given the file written and read back, not
    yet in place, changes it (--pdfa) and returns its new SHA-256."""
    with atomic.replacing(out, free_old_later=direct_io) as tmp, \
            tmp.open("wb", buffering=0) as f:
        w = writer.DirectWriter(f, tmp) if direct_io else writer.Writer(f)
        try:
            root, pages_root, outline_root, info, q_open, stamp_res = (w.reserve() for _ in range(6))
            w.obj(q_open, b"<</Length 2>>", b"q\n")
            claimant_first: list[int] = [0]  # index 0: the front matter
            pending: list[tuple[int, int]] = []  # (stamp object, page of the claimants' part)
            kids: list[int] = []  # the claimants' page objects, in order
            outlines: list[tuple[str, int, Segment, int]] = []  # title, first page, its part, page
            own: list[str] = []  # the parts' pages' own stamps
            seals: list[Any] = []  # the claimants' pages' hash material (pageseal), in order
            for part in parts:
                seg = part_segment(part, stamp_size)
                if part.pages is not None:
                    seg = slice_segment(seg, *part.pages)
                if manifest is not None:
                    seals += seg.seals or materials([(seg, part.pdf)])
                first, locals_, stamp_objs = (w.reserve(seg.pages), w.reserve(seg.count),
                                              w.reserve(seg.pages))
                _write_segment(w, seg, part.pdf, first, locals_, stamp_objs, claimant_first,
                               (pages_root, q_open))
                claimant_first.append(first)
                pending += [(stamp_objs + i, len(kids) + i) for i in range(seg.pages)]
                outlines.append((part.title, first, seg, len(kids)))
                kids += range(first, first + seg.pages)
                own += seg.stamps or [""] * seg.pages
            made = []
            for head in heads:
                pdf, head_sections = head.source()
                seg = bundle_segment(pdf, stamp_size, claimant_links=True, links=links)
                first, locals_, stamp_objs = (w.reserve(seg.pages), w.reserve(seg.count),
                                              w.reserve(seg.pages))
                made.append((head, head_sections, seg, first, locals_, stamp_objs))
            claimant_first[0] = made[0][3]
            head_kids = [p for *_, seg, first, _, _ in made for p in range(first, first + seg.pages)]
            targets = claimant_first if links is None else [*head_kids, *kids]
            stamped: list[tuple[int, int]] = []
            for *_, seg, first, locals_, stamp_objs in made:
                _write_segment(w, seg, None, first, locals_, stamp_objs, targets,
                               (pages_root, q_open))
                stamped += [(stamp_objs + i, len(stamped) + i) for i in range(seg.pages)]
            if manifest is not None:
                seals[:0] = _head_seals(made, targets, head_kids, dict(zip(kids, seals, strict=True)))
            front_pages = len(head_kids)
            total = front_pages + len(kids)
            own = [""] * front_pages + own
            labels, face = stamps(front_pages, own)
            if len(labels) != total:
                raise ValueError(f"{len(labels)} labels for {total} bundle pages")
            missing = set("".join(labels) + "".join(
                face.beneath.format(stamp=o) for o in own if o)) - set(face.chars)
            if missing:
                raise ValueError(f"the stamp face lacks {''.join(sorted(missing))!r}")
            drawn = _write_stamps(w, face, stamp_res, labels, own, [
                *stamped, *((num, front_pages + page) for num, page in pending)])
            refs = b" ".join(b"%d 0 R" % n for n in [*head_kids, *kids])
            w.obj(pages_root, b"<</Type /Pages /Kids [%s] /Count %d>>" % (refs, total))
            tree = [(head.title, first, [(s.title, first + s.page, ()) for s in head_sections])
                    for head, head_sections, _, first, _, _ in made]
            tree += [(f"{title}  {labels[front_pages + page]}", top, _outline_pages(
                seg.outline, top, seg.labels, labels[front_pages + page:]))
                     for title, top, seg, page in outlines]
            first_item, last_item, count = _write_outline(w, outline_root, tree)
            w.obj(outline_root, b"<</Type /Outlines /First %d 0 R /Last %d 0 R /Count %d>>"
                  % (first_item, last_item, count))
            entries = []
            for index, prefix, start in _bundle_label_nums(labels):
                entry_text = b"<<"
                if start is not None:
                    entry_text += b"/S /D /St %d" % start
                if prefix:
                    entry_text += b" /P " + _pdf_text(prefix)
                entries.append(b"%d %s>>" % (index, entry_text))
            names = b""
            attached = None
            if manifest is not None:
                attached = _sealed(manifest(labels), seals, face, labels, drawn)
                names = b" /Names <</EmbeddedFiles <</Names [(%s) %d 0 R]>>>>" % (
                    MANIFEST_NAME.encode(), _attach(w, attached))
            # issue 17: opens at 100 %, as a dossier does
            w.obj(root, b"<</Type /Catalog /Pages %d 0 R /Outlines %d 0 R /PageMode /UseOutlines "
                  b"/PageLayout /SinglePage /OpenAction [%d 0 R /XYZ null null 1] "
                  b"/PageLabels <</Nums [%s]>>%s>>" % (pages_root, outline_root, head_kids[0],
                                                       b" ".join(entries), names))
            w.obj(info, b"<<" + b" ".join(b"/" + k.encode("ascii") + b" " + _pdf_text(v)
                                          for k, v in sorted(metadata.items())) + b">>")
            w.finish(root, info)
        finally:
            w.stop()
        digest = w.sha256()
        _read_back(tmp, labels, attached)  # issue 18: before the rename, as a dossier is
        if after is not None:
            digest = after(tmp)
    return total, digest


def materials(segs: Sequence[tuple[Segment, Path | bytes | None]],
              targets: Sequence[int | bytes] = ()) -> list[Any]:
    """The hash material (pageseal) of these segments' pages, written as one file with
    stand-ins for their stamps. `targets`: where each \\0c<n>\\0 link goes — a page of
    these segments (its index) or a page written elsewhere (what pagehash takes it for)."""
    from evidence import pagehash
    from evidence.pdf import pageseal

    def write(w: writer.Writer, catalog: int) -> dict[int, bytes]:
        pages_root, q_open = w.reserve(), w.reserve()
        w.obj(q_open, b"<</Length 2>>", b"q\n")
        laid = [(seg, pdf, w.reserve(seg.pages), w.reserve(seg.count), w.reserve(seg.pages))
                for seg, pdf in segs]
        kids = [first + i for seg, _, first, _, _ in laid for i in range(seg.pages)]
        given = {stamps + i: pagehash.MARK for seg, _, _, _, stamps in laid
                 for i in range(seg.pages)}
        elsewhere = {t: w.reserve() for t in targets if isinstance(t, bytes)}
        given.update({num: t for t, num in elsewhere.items()})
        claimants = [kids[t] if isinstance(t, int) else elsewhere[t] for t in targets]
        for seg, pdf, first, locals_, stamps in laid:
            _write_segment(w, seg, pdf, first, locals_, stamps, claimants, (pages_root, q_open))
        w.obj(pages_root, b"<</Type /Pages /Kids [%s] /Count %d>>" % (
            b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
        w.obj(catalog, b"<</Type /Catalog /Pages %d 0 R>>" % pages_root)
        return given

    return pageseal.materials(write)


def _head_seals(made: Sequence[tuple[Any, ...]], targets: Sequence[int], head_kids: Sequence[int],
                parts: Mapping[int, Any]) -> list[Any]:
    """The heads' pages' hash material; their links to the claimants' pages (`parts`: page
    object -> material) taken as those pages hash."""
    index = {num: i for i, num in enumerate(head_kids)}
    return materials([(seg, None) for _, _, seg, *_ in made],
                     [index[t] if t in index else parts[t][2] for t in targets])


def _sealed(manifest: bytes, seals: Sequence[Any], face: model.BundleStampFace,
            labels: Sequence[str], drawn: Mapping[int, bytes]) -> bytes:
    """The manifest with every page's hash: its material with its stamp's digest put in."""
    from evidence import integrity, pagehash
    from evidence.pdf import pageseal

    def write(w: writer.Writer, catalog: int) -> int:  # a stamp as the bundle has them
        res, form, pages_root = w.reserve(), w.reserve(), w.reserve()
        _write_stamps(w, face, res, labels[:1], [""], [(form, 0)])
        w.obj(pages_root, b"<</Type /Pages /Kids [] /Count 0>>")
        w.obj(catalog, b"<</Type /Catalog /Pages %d 0 R>>" % pages_root)
        return form

    head = pageseal.stream_head(write)
    return integrity.fill_page_slots(manifest, [
        pageseal.page_hash(m, pagehash.form_digest(head, drawn[i])) for i, m in enumerate(seals)])


MANIFEST_NAME = "manifest.json"  # as integrity.MANIFEST_NAME (not imported: no cycle)


def _attach(w: writer.Writer, data: bytes) -> int:
    """The manifest as an embedded file, uncompressed (readable as it is); returns its file
    specification's object."""
    stream, spec = w.reserve(), w.reserve()
    w.obj(stream, b"<</Type /EmbeddedFile /Subtype /application#2Fjson /Length %d>>" % len(data),
          data)
    name = MANIFEST_NAME.encode()
    w.obj(spec, b"<</Type /Filespec /F (%s) /UF (%s) /AFRelationship /Data /EF <</F %d 0 R>>>>"
          % (name, name, stream))
    return spec


def _read_back(bundle_pdf: Path, labels: Sequence[str], manifest: bytes | None) -> None:
    from evidence import errors, verify

    problems = verify.check_bundle(bundle_pdf, labels, manifest)
    if problems:
        raise errors.VerifyError(f"{bundle_pdf.name}: the joint bundle failed its checks "
                                 f"({'; '.join(problems)}); nothing was written. This is a bug, "
                                 "please report it.")


def _write_segment(w: writer.Writer, seg: Segment, pdf: Path | bytes | None, first: int,
                   locals_: int, stamps: int, claimants: Sequence[int],
                   specials: tuple[int, int]) -> None:
    """A part's pages and objects at the numbers reserved for them; big streams are copied
    from the part's file."""
    source = None
    try:
        for entry in seg.objects:
            if entry[0] == "p":
                _, i, body = entry
                w.obj(first + i, _resolve(body, locals_, first, stamps, claimants, specials))
                continue
            _, n, body, data = entry
            body = _resolve(body, locals_, first, stamps, claimants, specials)
            if isinstance(data, tuple):
                if source is None:
                    assert isinstance(pdf, Path)  # ranges only come from files
                    source = writer.Source(pdf)
                w.copy_range(locals_ + n, body, source, data[0], data[1])
            else:
                w.obj(locals_ + n, body, data)
    finally:
        if source is not None:
            w.release(source)


def _write_stamps(w: writer.Writer, face: model.BundleStampFace, resources: int, labels: Sequence[str],
                  own: Sequence[str], stamps: Sequence[tuple[int, int]]) -> dict[int, bytes]:
    """The face's glyph forms, the stamps' shared /Resources, then each (stamp object, bundle
    page) stamp: its label, and its own stamp (`own`) beneath."""
    forms, count = _glyph_forms(w, face)
    w.obj(resources, b"<</XObject <<%s>>>>" % b" ".join(
        b"/G%d %d 0 R" % (i, forms + i) for i in range(count)))
    glyphs = _glyphs(face)
    sw, sh = face.size
    head = b"<</Type /XObject /Subtype /Form /BBox [0 0 %s %s] /Resources %d 0 R " % (
        writer.num(sw), writer.num(sh), resources)
    # duplex: a verso's stamp right-aligned face.verso_shift short of the box's edge, clear
    # of the binding on the page's right
    verso = dataclasses.replace(face, size=(sw - face.verso_shift, sh))
    drawn = {}  # bundle page -> its stamp's drawing (its page hash covers it)
    for num, page in stamps:
        content = drawn[page] = _stamp_content(labels[page], own[page], verso if page % 2 else face,
                                               glyphs)
        w.obj(num, head + b"/Length %d>>" % len(content), content)
    return drawn
