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
import difflib
import enum
import hashlib
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pikepdf
from pypdf.errors import FileNotDecryptedError, PdfReadError

from evidence import atomic, config, inventory, layout, pagehash, template
from evidence.model import Case, Issue, Severity
from evidence.pdf import protect

SIDECAR_SUFFIX = ".sha256"
MANIFEST_NAME = "manifest.json"


class State(enum.StrEnum):
    OK = "ok"
    CHANGED = "changed"
    MISSING = "missing"
    UNCHECKED = "unchecked"  # nothing to check against (no sidecar, redacted path, no --case)
    ADDED = "added"  # in the victim folder now, not in the dossier (a note, not a failure)
    LOCKED = "locked"  # encrypted: cannot be opened without its password (not "changed")


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
    bates: tuple[str, str] | None = None  # the Bates range its manifest gives (issue 18)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and not any(c.state in FAILING or c.state is State.LOCKED
                                             for c in self.checks)

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


# ---- page hashes carried in the manifest (issue 18) -----------------------------------------
# The manifest is inside the file it describes, so it cannot hold the file's own hash. It holds
# each page's content hash instead (evidence/pagehash.py): the manifest is written with a slot
# of fixed width per page, the file is written, its pages are hashed as written (what a court
# will open) and the slots are filled in place. The file's SHA-256 is taken after that.

_SLOT = b"~" * 64  # never a hex digest, never touched by the redactor (no digits)


def with_page_slots(manifest: bytes, pages: int) -> bytes:
    """`manifest` (a JSON object) with room for each page's SHA-256 (fill_page_slots)."""
    body = manifest.rstrip()
    if not body.endswith(b"}") or pages < 0:
        raise ValueError("the manifest is not a JSON object")
    slots = b", ".join(b'"%s"' % _SLOT for _ in range(pages))
    head = body[:-1].rstrip()
    comma = b"" if head.endswith(b"{") else b","
    return head + comma + b'\n  "integrity": {"scheme": "%s", "pages": %d, "page_sha256": [%s]}\n}\n' % (
        pagehash.SCHEME.encode(), pages, slots)


def fill_page_slots(manifest: bytes, hexes: Sequence[str]) -> bytes:
    """The manifest with its page-hash slots (from `with_page_slots`) holding `hexes`."""
    slots = b", ".join(b'"%s"' % _SLOT for _ in range(len(hexes)))
    if slots not in manifest:
        raise ValueError(f"the manifest has no room for {len(hexes)} page hashes; this is a bug, "
                         "please report it.")
    return manifest.replace(slots, b", ".join(b'"%s"' % h.encode() for h in hexes), 1)


def page_digests(doc: Any) -> list[str]:
    """Each page's hash of a dossier about to be written (a stamp.Dossier, its pages final):
    its images are placeholders still, hashed as the image bytes the writer puts there. The
    file is then written once, manifest included, and never read again for this (the
    placeholders make a dossier of a thousand photos cheap to write; reading it back would
    cost a disk read of every image)."""
    from evidence.pdf import assemble

    sums: dict[int, str] = {}

    def stored(data: bytes) -> str | None:
        raster = assemble.placeholder_raster(doc, data)
        if raster is None:
            return None
        key = id(raster)
        if key not in sums:
            h = hashlib.sha256()
            with raster.path.open("rb") as f:
                for off, n in raster.idat or ((0, raster.path.stat().st_size),):
                    f.seek(off)
                    h.update(f.read(n))
            sums[key] = h.hexdigest()
        return sums[key]

    return pagehash.digests(doc.pdf, stored)


def make_pdfa(pdf: Path, manifest: bytes, when: Any, issues: list[Issue]) -> tuple[str, bytes]:
    """issue 18: make the written dossier PDF/A-2b (evidence.pdfa), then record its pages'
    hashes in the manifest, which goes beside it (`<name>.manifest.json`). Pages that had to be
    rasterised (an original's fonts not embedded) are named in `issues` and the manifest."""
    from evidence import pdfa

    sha, filled = pdfa_sealed(pdf, manifest, when, issues)
    pdfa.write_beside(pdf, filled)
    return sha, filled


