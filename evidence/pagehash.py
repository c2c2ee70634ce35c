"""A SHA-256 of each page's content, serialised canonically, so a PDF vouches for its own pages.

What a page *is*, for this hash: its boxes and rotation, its content streams (decoded and
joined: recompressing them changes nothing), and everything they draw with — images, fonts,
forms, colour spaces, patterns — followed through the resources by content, never by object
number, so the same page written by another PDF writer hashes the same. Annotations (links)
count, with a link's target page as its index. Not part of a page: its place in the page tree
(/Parent), and a digital signature's field (added after the hashes were recorded: the signature
vouches for itself).

Streams other than images are hashed decoded (Flate/LZW/ASCII/RunLength); images and streams
with a lossy or image filter are hashed as stored: decoding every photo would cost more than
the whole dossier build, and a recompressed image is a changed image.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pikepdf

SCHEME = "evidence-page-sha256/1"
_T = pikepdf.ObjectType

# keys that say where an object sits, not what it shows; /Length and the filters are how a
# stream is stored (a decoded stream is hashed without them)
_SKIP = frozenset({"/Parent", "/Length"})
_STORAGE = frozenset({"/Filter", "/DecodeParms", "/DL"})
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
# an indirect reference in qpdf's text of an object (not the tail of a name such as /F1)
_REF = re.compile(rb"(?<![\w/.#+-])(\d+) (\d+) R\b")
_PARENT = re.compile(rb" /Parent \d+ \d+ R\b")  # where an object sits, not what it shows


Stored = Callable[[bytes], "str | None"]


def digests(pdf: pikepdf.Pdf, stored: Stored | None = None) -> list[str]:
    """The hex SHA-256 of every page, in page order.

    `stored`: for a document about to be written whose images are still placeholders (the
    writer puts the image files' bytes there): given an image's stored bytes, the SHA-256 of
    the bytes that will be written in their place, or None. With it, a dossier's pages are
    hashed before it is written, as they will be read from the file."""
    return _Canon(pdf, stored).pages()


def page_digest(pdf: pikepdf.Pdf, page: Any, index: dict[tuple[int, int], int]) -> str:
    """One page's hash, as digests() gives it; `index`: every page's place by its object (so
    a bundle's other pages need not be read)."""
    return _Canon(pdf, index=index).page(page)


# ---- a page's hash made without the finished file (the bundle writer's) ----------------------
# A bundle page is a dossier's page plus the bundle's stamp, a form whose text (the page's Bates
# number) is known only once every part is written. So the writer learns, for each page of a
# copy of its segment, the page's canonical text cut where the stamp's digest goes (MARK: the
# stamp object's stand-in), and finishes the hash when the stamp is drawn: no page is read back.

MARK = b"\x00"  # never in a dictionary's text as qpdf writes it (strings are escaped or hex)
Material = tuple[bytes, bytes, bytes]  # text before the stamp's digest, after it, target()


def materials(pdf: pikepdf.Pdf, known: dict[tuple[int, int], bytes]) -> list[Material]:
    """For each page of `pdf`: its canonical text around the one object `known` maps to MARK,
    and what a link to the page hashes as (target). `known`: objects taken as given — MARK
    for each page's stamp, a link target's target() for a page held in another file."""
    canon = _Canon(pdf, known=known)
    out = []
    for p in pdf.pages:
        chunks, drawn = canon.chunks(p.obj)
        # what a link to it hashes as, from the drawing just decoded (not decoded again)
        target = canon.memo.get(p.obj.objgen) or canon.target(p.obj, chunks[drawn.start:drawn.stop])
        canon.memo[p.obj.objgen] = target
        out.append((*_split(chunks, drawn), target))
    return out


def _split(chunks: list[bytes], drawn: range) -> tuple[bytes, bytes]:
    """A page's canonical text before and after its one MARK; the mark is looked for outside
    the drawing instructions (which may hold any byte)."""
    found = [i for i, c in enumerate(chunks) if i not in drawn and MARK in c]
    if len(found) != 1 or chunks[found[0]].count(MARK) != 1:
        raise ValueError(f"a bundle page with {len(found)} stamps, expected one; this is a bug, "
                         "please report it.")
    i = found[0]
    head, _, tail = chunks[i].partition(MARK)
    return b"".join(chunks[:i]) + head, tail + b"".join(chunks[i + 1:])


def finish(material: Material, stamp: bytes) -> str:
    """The page's hash, its stamp's digest (form_digest) put in."""
    return hashlib.sha256(material[0] + stamp + material[1]).hexdigest()


def stream_head(pdf: pikepdf.Pdf, stream: Any) -> bytes:
    """What a stream's digest hashes before its data's SHA-256 (see form_digest)."""
    return _Canon(pdf, known={}).stream_head(stream, image=False)


def form_digest(head: bytes, content: bytes) -> bytes:
    """What a reference to a form of these drawing instructions hashes as (`head`: its
    stream_head): as value() makes it from the file."""
    return _indirect(head + hashlib.sha256(content).hexdigest().encode())


def _indirect(direct: bytes) -> bytes:
    return b"#" + hashlib.sha256(direct).hexdigest().encode()


class _Canon:
    def __init__(self, pdf: pikepdf.Pdf, stored: Stored | None = None,
                 known: dict[tuple[int, int], bytes] | None = None,
                 index: dict[tuple[int, int], int] | None = None) -> None:
        self.pdf = pdf
        self.stored = stored
        self.index = index if index is not None else {
            p.obj.objgen: i for i, p in enumerate(pdf.pages)}
        # indirect object -> digest of its content
        self.memo: dict[tuple[int, int], bytes] = dict(known or {})
        self.busy: set[tuple[int, int]] = set()  # being serialised (a reference loop)

    def pages(self) -> list[str]:
        return [self.page(p.obj) for p in self.pdf.pages]

    def page(self, obj: pikepdf.Dictionary) -> str:
        h = hashlib.sha256()
        for chunk in self.chunks(obj)[0]:
            h.update(chunk)
        return h.hexdigest()

    def chunks(self, obj: pikepdf.Dictionary) -> tuple[list[bytes], range]:
        """The page's canonical text in pieces, and which pieces are its content streams."""
        out = [SCHEME.encode() + b"\n"]
        for key in _INHERITED:  # a page that inherits its box shows the same as one that has it
            out.append(key.encode() + self.value(_inherited(obj, key)) + b"\n")
        streams = _streams(obj)
        out.append(b"/Contents ")
        drawn = range(len(out), len(out) + len(streams))
        out += [_data(s, decode=True) + b"\n" for s in streams]
        for name in sorted(str(k) for k in obj if k not in _INHERITED
                          and k not in ("/Contents", "/Parent", "/Type")):
            value: Any = obj.get(name)
            if name == "/Annots" and isinstance(value, pikepdf.Array):
                value = [a for a in value if not _signature_field(a)]
                if not value:  # the signature's widget was the page's only annotation
                    continue
            out.append(name.encode() + self.value(value) + b"\n")
        return out, drawn

    def value(self, v: Any) -> bytes:
        if type(v) is pikepdf.Object and v.is_indirect:
            og = v.objgen
            done = self.memo.get(og)
            if done is not None:
                return done
            if og in self.index or _is_page(v):
                done = self.memo[og] = self.target(v)
                return done
            if og in self.busy:
                return b"@loop"
            self.busy.add(og)
            try:
                done = _indirect(self.direct(v))
            finally:
                self.busy.discard(og)
            self.memo[og] = done
            return done
        return self.direct(v)

    def ref(self, m: re.Match[bytes]) -> bytes:
        og = (int(m.group(1)), int(m.group(2)))
        done = self.memo.get(og)
        return done if done is not None else self.value(self.pdf.get_object(og))

    def target(self, page: Any, drawn: list[bytes] | None = None) -> bytes:
        """A page another page points at (a link's destination), named by what it draws, not
        by its number or object: deleting or moving some other page leaves the link's hash
        alone, and a loop of links between pages is not followed. `drawn`: its content
        streams decoded, each with a newline, when the caller has them."""
        h = hashlib.sha256(b"@page")
        for key in ("/MediaBox", "/Rotate"):
            h.update(self.value(_inherited(page, key)))
        for data in drawn if drawn is not None else (
                _data(s, decode=True) + b"\n" for s in _streams(page)):
            h.update(data)
        return b"@page" + h.hexdigest().encode()

    def direct(self, v: Any) -> bytes:
        # dispatch on qpdf's type code: isinstance against pikepdf's helper classes runs a
        # Python-level check per call, and a dossier has tens of thousands of these objects
        if type(v) is not pikepdf.Object:  # numbers and booleans arrive as Python values
            if isinstance(v, bool):
                return b"true" if v else b"false"
            if isinstance(v, (int, Decimal, float)):
                return _number(v)
            if isinstance(v, list):
                return b"[" + b" ".join(self.value(x) for x in v) + b"]"
            return b"null" if v is None else str(v).encode()
        code = v._type_code
        if code is _T.name_:
            return str(v).encode("utf-8", "surrogateescape")
        if code is _T.string:
            return b"<" + bytes(v).hex().encode() + b">"
        if code is _T.stream:
            image = v.get("/Subtype") == "/Image"
            data = _data(v, decode=not image)
            known = self.stored(data) if image and self.stored is not None else None
            digest = known or hashlib.sha256(data).hexdigest()
            return self.stream_head(v, image) + digest.encode()
        if code is _T.dictionary or code is _T.array:
            # taken as qpdf writes it — keys sorted, numbers as stored — in one C++ call, each
            # reference replaced by the digest of what it refers to; a literal string (which
            # might hold text that looks like a reference) goes the slow, exact way
            text = bytes(v.unparse(resolved=True))
            if b"(" not in text:
                return b"T" + _REF.sub(self.ref, _PARENT.sub(b"", text))
            if code is _T.dictionary:
                return self.dictionary(v, _SKIP)
            return b"[" + b" ".join(self.value(x) for x in v) + b"]"
        if code is _T.null:
            return b"null"
        return bytes(v.unparse())  # anything else qpdf knows how to write

    def stream_head(self, v: Any, image: bool) -> bytes:
        """A stream's digest before its data's SHA-256: its dictionary, without how its data
        is stored when the data is hashed decoded."""
        decoded = not image and _decodable(v)
        return b"S" + self.dictionary(v, _SKIP | _STORAGE if decoded else _SKIP)

    def dictionary(self, d: Any, skip: frozenset[str]) -> bytes:
        items = sorted((str(k), d.get(k)) for k in d if str(k) not in skip)
        return b"<<" + b" ".join(k.encode("utf-8", "surrogateescape") + b" " + self.value(x)
                                 for k, x in items) + b">>"


def _number(v: int | Decimal | float) -> bytes:
    if isinstance(v, int):
        return b"%d" % v
    d = Decimal(str(v)).normalize()  # 1.50 and 1.5 are one number
    return str(d if d != d.to_integral_value() else d.quantize(Decimal(1))).encode()


def _inherited(page: Any, key: str) -> Any:
    node, seen = page, 0
    while node is not None and seen < 64:  # a page tree loop is not followed for ever
        if key in node:
            return node.get(key)
        node, seen = node.get("/Parent"), seen + 1
    return None


def _streams(page: Any) -> list[Any]:
    contents = page.get("/Contents")
    return (list(contents) if isinstance(contents, pikepdf.Array)
            else [contents] if contents is not None else [])


def _is_page(v: Any) -> bool:
    try:
        return isinstance(v, pikepdf.Dictionary) and v.get("/Type") == "/Page"
    except (AttributeError, TypeError, ValueError):
        return False


def _signature_field(annot: Any) -> bool:
    try:
        field = annot if "/FT" in annot else annot.get("/Parent")
        return field is not None and field.get("/FT") == "/Sig"
    except (AttributeError, TypeError, ValueError):
        return False


_GENERAL = frozenset({"/FlateDecode", "/Fl", "/LZWDecode", "/LZW", "/ASCIIHexDecode", "/AHx",
                      "/ASCII85Decode", "/A85", "/RunLengthDecode", "/RL"})


def _decodable(s: Any) -> bool:
    f = s.get("/Filter")
    names = [str(x) for x in f] if isinstance(f, pikepdf.Array) else [str(f)] if f is not None else []
    return all(n in _GENERAL for n in names)


def _data(s: Any, *, decode: bool) -> bytes:
    if not isinstance(s, pikepdf.Stream):
        return b""
    if decode and _decodable(s):
        try:
            return bytes(s.read_bytes())
        except pikepdf.PdfError:
            pass  # a corrupt stream: hashed as stored, and so still compared
    return bytes(s.read_raw_bytes())
