"""`evidence verify`: sidecar hashes, the embedded manifest, and the originals in the case."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cli
from evidence import integrity, inventory
from evidence.errors import ExitCode
from evidence.model import Case, Victim
from evidence.render import receipt

WHEN = dt.datetime(2015, 4, 1, 2, 30, tzinfo=dt.UTC)


def some_pdf(folder: Path) -> Path:
    case = Case(folder=folder, title="京东“3·18”假客服诈骗案")
    return receipt.write(folder / "out.pdf", case, Victim(id="V01", folder=folder), [], when=WHEN)


def flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    i = len(data) // 2 if offset is None else offset
    data[i] ^= 0x01
    path.write_bytes(bytes(data))


def test_sidecar_round_trip_and_sha256sum_format(tmp_path: Path) -> None:
    pdf = some_pdf(tmp_path)
    side = integrity.write_sidecar(pdf)
    assert side.name == "out.pdf.sha256"
    digest, name = side.read_text("utf-8").rstrip("\n").split("  ")
    assert name == "out.pdf" and digest == inventory.sha256(pdf)
    assert integrity.check_sidecar(pdf).state is integrity.State.OK
    if shutil.which("sha256sum"):  # the lawyer can check it without this tool
        done = subprocess.run(["sha256sum", "-c", side.name], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    flip_byte(pdf)
    c = integrity.check_sidecar(pdf)
    assert c.state is integrity.State.CHANGED and c.expected == digest and c.actual != digest


def test_no_sidecar_is_unchecked_not_ok(tmp_path: Path) -> None:
    pdf = some_pdf(tmp_path)
    c = integrity.check_sidecar(pdf)
    assert c.state is integrity.State.UNCHECKED and c.note == "sidecar_absent"


def test_verify_a_pdf_without_manifest_fails(tmp_path: Path) -> None:
    pdf = some_pdf(tmp_path)
    result = CliRunner().invoke(cli.app, ["verify", str(pdf)])
    assert result.exit_code == ExitCode.VERIFY_FAILED, result.output
    assert "manifest.json" in result.output


def test_verify_missing_file_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["verify", str(tmp_path / "nope.pdf")])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "nope.pdf" in result.output


@pytest.mark.parametrize("text", ["", "garbage\n", "0" * 64 + "  other.pdf\n"])
def test_unusable_sidecar_is_reported(tmp_path: Path, text: str) -> None:
    pdf = some_pdf(tmp_path)
    integrity.sidecar_path(pdf).write_text(text, "utf-8")
    c = integrity.check_sidecar(pdf)
    assert c.state is integrity.State.UNCHECKED and c.note == "sidecar_unreadable"


# ---- protected sharing (--encrypt) ----------------------------------------------------------


def test_encrypt_opens_with_password_and_not_without(tmp_path: Path) -> None:
    import pypdf

    from evidence import protect

    pdf = some_pdf(tmp_path)
    plain_text = pypdf.PdfReader(pdf).pages[0].extract_text()
    protect.encrypt(pdf, "正确的密码 s3cret")
    reader = pypdf.PdfReader(pdf)
    assert reader.is_encrypted
    with pytest.raises(pypdf.errors.FileNotDecryptedError):
        _ = reader.pages[0].extract_text()
    assert not pypdf.PdfReader(pdf).decrypt("wrong")
    ok = pypdf.PdfReader(pdf)
    assert ok.decrypt("正确的密码 s3cret")
    assert ok.pages[0].extract_text() == plain_text
    if shutil.which("qpdf"):
        shown = subprocess.run(["qpdf", "--show-encryption", "--password=正确的密码 s3cret", str(pdf)],
                               capture_output=True, text=True).stdout
        assert "print high resolution: allowed" in shown
        assert "modify other: not allowed" in shown and "modify forms: not allowed" in shown
        assert "AESv3" in shown  # AES-256
        assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode != 0


def test_password_never_from_argv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence import protect
    from evidence.errors import UsageError

    monkeypatch.delenv(protect.ENV, raising=False)
    with pytest.raises(UsageError, match="EVIDENCE_PDF_PASSWORD"):
        protect.password(None)
    monkeypatch.setenv(protect.ENV, "from-env")
    assert protect.password(None) == "from-env"
    f = tmp_path / "pw.txt"
    f.write_text("from-file\n", "utf-8")
    assert protect.password(f) == "from-file"
    f.write_text("", "utf-8")
    with pytest.raises(UsageError, match="empty"):
        protect.password(f)


# ---- a real dossier, built from originals of the shared corpus ----------------------------

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def make_case(tmp_path: Path) -> tuple[Path, Path]:
    """A case folder with real originals and the dossier `evidence build` makes of them."""
    from evidence import config, pipeline

    if not CORPUS.is_dir():
        pytest.skip("shared corpus not present")
    case = tmp_path / "case"
    folder = case / "victims" / "V01"
    (folder / "originals").mkdir(parents=True)
    (case / "case.toml").write_text('[case]\ntitle = "京东3·18案"\nbates_prefix = "JD"\n'
                                    'build_date = "2015-04-01"\n', "utf-8")
    (folder / "victim.toml").write_text('[victim]\nname = "王芳"\n', "utf-8")
    sources = {"originals/sms-20150318.xml": CORPUS / "sms-backup-restore" / "devadvance__sms_small.xml",
               "originals/录音/17097300143_20150318.amr": CORPUS / "audio" / "androidx-media__sample_nb.amr",
               "originals/IMG_0001.jpg": CORPUS / "images" / "exif-samples__HMD_Nokia_8.3_5G.jpg"}
    for rel, src in sources.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, folder / rel)
    loaded, _ = config.load_case(case)
    result = pipeline.build_victim(loaded, "V01", tmp_path / "out")
    assert result.dossier is not None
    return case, result.dossier


def rewrite_manifest(pdf: Path, edit: Any) -> None:
    """Someone edits the embedded manifest.json (pikepdf, as a forger would) and rewrites the
    file; the pages are left alone. `edit` changes the parsed manifest in place."""
    import json

    import pikepdf

    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        manifest = json.loads(doc.attachments[integrity.MANIFEST_NAME].get_file().read_bytes())
        edit(manifest)
        doc.attachments[integrity.MANIFEST_NAME] = pikepdf.AttachedFileSpec(
            doc, json.dumps(manifest, ensure_ascii=False).encode())
        doc.save(pdf)


def run_verify(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, ["verify", *args])
    return result.exit_code, result.output


def test_verify_all_ok(tmp_path: Path) -> None:
    case, pdf = make_case(tmp_path)
    code, out = run_verify(str(pdf), "--case", str(case))
    assert code == 0, out
    assert out.count("正确") >= 6 and "已改动" not in out and "缺失" not in out
    report = integrity.check(pdf, case)
    states = {(c.area, c.subject): c.state for c in report.checks}
    assert states[("original", "originals/录音/17097300143_20150318.amr")] is integrity.State.OK
    assert states[("original", "victim.toml")] is integrity.State.OK
    assert report.ok


def test_verify_catches_a_changed_and_a_missing_original(tmp_path: Path) -> None:
    case, pdf = make_case(tmp_path)
    folder = case / "victims" / "V01"
    flip_byte(folder / "originals" / "IMG_0001.jpg", 1000)
    (folder / "originals" / "sms-20150318.xml").unlink()
    (folder / "originals" / "later.png").write_bytes(b"\x89PNG later")
    code, out = run_verify(str(pdf), "--case", str(case))
    assert code == ExitCode.VERIFY_FAILED
    report = integrity.check(pdf, case)
    states = {c.subject: c.state for c in report.checks if c.area == "original"}
    assert states["originals/IMG_0001.jpg"] is integrity.State.CHANGED
    assert states["originals/sms-20150318.xml"] is integrity.State.MISSING
    assert states["originals/录音/17097300143_20150318.amr"] is integrity.State.OK
    assert states["originals/later.png"] is integrity.State.ADDED  # a note, not itself a failure
    assert "已改动" in out and "缺失" in out and "originals/IMG_0001.jpg" in out


def test_verify_catches_one_flipped_dossier_byte(tmp_path: Path) -> None:
    case, pdf = make_case(tmp_path)
    # a byte inside the page content, not the manifest: only the sidecar can see it
    data = pdf.read_bytes()
    flip_byte(pdf, data.index(b"stream") + 20)
    code, out = run_verify(str(pdf), "--case", str(case))
    assert code == ExitCode.VERIFY_FAILED, out
    assert integrity.check_sidecar(pdf).state is integrity.State.CHANGED


def test_verify_catches_an_edited_manifest(tmp_path: Path) -> None:
    _case, pdf = make_case(tmp_path)

    def fix_a_hash(m: dict[str, Any]) -> None:
        m["inventory"]["files"][0]["sha256"] = "0" * 64  # someone "fixes" a hash by hand

    rewrite_manifest(pdf, fix_a_hash)
    integrity.write_sidecar(pdf)  # even with a matching sidecar, the fingerprint disagrees
    report = integrity.check(pdf)
    fp = next(c for c in report.checks if c.area == "fingerprint")
    assert fp.state is integrity.State.CHANGED and not report.ok


def test_a_manifest_edited_with_its_fingerprint_disagrees_with_the_cover(tmp_path: Path) -> None:
    """issue 23: the forger recomputes the fingerprint too, and regenerates the .sha256; the
    fingerprint printed on the cover (read back with pdftotext) no longer matches."""
    from evidence import layout

    _case, pdf = make_case(tmp_path)
    printed = integrity.read_manifest(pdf)["fingerprint"]
    assert printed in verify_text_of_cover(pdf)

    def forge(m: dict[str, Any]) -> None:
        m["inventory"]["files"][0]["sha256"] = "0" * 64
        i = m["inputs"]
        m["fingerprint"] = layout.fingerprint([f["sha256"] for f in m["inventory"]["files"]],
                                              i["victim_toml_sha256"], i["tool_version"],
                                              i["template_sha256"])

    rewrite_manifest(pdf, forge)
    integrity.write_sidecar(pdf)
    code, out = run_verify(str(pdf))
    assert code == ExitCode.VERIFY_FAILED, out
    report = integrity.check(pdf)
    states = {c.area: c.state for c in report.checks}
    assert states["fingerprint"] is integrity.State.OK  # the forgery is self-consistent…
    assert states["pdf"] is integrity.State.OK  # …and so is its regenerated .sha256
    assert states["cover"] is integrity.State.CHANGED  # but the cover says otherwise
    assert "封面上印的指纹与内嵌清单中的指纹不符" in out


def verify_text_of_cover(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, check=True)
    return "".join(done.stdout.decode("utf-8").split())


def test_verify_case_does_not_follow_a_path_out_of_the_case(tmp_path: Path) -> None:
    """issue 23: a manifest entry ../../etc/passwd is refused with a sentence, never read."""
    case, pdf = make_case(tmp_path)
    secret = tmp_path / "outside.txt"  # what ../../../../outside.txt reaches from the victim folder
    secret.write_text("not evidence", "utf-8")

    def point_out(m: dict[str, Any]) -> None:
        m["inventory"]["files"].append({"path": "../../../../outside.txt", "sha256":
                                        inventory.sha256(secret), "status": "accepted"})
        m["inventory"]["files"].append({"path": "/etc/passwd", "sha256": "1" * 64})

    rewrite_manifest(pdf, point_out)
    code, out = run_verify(str(pdf), "--case", str(case))
    assert code == ExitCode.VERIFY_FAILED, out
    bad = {c.subject: c for c in integrity.check(pdf, case).checks if c.note == "outside_case"}
    assert set(bad) == {"../../../../outside.txt", "/etc/passwd"}
    assert all(c.state is integrity.State.CHANGED and not c.actual for c in bad.values())
    assert "清单中的路径指向案件文件夹之外，未予读取" in out


def test_build_encrypt_without_password_fails_before_building(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVIDENCE_PDF_PASSWORD", raising=False)
    case = tmp_path / "case"
    (case / "victims" / "V01").mkdir(parents=True)
    (case / "case.toml").write_text('[case]\ntitle = "t"\n', "utf-8")
    result = CliRunner().invoke(cli.app, ["build", str(case), "--encrypt", "--out", str(tmp_path / "out")])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "EVIDENCE_PDF_PASSWORD" in result.output
    assert not (tmp_path / "out").exists()


def test_verify_case_does_not_follow_a_symlinked_folder_out_of_the_case(tmp_path: Path) -> None:
    case, pdf = make_case(tmp_path)
    folder = case / "victims" / "V01" / "originals"
    outside = tmp_path / "elsewhere"
    shutil.move(str(folder / "录音"), str(outside))  # the recordings now live outside the case …
    (folder / "录音").symlink_to(outside, target_is_directory=True)  # … reached by a symlink
    report = integrity.check(pdf, case)
    bad = [c for c in report.checks if c.note == "outside_case"]
    assert [c.subject for c in bad] == ["originals/录音/17097300143_20150318.amr"]
    assert not report.ok


def test_the_fingerprint_of_an_ocr_build_is_recomputed_with_its_engine() -> None:
    """issue 21 puts the OCR engine into the fingerprint (pipeline: template part + " ocr=…");
    verify recomputes it the same way, or every --ocr dossier would read as changed."""
    from evidence import layout

    files = ({"path": "originals/a.png", "sha256": "ab" * 32},)
    inputs = {"victim_toml_sha256": "cd" * 32, "template_sha256": "ef" * 32, "tool_version": "0.1.0"}
    plain = layout.fingerprint(["ab" * 32], "cd" * 32, "0.1.0", "ef" * 32)
    read = layout.fingerprint(["ab" * 32], "cd" * 32, "0.1.0", "ef" * 32 + " ocr=rapidocr-3.10")
    assert integrity.recompute(integrity.Dossier("V01", plain, files, {**inputs, "ocr_engine": "None"})) == plain
    assert integrity.recompute(integrity.Dossier("V01", read, files,
                                                 {**inputs, "ocr_engine": "rapidocr-3.10"})) == read


def test_redact_encrypt_serves_the_encrypted_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 23: `--redact --encrypt` for one claimant: OUT/served holds the encrypted service copy
    (what was built), never the unencrypted one it was before encryption, and its .sha256 matches."""
    import pypdf

    case, _ = make_case(tmp_path)
    monkeypatch.setenv("EVIDENCE_PDF_PASSWORD", "送达 s3cret")
    out = tmp_path / "o"
    result = CliRunner().invoke(cli.app, ["build", str(case), "--victim", "V01", "--redact",
                                          "--encrypt", "--out", str(out)])
    assert result.exit_code in (0, ExitCode.BAD_INPUT), result.output
    built, served = out / "V01" / "dossier-redacted.pdf", out / "served" / "V01" / "dossier-redacted.pdf"
    assert served.read_bytes() == built.read_bytes()
    reader = pypdf.PdfReader(served)
    assert reader.is_encrypted
    with pytest.raises(pypdf.errors.FileNotDecryptedError):
        _ = reader.pages[0].extract_text()
    assert pypdf.PdfReader(served).decrypt("送达 s3cret")
    assert integrity.check_sidecar(served).state is integrity.State.OK
    if shutil.which("sha256sum"):
        done = subprocess.run(["sha256sum", "-c", "dossier-redacted.pdf.sha256"], cwd=served.parent,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_redact_encrypt_never_puts_an_unencrypted_copy_in_the_output(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 23: with `--redact --encrypt` the dossier is encrypted (into a temporary file,
    renamed) inside the build's work folder: every PDF that lands in OUT/V01 or OUT/served — each
    rename into place, each hard link or copy into the served folder, the dossier's volumes
    included — is already encrypted."""
    import pypdf

    from evidence import served

    case, _ = make_case(tmp_path)
    monkeypatch.setenv("EVIDENCE_PDF_PASSWORD", "送达 s3cret")
    out = tmp_path / "o"
    landed: list[tuple[str, bool]] = []
    real_replace, real_link = Path.replace, served._link_or_copy  # type: ignore[attr-defined]

    def seen(target: Path, source: Path) -> None:
        rel = target.resolve().relative_to(out.resolve()).as_posix()
        if not rel.startswith(".work-") and rel.endswith(".pdf"):
            landed.append((rel, pypdf.PdfReader(source).is_encrypted))

    def replace(self: Path, target: Any) -> Path:
        if Path(target).resolve().is_relative_to(out.resolve()):
            seen(Path(target), self)
        return real_replace(self, target)

    def link(src: Path, tmp: Path) -> None:
        seen(tmp.parent / tmp.name.removeprefix(".").removesuffix(".partial"), src)
        real_link(src, tmp)

    monkeypatch.setattr(Path, "replace", replace)
    monkeypatch.setattr(served, "_link_or_copy", link)
    result = CliRunner().invoke(cli.app, ["build", str(case), "--victim", "V01", "--redact",
                                          "--encrypt", "--max-pages", "3", "--out", str(out)])
    assert result.exit_code in (0, ExitCode.BAD_INPUT), result.output
    names = {rel for rel, _ in landed}
    assert {"V01/dossier-redacted.pdf", "served/V01/dossier-redacted.pdf"} <= names, landed
    assert any(n.startswith("V01/dossier-vol") for n in names), landed  # issue 18: its volumes too
    assert all(encrypted for _, encrypted in landed), landed
    assert pypdf.PdfReader(out / "served" / "V01" / "dossier-redacted.pdf").is_encrypted
    assert integrity.check_sidecar(out / "served" / "V01" / "dossier-redacted.pdf").state is integrity.State.OK
    assert integrity.check_sidecar(out / "V01" / "dossier-redacted.pdf").state is integrity.State.OK