def pdfa_bundle(pdf: Path, when: Any, issues: list[Issue]) -> tuple[str, bytes]:
    """issue 18 (--pdfa): a written bundle or volume, not yet published, made PDF/A-2b; the
    manifest its writer attached leaves the file (PDF/A-2 allows no such attachment) and is
    returned, its page hashes taken again from the converted file, to go beside it."""
    with pikepdf.open(pdf) as doc:
        manifest = manifest_of(doc)
    manifest.pop("integrity", None)
    pages = len(manifest.get("page_labels") or ())
    text = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    return pdfa_sealed(pdf, with_page_slots(text, pages), when, issues)


def pdfa_sealed(pdf: Path, manifest: bytes, when: Any, issues: list[Issue]) -> tuple[str, bytes]:
    """make_pdfa without writing the manifest: (the file's SHA-256, the manifest filled)."""
    from evidence import pdfa

    done = pdfa.convert(pdf, when)
    with pikepdf.open(pdf) as doc:
        hexes = pagehash.digests(doc)
    filled = fill_page_slots(manifest, hexes)
    record = json.dumps({"part": 2, "conformance": "B", "rasterised_pages": list(done.rasterised),
                         "fonts_not_embedded": list(done.fonts)}, ensure_ascii=False)
    filled = filled.rstrip()[:-1].rstrip() + b',\n  "pdfa": ' + record.encode() + b"\n}\n"
    if len(hexes) != json.loads(filled)["integrity"]["pages"]:
        raise ValueError(f"{pdf.name}: {len(hexes)} pages after PDF/A, the manifest says "
                         f"otherwise; this is a bug, please report it.")
    if done.rasterised:
        issues.append(Issue(Severity.WARNING, "pdfa_rasterised", (
            f"PDF/A: pages {', '.join(map(str, done.rasterised))} come from original PDFs whose fonts "
            f"are not embedded ({', '.join(done.fonts)}); they are images of the page as shown "
            "in the dossier (the original files are unchanged and keep their text).")))
    return inventory.sha256(pdf), filled


def bundle_manifest(dossier_pdfs: Sequence[Path], bates: Mapping[str, str] | None = None
                    ) -> dict[str, Any]:
    """What a joint bundle (or a volume) should carry so that `verify --case` checks every
    original it cites: each dossier's victim, fingerprint, inputs and inventory, taken from the
    dossier's own manifest. The bundle writer attaches it (with `with_page_slots`, filled
    from its pages' hashes made while writing: pdf/pageseal); `check` reads its "dossiers"
    list like a dossier's own manifest."""
    parts: list[dict[str, Any]] = []
    for pdf in dossier_pdfs:
        with pikepdf.open(pdf) as doc:
            m = _manifest_for(doc, pdf)
        inv = m.get("inventory")
        files = inv.get("files", []) if isinstance(inv, Mapping) else []
        parts.append({"victim": m.get("victim"), "fingerprint": m.get("fingerprint"),
                      "inputs": m.get("inputs"), "bates": m.get("bates"), "pages": m.get("pages"),
                      "inventory": {"files": [{k: f.get(k) for k in ("path", "sha256", "size", "status")}
                                              for f in files if isinstance(f, Mapping)]}})
    out: dict[str, Any] = {"format": "evidence-bundle/1", "dossiers": parts}
    if bates:
        out["bates"] = dict(bates)
    return out


def beside_names(dossier_name: str, pdfa_on: bool) -> list[str]:
    """Files written beside a dossier besides its .sha256: the manifest, for PDF/A."""
    return [dossier_name + ".manifest.json"] if pdfa_on else []


def sign_dossier(pdf: Path, signing: Any) -> str:
    """Sign a built, checked dossier in place (evidence.sign); returns its new SHA-256."""
    from evidence import sign

    return sign.apply(pdf, signing)


# ---- the embedded manifest ----------------------------------------------------------------


def read_manifest(pdf: Path) -> dict[str, Any]:
    """The manifest.json attachment of a dossier (raises ValueError when absent or broken)."""
    try:
        reader = protect.open_reader(io.BytesIO(pdf.read_bytes()))
        attachments = reader.attachments
    except (PdfReadError, FileNotDecryptedError, OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"the PDF cannot be read ({exc})") from None
    blobs = attachments.get(MANIFEST_NAME)
    return _parse_manifest(blobs[0] if blobs else None)


