"""issue 23: nothing in a victim's PDF can act when a court PDF that contains it is opened.

A merged original keeps what it shows and loses what it could do: its annotations are drawn
into the page (a filled form still shows its values, a highlight stays yellow) and then removed
with every action they held — JavaScript, Launch (`cmd.exe`), SubmitForm/ImportData, links to
files or other documents, embedded files, form fields. The page's own open/close actions go too.
Document-level actions (OpenAction, the JavaScript name tree, AcroForm, attachments) live in the
original's catalogue, which is never copied: only its pages are.

Plain web links (http, https) are evidence of what the victim was sent, so their addresses are
listed as text in the exhibit's header ("已移除的链接") instead of staying clickable.
Only the in-memory copy opened for merging is changed; the original file is never written.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pikepdf

WEB = ("http://", "https://")
MAX_LINKS = 40  # listed in the exhibit's header; a count stands for the rest
# Page keys that make a page act: open/close actions, annotations (links, widgets, files,
# media), article beads. /Annots goes after its appearances are drawn into the page.
PAGE_KEYS = ("/AA", "/Annots", "/B")
_DAMAGE = (pikepdf.PdfError, ValueError, KeyError, TypeError, RuntimeError)


def clean(pdf: pikepdf.Pdf) -> pikepdf.Pdf:
    """`pdf` (opened for merging, never saved over the original) with nothing that can act."""
    # a form whose fields ask the viewer to draw them: drawn now, or their values would vanish;
    # then what an annotation shows becomes page content (qpdf) and what it does is dropped
    with contextlib.suppress(*_DAMAGE):
        pdf.generate_appearance_streams()
    with contextlib.suppress(*_DAMAGE):
        pdf.flatten_annotations("all")
    for page in pdf.pages:
        for key in PAGE_KEYS:
            if key in page.obj:
                del page.obj[key]
    return pdf


def web_links(pdf: pikepdf.Pdf) -> tuple[str, ...]:
    """The http(s) addresses the pages link to, first-seen order, for the exhibit's header."""
    seen: dict[str, None] = {}
    try:
        for page in pdf.pages:
            for annot in _list(page.obj.get("/Annots")):
                uri = _uri(annot)
                if uri is not None and uri.lower().startswith(WEB):
                    seen.setdefault(uri)
    except (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError):
        pass
    links = list(seen)
    if len(links) > MAX_LINKS:
        links = [*links[:MAX_LINKS], f"(+{len(links) - MAX_LINKS})"]
    return tuple(links)


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, pikepdf.Array) else []


def _uri(annot: Any) -> str | None:
    if not isinstance(annot, pikepdf.Dictionary):
        return None
    action = annot.get("/A")
    if not isinstance(action, pikepdf.Dictionary) or action.get("/S") != pikepdf.Name.URI:
        return None
    uri = action.get("/URI")
    if not isinstance(uri, pikepdf.String):
        return None
    text = bytes(uri).decode("utf-8", "replace")
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)[:500]


def found(pdf: pikepdf.Pdf) -> tuple[str, ...]:
    """What `clean` takes out of this PDF, as kinds for the exhibit's header: `action`,
    `javascript`, `launch`, `form`, `embedded_file`, `link`, `annotation` (sorted)."""
    kinds: set[str] = set()
    try:
        root = pdf.Root
        if "/OpenAction" in root or "/AA" in root:
            kinds.add("action")
        names = root.get("/Names")
        if isinstance(names, pikepdf.Dictionary):
            if "/JavaScript" in names:
                kinds.add("javascript")
            if "/EmbeddedFiles" in names:
                kinds.add("embedded_file")
        if "/AcroForm" in root:
            kinds.add("form")
        for page in pdf.pages:
            if "/AA" in page.obj:
                kinds.add("action")
            for annot in _list(page.obj.get("/Annots")):
                kinds.add(_annot_kind(annot))
    except (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError):
        kinds.add("annotation")
    return tuple(sorted(kinds))


_ACTION_KINDS = {"/JavaScript": "javascript", "/Launch": "launch", "/SubmitForm": "form",
                 "/ImportData": "form", "/ResetForm": "form", "/URI": "link",
                 "/GoToE": "embedded_file"}
_ANNOT_KINDS = {"/Widget": "form", "/FileAttachment": "embedded_file", "/Link": "link"}


def _annot_kind(annot: Any) -> str:
    if not isinstance(annot, pikepdf.Dictionary):
        return "annotation"
    action = annot.get("/A")
    if isinstance(action, pikepdf.Dictionary):
        return _ACTION_KINDS.get(str(action.get("/S")), "action")
    if "/AA" in annot:
        return "action"
    return _ANNOT_KINDS.get(str(annot.get("/Subtype")), "annotation")
