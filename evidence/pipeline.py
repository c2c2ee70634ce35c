"""One victim's dossier, stage by stage: collect -> plan -> render -> stamp -> verify -> rename.

Everything is written in a work folder next to the output (`DIR/.work-<id>-<random>`), checked,
and only then moved into `DIR/<id>/` with os.replace, so a failed build leaves nothing new at
the final paths. `build_victim` is a plain function of its arguments: the batch builder calls
it from worker processes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import hashlib
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pikepdf
from pypdf.errors import PdfReadError

from evidence import (
    __version__,
    atomic,
    collect,
    config,
    errors,
    extract,
    integrity,
    jsontext,
    layout,
    office,
    redact,
    sanitize,
    template,
    timeline,
    times,
    verify,
)
from evidence.extract import Context
from evidence.layout import Group, Mode, Plan
from evidence.model import Case, Issue, Severity, SourceFile, Status
from evidence.ocr import redact_pixels
from evidence.ocr import run as ocr_run
from evidence.pdf import assemble, duplex
from evidence.render import common, images, printing
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
    # issue 19: the bundle written past the disk cache (O_DIRECT) and the old one freed by a
    # helper process; how it is written, not what (left out of the fingerprints)
    direct_io: bool = False
    # issue 18: the joint bundle as volumes of at most this many MB / pages (None: the
    # template's [bundle]; 0: no limit); the joint step's alone (left out of the dossiers')
    max_mb: int | None = None
    max_pages: int | None = None
    sign: Any = None  # issue 18: an evidence.sign.Signing: every dossier signed (PAdES) last
    pdfa: bool = False  # issue 18: PDF/A-2b dossiers, manifest.json beside them
    ocr: str = ""  # issue 21: the OCR engine_id (evidence.ocr.run.decide); "": images not read
    template: str | None = None  # issue 23: --template, an absolute path (config.with_template)


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


def build_victim(case: Case, victim_id: str, out_dir: Path, options: Options = Options(),
                 seal: Callable[[Path], object] | None = None, *, split: bool = False
                 ) -> VictimResult:
    """Build DIR/<victim>/dossier.pdf, timeline.json and inventory.json for one victim."""
    return build_collected(collect.victim(case, victim_id, ocr=ocr_run.reader(
        out_dir, options.ocr, case.language)), out_dir, options, seal=seal, split=split)


def build_collected(got: collect.Collected, out_dir: Path, options: Options = Options(),
                    scratch: Path | None = None, seal: Callable[[Path], object] | None = None,
                    split: bool = False) -> VictimResult:
    """The same, from a victim already collected (the batch collects once for several uses).
    `scratch` (issue 22: a Dask worker's local folder): the work folder goes there, and only the
    finished files are copied to the (shared) output folder, each renamed into place.
    `seal` (--encrypt): applied to the finished dossier in the work folder, after its checks
    and before anything is moved out, so neither OUT/<victim> nor OUT/served ever holds the
    unencrypted copy, even for a moment (issue 23). `split`: the dossier's volumes (issue 18)
    made here too, from the dossier as it is published, before `seal` (`evidence build
    --victim`; a whole-case build splits after the build, batch._with_volumes)."""
    case, victim_id = got.case, got.victim.id
    ctx = collect.context(case, got.victim)
    setup, setup_path = setup_for(case)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".work-{victim_id}-", dir=scratch or out_dir))
    try:
        result, files = _build(got, ctx, setup, setup_path, work, options, out_dir)
        if split:
            result, files = _split(case, result, files, work, options)
        if seal is not None:  # the dossier and its volumes (issue 18)
            for name in files:
                if name == output_name("dossier.pdf", options) or fnmatch.fnmatch(
                        name, output_name("dossier-vol[0-9][0-9].pdf", options)):
                    seal(work / name)
        final = out_dir / victim_id
        final.mkdir(parents=True, exist_ok=True)
        if split:  # volumes of an earlier build it did not make again go
            from evidence import volume_step  # which builds on this module

            volume_step.sweep(final, files, options)
        for name in files:  # the PDF (and its sidecar) last: it is what people open
            if scratch is None:
                (work / name).replace(final / name)
            else:
                with atomic.replacing(final / name) as partial:
                    shutil.copyfile(work / name, partial)
        return dataclasses.replace(result, dossier=final / output_name("dossier.pdf", options))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _split(case: Case, result: VictimResult, files: Sequence[str], work: Path, options: Options
           ) -> tuple[VictimResult, list[str]]:
    from evidence import volume_step  # which builds on this module

    issues: list[Issue] = []
    made = volume_step.make(case, work / output_name("dossier.pdf", options), work, options,
                            issues)
    return (dataclasses.replace(result, issues=(*result.issues, *issues)),
            [*made, *files])  # before the dossier: it is moved last


def names_of(options: Options) -> list[str]:
    return [output_name(n, options) for n in ("timeline.json", "inventory.json", "dossier.pdf")]


def _write_timeline(path: Path, job: _Job, plan: Plan, docs: _Documents) -> None:
    """timeline.json: every event. When a large export is listed in part (issue 23) the
    manifest's events are not all of them: the file is then written one event at a time
    (600,000 messages' JSON is never held), in the same JSON text."""
    whole = {"victim": job.victim.id, "events": docs.events, "facts": docs.facts}
    if not plan.listings:
        path.write_bytes(_dump(whole, docs.memo))
        return
    head, tail = _dump({**whole, "events": ["\0"]}).split(b'"\\u0000"')
    red = job.red
    with path.open("wb") as out:
        out.write(head)
        for i, e in enumerate(job.got.timeline.events):
            one = timeline.event_json(e, job.ctx)
            out.write((b",\n    " if i else b"") + jsontext.dumps(red.json(one) if red else one, depth=0,
                                                                  default=str)[:-1])
        out.write(tail)


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
           work: Path, options: Options, out_dir: Path) -> tuple[VictimResult, list[str]]:
    """The stages, in order: plan, prepare, render, describe, assemble, check."""
    job = _start(got, ctx, setup, setup_path, work, options, out_dir)
    plan = _plan(job)
    c = _render_ctx(job, plan)
    imgs, pdfs = _prepare(job, plan)
    ex = render.exhibits(c, work / "exhibits.pdf", imgs, pdfs)
    label_of = {it.file.path: it.label for it in plan.items}
    paged, nums, links = _front(c, work / "front.pdf", plan, ex, label_of, job.bates, job.duplex)
    docs = _documents(job, plan, paged, nums)
    names = names_of(options)
    pdf = work / names[2]
    pdf_sha, stamps, docs = _assemble(job, plan, ex, paged, links, pdf, docs)
    if options.pdfa and docs.manifest_bytes:  # issue 18: PDF/A-2b, its manifest beside it
        pdf_sha, beside = integrity.make_pdfa(pdf, docs.manifest_bytes, plan.build_date,
                                              job.issues)
        docs = dataclasses.replace(docs, manifest_bytes=beside)
    _write_timeline(work / names[0], job, plan, docs)
    (work / names[1]).write_bytes(_dump(docs.inventory))
    extra = _office(job, plan, nums, render.missing(c))
    _check(job, plan, pdf, ex, paged, nums, stamps, docs)
    if options.sign is not None:  # issue 18: the last change to the file, after its checks
        pdf_sha = integrity.sign_dossier(pdf, options.sign)
    integrity.write_sidecar(pdf, pdf_sha)
    result = VictimResult(job.victim.id, None, paged.total, len(plan.items), tuple(job.issues),
                          job.fp)
    return result, [names[0], names[1], *extra, names[2], names[2] + ".sha256",
                    *integrity.beside_names(names[2], options.pdfa)]


def volume_limits(setup: Mapping[str, Any], options: Options) -> tuple[int, int]:
    """issue 18: (max MB, max pages) a PDF file; --max-mb/--max-pages, else the template's
    [bundle]; 0 = no limit."""
    listed = setup.get("bundle", {})
    mb = options.max_mb if options.max_mb is not None else int(listed.get("max_mb", 0))
    pages = options.max_pages if options.max_pages is not None else int(listed.get("max_pages", 0))
    return max(0, mb), max(0, pages)


def _office(job: _Job, plan: Plan, nums: layout.Numbers, missing: Sequence[str]) -> list[str]:
    """issue 17: the evidence list as Word (the copy the lawyer edits and signs) and, for a
    service copy, what the lawyer must check by hand and what the file lacks (`missing`),
    kept off the served pages."""
    docx_name = output_name("证据目录.docx", job.options)
    (job.work / docx_name).write_bytes(office.evidence_list(plan, nums.item_pages))
    extra = [docx_name]
    if job.red is not None:
        extra.append(output_name("review.txt", job.options))
        lines = [template.t(job.lang, "print.manual_review"), "", *(
            i.message for i in job.issues if i.code in ("manual_review", "redaction_withheld"))]
        if missing:
            lines += ["", template.t(job.lang, "dossier.summary.missing_heading"),
                      *(f"• {m}" for m in missing)]
        (job.work / extra[-1]).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return extra


@dataclasses.dataclass
class _Job:
    """One dossier's build as it goes through the stages: its inputs, settings, and the
    problems found so far (carried to the report)."""

    got: collect.Collected
    ctx: Context
    setup: Mapping[str, Any]
    work: Path
    options: Options
    fonts: fonts_mod.Fonts
    fp: str
    inputs: dict[str, str | None]
    issues: list[Issue]
    red: redact.Redactor | None = None
    ocr_pages: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # issue 21
    vouched: frozenset[str] = frozenset()  # issue 21: pictures OCR redacts surely

    @property
    def victim(self) -> Any:
        return self.got.victim

    @property
    def lang(self) -> str:
        return self.ctx.lang

    @property
    def dsetup(self) -> Mapping[str, Any]:
        return dict(self.setup.get("dossier", {}))

    @property
    def duplex(self) -> bool:
        return print_profile(self.options, self.setup) == "duplex"

    def bates(self, n: int) -> str:
        pats = layout.patterns(self.setup, self.lang)
        return layout.bates(pats.bates, self.got.case.bates_prefix, self.victim.id, n)


def _start(got: collect.Collected, ctx: Context, setup: Mapping[str, Any], setup_path: Path,
           work: Path, options: Options, out_dir: Path) -> _Job:
    fonts = _fonts(setup, options)
    victim_toml = config.victim_folder(got.case, got.victim.id) / "victim.toml"
    toml_sha, tpl_sha = _sha(victim_toml), template_sha256(setup_path, ctx.lang)
    inputs: dict[str, str | None] = {"victim_toml_sha256": toml_sha, "template_sha256": tpl_sha,
                                     "tool_version": __version__,
                                     "ocr_engine": options.ocr or None}  # issue 21
    # issue 21: what read the pictures is part of the content (their text layer, their facts)
    fp = layout.fingerprint([f.sha256 for f in got.inventory.files], toml_sha, __version__,
                            tpl_sha + (f" ocr={options.ocr}" if options.ocr else ""))
    job = _Job(got, ctx, setup, work, options, fonts, fp, inputs, [*got.issues, *fonts.issues])
    job.ocr_pages = ocr_run.pages(got.inventory.files, out_dir, options.ocr)  # out/.cache/ocr
    return job


def _plan(job: _Job) -> Plan:
    """layout.plan with the template's words; for a service copy (issue 6), a masked copy of
    it (the files stay readable): images and merged PDFs cannot be masked, and the report
    and their exhibit pages say so."""
    got, lang = job.got, job.lang

    def labels(area: str, keys: Sequence[str]) -> dict[str, str]:
        return {k: template.t(lang, f"dossier.{area}.{k}") for k in keys}

    groups = [str(g) for g in Group]
    plan = layout.plan(
        case=got.case, victim=got.victim, files=got.inventory.files, events=got.timeline.events,
        purposes={Group(k): v for k, v in labels("purpose", groups).items()},
        titles={Group(k): v for k, v in labels("group", groups).items()},
        compensation_labels=labels("compensation", ["none", "registered", "agreement", "paid"]),
        pats=layout.patterns(job.setup, lang), fingerprint=job.fp, lang=lang, tz=job.ctx.tz,
        facts=got.timeline.facts,
    )
    if not job.options.redact:
        return plan
    red = job.red = _redactor(got.case, got.victim, got.timeline)
    # issue 21: pictures whose every claimant number OCR read surely are painted over
    job.vouched = frozenset(it.file.sha256 for it in plan.items if it.mode is Mode.IMAGE and not
                            redact_pixels.needs_review(job.ocr_pages.get(it.file.sha256), red))
    for it in plan.items:
        if it.mode in (Mode.IMAGE, Mode.PDF) and it.file.sha256 not in job.vouched:
            job.issues.append(Issue(Severity.WARNING, "manual_review", template.t(
                lang, "print.manual_review_issue", path=it.file.path), path=it.file.path))
    masked: Plan = job.red.model(plan)
    return _without_todos(masked, lang)


def _without_todos(plan: Plan, lang: str) -> Plan:
    """issue 17: a service copy's 证明目的 without counsel's to-do ("内容待律师核对后填写"):
    an instruction to the lawyer is no page to serve on the other side."""
    todos = [t for t in template.t(lang, "exhibits.counsel_todo").split("|") if t]

    def done(text: str) -> str:
        for todo in todos:
            text = text.replace(todo, "")
        return text

    return dataclasses.replace(plan, exhibits=tuple(dataclasses.replace(e, items=tuple(
        dataclasses.replace(it, purpose=done(it.purpose)) for it in e.items))
        for e in plan.exhibits))


def _render_ctx(job: _Job, plan: Plan) -> render.Ctx:
    red, lang = job.red, job.lang
    return render.Ctx(plan, common.page(job.setup), common.styles(
        job.fonts, float(job.dsetup.get("font_size", 10))), job.fonts, tabs=job.options.tabs,
        review_note="",  # issue 17: no internal instruction on served pages (review.txt)
        copy_mark=template.t(lang, "print.redacted_mark") if red else "", served=red is not None,
        ocr_pages=job.ocr_pages, ocr_mask=redact_pixels.masker(red) if red else None,  # issue 21
        ocr_vouched=job.vouched, ocr_note=ocr_run.note(lang, job.options.ocr, plan.items))


def _prepare(job: _Job, plan: Plan) -> tuple[dict[str, render.ImageInfo],
                                             dict[str, render.PdfInfo]]:
    """What the renderer only points at: images (made ready to embed) and original PDFs."""
    imgs: dict[str, render.ImageInfo] = {}
    pdfs: dict[str, render.PdfInfo] = {}
    withheld: set[str] = set()  # issue 6
    for n, it in enumerate(plan.items):
        if it.mode is Mode.IMAGE:
            src = it.file.abspath
            if job.red is not None:  # issue 21: numbers OCR read painted over in a copy
                src, _ = redact_pixels.copy(src, job.ocr_pages.get(it.file.sha256), job.red,
                                            job.work / f"red-{n:05d}")
            if job.options.grayscale:  # issue 6: converted copy in the work folder
                src = printing.grayscale_copy(src, job.work / f"grey-{n:05d}")
            imgs[it.file.path] = images.prepare(src, job.work / f"img-{n:05d}.pdf")
        elif it.mode is Mode.PDF:
            pdfs[it.file.path] = _pdf_info(it.file)
            if job.red is not None:  # issue 23: the listed links are text of the service copy too
                pdfs[it.file.path] = dataclasses.replace(
                    pdfs[it.file.path], links=tuple(map(job.red.text, pdfs[it.file.path].links)))
            if job.red is not None and pdfs[it.file.path].pages and _unmasked(job.red, it.file.abspath):
                # issue 6: its text layer would carry a full claimant number into the service
                # copy; it is withheld there (the lawyer redacts it by hand and adds it)
                pdfs[it.file.path] = render.PdfInfo(0, template.t(job.lang, "print.withheld"))
                withheld.add(it.file.path)
                job.issues.append(Issue(Severity.WARNING, "redaction_withheld", template.t(
                    job.lang, "print.withheld_issue", path=it.file.path), path=it.file.path))
    failures = [(p, i.error) for p, i in imgs.items()] + [(p, i.error) for p, i in pdfs.items()]
    for path, error in sorted(failures):
        if error and path not in withheld:
            job.issues.append(Issue(Severity.ERROR, "render_failed", template.t(
                job.lang, "dossier.exhibit.render_failed_issue", path=path, reason=error),
                path=path))
    return imgs, pdfs


@dataclasses.dataclass(frozen=True)
class _Documents:
    """What is written beside the dossier and attached to it (masked for a service copy)."""

    facts: Any
    events: Any
    inventory: dict[str, Any]
    manifest: dict[str, Any]
    info: dict[str, str]
    memo: dict[int, str]  # the events are written twice: in the manifest and timeline.json
    manifest_bytes: bytes | None  # with page-hash slots (issue 18); attached only if `attach`
    attach: bool


def _documents(job: _Job, plan: Plan, paged: layout.Pagination, nums: layout.Numbers
               ) -> _Documents:
    got, victim, options, red = job.got, job.victim, job.options, job.red
    facts = timeline.facts_json(got.timeline, job.ctx)
    # issue 23: a large export listed in part: the manifest holds what the dossier lists
    # (timeline.json still every event, see _write_timeline)
    events = [timeline.event_json(r.event, job.ctx) for r in plan.rows] if plan.listings else (
        timeline.to_json(got.timeline, job.ctx))
    inventory_json = _inventory_json(plan, nums.item_pages, job.bates, job.issues, job.ctx)
    manifest = {
        "format": "evidence-dossier/1",
        "victim": {"id": victim.id, "name": victim.name, "region": victim.region},
        "case": got.case.title, "language": job.lang, "fingerprint": job.fp,
        "build_date": plan.build_date.isoformat() if plan.build_date else None,
        "inputs": job.inputs, "pages": paged.total,
        "bates": {"first": job.bates(1), "last": job.bates(paged.total)},
        "fonts": {"embedded": job.fonts.embedded,
                  "files": [Path(f).name for f in job.fonts.files]},
        "inventory": inventory_json, "exhibits": inventory_json["exhibits"],
        "timeline": events, "facts": facts,
        **({"timeline_listed": {"listed": len(events), "events": len(got.timeline.events),
                                "file": names_of(options)[0]}} if plan.listings else {}),
        "print": {"profile": "duplex" if job.duplex else "simplex",
                  "blank_pages": len(paged.rec.blanks), "grayscale": options.grayscale,
                  "tabs": options.tabs, "redacted": options.redact},
    }
    info = _info(job)
    if red is not None:  # issue 6: every generated text of a service copy is masked
        facts, events = red.json(facts), red.json(events)
        inventory_json, manifest = red.json(inventory_json), red.json(manifest)
        info = {k: red.text(v) for k, v in info.items()}
    attach = options.attach_manifest if options.attach_manifest is not None else bool(
        job.dsetup.get("attach_manifest", True)) and not options.pdfa  # issue 18: PDF/A-2: beside
    memo: dict[int, str] = {}
    manifest_bytes = integrity.with_page_slots(_dump(manifest, memo), paged.total) if (
        attach or options.pdfa) else None
    return _Documents(facts, events, inventory_json, manifest, info, memo, manifest_bytes, attach)


def _info(job: _Job) -> dict[str, str]:
    lang, case, victim = job.lang, job.got.case, job.victim
    name = victim.name or victim.id
    return {
        "Title": template.t(lang, "dossier.doc.title", name=name),
        "Author": case.counsel,
        "Subject": template.t(lang, "dossier.doc.subject", case=case.title, name=name),
        "Keywords": template.t(lang, "dossier.doc.keywords", victim=victim.id),
        "Creator": f"evidence {__version__}",
        "Producer": f"evidence {__version__} (reportlab, pikepdf)",
    }


def _assemble(job: _Job, plan: Plan, ex: render.Exhibits, paged: layout.Pagination,
              links: Sequence[common.Link], pdf: Path, docs: _Documents
              ) -> tuple[str, list[str], _Documents]:
    """Pages in their final order (issue 6: marked blank versos go in here, so every later
    step works in final page numbers), then images, links, stamps, gutter, labels, outline.
    Returns the file's SHA-256, the Bates number of every page, and the documents with each
    page's hash filled into the manifest (issue 18)."""
    rec, total = paged.rec, paged.total
    with assemble.Dossier() as doc:
        _add_pages(job, doc, ex, paged)
        if len(doc.pages) != total:
            raise errors.VerifyError(f"{job.victim.id}: assembled {len(doc.pages)} pages, "
                                     f"planned {total}; this is a bug, please report it.")
        assemble.place_images(doc, [assemble.ImageSpot(
            paged.emap[p.page] - 1, p.box, p.image.raster, p.image.pdf) for p in ex.placements])
        assemble.add_links(doc, [(rec.final[page - 1], rect, target)
                                 for page, rect, target in links])
        bates_texts = _stamp(job, doc, plan, ex, paged)
        if job.duplex:  # issue 6: after the stamps, so they move with the content
            duplex.apply_gutter(doc, duplex.gutter_pt(dict(job.setup)))
        pats = layout.patterns(job.setup, job.lang)
        assemble.page_labels(doc, layout.label_ranges(pats.bates, job.got.case.bates_prefix,
                                                      job.victim.id, total))
        assemble.add_outline(doc, layout.outline(plan, ex, paged))
        if docs.attach and docs.manifest_bytes:  # issue 18: each page's hash, as it is written
            docs = dataclasses.replace(docs, manifest_bytes=integrity.fill_page_slots(
                docs.manifest_bytes, integrity.page_digests(doc)))
        sha = assemble.finish(doc, pdf, info=docs.info, when=plan.build_date, attachments={
            integrity.MANIFEST_NAME: docs.manifest_bytes} if docs.attach and docs.manifest_bytes
            else {}, file_id=job.fp)
    return sha, bates_texts, docs


def _add_pages(job: _Job, doc: assemble.Dossier, ex: render.Exhibits,
               paged: layout.Pagination) -> None:
    """The front matter, the exhibits (each original PDF after its slip sheet), the custody
    appendix, with the planned blanks between them."""
    pg, work = common.page(job.setup), job.work
    blank = printing.blank_page(work / "blank.pdf", (pg.width, pg.height), job.fonts.body,
                                job.lang) if paged.rec.blanks else None
    pages = duplex.Assembler(doc, paged.rec, blank)
    front_pdf = doc.open(work / "front.pdf").pages  # the front matter, then the appendix
    for page in front_pdf[:paged.front_pages]:
        pages.add(page)
    if ex.pages:
        for k, page in enumerate(doc.open(work / "exhibits.pdf").pages, start=1):
            pages.add(page)
            if k in ex.inserts:
                pages.add_pdf(ex.inserts[k])
    for page in front_pdf[paged.front_pages:]:
        pages.add(page)
    pages.finish()


def _stamp(job: _Job, doc: assemble.Dossier, plan: Plan, ex: render.Exhibits,
           paged: layout.Pagination) -> list[str]:
    """Every page's stamp: what it is (section or exhibit labels) and its Bates number."""
    page_label = [""] * paged.total  # issue 6: blank pages carry the Bates number alone
    for raw, text in enumerate(layout.page_labels(plan, ex, paged)):
        page_label[paged.rec.final[raw]] = text
    bates_texts = [job.bates(n) for n in range(1, paged.total + 1)]
    texts = [template.t(job.lang, "dossier.doc.stamp", label=lab, bates=b).strip()
             for lab, b in zip(page_label, bates_texts, strict=True)]
    size = float(job.dsetup.get("stamp_font_size", 8))
    assemble.stamp_pages(doc, render.stamp_text(texts, job.fonts, size),
                         right=render.STAMP_RIGHT, bottom=render.STAMP_BOTTOM)
    return bates_texts


def _check(job: _Job, plan: Plan, pdf: Path, ex: render.Exhibits, paged: layout.Pagination,
           nums: layout.Numbers, bates_texts: list[str], docs: _Documents) -> None:
    """Post-conditions, read back from the file before anything is moved into place."""
    red = job.red
    accepted = [red.text(f.path) if red else f.path for f in job.got.inventory.files
                if f.status is Status.ACCEPTED and f.part_of is None]  # a -wal: in its db
    problems = verify.check(pdf, verify.Expect(
        pages=paged.total, labels=bates_texts, accepted=accepted,
        exhibited=list(nums.item_pages), link_targets=_link_targets(nums, paged.counts),
        manifest=docs.attach, manifest_bytes=docs.manifest_bytes,
        embedded=job.fonts.embedded, originals=frozenset(
            paged.emap[k] + j for k, n in ex.insert_pages.items() for j in range(n))))
    if problems:
        raise errors.VerifyError(f"{job.victim.id}: the dossier failed its checks ("
                                 f"{'; '.join(problems)}); nothing was written. This is a "
                                 "bug, please report it.")


def _dump(data: Any, memo: dict[int, str] | None = None) -> bytes:
    return jsontext.dumps(data, default=str, memo=memo)


def _redactor(case: Case, victim: Any, tl: Any = None) -> redact.Redactor:
    """issue 6: every claimant's numbers, since one victim's messages may quote another's;
    issue 17: with `mask_third_parties`, the other people in this claimant's calls and messages."""
    people = [victim]
    for other in config.victim_ids(case):
        if other != victim.id:
            people.append(config.load_victim(case, other)[0])
    others = redact.third_party_numbers(tl.events, tl.facts.numbers) if tl is not None else ()
    rules = redact.load_rules(case.folder / case.redaction if case.redaction else None)
    return redact.Redactor.for_victims(people, rules, third_parties=others)


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


def _link_targets(nums: render.Numbers, counts: Sequence[int]) -> dict[str, int]:
    return {p: first for p, (first, _) in nums.item_pages.items()}


def _front(c: render.Ctx, path: Path, plan: Plan, ex: render.Exhibits,
           label_of: Mapping[str, str], bates: Callable[[int], str], duplex_on: bool
           ) -> tuple[layout.Pagination, layout.Numbers, list[common.Link]]:
    """The front matter, rendered twice (issue 19): once to count its pages, then told the
    numbers planned from that count. A number wider than the room laid out for it would
    wrap differently: the front matter is then laid out again with the final numbers, until
    its length is stable."""
    links: list[common.Link] = []
    provisional = layout.numbers(plan, ex, 0, 0, bates)
    story = render.front_story(c, provisional, label_of)
    counts, appendix, _ = render.front(c, None, provisional, label_of, story=story)
    paged = layout.paginate_dossier(plan, ex, counts, appendix, bates, duplex_on)
    counts, appendix, fitted = render.front(c, path, provisional, label_of,
                                            final=paged.numbers, links=links, story=story)
    nums = paged.numbers
    for _ in range(MAX_FRONT_PASSES if not fitted else 0):
        new, appendix, _fits = render.front(c, path, nums, label_of, links=links)
        if new == counts:
            break
        counts = new
        paged = layout.paginate_dossier(plan, ex, counts, appendix, bates, duplex_on)
        nums = paged.numbers
    paged = layout.paginate_dossier(plan, ex, counts, appendix, bates, duplex_on)
    return dataclasses.replace(paged, numbers=nums), nums, links


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