def manifest_of(doc: pikepdf.Pdf) -> dict[str, Any]:
    """The manifest.json attachment of an open PDF (raises ValueError when absent or broken)."""
    try:
        spec = doc.attachments.get(MANIFEST_NAME)
        blob = spec.get_file().read_bytes() if spec is not None else None
    except (pikepdf.PdfError, AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"its {MANIFEST_NAME} cannot be read ({exc})") from None
    return _parse_manifest(blob)


def _parse_manifest(blob: bytes | None) -> dict[str, Any]:
    if not blob:
        raise ManifestAbsent(f"it has no embedded {MANIFEST_NAME} (was it built by evidence?)")
    try:
        data = json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"its {MANIFEST_NAME} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"its {MANIFEST_NAME} is not a JSON object")
    return data


def _manifest_for(doc: pikepdf.Pdf, pdf: Path) -> dict[str, Any]:
    """The embedded manifest; only when there is none, a PDF/A dossier's manifest beside it."""
    try:
        return manifest_of(doc)
    except ManifestAbsent:
        if not _beside(pdf).is_file():
            raise
    return _manifest_beside(pdf)


def _beside(pdf: Path) -> Path:
    return pdf.with_name(pdf.name + ".manifest.json")


def _manifest_beside(pdf: Path) -> dict[str, Any]:
    """A PDF/A dossier's manifest, kept beside it (PDF/A-2 allows no such attachment)."""
    try:
        return _parse_manifest(_beside(pdf).read_bytes())
    except OSError as exc:
        raise ValueError(f"{_beside(pdf).name} cannot be read ({exc})") from None


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
    template_part = d.inputs.get("template_sha256", "")
    ocr = d.inputs.get("ocr_engine", "")
    if ocr and ocr != "None":  # issue 21: what read the pictures is part of the content
        template_part += f" ocr={ocr}"
    return layout.fingerprint(hashes, d.inputs.get("victim_toml_sha256", ""), d.inputs.get("tool_version", ""),
                              template_part)


# ---- verify -------------------------------------------------------------------------------


def check(dossier: Path, case_folder: Path | None = None, lang: str | None = None,
          password: str | None = None) -> Report:
    """Every check on one dossier; raises nothing for a tampered file (that is a result).

    Without its `.sha256` a dossier still vouches for itself: its pages against the hashes in
    its manifest, the fingerprint printed on its cover against the manifest, the manifest's
    fingerprint against the manifest's own inputs, and a signature when it has one."""
    checks: list[Check] = [check_sidecar(dossier)]
    try:
        doc = pikepdf.open(dossier, password=password or "")
    except pikepdf.PasswordError:
        checks.append(Check("pdf", dossier.name, State.LOCKED, note="password"))
        return Report(dossier, tuple(checks), _lang(lang, None))
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        checks.append(Check("manifest", dossier.name, State.CHANGED, note="manifest_unreadable",
                            actual=f"the PDF cannot be read ({exc})"))
        return Report(dossier, tuple(checks), _lang(lang, None))
    with doc:
        checks += _signatures(dossier)
        try:
            manifest = _manifest_for(doc, dossier)
        except ManifestAbsent:
            if not _vouched(checks):  # nothing vouches for it: as good as altered
                checks.append(Check("manifest", dossier.name, State.CHANGED, note="manifest_absent"))
            else:  # its .sha256 or signature shows it is the file that was built
                checks.append(Check("manifest", dossier.name, State.UNCHECKED,
                                    note="manifest_not_attached"))
            return Report(dossier, tuple(checks), _lang(lang, None))
        except ValueError as exc:
            checks.append(Check("manifest", dossier.name, State.CHANGED, note="manifest_unreadable",
                                actual=str(exc)))
            return Report(dossier, tuple(checks), _lang(lang, None))
        checks += check_pages(doc, manifest)
        checks += check_cover(dossier, manifest, password)
    parts = dossiers(manifest)
    case = _case(case_folder) if case_folder else None
    for d in parts:
        again = recompute(d)
        state = State.OK if d.fingerprint and again == d.fingerprint else State.CHANGED
        checks.append(Check("fingerprint", d.victim or dossier.name, state, d.fingerprint, again, victim=d.victim))
        if case is not None:
            checks.extend(originals(case, d))
    if not _vouched(checks) and not any(c.state in FAILING for c in checks):
        checks.append(Check("vouch", dossier.name, State.CHANGED, note="nothing_vouches"))
    return Report(dossier, tuple(checks), _lang(lang, case or manifest), _bates(manifest))


