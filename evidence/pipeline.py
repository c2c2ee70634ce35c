"""One victim's dossier, stage by stage: collect -> plan -> render -> stamp -> verify -> rename.

Everything is written in a work folder next to the output (`DIR/.work-<id>-<random>`), checked,
and only then moved into `DIR/<id>/` with os.replace, so a failed build leaves nothing new at
the final paths. `build_victim` is a plain function of its arguments: the batch builder calls
it from worker processes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import pikepdf
from pypdf.errors import PdfReadError

from evidence import (
    __version__,
    collect,
    config,
    duplex,
    errors,
    extract,
    integrity,
    jsontext,
    layout,
    redact,
    sanitize,
    served,
    stamp,
    template,
    timeline,
    times,
    verify,
)
from evidence.extract import Context
from evidence.layout import Group, Mode, Plan
from evidence.model import Case, Issue, Severity, SourceFile, Status
from evidence.render import common, images
from evidence.render import dossier as render
from evidence.render import fonts as fonts_mod

MAX_FRONT_PASSES = 4


@dataclasses.dataclass(frozen=True)
class Options:
    font: str | None = None  # --font: a .ttf/.ttc (optionally `path.ttc#index`)
    attach_manifest: bool | None = None  # None: the template decides
    # issue 6: print profile and service copies (all off by default)
    print_profile: str | None = None  # "simplex" | "duplex"; None: the template's [print] profile
    grayscale: bool = False  # images converted to grey for black-and-white printers
    tabs: bool = False  # a tab sheet with the big exhibit number before each exhibit
    redact: bool = False  # dossier-redacted.pdf: claimants' ID/card/phone numbers masked


@dataclasses.dataclass(frozen=True)
class VictimResult:
    victim: str
    dossier: Path | None
    pages: int
    exhibits: int
    issues: tuple[Issue, ...]
    fingerprint: str = ""


def setup_for(case: Case) -> tuple[dict[str, Any], Path]:
    if case.template and case.template != "default":
        path = (case.folder / case.template).resolve()
    else:
        path = template.TEMPLATES_DIR / "default.toml"
    return template.setup(path), path


def load_fonts(case: Case, options: Options) -> fonts_mod.Fonts:
    """The dossier fonts for this case (parsing a CJK TrueType collection takes ~0.2 s a font:
    a batch does it once, before its workers fork)."""
    return _fonts(setup_for(case)[0], options)


def warm_up(case: Case, options: Options) -> None:
    """Everything a dossier build loads once per process: fonts, the source readers and what
    they import (charset detection alone brings every text codec), Pillow's image plugins,
    pikepdf. A batch calls this before its workers fork: each fresh worker's first claimant
    took 0.2 s longer when it loaded them itself."""
    import pikepdf  # noqa: F401
    from PIL import Image

    load_fonts(case, options)
    extract.registry()
    Image.preinit()


def _fonts(setup: Mapping[str, Any], options: Options) -> fonts_mod.Fonts:
    found = setup.get("fonts", {})
    return fonts_mod.register(options.font, found.get("body", ()), found.get("heading", ()))


def template_sha256(setup_path: Path, lang: str) -> str:
    h = hashlib.sha256()
    for p in [setup_path, *sorted((template.TEMPLATES_DIR / lang).glob("*.toml"))]:
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def build_victim(case: Case, victim_id: str, out_dir: Path, options: Options = Options()
                 ) -> VictimResult:
    """Build DIR/<victim>/dossier.pdf, timeline.json and inventory.json for one victim."""
    return build_collected(collect.victim(case, victim_id), out_dir, options)


def build_collected(got: collect.Collected, out_dir: Path, options: Options = Options()
                    ) -> VictimResult:
    """The same, from a victim already collected (the batch collects once for several uses)."""
    case, victim_id = got.case, got.victim.id
    ctx = collect.context(case, got.victim)
    setup, setup_path = setup_for(case)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".work-{victim_id}-", dir=out_dir))
    try:
        result, files = _build(got, ctx, setup, setup_path, work, options)
        final = out_dir / victim_id
        final.mkdir(parents=True, exist_ok=True)
        for name in files:  # the PDF (and its sidecar) last: it is what people open
            (work / name).replace(final / name)
        if options.redact:  # issue 23: service copies alone in OUT/served/<victim>
            served.publish(out_dir, victim_id, served.victim_names(output_name("dossier.pdf", options)))
        return dataclasses.replace(result, dossier=final / output_name("dossier.pdf", options))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def output_name(name: str, options: Options) -> str:
    """issue 6: a service copy says so in its file name (dossier-redacted.pdf)."""
    if not options.redact:
        return name
    stem, dot, ext = name.partition(".")
    return f"{stem}-redacted{dot}{ext}"


def print_profile(options: Options, setup: Mapping[str, Any]) -> str:
    return options.print_profile or duplex.profile(dict(setup))


def build_all(case: Case, out_dir: Path, victims: Sequence[str] | None = None,
              options: Options = Options()) -> list[VictimResult]:
    return [build_victim(case, v, out_dir, options) for v in (victims or config.victim_ids(case))]


def _build(got: collect.Collected, ctx: Context, setup: Mapping[str, Any], setup_path: Path,
           work: Path, options: Options) -> tuple[VictimResult, list[str]]:
    case, victim, lang = got.case, got.victim, ctx.lang
    issues: list[Issue] = list(got.issues)
    dsetup = setup.get("dossier", {})
    fonts = _fonts(setup, options)
    issues.extend(fonts.issues)
    files = got.inventory.files
    victim_toml = config.victim_folder(case, victim.id) / "victim.toml"
    inputs = {"victim_toml_sha256": _sha(victim_toml),
              "template_sha256": template_sha256(setup_path, lang), "tool_version": __version__}
    fp = layout.fingerprint([f.sha256 for f in files], inputs["victim_toml_sha256"],
                            __version__, inputs["template_sha256"])

    def labels(area: str, keys: Sequence[str]) -> dict[str, str]:
        return {k: template.t(lang, f"dossier.{area}.{k}") for k in keys}

    groups = [str(g) for g in Group]
    plan = layout.plan(
        case=case, victim=victim, files=files, events=got.timeline.events,
        purposes={Group(k): v for k, v in labels("purpose", groups).items()},
        titles={Group(k): v for k, v in labels("group", groups).items()},
        compensation_labels=labels("compensation", ["none", "registered", "agreement", "paid"]),
        pats=layout.patterns(setup, lang), fingerprint=fp, lang=lang, tz=ctx.tz,
        facts=got.timeline.facts,
    )
    # issue 6: a service copy is drawn from a masked copy of the plan (the files stay readable);
    # images and merged PDFs cannot be masked: the report and their exhibit pages say so
    red = _redactor(case, victim) if options.redact else None
    if red is not None:
        for it in plan.items:
            if it.mode in (Mode.IMAGE, Mode.PDF):
                issues.append(Issue(Severity.WARNING, "manual_review", template.t(
                    lang, "print.manual_review_issue", path=it.file.path), path=it.file.path))
        plan = red.model(plan)
    duplex_on = print_profile(options, setup) == "duplex"
    pg = common.page(setup)
    c = render.Ctx(plan, pg, common.styles(fonts, float(dsetup.get("font_size", 10))), fonts,
                   tabs=options.tabs,
                   review_note=template.t(lang, "print.manual_review") if red else "",
                   copy_mark=template.t(lang, "print.redacted_mark") if red else "")

    # -- prepare what the renderer only points at: images and original PDFs
    imgs: dict[str, render.ImageInfo] = {}
    pdfs: dict[str, render.PdfInfo] = {}
    withheld: set[str] = set()  # issue 6
    for n, it in enumerate(plan.items):
        if it.mode is Mode.IMAGE:
            src = it.file.abspath
            if options.grayscale:  # issue 6: converted copy in the work folder
                src = duplex.grayscale_copy(src, work / f"grey-{n:05d}")
            imgs[it.file.path] = images.prepare(src, work / f"img-{n:05d}.pdf")
        elif it.mode is Mode.PDF:
            pdfs[it.file.path] = _pdf_info(it.file)
            if red is not None:  # issue 23: the listed links are text of the service copy too
                pdfs[it.file.path] = dataclasses.replace(
                    pdfs[it.file.path], links=tuple(map(red.text, pdfs[it.file.path].links)))
            if red is not None and pdfs[it.file.path].pages and _unmasked(red, it.file.abspath):
                # issue 6: its text layer would carry a full claimant number into the service
                # copy; it is withheld there (the lawyer redacts it by hand and adds it)
                reason = template.t(lang, "print.withheld")
                pdfs[it.file.path] = render.PdfInfo(0, reason)
                withheld.add(it.file.path)
                issues.append(Issue(Severity.WARNING, "redaction_withheld", template.t(
                    lang, "print.withheld_issue", path=it.file.path), path=it.file.path))
    failures = [(p, i.error) for p, i in imgs.items()] + [(p, i.error) for p, i in pdfs.items()]
    for path, error in sorted(failures):
        if error and path not in withheld:
            issues.append(Issue(Severity.ERROR, "render_failed", template.t(
                lang, "dossier.exhibit.render_failed_issue", path=path, reason=error),
                path=path))

    # -- exhibits once, then the front matter and the custody appendix (one document)
    ex = render.exhibits(c, work / "exhibits.pdf", imgs, pdfs)
    label_of = {it.file.path: it.label for it in plan.items}
    pats = layout.patterns(setup, lang)
    prefix = case.bates_prefix

    def bates(n: int) -> str:
        return layout.bates(pats.bates, prefix, victim.id, n)

    # The front matter cites final page numbers, which depend on its own length: it is laid
    # out with room for each number and they are drawn once its pages are counted (one pass).
    # Only when a number is wider than its room (it would wrap differently) is it laid out
    # again with the final numbers, until its length is stable.
    def final(counts: Sequence[int], appendix: int) -> render.Numbers:
        return _numbers(plan, ex, sum(counts), appendix, bates,
                        _recto(plan, ex, counts, appendix, duplex_on))  # issue 6: blanks

    links: list[common.Link] = []
    counts, appendix, fitted = render.front(c, work / "front.pdf", _numbers(
        plan, ex, 0, 0, bates), label_of, final=final, links=links)
    nums = final(counts, appendix)
    for _ in range(MAX_FRONT_PASSES if not fitted else 0):
        new, appendix, _fits = render.front(c, work / "front.pdf", nums, label_of, links=links)
        if new == counts:
            break
        counts, nums = new, final(new, appendix)
    rec = _recto(plan, ex, counts, appendix, duplex_on)
    front_pages = sum(counts)
    emap = _exhibit_map(front_pages, ex, rec)
    total = rec.total

    # -- manifest and metadata (attached while writing)
    facts = timeline.facts_json(got.timeline, ctx)
    events = timeline.to_json(got.timeline, ctx)
    item_pages = nums.item_pages
    inventory_json = _inventory_json(plan, item_pages, bates, issues, ctx)
    manifest = {
        "format": "evidence-dossier/1",
        "victim": {"id": victim.id, "name": victim.name, "region": victim.region},
        "case": case.title,
        "language": lang,
        "fingerprint": fp,
        "build_date": plan.build_date.isoformat() if plan.build_date else None,
        "inputs": inputs,
        "pages": total,
        "bates": {"first": bates(1), "last": bates(total)},
        "fonts": {"embedded": fonts.embedded, "files": [Path(f).name for f in fonts.files]},
        "inventory": inventory_json,
        "exhibits": inventory_json["exhibits"],
        "timeline": events,
        "facts": facts,
        "print": {"profile": "duplex" if duplex_on else "simplex", "blank_pages": len(rec.blanks),
                  "grayscale": options.grayscale, "tabs": options.tabs,
                  "redacted": options.redact},
    }
    if red is not None:  # issue 6: every generated text of a service copy is masked
        facts, events = red.json(facts), red.json(events)
        inventory_json, manifest = red.json(inventory_json), red.json(manifest)
    attach = options.attach_manifest if options.attach_manifest is not None else bool(
        dsetup.get("attach_manifest", True))
    name = victim.name or victim.id
    info = {
        "Title": template.t(lang, "dossier.doc.title", name=name),
        "Author": case.counsel,
        "Subject": template.t(lang, "dossier.doc.subject", case=case.title, name=name),
        "Keywords": template.t(lang, "dossier.doc.keywords", victim=victim.id),
        "Creator": f"evidence {__version__}",
        "Producer": f"evidence {__version__} (reportlab, pikepdf)",
    }
    if red is not None:
        info = {k: red.text(v) for k, v in info.items()}
    names = [output_name(n, options) for n in ("timeline.json", "inventory.json", "dossier.pdf")]
    pdf = work / names[2]
    memo: dict[int, str] = {}  # the events are written twice: in the manifest and timeline.json
    manifest_bytes = _dump(manifest, memo) if attach else None

    # -- assemble (issue 6: marked blank versos go in here, so what follows is in final pages)
    with stamp.Dossier() as doc:
        blank = duplex.blank_page(work / "blank.pdf", (pg.width, pg.height), fonts.body, lang
                                  ) if rec.blanks else None
        pages = duplex.Assembler(doc, rec, blank)
        front_pdf = doc.open(work / "front.pdf").pages  # the front matter, then the appendix
        for page in front_pdf[:front_pages]:
            pages.add(page)
        spots: list[stamp.ImageSpot] = []
        if ex.pages:
            for k, page in enumerate(doc.open(work / "exhibits.pdf").pages, start=1):
                pages.add(page)
                if k in ex.inserts:
                    pages.add_pdf(ex.inserts[k])
            spots = [stamp.ImageSpot(emap[p.page] - 1, p.box, p.image.raster, p.image.pdf)
                     for p in ex.placements]
        for page in front_pdf[front_pages:]:
            pages.add(page)
        if len(doc.pages) != total:
            raise errors.VerifyError(f"{victim.id}: assembled {len(doc.pages)} pages, planned "
                                     f"{total}; this is a bug, please report it.")
        stamp.place_images(doc, spots)
        stamp.add_links(doc, [(rec.final[page - 1], rect, target) for page, rect, target in links])

        # -- stamps, labels, outline
        page_label = [""] * total  # issue 6: blank pages carry the Bates number alone
        for raw, text in enumerate(_page_labels(plan, ex, emap, counts, appendix, lang)):
            page_label[rec.final[raw]] = text
        bates_texts = [bates(n) for n in range(1, total + 1)]
        texts = [template.t(lang, "dossier.doc.stamp", label=lab, bates=b).strip()
                 for lab, b in zip(page_label, bates_texts, strict=True)]
        stamp.stamp_pages(doc, render.stamp_text(texts, fonts,
                                                 float(dsetup.get("stamp_font_size", 8))),
                          right=render.STAMP_RIGHT, bottom=render.STAMP_BOTTOM)
        if duplex_on:  # issue 6: after the stamps, so they move with the content
            duplex.apply_gutter(doc, duplex.gutter_pt(dict(setup)))
        stamp.page_labels(doc, layout.label_ranges(pats.bates, prefix, victim.id, total))
        stamp.add_outline(doc, _outline(plan, counts, item_pages, front_pages, ex, emap,
                                        appendix, total, bates, lang, rec))
        pdf_sha = stamp.finish(
            doc, pdf, info=info, when=plan.build_date,
            attachments={integrity.MANIFEST_NAME: manifest_bytes} if manifest_bytes else {},
            file_id=fp)

    (work / names[0]).write_bytes(_dump({"victim": victim.id, "events": events,
                                         "facts": facts}, memo))
    (work / names[1]).write_bytes(_dump(inventory_json))

    # -- post-conditions before anything is moved into place
    problems = verify.check(pdf, verify.Expect(
        pages=total, labels=bates_texts, accepted=[red.text(f.path) if red else f.path
                                                   for f in files if f.status is Status.ACCEPTED
                                                   and f.part_of is None],  # a -wal: in its db
        exhibited=list(item_pages), link_targets=_link_targets(nums, counts),
        manifest=attach, manifest_bytes=manifest_bytes, embedded=fonts.embedded, originals=frozenset(
            emap[k] + j for k, n in ex.insert_pages.items() for j in range(n))))
    if problems:
        raise errors.VerifyError(f"{victim.id}: the dossier failed its checks ({'; '.join(problems)})"
                                 "; nothing was written. This is a bug, please report it.")
    integrity.write_sidecar(pdf, pdf_sha)
    result = VictimResult(victim.id, None, total, len(plan.items), tuple(issues), fp)
    return result, [*names, names[2] + ".sha256"]


def _dump(data: Any, memo: dict[int, str] | None = None) -> bytes:
    return jsontext.dumps(data, default=str, memo=memo)


def _redactor(case: Case, victim: Any) -> redact.Redactor:
    """issue 6: every claimant's numbers, since one victim's messages may quote another's."""
    people = [victim]
    for other in config.victim_ids(case):
        if other != victim.id:
            people.append(config.load_victim(case, other)[0])
    return redact.Redactor.for_victims(people)


