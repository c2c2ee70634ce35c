"""A claimant's dossier over the court's file limit as volumes (issue 18): dossier-vol01.pdf, …

Made from the finished, checked dossier (which stays whole: the joint bundle and the record are
made from it). Cut only where an exhibit (or a section, or a sub-exhibit) starts; an exhibit
bigger than the limit on its own stays whole in its own volume, which is then over the limit.
Each volume: a cover (the case, the volume, its Bates range, an index of what it holds, the
first volume's of every volume), then its pages as they are in the dossier — their Bates stamps
run on across volumes — with page labels equal to the stamps, bookmarks, links inside the
volume kept and links to another volume's page made remote go-tos naming that file, and its
manifest (the dossier's, this volume's page labels and a hash of every page) attached, so
`evidence verify dossier-vol02.pdf` checks it alone. Each is read back before it is kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pikepdf

from evidence import integrity, pagehash, verify
from evidence.pdf import bundle, volumes

# (volume, volumes, first Bates, last Bates, file name, index rows, whole index) -> the
# cover's PDF and its bookmark's title
Cover = Callable[[int, int, str, str, str, Sequence[Any], bool], tuple[bytes, str]]
VOLUMES_JSON = "volumes.json"  # beside the dossier: each volume's pages and Bates range


@dataclasses.dataclass(frozen=True)
class Volume:
    """One written volume: its file, SHA-256, pages, the dossier pages it holds [first, end)
    and their Bates numbers, and whether it is over the limit (one exhibit too big)."""

    path: str
    sha256: str
    pages: int
    size: int
    first: int
    end: int
    bates: tuple[str, str]
    over_limit: bool
    uncut: bool = False  # one section or exhibit, which is never cut

    def entry(self) -> dict[str, Any]:
        """Its manifest.json row."""
        return {"path": self.path, "sha256": self.sha256, "pages": self.pages, "size": self.size,
                "dossier_pages": [self.first + 1, self.end], "bates": list(self.bates),
                "over_limit": self.over_limit}


@dataclasses.dataclass(frozen=True)
class Limits:
    max_pages: int
    max_bytes: int
    cover_pages: Callable[[int], int]  # index rows -> the cover's page count


def split(dossier: Path, folder: Path, names: Sequence[str], limits: Limits, cover: Cover,
          row_type: Callable[..., Any]) -> list[Volume]:
    """Write the volumes of `dossier` into `folder` when it is over `limits` (else nothing);
    `names[n - 1]`: volume n's file name (as many as needed are taken); `cover(volume,
    volumes, first, last, file, rows, whole)`: a cover's PDF; `row_type`: its index rows'
    type (render.volume_cover.Row)."""
    with pikepdf.open(dossier) as src:
        labels = verify.page_labels(src)
        total = len(labels)
        if ((not limits.max_pages or total <= limits.max_pages)
                and (not limits.max_bytes or dossier.stat().st_size <= limits.max_bytes)):
            return []  # most dossiers: known without walking their pages
        marks = _outline(src)
        uses = _Uses()
        sizes = [uses.page(p) for p in src.pages]
    fits = _fits(limits, sizes)
    rows_all = _rows(marks, 0, total)
    cuts = sorted({p for _, p, _ in _walk(marks)})
    ranges = volumes.pieces(total, cuts, lambda a, b: fits(
        a, b, len(rows_all) if a == 0 else len(_rows(marks, a, b))))
    covers = [limits.cover_pages(len(rows_all) if n == 0 else len(_rows(marks, a, b)))
              for n, (a, b) in enumerate(ranges)]
    where = _where(ranges, covers)
    out = []
    for n, (a, b) in enumerate(ranges):
        rows = [row_type(t, labels[p], labels[e - 1], *where(p)) for t, p, e in
                (rows_all if n == 0 else _rows(marks, a, b))]
        pdf, title = cover(n + 1, len(ranges), labels[a], labels[b - 1], names[n], rows, n == 0)
        made = _write(dossier, folder / names[n], _Piece(
            n + 1, a, b, pdf, title, names[:len(ranges)], labels, marks, where), limits)
        out.append(dataclasses.replace(made, uncut=not any(a < c < b for c in cuts)))
    return out


def record(made: Sequence[Volume]) -> bytes:
    """volumes.json: each volume's file, pages, dossier pages and Bates range (its SHA-256 is
    in the build's manifest.json, taken from the file as published)."""
    return json.dumps({"volumes": [{k: v for k, v in m.entry().items() if k != "sha256"}
                                   for m in made]}, ensure_ascii=False, indent=1).encode()


@dataclasses.dataclass(frozen=True)
class _Piece:
    number: int
    first: int
    end: int
    cover: bytes
    title: str
    files: Sequence[str]
    labels: Sequence[str]
    marks: Sequence[Any]
    where: Callable[[int], tuple[int, int]]  # dossier page -> (volume, 0-based page in it)


def _write(dossier: Path, path: Path, piece: _Piece, limits: Limits) -> Volume:
    with pikepdf.open(dossier) as src, pikepdf.new() as vol, \
            pikepdf.open(io.BytesIO(piece.cover)) as cover:
        vol.pages.extend(cover.pages)
        head = len(vol.pages)
        _unsign(src, piece)
        _relink(src, piece)
        vol.pages.extend(src.pages[piece.first:piece.end])
        _cover_links(vol, head, piece)
        labels = [f"V{piece.number:02d}-{i}" for i in range(1, head + 1)] + list(
            piece.labels[piece.first:piece.end])
        _page_labels(vol, labels)
        with vol.open_outline() as outline:
            outline.root.extend(_bookmarks(vol, piece, head))
        manifest = integrity.bundle_manifest([dossier], {"first": labels[head],
                                                         "last": labels[-1]})
        manifest.update(page_labels=labels, volume={"number": piece.number,
                                                    "of": len(piece.files)})
        data = integrity.fill_page_slots(integrity.with_page_slots(json.dumps(
            manifest, ensure_ascii=False, sort_keys=True, indent=1).encode(), len(labels)),
            pagehash.digests(vol))
        vol.attachments[integrity.MANIFEST_NAME] = pikepdf.AttachedFileSpec(
            vol, data, mime_type="application/json")
        for key in ("/Title", "/Author", "/Keywords", "/CreationDate", "/ModDate"):
            if key in src.docinfo:
                vol.docinfo[key] = src.docinfo[key]
        vol.Root.PageMode = pikepdf.Name.UseOutlines
        # streams as they are: a picture is hashed as stored (pagehash), so none is recompressed
        vol.save(path, static_id=True, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
    _read_back(path, labels, head, data)
    size = path.stat().st_size
    return Volume(path.name, hashlib.sha256(path.read_bytes()).hexdigest(), len(labels), size,
                  piece.first, piece.end, (labels[head], labels[-1]),
                  bool((limits.max_pages and len(labels) > limits.max_pages)
                       or (limits.max_bytes and size > limits.max_bytes)))


def _unsign(src: pikepdf.Pdf, piece: _Piece) -> None:
    """A signed dossier's signature field sits on its first page: it signs the dossier's
    bytes, not a volume's, so it stays behind (the volume is signed on its own with --sign)."""
    for page in src.pages[piece.first:piece.end]:
        annots = page.obj.get("/Annots")
        if annots is not None and any(a.get("/FT") == "/Sig" for a in annots):
            page.obj.Annots = pikepdf.Array([a for a in annots if a.get("/FT") != "/Sig"])


def _relink(src: pikepdf.Pdf, piece: _Piece) -> None:
    """Links of the volume's pages to a page in another volume become remote go-tos naming
    that volume's file (a link inside the volume stays: it is copied with its page)."""
    index = {p.obj.objgen: i for i, p in enumerate(src.pages)}
    for page in src.pages[piece.first:piece.end]:
        for annot in page.obj.get("/Annots") or ():
            dest = annot.get("/Dest")
            action = annot.get("/A")
            if dest is None and action is not None and action.get("/S") == "/GoTo":
                dest = action.get("/D")
            if not isinstance(dest, pikepdf.Array) or not len(dest) or not isinstance(
                    dest[0], pikepdf.Dictionary):
                continue
            target = index.get(dest[0].objgen)
            if target is None or piece.first <= target < piece.end:
                continue
            volume, at = piece.where(target)
            for key in ("/Dest", "/A"):
                if key in annot:
                    del annot[key]
            annot.A = pikepdf.Dictionary(S=pikepdf.Name.GoToR, F=piece.files[volume - 1],
                                         D=[at, pikepdf.Name.XYZ, None, None, None],
                                         NewWindow=True)


def _cover_links(vol: pikepdf.Pdf, head: int, piece: _Piece) -> None:
    """The cover's index rows (evidence-page:<volume>:<page> placeholders): a jump inside
    this volume, or a remote go-to naming the other volume's file."""
    for page in vol.pages[:head]:
        for annot in page.obj.get("/Annots") or ():
            action: Any = annot.get("/A") or {}
            uri = str(action.get("/URI", ""))
            if not uri.startswith(bundle.PAGE_LINK):
                continue
            volume, _, at = (int(x) if x.isdigit() else x for x in
                             uri[len(bundle.PAGE_LINK):].partition(":"))
            assert isinstance(volume, int) and isinstance(at, int)
            del annot["/A"]
            if volume == piece.number:
                annot.Dest = [vol.pages[at].obj, pikepdf.Name.XYZ, None, None, None]
            else:
                annot.A = pikepdf.Dictionary(S=pikepdf.Name.GoToR, F=piece.files[volume - 1],
                                             D=[at, pikepdf.Name.XYZ, None, None, None],
                                             NewWindow=True)


def _page_labels(vol: pikepdf.Pdf, labels: Sequence[str]) -> None:
    nums: list[Any] = []
    for index, prefix, start in bundle.label_nums(labels):
        entry = pikepdf.Dictionary()
        if start is not None:
            entry.S, entry.St = pikepdf.Name.D, start
        if prefix:
            entry.P = pikepdf.String(prefix)
        nums += [index, entry]
    vol.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))


def _bookmarks(vol: pikepdf.Pdf, piece: _Piece, head: int) -> list[pikepdf.OutlineItem]:
    """The cover, then the dossier's bookmarks of this volume's pages (one of another
    volume is left out, its children of this volume kept)."""
    def items(marks: Sequence[Any]) -> list[pikepdf.OutlineItem]:
        out = []
        for title, page, children in marks:
            if piece.first <= page < piece.end:
                item = pikepdf.OutlineItem(title, head + page - piece.first)
                item.children.extend(items(children))
                out.append(item)
            else:
                out += items(children)
        return out

    return [pikepdf.OutlineItem(piece.title, 0), *items(piece.marks)]


def _read_back(path: Path, labels: Sequence[str], head: int, manifest: bytes) -> None:
    """Before it is kept: its pages and labels, the Bates stamp of its first and last page of
    the dossier, the manifest as built and every page's hash recomputed from the file."""
    from evidence import errors

    problems: list[str] = []
    with pikepdf.open(path, attempt_recovery=False) as doc:
        if len(doc.pages) != len(labels) or verify.page_labels(doc) != list(labels):
            problems.append(f"{len(doc.pages)} pages or their labels differ from the plan")
        cmaps: dict[Any, Any] = {}
        for i in (head, len(labels) - 1):
            if i < len(doc.pages) and labels[i] not in verify.stamp_text(doc.pages[i], cmaps):
                problems.append(f"page {i + 1} does not show its stamp {labels[i]}")
        spec = doc.attachments.get(integrity.MANIFEST_NAME)
        if spec is None or spec.get_file().read_bytes() != manifest:
            problems.append("manifest.json differs from the one built")
        elif any(c.state is not integrity.State.OK for c in integrity.check_pages(
                doc, json.loads(manifest))):
            problems.append("a page's hash differs from the one recorded")
    if problems:
        path.unlink(missing_ok=True)
        raise errors.VerifyError(f"{path.name}: the volume failed its checks ("
                                 f"{'; '.join(problems)}); nothing was written. This is a bug, "
                                 "please report it.")


def _outline(src: pikepdf.Pdf) -> list[Any]:
    """(title, page, children) of the dossier's bookmarks."""
    index = {p.obj.objgen: i for i, p in enumerate(src.pages)}

    def walk(items: Sequence[Any]) -> list[Any]:
        out = []
        for item in items:
            dest = item.destination
            page = index.get(dest[0].objgen) if isinstance(dest, pikepdf.Array) and len(
                dest) and isinstance(dest[0], pikepdf.Dictionary) else None
            out.append((str(item.title), page or 0, walk(item.children)))
        return out

    with src.open_outline() as outline:
        return walk(outline.root)


def _walk(marks: Sequence[Any]) -> list[Any]:
    return [m for top in marks for m in (top, *_walk(top[2]))]


def _rows(marks: Sequence[Any], first: int, end: int) -> list[tuple[str, int, int]]:
    """The index rows of pages [first, end): each section and exhibit (a group of exhibits
    by its members) with pages there, as (title, first page, end page) within the range."""
    flat = [m for top in marks for m in (top[2] if top[2] else [top])]
    ends = [*(p for _, p, _ in flat[1:]), None]
    rows = []
    for (title, page, _), nxt in zip(flat, ends, strict=True):
        stop = max(page + 1, nxt) if nxt is not None else end
        if page < end and stop > first:
            rows.append((title, max(page, first), min(stop, end)))
    return rows


class _Uses:
    """The stored objects each page draws with — content, pictures, fonts, forms — and their
    sizes, by object: a volume's size is the sum over the union of its pages' (a font shared
    by every page is counted once; a CJK font subset weighs as much as a few screenshots)."""

    def __init__(self) -> None:
        self.memo: dict[tuple[int, int], dict[tuple[int, int], int]] = {}

    def page(self, page: pikepdf.Page) -> dict[tuple[int, int], int]:
        out: dict[tuple[int, int], int] = {}
        for key in ("/Contents", "/Resources"):
            value = page.obj.get(key)
            if value is not None:
                out.update(self.reach(value))
        return out

    def reach(self, obj: Any) -> dict[tuple[int, int], int]:
        og = obj.objgen if isinstance(obj, pikepdf.Object) and obj.is_indirect else None
        if og is not None:
            if og in self.memo:
                return self.memo[og]
            self.memo[og] = {}  # a loop is not followed twice
        out: dict[tuple[int, int], int] = {}
        if isinstance(obj, pikepdf.Stream):
            out[og or (0, 0)] = int(obj.stream_dict.get("/Length", 0)) + 200
            items: Any = obj.stream_dict.items()
        elif isinstance(obj, pikepdf.Dictionary):
            if obj.get("/Type") == "/Page":
                return out  # a link's target: its own page counts it
            items = obj.items()
        elif isinstance(obj, pikepdf.Array):
            items = enumerate(obj)
        else:
            return out
        for key, value in items:
            if key != "/Parent":
                out.update(self.reach(value))
        if og is not None:
            self.memo[og] = out
        return out


def _fits(limits: Limits, sizes: Sequence[dict[tuple[int, int], int]]
          ) -> Callable[[int, int, int], bool]:
    def fits(first: int, end: int, rows: int) -> bool:
        pages = limits.cover_pages(rows) + end - first
        used: dict[tuple[int, int], int] = {}
        for page in sizes[first:end]:
            used.update(page)
        size = volumes.VOLUME_BYTES + volumes.PAGE_BYTES * pages + sum(used.values())
        return ((not limits.max_pages or pages <= limits.max_pages)
                and (not limits.max_bytes or size <= limits.max_bytes * volumes.SIZE_MARGIN))
    return fits


def _where(ranges: Sequence[tuple[int, int]], covers: Sequence[int]
           ) -> Callable[[int], tuple[int, int]]:
    def where(page: int) -> tuple[int, int]:
        for n, (a, b) in enumerate(ranges):
            if a <= page < b:
                return n + 1, covers[n] + page - a
        raise ValueError(f"page {page + 1} is in no volume")
    return where