def _bates(manifest: Mapping[str, Any]) -> tuple[str, str] | None:
    bates = manifest.get("bates")
    if not isinstance(bates, Mapping) or not bates.get("first"):
        return None
    return str(bates["first"]), str(bates.get("last", ""))


def _vouched(checks: Sequence[Check]) -> bool:
    """Does anything vouch for the file's pages: its sidecar, its page hashes, a signature?"""
    return any(c.state is State.OK and c.area in ("pdf", "pages", "signature") for c in checks)


def _signatures(pdf: Path) -> list[Check]:
    """Each signature: who signed, when, and whether anything changed after signing."""
    from evidence import sign  # pyHanko only when the file is signed

    if not sign.signed(pdf):
        return []
    found = sign.inspect(pdf)
    if found is None:
        return [Check("signature", pdf.name, State.UNCHECKED, note="sign_extra_missing")]
    out: list[Check] = []
    for f in found:
        when = f.when.isoformat(timespec="seconds") if f.when else "?"
        subject = f"{f.signer or '?'}, {when}" + (" (RFC 3161)" if f.timestamped else "")
        if f.intact and f.whole_file:
            out.append(Check("signature", subject, State.OK,
                             note="signed_ok" if f.trusted else "signed_untrusted"))
        else:
            out.append(Check("signature", subject, State.CHANGED, actual=f.problem,
                             note="signed_changed"))
    return out


def check_pages(doc: pikepdf.Pdf, manifest: Mapping[str, Any]) -> list[Check]:
    """The pages now against the hashes recorded when the file was built: every page added,
    removed, moved or altered, named by its place (and its Bates number when known)."""
    record = manifest.get("integrity")
    record = record if isinstance(record, Mapping) else {}
    expected = record.get("page_sha256")
    if (not isinstance(expected, list) or not all(isinstance(h, str) for h in expected)
            or record.get("scheme") != pagehash.SCHEME):
        return [Check("pages", "", State.UNCHECKED, note="pages_unrecorded")]
    actual = pagehash.digests(doc)
    labels = _labels(doc)
    built = _built_labels(manifest, len(expected))
    where = {h: i for i, h in enumerate(expected)}
    now = set(actual)
    out: list[Check] = []

    def page(j: int) -> str:  # the page's number, and its Bates number as it reads now
        return f"{j + 1}" + (f" · {labels[j]}" if j < len(labels) and labels[j] else "")

    def was(i: int) -> str:
        return f"{i + 1}" + (f" · {built[i]}" if built[i] else "")

    matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        unknown = [j for j in range(j1, j2) if actual[j] not in where]
        lost = [i for i in range(i1, i2) if expected[i] not in now]
        for j in range(j1, j2):
            if actual[j] in where:
                out.append(Check("page", page(j), State.CHANGED, was(where[actual[j]]), page(j),
                                 note="page_moved"))
        for i, j in zip(lost, unknown, strict=False):
            out.append(Check("page", page(j), State.CHANGED, was(i), page(j), note="page_altered"))
        for j in unknown[len(lost):]:
            out.append(Check("page", page(j), State.CHANGED, "", page(j), note="page_added"))
        for i in lost[len(unknown):]:
            out.append(Check("page", was(i), State.MISSING, was(i), "", note="page_removed"))
    if out:
        return [Check("pages", f"{len(actual)}/{len(expected)}", State.CHANGED,
                      str(len(expected)), str(len(actual)), note="pages_differ"), *out]
    return [Check("pages", f"{len(actual)}", State.OK, str(len(expected)), str(len(actual)))]


def _labels(doc: pikepdf.Pdf) -> list[str]:
    from evidence import verify  # page labels are read in one place

    try:
        return verify.page_labels(doc) if "/PageLabels" in doc.Root else []
    except (pikepdf.PdfError, ValueError, TypeError, KeyError):
        return []


def _built_labels(manifest: Mapping[str, Any], n: int) -> list[str]:
    """The Bates number each built page had: counted on from the manifest's first one (a
    bundle's or volume's manifest lists them: a volume's cover pages are not numbered)."""
    listed = manifest.get("page_labels")
    if isinstance(listed, list) and len(listed) == n:
        return [str(label) for label in listed]
    bates = manifest.get("bates")
    first = str(bates.get("first", "")) if isinstance(bates, Mapping) else ""
    m = re.search(r"(\d+)(\D*)$", first)
    if not m:
        return [""] * n
    head, start, tail = first[:m.start(1)], int(m.group(1)), m.group(2)
    return [f"{head}{start + i:0{len(m.group(1))}d}{tail}" for i in range(n)]