def _unmasked(red: redact.Redactor, pdf: Path) -> bool:
    """issue 6: does this original PDF's text show a number the redactor would mask?"""
    try:
        text = "\n".join(verify.page_texts(pdf))
    except (PdfReadError, OSError, ValueError, KeyError, TypeError):
        return True  # cannot be read: cannot be vouched for either
    return bool(red.find(text))


def _pdf_info(f: SourceFile) -> render.PdfInfo:
    try:  # an owner password alone (no editing, anyone may open it) is no obstacle
        with pikepdf.open(f.abspath) as pdf:
            n = len(pdf.pages)
            active, links = sanitize.found(pdf), sanitize.web_links(pdf)  # issue 23
    except pikepdf.PasswordError:
        return render.PdfInfo(0, "PDF is encrypted")
    except (pikepdf.PdfError, OSError, ValueError, KeyError, TypeError) as exc:
        return render.PdfInfo(0, f"{type(exc).__name__}: {exc}")
    return render.PdfInfo(n, None if n else "PDF has no pages", active, links)


def _exhibit_map(front_pages: int, ex: render.Exhibits, rec: duplex.Recto | None = None
                 ) -> dict[int, int]:
    """Exhibits-document page (1-based) -> final page number, original PDFs counted in.

    `rec` (issue 6): where blank versos go; None: the pages as they come (no blanks)."""
    out: dict[int, int] = {}
    extra = 0
    for k in range(1, ex.pages + 1):
        out[k] = front_pages + k + extra
        if rec is not None:
            out[k] = rec.page(out[k])
        extra += ex.insert_pages.get(k, 0)
    return out


