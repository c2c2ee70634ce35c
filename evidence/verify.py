"""Post-conditions on a built dossier, checked before it is moved into place.

Each check reads the written PDF back (never the writer's memory): page count, the Bates stamp
printed on every page in order, page labels equal to the stamps, links landing on the exhibits'
first pages, every accepted file exhibited, fonts embedded, the manifest attached and readable.
Returns a list of problems (empty = good); the pipeline turns a non-empty list into exit code 6.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from evidence import integrity


@dataclasses.dataclass(frozen=True)
class Expect:
    pages: int
    labels: Sequence[str]  # the Bates stamp of every page, in order
    accepted: Sequence[str] = ()  # paths of accepted files
    exhibited: Sequence[str] = ()  # paths that got an exhibit
    link_targets: Mapping[str, int] = dataclasses.field(default_factory=dict)
    manifest: bool = True
    embedded: bool = True  # False when only the non-embedded fallback font was available
    originals: frozenset[int] = frozenset()  # 0-based pages merged from the victim's PDFs


def check(pdf: Path, expect: Expect) -> list[str]:
    # pdftotext reads the stamps in its own process while pypdf checks the structure here
    proc = _pdftotext(pdf)
    try:
        # a file handle, not a path: pypdf would read a path's whole file into memory
        with pdf.open("rb") as fh:
            return _check(pdf, PdfReader(fh), expect, proc)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()


def _pdftotext(pdf: Path) -> subprocess.Popen[bytes] | None:
    exe = shutil.which("pdftotext")
    if not exe:
        return None
    return subprocess.Popen([exe, "-enc", "UTF-8", str(pdf), "-"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)


def _split_pages(out: bytes) -> list[str]:
    pages = out.decode("utf-8", "replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _check(pdf: Path, reader: PdfReader, expect: Expect,
           proc: subprocess.Popen[bytes] | None = None) -> list[str]:
    problems: list[str] = []
    n = len(reader.pages)
    if n != expect.pages:
        problems.append(f"{n} pages, expected {expect.pages}")
    labels = list(reader.page_labels)
    if labels != list(expect.labels):
        bad = next((i for i, (a, b) in enumerate(zip(labels, expect.labels, strict=False))
                    if a != b), min(len(labels), len(expect.labels)))
        problems.append(f"page label of page {bad + 1} differs from its stamp")
    missing = sorted(set(expect.accepted) - set(expect.exhibited))
    if missing:
        problems.append(f"accepted files not exhibited: {', '.join(missing)}")
    if expect.embedded:
        bare = unembedded_fonts(reader, expect.originals)
        if bare:
            problems.append(f"fonts not embedded: {', '.join(sorted(bare))}")
    if expect.manifest:
        blobs = reader.attachments.get(integrity.MANIFEST_NAME)
        try:
            if not blobs or not isinstance(json.loads(blobs[0]), dict):
                problems.append("manifest.json is not attached")
        except ValueError as exc:
            problems.append(f"manifest.json is not valid JSON ({exc})")
    targets = set(expect.link_targets.values())
    found = {p for p in link_pages(reader) if p is not None}
    if targets - found:
        problems.append(f"no link to pages {sorted(targets - found)}")
    texts: list[str] | None = None
    if proc is not None:
        out, _ = proc.communicate(timeout=600)
        texts = _split_pages(out) if proc.returncode == 0 else None
    if texts is None:
        texts = page_texts(pdf, reader)
    for i, (text, label) in enumerate(zip(texts, expect.labels, strict=False)):
        if label not in text:
            problems.append(f"page {i + 1} does not show its stamp {label}")
            break
    return problems


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


def unembedded_fonts(reader: PdfReader, originals: frozenset[int] = frozenset()) -> set[str]:
    """Names of fonts without an embedded font file, in our pages and stamps.

    Pages merged from a victim's PDF keep their own fonts (we never alter an original); on those
    only what we added (the /Ev… stamp XObjects) is checked.
    """
    bare: set[str] = set()
    seen: set[int] = set()
    refs: set[int] = set()

    def walk(res: Any) -> None:
        if res is None:
            return
        res = res.get_object()
        fonts = res.get("/Font")
        for font in (fonts.get_object() if fonts is not None else {}).values():
            key = getattr(font, "idnum", None)  # shared fonts: looked at once, not resolved again
            if key is not None and key in refs:
                continue
            f = font.get_object()
            if key is not None:
                refs.add(key)
            if id(f) in seen:
                continue
            seen.add(id(f))
            desc = f.get("/FontDescriptor")
            if f.get("/Subtype") == "/Type0":
                kids = f.get("/DescendantFonts")
                desc = kids.get_object()[0].get_object().get("/FontDescriptor") if kids else None
            if f.get("/Subtype") == "/Type3":
                continue
            d = desc.get_object() if desc is not None else {}
            if not any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                bare.add(str(f.get("/BaseFont", "?")))
    def stamps(res: Any) -> None:
        # only our stamp forms: resolving an image XObject would load its pixels
        xobjs = res.get_object().get("/XObject") if res is not None else None
        for name, x in (xobjs.get_object() if xobjs is not None else {}).items():
            if str(name).startswith("/EvStamp"):
                walk(x.get_object().get("/Resources"))

    for i, page in enumerate(reader.pages):
        res = page.get("/Resources")
        if i not in originals:
            walk(res)
        stamps(res)
    return bare


def link_pages(reader: PdfReader) -> list[int | None]:
    """Target page (1-based) of every GoTo link annotation in the document, in page order."""
    index = {p.indirect_reference.idnum: i + 1 for i, p in enumerate(reader.pages)
             if p.indirect_reference is not None}
    out: list[int | None] = []
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            a = ref.get_object()
            dest = a.get("/Dest")
            if dest is None:
                continue
            dest = dest.get_object()
            target: Any = dest[0] if len(dest) else None
            num = getattr(target, "idnum", None)
            out.append(index.get(num) if num is not None else None)
    return out


def read_manifest(pdf: Path) -> dict[str, Any]:
    """The embedded manifest.json (inventory, exhibits, timeline, facts, fingerprint)."""
    return integrity.read_manifest(pdf)