def check_cover(pdf: Path, manifest: Mapping[str, Any], password: str | None = None) -> list[Check]:
    """issue 23: the fingerprint printed on the cover must be the manifest's. A manifest edited
    together with its fingerprint then disagrees with the page a reader sees."""
    fp = manifest.get("fingerprint")
    if not isinstance(fp, str) or not fp:
        return []  # a bundle's manifest: its parts carry the fingerprints
    text = re.sub(r"\s+", "", _first_page_text(pdf, password))
    state = State.OK if fp in text else State.CHANGED
    return [Check("cover", pdf.name, state, fp, "" if state is State.OK else "not printed",
                  note="" if state is State.OK else "cover_differs")]


def _first_page_text(pdf: Path, password: str | None) -> str:
    import shutil
    import subprocess

    exe = shutil.which("pdftotext")
    if exe and not password:
        done = subprocess.run([exe, "-f", "1", "-l", "1", "-enc", "UTF-8", str(pdf), "-"],
                              capture_output=True, timeout=120, check=False)
        if done.returncode == 0:
            return done.stdout.decode("utf-8", "replace")
    try:
        reader = protect.open_reader(pdf, password)
        return reader.pages[0].extract_text() or "" if reader.pages else ""
    except (PdfReadError, FileNotDecryptedError, OSError, ValueError, KeyError, TypeError):
        return ""


def originals(case: Case, d: Dossier) -> list[Check]:
    if not inside(d.victim) or "/" in d.victim:  # issue 23: the id names a folder: no way out
        return [Check("original", d.victim, State.CHANGED, victim=d.victim, note="outside_case")]
    folder = config.victim_folder(case, d.victim)
    out: list[Check] = []
    listed: set[str] = set()
    for f in sorted(d.files, key=lambda f: str(f.get("path", ""))):
        rel, expected = str(f.get("path", "")), str(f.get("sha256", ""))
        if not rel or not expected:
            continue
        listed.add(rel)
        if not inside(rel):  # issue 23: a forged manifest naming ../../etc/passwd is not followed
            out.append(Check("original", rel, State.CHANGED, expected, victim=d.victim,
                             note="outside_case"))
            continue
        path = folder / rel
        if "*" in rel and not path.exists():  # a redacted copy masks digits in paths
            match = _unmask(folder, rel, expected)
            if match is None:
                out.append(Check("original", rel, State.UNCHECKED, expected, victim=d.victim, note="redacted_path"))
                continue
            listed.add(match)
            path = folder / match
        if not path.resolve().is_relative_to(folder.resolve()):  # a symlinked folder on the way
            out.append(Check("original", rel, State.CHANGED, expected, victim=d.victim,
                             note="outside_case"))
            continue
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


def inside(rel: str) -> bool:
    """Is `rel` a relative path that stays inside the victim folder (no .., no root, no drive)?"""
    if not rel or "\x00" in rel or "\\" in rel:
        return False
    parts = rel.split("/")
    return not rel.startswith("/") and ":" not in parts[0] and all(
        p not in ("", ".", "..") for p in parts)


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
    if report.bates is not None:
        out.append("  " + t("bates", first=report.bates[0], last=report.bates[1]))
    for c in report.checks:
        state = t(f"state.{c.state.value}")
        subject = t(f"area.{c.area}", subject=c.subject, victim=c.victim)
        line = f"  {state:<8} {subject}"
        if c.note:
            line += f" — {t('note.' + c.note, expected=c.expected, actual=c.actual)}"
            if c.actual and c.area == "manifest":
                line += f" ({c.actual})"
        elif c.state is State.CHANGED and c.expected:
            line += " — " + t("hashes", expected=c.expected[:16], actual=(c.actual or "")[:16])
        out.append(line)
    counts = {s.value: report.count(s) for s in State}
    locked = report.count(State.LOCKED) > 0
    out.append(t("result_locked" if locked else "result_ok" if report.ok else "result_failed",
                 **counts))
    return out
