"""Post-conditions on a built dossier, checked before it is moved into place.

Each check reads the written PDF back (never the writer's memory): page count, the Bates stamp
printed on every page in order, page labels equal to the stamps, links landing on the exhibits'
first pages, every accepted file exhibited, fonts embedded, the manifest attached and readable.
Returns a list of problems (empty = good); the pipeline turns a non-empty list into exit code 6.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pikepdf
from pypdf import PdfReader

from evidence import integrity, pagehash


@dataclasses.dataclass(frozen=True)
class Expect:
    pages: int
    labels: Sequence[str]  # the Bates stamp of every page, in order
    accepted: Sequence[str] = ()  # paths of accepted files
    exhibited: Sequence[str] = ()  # paths that got an exhibit
    link_targets: Mapping[str, int] = dataclasses.field(default_factory=dict)
    manifest: bool = True
    manifest_bytes: bytes | None = None  # what was attached: compared, not parsed (faster)
    embedded: bool = True  # False when only the non-embedded fallback font was available
    originals: frozenset[int] = frozenset()  # 0-based pages merged from the victim's PDFs


def check(pdf: Path, expect: Expect) -> list[str]:
    # pikepdf (qpdf, C++) reads the structure at a tenth of pypdf's cost; the stamp on every
    # page is decoded from its own form, which says more than the page's whole text would (a
    # Bates number cited in the evidence list is not the page's stamp)
    try:
        with pikepdf.open(pdf) as doc:
            return _check(doc, expect)
    except pikepdf.PdfError as exc:
        return [f"the PDF cannot be read back ({exc})"]


def _check(doc: pikepdf.Pdf, expect: Expect) -> list[str]:
    problems: list[str] = []
    n = len(doc.pages)
    if n != expect.pages:
        problems.append(f"{n} pages, expected {expect.pages}")
    labels = page_labels(doc)
    if labels != list(expect.labels):
        bad = next((i for i, (a, b) in enumerate(zip(labels, expect.labels, strict=False))
                    if a != b), min(len(labels), len(expect.labels)))
        problems.append(f"page label of page {bad + 1} differs from its stamp")
    missing = sorted(set(expect.accepted) - set(expect.exhibited))
    if missing:
        problems.append(f"accepted files not exhibited: {', '.join(missing)}")
    if expect.embedded:
        bare = unembedded_fonts(doc, expect.originals)
        if bare:
            problems.append(f"fonts not embedded: {', '.join(sorted(bare))}")
    if expect.manifest:
        blob = doc.attachments.get(integrity.MANIFEST_NAME)
        data = blob.get_file().read_bytes() if blob is not None else None
        try:
            if data is None or (expect.manifest_bytes is None
                                and not isinstance(json.loads(data), dict)):
                problems.append("manifest.json is not attached")
            elif expect.manifest_bytes is not None and data != expect.manifest_bytes:
                problems.append("manifest.json differs from the one built")
        except ValueError as exc:
            problems.append(f"manifest.json is not valid JSON ({exc})")
    targets = set(expect.link_targets.values())
    found = {p for p in link_pages(doc) if p is not None}
    if targets - found:
        problems.append(f"no link to pages {sorted(targets - found)}")
    cmaps: dict[tuple[int, int], dict[int, str]] = {}
    for i, (page, label) in enumerate(zip(doc.pages, expect.labels, strict=False)):
        if label not in stamp_text(page, cmaps):
            problems.append(f"page {i + 1} does not show its stamp {label}")
            break
    return problems


# ---- the joint bundle (issue 18: read back before the rename, as a dossier is) ------------------


def check_bundle(pdf: Path, labels: Sequence[str], manifest: bytes | None = None) -> list[str]:
    """Post-conditions on a written bundle, read from the file alone: it opens without repair,
    its page tree counts one page per label, its page labels equal the labels, and the first
    and last page of the front matter and of every claimant's part (found through the outline,
    as a reader would) resolve, with content, and show their stamp.

    The bundle is written past the disk cache, so this reads only what it checks: the page
    tree's list of pages (not the 7,000 page objects it points to) and the pages checked.
    `manifest`: what was attached (its page hashes made while writing, see pdf/pageseal):
    found as it is, and the hashes of the pages checked recomputed from the file agree."""
    try:
        with pikepdf.open(pdf, attempt_recovery=False) as doc:
            problems = _check_bundle(doc, labels)
            return problems or (_check_sealed(doc, manifest) if manifest is not None else [])
    except pikepdf.PdfError as exc:
        return [f"the bundle cannot be read back ({exc})"]


def _check_bundle(doc: pikepdf.Pdf, labels: Sequence[str]) -> list[str]:
    tree: Any = doc.Root.get("/Pages")
    kids: Any = tree.get("/Kids") if tree is not None else None
    if not kids or any(k.get("/Type") == "/Pages" for k in (kids[0], kids[len(kids) - 1])):
        return ["the page tree is not the flat list the bundle writer makes"]
    n = len(kids)
    if n != len(labels) or int(tree.get("/Count", -1)) != n:
        return [f"{n} pages (/Count {tree.get('/Count')}), expected {len(labels)}"]
    problems: list[str] = []
    if page_labels(doc, n) != list(labels):
        problems.append("the page labels differ from the stamps")
    index = {kids[i].objgen: i for i in range(n)}  # references only: no page is read
    forms: dict[tuple[int, int], str] = {}
    for i in _part_ends(doc, index):
        page = kids[i]
        if page.get("/Contents") is None or inherited_resources(page) is None:
            problems.append(f"page {i + 1} has no content or resources")
            break
        if labels[i] not in form_text(inherited_resources(page), forms):
            problems.append(f"page {i + 1} does not show its stamp {labels[i]}")
            break
    return problems


def _check_sealed(doc: pikepdf.Pdf, manifest: bytes) -> list[str]:
    """The attached manifest is the one built, and its hashes of the first and last page of
    each part are what `evidence verify` recomputes from the file."""
    blob = doc.attachments.get(integrity.MANIFEST_NAME)
    if blob is None or blob.get_file().read_bytes() != manifest:
        return ["manifest.json differs from the one built"]
    recorded = json.loads(manifest)["integrity"]["page_sha256"]
    kids: Any = doc.Root.Pages.Kids
    index = {kids[i].objgen: i for i in range(len(kids))}
    for i in _part_ends(doc, index):
        if pagehash.page_digest(doc, kids[i], index) != recorded[i]:
            return [f"the hash of page {i + 1} recorded in manifest.json is not the page's"]
    return []


def inherited_resources(obj: Any) -> Any:
    node, depth = obj, 0
    while node is not None and depth < 64:
        if "/Resources" in node:
            return node.get("/Resources")
        node, depth = node.get("/Parent"), depth + 1
    return None


def _part_ends(doc: pikepdf.Pdf, index: Mapping[tuple[int, int], int]) -> list[int]:
    """The first and last page of each part of a bundle (its top bookmarks), in order."""
    starts = sorted({0, *(s for s in (_outline_page(item, index) for item in _top_outline(doc))
                          if s is not None)})
    ends = [s - 1 for s in starts[1:]] + [len(index) - 1]
    return sorted({*starts, *ends})


def _top_outline(doc: pikepdf.Pdf) -> list[Any]:
    outlines = doc.Root.get("/Outlines")
    item = outlines.get("/First") if outlines is not None else None
    out: list[Any] = []
    while item is not None and len(out) < 100_000:
        out.append(item)
        item = item.get("/Next")
    return out


def _outline_page(item: Any, index: Mapping[tuple[int, int], int]) -> int | None:
    dest = item.get("/Dest")
    if dest is None:
        action = item.get("/A")
        dest = action.get("/D") if action is not None else None
    if isinstance(dest, pikepdf.Array) and len(dest) and isinstance(dest[0], pikepdf.Dictionary):
        return index.get(dest[0].objgen)
    return None


def form_text(res: Any, cache: dict[tuple[int, int], str], depth: int = 0) -> str:
    """The text drawn by the form XObjects of `res` (and the forms they draw), through their
    fonts' ToUnicode maps: where both a dossier's stamp and a bundle's glyph-form stamp live."""
    xobjs = res.get("/XObject") if res is not None else None
    out: list[str] = []
    for x in (xobjs.values() if xobjs is not None and depth < 8 else ()):
        if x.get("/Subtype") != "/Form":
            continue
        key = x.objgen
        if key in cache and key != (0, 0):
            out.append(cache[key])
            continue
        text = _content_text(x, cache) + form_text(x.get("/Resources"), cache, depth + 1)
        cache[key] = text
        out.append(text)
    return "".join(out)


