"""A claimant's dossier as volumes (issue 18): a step after the dossier is built.

The split depends only on the finished dossier and the file limits, so it is made from the
dossier.pdf as published, not inside the claimant's build: changing --max-mb/--max-pages
splits again and never renders a claimant again (a batch remembers each claimant's split,
batch._with_volumes). The volumes, their .sha256 (and with --pdfa their manifests) and
volumes.json are written in a work folder, then renamed beside the dossier; volumes of an
earlier split that this one did not make are removed.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from evidence import atomic, collect, integrity, inventory, pipeline, template
from evidence.model import Case, Issue, Severity

VOLUME_PATTERN = "dossier-vol[0-9][0-9].pdf"


@dataclasses.dataclass(frozen=True)
class Split:
    """What the split published beside the dossier (name -> SHA-256) and what it found."""

    outputs: dict[str, str]
    issues: tuple[Issue, ...]


def is_output(name: str, options: pipeline.Options) -> bool:
    """Is this file beside a dossier the split's (a volume, its sidecar or manifest, the list)?"""
    from evidence.pdf import dossier_volumes as dv

    return (fnmatch.fnmatch(name, pipeline.output_name(VOLUME_PATTERN, options) + "*")
            or name == pipeline.output_name(dv.VOLUMES_JSON, options))


def split(case: Case, victim_id: str, out_dir: Path, options: pipeline.Options,
          scratch: Path | None = None) -> Split:
    """Split OUT/<victim>/dossier.pdf (as published: PDF/A, signed) when it is over the limits
    (else remove any volumes). `scratch`: where the work folder goes (a Dask worker's local
    folder, issue 22)."""
    folder = out_dir / victim_id
    dossier = folder / pipeline.output_name("dossier.pdf", options)
    work = Path(tempfile.mkdtemp(prefix=f".work-{victim_id}-", dir=scratch or out_dir))
    issues: list[Issue] = []
    try:
        made = make(case, dossier, work, options, issues)
        sweep(folder, made, options)
        for name in made:  # the volumes' list last: it names them
            if scratch is None:
                (work / name).replace(folder / name)
            else:
                with atomic.replacing(folder / name) as partial:
                    shutil.copyfile(work / name, partial)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Split({name: made[name] or inventory.sha256(folder / name) for name in made},
                 tuple(issues))


def sweep(folder: Path, keep: Iterable[str], options: pipeline.Options) -> None:
    """Volumes of an earlier split that this one did not make (the dossier now fits, or has
    fewer volumes) are not this build's."""
    kept = set(keep)
    for path in folder.iterdir() if folder.is_dir() else ():
        if is_output(path.name, options) and path.name not in kept:
            path.unlink(missing_ok=True)


def make(case: Case, pdf: Path, work: Path, options: pipeline.Options, issues: list[Issue]
         ) -> dict[str, str]:
    """The dossier `pdf` over the file limit as volumes in `work` (dossier-vol01.pdf, …, each
    checked, signed with --sign, with its .sha256) and volumes.json: the files made -> their
    SHA-256 ("" when not known yet); none when it fits."""
    from evidence.pdf import dossier_volumes as dv
    from evidence.render import volume_cover

    setup = dict(pipeline.setup_for(case)[0])
    mb, max_pages = pipeline.volume_limits(setup, options)
    if not (mb or max_pages):
        return {}
    lang = collect.context(case).lang
    duplex_on = pipeline.print_profile(options, setup) == "duplex"

    def cover(n: int, of: int, first: str, last: str, name: str, rows: Sequence[Any],
              whole: bool) -> tuple[bytes, str]:
        return (volume_cover.cover(case.title, n, of, first, last, name, rows, whole, lang, setup,
                                   duplex_on, dossier=True), volume_cover.title(n, of, lang))

    names = [pipeline.output_name(f"dossier-vol{n:02d}.pdf", options) for n in range(1, 100)]
    made = dv.split(pdf, work, names, dv.Limits(max_pages, mb * 1_000_000, lambda rows: (
        volume_cover.pages(rows, duplex_on))), cover, volume_cover.Row)
    for v in made:
        if v.over_limit:  # in the case's language, as every problem the lawyer reads
            why = template.t(lang, "check.volume.uncut" if v.uncut else "check.volume.short")
            issues.append(Issue(Severity.WARNING, "volume_over_limit", template.t(
                lang, "check.volume.over_limit", path=v.path, pages=v.pages,
                mb=f"{v.size / 1e6:.1f}", first=v.bates[0], last=v.bates[1], why=why)))
    out: dict[str, str] = {}
    for v in made:
        out.update(_finish_volume(case, work / v.path, v.sha256, options, issues))
    if made:
        listed = pipeline.output_name(dv.VOLUMES_JSON, options)
        (work / listed).write_bytes(dv.record(made))
        out[listed] = ""
    return out


def _finish_volume(case: Case, path: Path, sha: str, options: pipeline.Options,
                   issues: list[Issue]) -> dict[str, str]:
    """A dossier volume as its dossier: PDF/A with --pdfa (its manifest then beside it),
    signed with --sign, its .sha256; the files it is published as -> their SHA-256."""
    from evidence import pdfa

    beside = []
    if options.pdfa:
        sha, manifest = integrity.pdfa_bundle(path, case.build_date, issues)
        beside = [pdfa.write_beside(path, manifest).name]
    if options.sign is not None:
        sha = integrity.sign_dossier(path, options.sign)
    integrity.write_sidecar(path, sha)
    return {path.name: sha, path.name + ".sha256": "", **dict.fromkeys(beside, "")}
