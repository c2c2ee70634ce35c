"""`evidence verify`: is this dossier what was built, and are the originals what was received?

Three checks, each reported as ok / changed / missing:
1. the PDF bytes against the detached `<output>.sha256` written at build time (a flipped byte
   anywhere in the file is caught; absent sidecar = not checked, reported as a note);
2. the fingerprint printed on the cover and recorded in the embedded manifest against the one
   recomputed from the manifest's own inputs list (a manifest edited by hand is caught);
3. with the case folder: every original listed in the manifest re-hashed (changed / missing),
   plus files added since the build (a note: they are not in this dossier).
Pure reads; only the CLI prints. Sidecar writing lives here too so build and verify agree.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pypdf.errors import FileNotDecryptedError, PdfReadError

from evidence import atomic, config, inventory, layout, protect, template
from evidence.model import Case

SIDECAR_SUFFIX = ".sha256"
MANIFEST_NAME = "manifest.json"


class State(enum.StrEnum):
    OK = "ok"
    CHANGED = "changed"
    MISSING = "missing"
    UNCHECKED = "unchecked"  # nothing to check against (no sidecar, redacted path, no --case)
    ADDED = "added"  # in the victim folder now, not in the dossier (a note, not a failure)


FAILING = frozenset({State.CHANGED, State.MISSING})


@dataclasses.dataclass(frozen=True)
class Check:
    area: str  # "pdf" | "fingerprint" | "original"
    subject: str  # file name / path shown to the reader
    state: State
    expected: str = ""
    actual: str = ""
    victim: str = ""
    note: str = ""  # a label key under verify.note (why unchecked, …)


@dataclasses.dataclass(frozen=True)
class Report:
    dossier: Path
    checks: tuple[Check, ...]
    lang: str = "zh-Hans"

    @property
    def ok(self) -> bool:
        return bool(self.checks) and not any(c.state in FAILING for c in self.checks)

    def count(self, state: State) -> int:
        return sum(1 for c in self.checks if c.state is state)


# ---- detached SHA-256 sidecar (sha256sum format) -----------------------------------------


def sidecar_path(output: Path) -> Path:
    return output.with_name(output.name + SIDECAR_SUFFIX)


def write_sidecar(output: Path, sha256: str | None = None) -> Path:
    """`<hex>  <name>` next to `output`, so `sha256sum -c dossier.pdf.sha256` works too.
    `sha256`: the output's hash when the writer already computed it (the joint bundle)."""
    target = sidecar_path(output)
    line = f"{sha256 or inventory.sha256(output)}  {output.name}\n"
    atomic.write_bytes(target, line.encode("utf-8"))
    return target


def write_sidecars(outputs: Iterable[Path]) -> list[Path]:
    return [write_sidecar(p) for p in outputs if p.is_file()]


def read_sidecar(output: Path) -> str | None:
    """The recorded digest for `output`, None when there is no (usable) sidecar."""
    path = sidecar_path(output)
    if not path.is_file():
        return None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = re.fullmatch(r"([0-9a-fA-F]{64}) [ *](.+)", line.strip())
        if m and m.group(2) == output.name:
            return m.group(1).lower()
    return None


def check_sidecar(output: Path) -> Check:
    expected = read_sidecar(output)
    if expected is None:
        note = "sidecar_absent" if not sidecar_path(output).exists() else "sidecar_unreadable"
        return Check("pdf", output.name, State.UNCHECKED, note=note)
    actual = inventory.sha256(output)
    return Check("pdf", output.name, State.OK if actual == expected else State.CHANGED, expected, actual)


# ---- the embedded manifest ----------------------------------------------------------------