def _recto(plan: Plan, ex: render.Exhibits, counts: Sequence[int], appendix: int, on: bool
           ) -> duplex.Recto:
    """issue 6: blanks that make every section and exhibit (and its tab sheet) start on a
    right-hand page. Off: no blanks."""
    front = sum(counts)
    raw_total = front + ex.pages + sum(ex.insert_pages.values()) + appendix
    if not on:
        return duplex.recto([], raw_total)
    starts = [first - 1 for first, n in zip(layout.paginate(counts), counts, strict=True) if n]
    raw = _exhibit_map(front, ex)
    for e in plan.exhibits:
        first = ex.item_first.get(e.items[0].file.path)
        for doc_page in (ex.group_first.get(e.label), first):
            if doc_page:
                starts.append(raw[doc_page] - 1)
    if appendix:
        starts.append(raw_total - appendix)
    return duplex.recto(sorted(set(starts)), raw_total)


def _numbers(plan: Plan, ex: render.Exhibits, front_pages: int, appendix: int,
             bates: Any, rec: duplex.Recto | None = None) -> render.Numbers:
    emap = _exhibit_map(front_pages, ex, rec)
    items: dict[str, tuple[int, int]] = {}
    for it in plan.items:
        p = it.file.path
        if p in ex.item_first:
            last_doc = ex.item_last.get(p, ex.item_first[p])
            items[p] = (emap[ex.item_first[p]],
                        emap[last_doc] + ex.insert_pages.get(last_doc, 0))
    rows: list[int | None] = []
    for row in plan.rows:
        page = None
        for ref in (row.event.source, *row.event.also):
            doc_page = ex.event_page.get((ref.path, ref.locator))
            if doc_page:
                page = emap[doc_page]
                break
            if ref.path in items:
                page = items[ref.path][0] + _pdf_offset(ref.locator, items[ref.path])
                break
        rows.append(page)
    total = front_pages + ex.pages + sum(ex.insert_pages.values()) + appendix
    if rec is not None:
        total = rec.total
    return render.Numbers(total=total, item_pages=items, row_pages=rows, bates=bates)


