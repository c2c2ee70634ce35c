"""issue 23: the folder a lawyer serves holds the service copies and nothing else.

A `--redact` build writes its masked outputs beside the build's own records (`build.json` keeps
the claimant's phone number to rebuild the bundle without reading the case again). They are
then copied to OUT/served/<victim>/ and OUT/served/joint/, which only ever contain the masked
files listed here; anything else found there (a claimant no longer in the case, a file someone
dropped in) is removed. Copies (hard links where the file system allows), not moves:
the build's cache still finds its outputs.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from evidence import atomic

SERVED_DIR = "served"
JOINT_DIR = "joint"


def victim_names(output_name: str, present: Iterable[str] = ()) -> list[str]:
    """The files of one claimant's service copy, given the redacted dossier's name and the
    files beside it: the dossier, its volumes (issue 18: dossier-vol01-redacted.pdf, …; never
    the unredacted dossier-vol01.pdf) with their .sha256 and, for PDF/A, their manifests."""
    stem = output_name.removesuffix(".pdf").removeprefix("dossier")  # "-redacted"
    pdf = re.compile(rf"(dossier|dossier-vol\d\d){re.escape(stem)}\.pdf")
    beside = sorted(n for n in present if (m := re.fullmatch(
        r"(.+\.pdf)(\.sha256|\.manifest\.json)", n)) and pdf.fullmatch(m.group(1)))
    volumes = sorted(n for n in present if pdf.fullmatch(n) and n != output_name)
    return [output_name, *volumes, *beside, f"timeline{stem}.json", f"inventory{stem}.json"]


def publish_victim(out_dir: Path, victim_id: str, dossier_name: str) -> Path:
    """One claimant's service copy, once its dossier and volumes are final (with --encrypt,
    encrypted: the files are only copied here after that)."""
    folder = out_dir / victim_id
    present = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    return publish(out_dir, victim_id, victim_names(dossier_name, present))


def publish(out_dir: Path, folder: str, names: Iterable[str]) -> Path:
    """Copy OUT/folder/<names> into OUT/served/folder, which ends up holding exactly those."""
    src, dst = out_dir / folder, out_dir / SERVED_DIR / folder
    dst.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for name in names:
        if (src / name).is_file():
            with atomic.replacing(dst / name, durable=False) as tmp:
                _link_or_copy(src / name, tmp)
            wanted.add(name)
    _keep_only(dst, wanted)
    return dst


def _link_or_copy(src: Path, tmp: Path) -> None:
    """A hard link costs nothing (a bundle is hundreds of MB); builds replace their outputs by
    renaming, so a linked copy never changes under the served folder. Else a copy."""
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)


def keep_folders(out_dir: Path, folders: Iterable[str]) -> None:
    """Remove served folders of claimants no longer built (and anything else dropped there)."""
    root = out_dir / SERVED_DIR
    if root.is_dir():
        _keep_only(root, set(folders))


def _keep_only(folder: Path, names: set[str]) -> None:
    for path in folder.iterdir():
        if path.name in names:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def publish_case(out_dir: Path, victims: Iterable[str], dossier_name: str,
                 joint_names: Iterable[str]) -> Path:
    """Every claimant's service copy and the joint ones; OUT/served holds nothing else."""
    ids = list(victims)
    for victim in ids:
        publish_victim(out_dir, victim, dossier_name)
    joint = list(joint_names)
    publish(out_dir, JOINT_DIR, [*joint, joint[0] + ".sha256"])
    keep_folders(out_dir, [*ids, JOINT_DIR])
    return out_dir / SERVED_DIR