def _content_text(form: Any, cmaps: dict[Any, Any], lines: bool = False) -> str:
    """Text of one form's own content, glyph forms (`/Gn Do`) spelled out in drawing order;
    `lines`: a line break after each text object (ET)."""
    res = form.get("/Resources")
    fonts: Any = res.get("/Font") if res is not None else None
    fonts = fonts if fonts is not None else {}
    xobjs: Any = res.get("/XObject") if res is not None else None
    out: list[str] = []
    cmap: dict[int, str] = {}
    for instruction in pikepdf.parse_content_stream(form):
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            continue
        operands, name = instruction.operands, str(instruction.operator)
        if name == "Tf" and operands:
            font = fonts.get(str(operands[0]))
            cmap = _unicode_map(font, cmaps) if font is not None else {}
        elif name in ("Tj", "'", '"') and operands:
            out.append(_decode(bytes(operands[-1]), cmap))
        elif name == "TJ" and operands:
            out.extend(_decode(bytes(x), cmap) for x in operands[0] if isinstance(x, pikepdf.String))
        elif name == "Do" and operands and xobjs is not None:
            glyph = xobjs.get(str(operands[0]))
            if glyph is not None and glyph.get("/Subtype") == "/Form":
                key = ("glyph", glyph.objgen)
                if key not in cmaps:
                    cmaps[key] = _content_text(glyph, cmaps)
                out.append(cmaps[key])
        elif name == "ET" and lines:
            out.append("\n")
    return "".join(out)