def _pdf_offset(locator: str, span: tuple[int, int]) -> int:
    """`page 3 …` in a merged PDF: slip sheet + 3 pages in, when it stays inside the exhibit."""
    parts = locator.split()
    if len(parts) >= 2 and parts[0] == "page" and parts[1].isdigit():
        off = int(parts[1])
        if span[0] + off <= span[1]:
            return off
    return 0


def _link_targets(nums: render.Numbers, counts: Sequence[int]) -> dict[str, int]:
    return {p: first for p, (first, _) in nums.item_pages.items()}


def _page_labels(plan: Plan, ex: render.Exhibits, emap: Mapping[int, int], counts: Sequence[int],
                 appendix: int, lang: str) -> list[str]:
    """What each page is, for its stamp: the section, or the exhibit item(s) on it."""
    out: list[str] = []
    for name, n in zip(render.FRONT_SECTIONS, counts, strict=True):
        out += [template.t(lang, f"dossier.section.{name}")] * n
    on_page: dict[int, list[str]] = {}
    for it in plan.items:
        p = it.file.path
        if p not in ex.item_first:
            continue
        for k in range(ex.item_first[p], ex.item_last.get(p, ex.item_first[p]) + 1):
            on_page.setdefault(k, []).append(it.label)
    for label, k in ex.group_first.items():  # issue 6: an exhibit's tab sheet
        on_page.setdefault(k, []).append(label)
    sep = ", " if lang == "en" else "、"
    for k in range(1, ex.pages + 1):
        labels = on_page.get(k, [])
        text = sep.join(labels) if labels else ""
        out.append(text)
        out += [text] * ex.insert_pages.get(k, 0)
    out += [template.t(lang, "dossier.section.custody").split("：")[0].split(":")[0]] * appendix
    return out