def read_manifest(pdf: Path) -> dict[str, Any]:
    """The manifest.json attachment of a dossier (raises ValueError when absent or broken)."""
    try:
        reader = protect.open_reader(io.BytesIO(pdf.read_bytes()))
        attachments = reader.attachments
    except (PdfReadError, FileNotDecryptedError, OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"the PDF cannot be read ({exc})") from None
    blobs = attachments.get(MANIFEST_NAME)
    if not blobs:
        raise ManifestAbsent(f"it has no embedded {MANIFEST_NAME} (was it built by evidence?)")
    try:
        data = json.loads(blobs[0].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"its {MANIFEST_NAME} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"its {MANIFEST_NAME} is not a JSON object")
    return data


class ManifestAbsent(ValueError):
    """The PDF carries no manifest.json: a joint bundle, or a dossier built with
    attach_manifest = false (US CM/ECF)."""


@dataclasses.dataclass(frozen=True)
class Dossier:
    """What one manifest says about one victim's dossier (a bundle holds several)."""

    victim: str
    fingerprint: str
    files: tuple[Mapping[str, Any], ...]  # each: path, sha256, status, size
    inputs: Mapping[str, str]  # victim_toml_sha256, template_sha256, tool_version


def dossiers(manifest: Mapping[str, Any]) -> list[Dossier]:
    parts = manifest.get("dossiers")
    items = parts if isinstance(parts, list) else [manifest]
    out: list[Dossier] = []
    for m in items:
        if not isinstance(m, Mapping):
            continue
        inv = m.get("inventory")
        files = inv.get("files") if isinstance(inv, Mapping) else (inv if isinstance(inv, list) else m.get("files"))
        inputs = m.get("inputs") if isinstance(m.get("inputs"), Mapping) else {}
        out.append(Dossier(
            victim=str(m.get("victim") if not isinstance(m.get("victim"), Mapping) else m["victim"].get("id", "")),
            fingerprint=str(m.get("fingerprint", "")),
            files=tuple(f for f in (files or []) if isinstance(f, Mapping)),
            inputs={str(k): str(v) for k, v in (inputs or {}).items()},
        ))
    return out


def recompute(d: Dossier) -> str:
    hashes = [str(f.get("sha256") or "") for f in d.files]
    return layout.fingerprint(hashes, d.inputs.get("victim_toml_sha256", ""), d.inputs.get("tool_version", ""),
                              d.inputs.get("template_sha256", ""))


# ---- verify -------------------------------------------------------------------------------


def check(dossier: Path, case_folder: Path | None = None, lang: str | None = None) -> Report:
    """Every check on one dossier; raises nothing for a tampered file (that is a result)."""
    checks: list[Check] = [check_sidecar(dossier)]
    try:
        manifest = read_manifest(dossier)
    except ManifestAbsent:
        if checks[0].state is not State.OK:  # nothing vouches for it: as good as altered
            checks.append(Check("manifest", dossier.name, State.CHANGED, note="manifest_absent"))
        else:  # its .sha256 shows it is the file that was built; nothing more to compare
            checks.append(Check("manifest", dossier.name, State.UNCHECKED,
                                note="manifest_not_attached"))
        return Report(dossier, tuple(checks), _lang(lang, None))
    except ValueError as exc:
        checks.append(Check("manifest", dossier.name, State.CHANGED, note="manifest_unreadable", actual=str(exc)))
        return Report(dossier, tuple(checks), _lang(lang, None))
    parts = dossiers(manifest)
    case = _case(case_folder) if case_folder else None
    for d in parts:
        again = recompute(d)
        state = State.OK if d.fingerprint and again == d.fingerprint else State.CHANGED
        checks.append(Check("fingerprint", d.victim or dossier.name, state, d.fingerprint, again, victim=d.victim))
        if case is not None:
            checks.extend(originals(case, d))
    return Report(dossier, tuple(checks), _lang(lang, case or manifest))


def originals(case: Case, d: Dossier) -> list[Check]:
    folder = config.victim_folder(case, d.victim)
    out: list[Check] = []
    listed: set[str] = set()
    for f in sorted(d.files, key=lambda f: str(f.get("path", ""))):
        rel, expected = str(f.get("path", "")), str(f.get("sha256", ""))
        if not rel or not expected:
            continue
        listed.add(rel)
        path = folder / rel
        if "*" in rel and not path.exists():  # a redacted copy masks digits in paths
            match = _unmask(folder, rel, expected)
            if match is None:
                out.append(Check("original", rel, State.UNCHECKED, expected, victim=d.victim, note="redacted_path"))
                continue
            listed.add(match)
            path = folder / match
        if not path.is_file() or path.is_symlink():
            out.append(Check("original", rel, State.MISSING, expected, victim=d.victim))
            continue
        actual = inventory.sha256(path)
        out.append(Check("original", rel, State.OK if actual == expected else State.CHANGED, expected, actual,
                         victim=d.victim))
    recorded = d.inputs.get("victim_toml_sha256")
    if recorded is not None:  # it decides names, orders and purposes printed in the dossier
        toml = folder / "victim.toml"
        actual = inventory.sha256(toml) if toml.is_file() else ""
        state = State.OK if actual == recorded else (State.MISSING if not actual else State.CHANGED)
        out.append(Check("original", "victim.toml", state, recorded, actual, victim=d.victim))
    if folder.is_dir():
        for entry in inventory.walk(folder):
            rel = entry[0]
            if rel not in listed and rel not in inventory.OWN_FILES:
                out.append(Check("original", rel, State.ADDED, victim=d.victim, note="added"))
    return out


def _unmask(folder: Path, masked: str, expected: str) -> str | None:
    pattern = re.compile("".join(r"\d" if c == "*" else re.escape(c) for c in masked))
    for entry in inventory.walk(folder) if folder.is_dir() else []:
        rel, path = entry[0], entry[1]
        if pattern.fullmatch(rel) and path.is_file() and inventory.sha256(path) == expected:
            return rel
    return None


def _case(folder: Path) -> Case:
    case, _ = config.load_case(folder)
    return case


def _lang(lang: str | None, source: object) -> str:
    if lang in template.LANGUAGES:
        return str(lang)
    found = getattr(source, "language", None) or (source.get("language") if isinstance(source, Mapping) else None)
    return str(found) if found in template.LANGUAGES else "zh-Hans"


def lines(report: Report) -> Sequence[str]:
    """The report as lines in the case language (the CLI prints them)."""
    lang = report.lang

    def t(key: str, **kw: object) -> str:
        return template.t(lang, f"verify.{key}", **kw)

    out = [t("heading", file=report.dossier.name)]
    for c in report.checks:
        state = t(f"state.{c.state.value}")
        subject = t(f"area.{c.area}", subject=c.subject, victim=c.victim)
        line = f"  {state:<8} {subject}"
        if c.note:
            line += f" — {t('note.' + c.note)}"
            if c.actual and c.area == "manifest":
                line += f" ({c.actual})"
        elif c.state is State.CHANGED and c.expected:
            line += " — " + t("hashes", expected=c.expected[:16], actual=(c.actual or "")[:16])
        out.append(line)
    counts = {s.value: report.count(s) for s in State}
    out.append(t("result_ok" if report.ok else "result_failed", **counts))
    return out