def stamp_text(page: pikepdf.Page, cmaps: dict[Any, Any]) -> str:
    """The text of the page's Bates stamp form (/EvStamp), through its fonts' ToUnicode maps,
    a line per text object."""
    res = page.obj.get("/Resources")
    xobjs = res.get("/XObject") if res is not None else None
    form = xobjs.get("/EvStamp") if xobjs is not None else None
    return "" if form is None else _content_text(form, cmaps, lines=True)


def _decode(data: bytes, cmap: dict[int, str]) -> str:
    return "".join(cmap.get(b, chr(b)) for b in data)


_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def _unicode_map(font: pikepdf.Object, cache: dict[tuple[int, int], dict[int, str]]
                 ) -> dict[int, str]:
    """One-byte codes to text, from the bfchar/bfrange sections of a font's ToUnicode CMap."""
    key = font.objgen
    if key in cache:
        return cache[key]
    out: dict[int, str] = {}
    tu = font.get("/ToUnicode")
    data = tu.read_bytes() if isinstance(tu, pikepdf.Stream) else b""
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        hexes = _HEX.findall(section)
        for code, text in zip(hexes[::2], hexes[1::2], strict=False):
            out[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        hexes = _HEX.findall(section)
        for lo, hi, first in zip(hexes[::3], hexes[1::3], hexes[2::3], strict=False):
            base = int(first, 16)
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(base + k)
    cache[key] = out
    return out


# ---- structure ------------------------------------------------------------------------------


def page_labels(doc: pikepdf.Pdf, n: int | None = None) -> list[str]:
    """Every page's label from /PageLabels (prefix and decimal/roman/letter numbering).
    `n`: the page count when known (counting them reads every page object)."""
    tree = doc.Root.get("/PageLabels")
    n = len(doc.pages) if n is None else n
    if tree is None:
        return [str(i + 1) for i in range(n)]
    starts = sorted((int(k), v) for k, v in pikepdf.NumberTree(tree).items())
    out: list[str] = []
    k = -1
    for i in range(n):
        while k + 1 < len(starts) and starts[k + 1][0] <= i:
            k += 1
        if k < 0:
            out.append(str(i + 1))
            continue
        first, spec = starts[k]
        number = int(spec.get("/St", 1)) + i - first
        out.append(str(spec.get("/P", "")) + _numeral(str(spec.get("/S", "")), number))
    return out


def _numeral(style: str, n: int) -> str:
    if style == "/D":
        return str(n)
    if style in ("/R", "/r"):
        roman = ""
        for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                               (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                               (4, "IV"), (1, "I")):
            while n >= value:
                roman, n = roman + letters, n - value
        return roman if style == "/R" else roman.lower()
    if style in ("/A", "/a"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if style == "/A" else letter.lower()
    return ""


def _split_pages(out: bytes) -> list[str]:
    pages = out.decode("utf-8", "replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_texts(pdf: Path, reader: PdfReader | None = None) -> list[str]:
    """Text of every page: pdftotext when installed (fast, C), else pypdf."""
    exe = shutil.which("pdftotext")
    if exe:
        done = subprocess.run([exe, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                              timeout=600, check=False)
        if done.returncode == 0:
            return _split_pages(done.stdout)
    reader = reader or PdfReader(pdf)
    return [p.extract_text() or "" for p in reader.pages]


def unembedded_fonts(doc: pikepdf.Pdf, originals: frozenset[int] = frozenset()) -> set[str]:
    """Names of fonts without an embedded font file, in our pages and stamps.

    Pages merged from a victim's PDF keep their own fonts (we never alter an original); on those
    only what we added (the /Ev… stamp XObjects) is checked.
    """
    bare: set[str] = set()
    seen: set[tuple[int, int]] = set()

    def walk(res: Any) -> None:
        fonts = res.get("/Font") if res is not None else None
        for font in (fonts.values() if fonts is not None else ()):
            if font.is_indirect:
                if font.objgen in seen:  # shared fonts: looked at once
                    continue
                seen.add(font.objgen)
            subtype = font.get("/Subtype")
            if subtype == "/Type3":
                continue
            desc = font.get("/FontDescriptor")
            if subtype == "/Type0":
                kids = font.get("/DescendantFonts")
                desc = kids[0].get("/FontDescriptor") if kids else None
            if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2",
                                                           "/FontFile3")):
                bare.add(str(font.get("/BaseFont", "?")))

    def stamps(res: Any) -> None:
        # only our stamp forms: an image XObject is never opened
        xobjs = res.get("/XObject") if res is not None else None
        for name, x in (xobjs.items() if xobjs is not None else ()):
            if name.startswith("/EvStamp"):
                walk(x.get("/Resources"))

    for i, page in enumerate(doc.pages):
        res = page.obj.get("/Resources")
        if i not in originals:
            walk(res)
        stamps(res)
    return bare


def link_pages(doc: pikepdf.Pdf) -> list[int | None]:
    """Target page (1-based) of every GoTo link annotation in the document, in page order."""
    index = {p.obj.objgen: i + 1 for i, p in enumerate(doc.pages)}
    out: list[int | None] = []
    for page in doc.pages:
        for a in page.obj.get("/Annots") or ():
            dest = a.get("/Dest")
            if dest is None or not isinstance(dest, pikepdf.Array):
                continue
            target = dest[0] if len(dest) else None
            out.append(index.get(target.objgen) if isinstance(target, pikepdf.Dictionary)
                       else None)
    return out


def read_manifest(pdf: Path) -> dict[str, Any]:
    """The embedded manifest.json (inventory, exhibits, timeline, facts, fingerprint)."""
    return integrity.read_manifest(pdf)