def _outline(plan: Plan, counts: Sequence[int], item_pages: Mapping[str, tuple[int, int]],
             front_pages: int, ex: render.Exhibits, emap: Mapping[int, int], appendix: int,
             total: int, bates: Any, lang: str, rec: duplex.Recto | None = None
             ) -> list[stamp.Mark]:
    def t(key: str, **kw: object) -> str:
        return template.t(lang, f"dossier.{key}", **kw)

    def titled(text: str, page: int) -> str:
        return t("doc.bookmark", title=text, page=page, bates=bates(page))

    marks: list[stamp.Mark] = []
    firsts = layout.paginate(counts)
    if rec is not None:  # issue 6: blank versos moved the sections
        firsts = [rec.page(f) if n else f for f, n in zip(firsts, counts, strict=True)]
    for name, first, n in zip(render.FRONT_SECTIONS, firsts, counts, strict=True):
        if n:
            marks.append(stamp.Mark(titled(t(f"section.{name}"), first), first - 1))
    groups: list[stamp.Mark] = []
    for e in plan.exhibits:
        kids = []
        for it in e.items:
            if it.file.path not in item_pages:
                continue
            first = item_pages[it.file.path][0]
            name = PurePosixPath(it.file.path).name
            kids.append(stamp.Mark(titled(f"{it.label} {name}", first), first - 1))
        if kids:
            first = kids[0].page + 1
            if e.label in ex.group_first:  # issue 6: the exhibit starts at its tab sheet
                first = emap[ex.group_first[e.label]]
            groups.append(stamp.Mark(titled(f"{e.label} {t(f'group.{e.group}')}", first),
                                     first - 1, tuple(kids) if len(e.items) > 1 else ()))
    if groups:
        marks.append(stamp.Mark(titled(t("section.exhibits"), groups[0].page + 1),
                                groups[0].page, tuple(groups)))
    if appendix:
        first = total - appendix + 1
        marks.append(stamp.Mark(titled(t("section.custody"), first), first - 1))
    return marks


def _inventory_json(plan: Plan, item_pages: Mapping[str, tuple[int, int]], bates: Any,
                    issues: Sequence[Issue], ctx: Context) -> dict[str, Any]:
    label_of = {it.file.path: it for it in plan.items}

    def when(t: dt.datetime | None) -> str | None:
        return times.iso(t, ctx.tz) if t else None

    files = []
    for f in plan.custody:
        it = label_of.get(f.path) or label_of.get(f.part_of or "")  # a -wal: its database's
        files.append({
            "path": f.path, "sha256": f.sha256, "size": f.size, "kind": str(f.kind),
            "status": str(f.status), "reason": f.reason, "duplicate_of": f.duplicate_of,
            "part_of": f.part_of,
            "received": when(f.received), "original_path": f.original_path,
            "exhibit": it.label if it else None,
        })
    exhibits = []
    for it in plan.items:
        first, last = item_pages.get(it.file.path, (0, 0))
        exhibits.append({
            "label": it.label, "group": it.group_label, "path": it.file.path,
            "sha256": it.file.sha256, "kind": str(it.file.kind), "form": str(it.form),
            "mode": str(it.mode), "purpose": it.purpose, "first_page": first, "last_page": last,
            "first_bates": bates(first) if first else None,
            "last_bates": bates(last) if last else None, "duplicates": list(it.duplicates),
        })
    return {
        "victim": plan.victim.id,
        "files": files,
        "exhibits": exhibits,
        "problems": [{"severity": str(i.severity), "code": i.code, "message": i.message,
                      "path": i.path, "locator": i.locator} for i in issues],
    }
