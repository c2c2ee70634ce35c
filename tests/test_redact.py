"""Redaction of ID, card and claimant phone numbers: no full number survives, evidence stays."""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from evidence import redact
from evidence.model import Order, Victim

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FULLWIDTH = str.maketrans("0123456789Xx -", "０１２３４５６７８９Ｘｘ\u3000－")

VICTIM = Victim(
    id="V07", folder=Path("/nonexistent"), name="王芳", phone="13957112345",
    id_number="330106198507151234",  # check digit deliberately wrong: still hers, still masked
    cards=("6222021202004455667",),  # not Luhn-valid: still hers, still masked
    orders=(Order(id="9876543210123456", placed=__import__("datetime").datetime(
        2015, 3, 18, 9, 0, tzinfo=__import__("datetime").UTC)),),
)


def flat(s: str) -> str:
    """Digits only (NFKC), the way a reader would copy the number out of the PDF."""
    return re.sub(r"[^0-9X]", "", unicodedata.normalize("NFKC", s).upper())


def make_id(area: int, year: int, month: int, day: int, seq: int) -> str:
    first = f"{area:06d}{year:04d}{month:02d}{day:02d}{seq:03d}"
    return first + redact.id_check_char(first)


def make_card(prefix: str, body: str, length: int) -> str:
    digits = (prefix + body)[: length - 1]
    for check in "0123456789":
        if redact.luhn_ok(digits + check):
            return digits + check
    raise AssertionError


ids = st.builds(
    make_id,
    st.integers(110000, 829999), st.integers(1930, 2012), st.integers(1, 12), st.integers(1, 28),
    st.integers(0, 999),
)
cards = st.builds(
    make_card,
    st.sampled_from(["622202", "622848", "621700", "436742", "622588", "6228", "4", "5"]),
    st.text("0123456789", min_size=20, max_size=20), st.integers(16, 19),
)


def fmt_groups(digits: str, sizes: list[int], sep: str) -> str:
    out, i = [], 0
    for n in sizes:
        out.append(digits[i:i + n])
        i += n
    out.append(digits[i:])
    return sep.join(p for p in out if p)


@st.composite
def written_id(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(ids)
    style = draw(st.sampled_from(["plain", "6-8-4", "6-4-4-4", "4s", "lower_x"]))
    sep = draw(st.sampled_from([" ", "-", "  ", " - "]))
    shown = {
        "plain": number,
        "6-8-4": fmt_groups(number, [6, 8], sep),
        "6-4-4-4": fmt_groups(number, [6, 4, 4], sep),
        "4s": fmt_groups(number, [4, 4, 4, 4], sep),
        "lower_x": number.replace("X", "x"),
    }[style]
    if draw(st.booleans()):
        shown = shown.translate(FULLWIDTH)
    return number, shown


@st.composite
def written_card(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(cards)
    style = draw(st.sampled_from(["plain", "4s", "6+rest"]))
    sep = draw(st.sampled_from([" ", "-", "  "]))
    shown = {"plain": number, "4s": fmt_groups(number, [4] * 4, sep),
             "6+rest": fmt_groups(number, [6], sep)}[style]
    if draw(st.booleans()):
        shown = shown.translate(FULLWIDTH)
    return number, shown


context = st.sampled_from([
    "身份证号：{}。", "卡号{}，请核对", "My ID is {} ok", "【工商银行】您尾号的账户 {} 于3月18日支出", "{}",
    "（{}）", "户名王芳 {} 开户行杭州分行",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written_id(), context)
def test_no_generated_id_survives(item: tuple[str, str], ctx: str) -> None:
    number, shown = item
    out = redact.Redactor().text(ctx.format(shown))
    assert number not in flat(out)
    # first 6 and last 4 stay so the parties can still tell claimants apart — unless the
    # number reads as a card as well (Luhn, a card prefix): then the last four only (issue 23)
    groups = re.findall(r"[0-9Xx]+", unicodedata.normalize("NFKC", shown))
    four = len(groups) >= 4 and all(len(g) == 4 for g in groups[:-1])
    as_card = (number.isdigit() and redact._card_grouping(groups) and (redact.luhn_ok(number) or four)
               and number.startswith(redact.Rules().bin_prefixes))
    assert as_card or flat(out).count(number[:6]) >= 1
    assert number[-4:] in flat(out)
    assert "*" * 8 in out.replace(" ", "").replace("-", "").replace("\u3000", "").replace("－", "")


@settings(max_examples=300, deadline=None)
@given(written_card(), context)
def test_no_generated_card_survives(item: tuple[str, str], ctx: str) -> None:
    number, shown = item
    out = redact.Redactor().text(ctx.format(shown))
    assert number not in flat(out)
    assert number[-4:] in flat(out)
    assert out.count("*") == len(number) - 4


@settings(max_examples=200, deadline=None)
@given(written_id(), written_card(), st.sampled_from([" ", "，", "\n", " / "]))
def test_id_and_card_side_by_side(idn: tuple[str, str], card: tuple[str, str], sep: str) -> None:
    # Joined by a space they form one long digit run: both must still be found inside it.
    out = redact.Redactor().text(f"{idn[1]}{sep}{card[1]}")
    assert idn[0] not in flat(out) and card[0] not in flat(out)


def test_old_fifteen_digit_id() -> None:
    out = redact.Redactor().text("旧身份证 330106850715123 号")
    assert out == "旧身份证 330106*****5123 号"


PHONE_FORMATS = [
    "13957112345", "139 5711 2345", "139-5711-2345", "+86 139 5711 2345", "+8613957112345",
    "86-13957112345", "0086 139-5711-2345", "１３９５７１１２３４５", "＋８６　１３９　５７１１　２３４５",
    "8613957112345",
]


@pytest.mark.parametrize("shown", PHONE_FORMATS)
def test_claimant_phone_masked_in_every_format(shown: str) -> None:
    out = redact.Redactor.for_victim(VICTIM).text(f"当事人电话{shown}，来电号码 17097300143、0571-88886666")
    assert "13957112345" not in flat(out)
    masked = re.sub(r"[\s\-+]", "", unicodedata.normalize("NFKC", out))
    assert "139****2345" in masked
    # fraudsters' numbers are evidence: untouched, character for character
    assert out.endswith("来电号码 17097300143、0571-88886666")
    assert out.count("*") == 4


def test_claimant_phone_keeps_first_three_and_last_four() -> None:
    r = redact.Redactor.for_victim(VICTIM)
    assert r.text("+86 139-5711-2345") == "+86 139-****-2345"
    assert r.text("１３９５７１１２３４５") == "１３９****２３４５"


def test_victims_own_numbers_masked_even_when_invalid() -> None:
    r = redact.Redactor.for_victim(VICTIM)
    out = r.text("身份证330106198507151234 卡 6222 0212 0200 4455 667")
    assert out == "身份证330106********1234 卡 **** **** **** ***5 667"
    # without the victim's list the invalid ones are not recognised (documents the rule)
    assert redact.Redactor().text("6222021202004455667") == "6222021202004455667"


@settings(max_examples=300, deadline=None)
# a date and a serial holding 8 digits of the card 6222 0212 0200 4455 667 (0212 0200): chance
@example(Decimal("0.00"), 2010, 2, 12, 2, 0, 10**12, 10**9)
@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    st.integers(2010, 2030), st.integers(1, 12), st.integers(1, 28), st.integers(0, 23),
    st.integers(0, 59), st.integers(10**12, 2 * 10**12), st.integers(10**9, 10**12),
)
def test_amounts_dates_timestamps_and_order_ids_untouched(
    amount: object, y: int, mo: int, d: int, h: int, mi: int, epoch_ms: int, order: int,
) -> None:
    text = (f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:00 支出人民币{amount}元，余额{amount}元，"
            f"{y}年{mo}月{d}日，时间戳 {epoch_ms}，订单号{order}，交易流水 {y}{mo:02d}{d:02d}{h:02d}{mi:02d}00")
    assert redact.Redactor.for_victim(VICTIM).text(text) == text


def test_victim_order_id_kept_even_if_it_looks_like_a_card() -> None:
    r = redact.Redactor.for_victim(VICTIM)
    assert r.text("订单号 9876543210123456") == "订单号 9876543210123456"


def test_hex_digests_untouched() -> None:
    digest = "4111111111111111" + "a" * 48  # a Luhn-valid card inside a SHA-256: not a card
    assert redact.Redactor().text(f"SHA-256 {digest}") == f"SHA-256 {digest}"


def test_real_bank_sms_bodies_untouched() -> None:
    path = CORPUS / "bank-sms" / "bank_sms_labelled.json"
    if not path.exists():
        pytest.skip("shared corpus not present")
    messages = json.loads(path.read_text("utf-8"))
    r = redact.Redactor.for_victim(VICTIM)
    assert len(messages) == 76
    for m in messages:
        assert r.text(m["body"]) == m["body"]
        assert r.text(m["sender"]) == m["sender"]


def test_json_recursive_including_keys() -> None:
    data = {"victim": {"phone": "13957112345", "id_number": "330106198507151234"},
            "events": [{"counterparty": "17097300143", "summary": "转账至6222021202004455667"}],
            "purposes": {"calls/13957112345.xml": "证明通话"}, "n": 3, "ok": True, "x": None}
    out = redact.Redactor.for_victim(VICTIM).json(data)
    text = json.dumps(out, ensure_ascii=False)
    for secret in ("13957112345", "330106198507151234", "6222021202004455667"):
        assert secret not in text
    assert out["events"][0]["counterparty"] == "17097300143"
    assert out["n"] == 3 and out["ok"] is True and out["x"] is None
    assert "calls/139****2345.xml" in out["purposes"]


def test_rules_come_from_the_template(tmp_path: Path) -> None:
    rules = tmp_path / "redaction.toml"
    rules.write_text('mask = "X"\n[card]\nkeep_last = 2\n[phone]\nkeep_first = 0\nkeep_last = 0\n', "utf-8")
    r = redact.Redactor.for_victim(VICTIM, redact.load_rules(rules))
    assert r.text("4111111111111111") == "X" * 14 + "11"
    assert r.text("13957112345") == "X" * 11
    assert redact.load_rules().card_keep == (0, 4)


def test_text_without_numbers_is_the_same_object() -> None:
    s = "没有号码的文本"
    assert redact.Redactor.for_victim(VICTIM).text(s) is s


def test_model_values_redacted_but_files_and_digests_kept() -> None:
    import datetime as dt

    from evidence.model import Basis, Event, EventKind, FileKind, SourceFile, SourceRef, Status

    digest = "1" * 64
    f = SourceFile(path="calls/13957112345.xml", abspath=Path("/case/V07/calls/13957112345.xml"), sha256=digest,
                   size=10, kind=FileKind.CALL_LOG, status=Status.ACCEPTED)
    ev = Event(time=dt.datetime(2015, 3, 18, 12, tzinfo=dt.UTC), basis=Basis.EXACT, kind=EventKind.SMS,
               summary="验证码发至13957112345，卡号6222021202004455667", counterparty="17097300143",
               source=SourceRef(f.path, digest, "sms[1]"), details={"to": "+86 139 5711 2345"})
    r = redact.Redactor.for_victim(VICTIM)
    victim, file, event = r.model((VICTIM, f, ev))
    assert victim.phone == "139****2345" and victim.id_number == "330106********1234"
    assert victim.cards == ("***************5667",)
    assert file.path == "calls/139****2345.xml" and file.abspath == f.abspath and file.sha256 == digest
    assert file.kind is FileKind.CALL_LOG and file.status is Status.ACCEPTED
    assert event.summary == "验证码发至139****2345，卡号***************5667"
    assert event.counterparty == "17097300143" and event.details == {"to": "+86 139 **** 2345"}
    assert event.source.path == file.path and event.time == ev.time and event.kind is EventKind.SMS


# ---- a whole redacted dossier, read back ------------------------------------------------------

FRAUD = "13757123456"


def _sms_xml(bodies: list[str]) -> str:
    from xml.sax.saxutils import quoteattr

    rows = []
    for i, body in enumerate(bodies):
        ms = 1426680725000 + i * 60_000
        rows.append(
            f'  <sms protocol="0" address="{FRAUD}" date="{ms}" type="1" subject="null" '
            f'body={quoteattr(body)} toa="null" sc_toa="null" service_center="null" read="1" '
            f'status="-1" locked="0" date_sent="{ms - 2000}" sub_id="1" '
            f'readable_date="2015年3月18日" contact_name="(Unknown)" />')
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
            f'<smses count="{len(rows)}" backup_set="0b3c" backup_date="1426818600000" '
            'type="full">\n' + "\n".join(rows) + "\n</smses>\n")


def _text_pdf(path: Path, line: str) -> None:
    from reportlab.pdfgen.canvas import Canvas

    canv = Canvas(str(path), invariant=1)
    canv.drawString(72, 720, line)
    canv.showPage()
    canv.save()


def _victim_toml(name: str, phone: str, idn: str, card: str) -> str:
    return (f'[victim]\nname = "{name}"\nregion = "广东省深圳市"\nphone = "{phone}"\n'
            f'id_number = "{idn}"\ncards = ["{card}"]\nclaimed_loss = "5000.00"\n\n'
            '[[orders]]\nid = "9134567890"\nplaced = "2015-03-18 20:05"\nitem = "冲锋衣"\n'
            'amount = "599.00"\n')


@pytest.fixture(scope="module")
def redacted_case(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from PIL import Image

    from evidence import config, pipeline

    root = tmp_path_factory.mktemp("redact")
    ids = [make_id(440307, 1980, 1, 1, 123), make_id(110105, 1975, 12, 31, 45)]
    cards_ = [make_card("622202", "12345678901234567890", 19), make_card("436742", "9" * 20, 16)]
    phones_ = ["13912345678", "13800138000"]
    case = root / "case"
    (case / "victims" / "V001" / "originals" / "SMSBackupRestore").mkdir(parents=True)
    (case / "victims" / "V002").mkdir(parents=True)
    (case / "case.toml").write_text(
        '[case]\ntitle = "余某某等诉某电商平台网络购物合同纠纷"\ncourt = "北京市朝阳区人民法院"\n'
        'timezone = "Asia/Shanghai"\nbates_prefix = "JD"\nlanguage = "zh-Hans"\n', encoding="utf-8")
    v1, v2 = case / "victims" / "V001", case / "victims" / "V002"
    (v1 / "victim.toml").write_text(_victim_toml("余某某", phones_[0], ids[0], cards_[0]),
                                    encoding="utf-8")
    # the second claimant's numbers written with separators in victim.toml
    (v2 / "victim.toml").write_text(_victim_toml(
        "王某", "0086 138 0013 8000", fmt_groups(ids[1], [6, 8], " "),
        fmt_groups(cards_[1], [4, 4, 4], " ")), encoding="utf-8")
    bodies = [
        f"【京东客服】退款需验证身份，请回复身份证号及银行卡号，或回拨 {FRAUD}。",
        f"我的身份证 {fmt_groups(ids[0], [6, 8], ' ')}，卡号 {cards_[0].translate(FULLWIDTH)}",
        f"身份证{ids[0].translate(FULLWIDTH)}；手机+86 139-1234-5678",
        f"帮我老乡也退：卡 {fmt_groups(cards_[1], [4, 4, 4], '-')} 身份证 {ids[1]}",
        f"卡号 {fmt_groups(cards_[0], [6], ' ')} 手机 {phones_[1]}",
        f"请于今日登录 http://jd-tuikuan.cc/refund 办理，客服专线 {FRAUD}",
    ]
    (v1 / "originals" / "SMSBackupRestore" / "sms-20150320103000.xml").write_text(
        _sms_xml(bodies), encoding="utf-8")
    docs = v1 / "originals" / "Documents"
    docs.mkdir()
    _text_pdf(docs / "statement-2015-03.pdf", f"Card {cards_[0]} debit 5000.00")
    _text_pdf(docs / "police-receipt.pdf", "Receipt 2015-03-20, case accepted")
    shots = v1 / "originals" / "Pictures" / "Screenshots"
    shots.mkdir(parents=True)
    Image.new("RGB", (540, 1170), (30, 120, 200)).save(shots / "Screenshot_20150318-201500.png")
    loaded, _ = config.load_case(case)
    out = root / "out"
    plain = pipeline.build_victim(loaded, "V001", out)
    red = pipeline.build_victim(loaded, "V001", out, pipeline.Options(redact=True))
    return {"out": out, "plain": plain, "red": red, "ids": ids, "cards": cards_,
            "phones": phones_}


def _pdftext(pdf: Path) -> list[str]:
    import subprocess

    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          check=True)
    return done.stdout.decode("utf-8").split("\f")


@pytest.mark.skipif(not __import__("shutil").which("pdftotext"), reason="poppler not installed")
def test_redacted_dossier_has_no_full_id_or_card_anywhere(redacted_case: dict[str, object]) -> None:
    import pypdf

    from evidence import integrity

    out = redacted_case["out"]
    assert isinstance(out, Path)
    red_pdf = out / "V001" / "dossier-redacted.pdf"
    assert redacted_case["red"].dossier == red_pdf  # type: ignore[attr-defined]
    secrets = [*redacted_case["ids"], *redacted_case["cards"]]  # type: ignore[misc]
    texts = _pdftext(red_pdf)
    blobs = {
        "pdf pages": "\n".join(texts),
        "manifest attachment": pypdf.PdfReader(red_pdf).attachments[integrity.MANIFEST_NAME][0]
        .decode("utf-8"),
        "timeline-redacted.json": (out / "V001" / "timeline-redacted.json").read_text("utf-8"),
        "inventory-redacted.json": (out / "V001" / "inventory-redacted.json").read_text("utf-8"),
    }
    for where, blob in blobs.items():
        # per page / per JSON line, digits only: separators and full-width digits count too
        parts = texts if where == "pdf pages" else blob.splitlines()
        for secret in secrets:
            assert all(secret not in flat(p) for p in parts), (where, secret)
        assert all("13912345678" not in flat(p) for p in parts), where  # claimant's phone
        if where != "inventory-redacted.json":  # these carry the messages
            assert "139****5678" in blob.replace("-", "").replace(" ", ""), where
            assert FRAUD in blob, where  # the fraudster's number is evidence: in full
    # the same numbers ARE in the plain build: the test can fail
    plain = (out / "V001" / "timeline.json").read_text("utf-8")
    assert redacted_case["cards"][0] in flat(plain)  # type: ignore[index]
    assert redacted_case["ids"][1] in flat(plain)  # type: ignore[index]
    # last four of a card and first 6 + last 4 of an ID stay readable
    ids = redacted_case["ids"]
    assert f"{ids[1][:6]}********{ids[1][-4:]}" in blobs["pdf pages"]  # type: ignore[index]


@pytest.mark.skipif(not __import__("shutil").which("pdftotext"), reason="poppler not installed")
def test_redacted_images_and_pdfs_flagged_for_manual_review(redacted_case: dict[str, object]
                                                            ) -> None:
    out = redacted_case["out"]
    assert isinstance(out, Path)
    texts = _pdftext(out / "V001" / "dossier-redacted.pdf")
    note = "需人工审查"
    # issue 17: the instruction is for the lawyer, not the served party: off every page, in a
    # review file beside the service copy that is not served
    assert not any(note in t for t in texts)
    review = (out / "V001" / "review-redacted.txt").read_text(encoding="utf-8")
    assert note in review and "Screenshot_20150318-201500.png" in review
    assert "police-receipt.pdf" in review and "statement-2015-03.pdf" in review
    assert "送达副本（已脱敏）" in texts[0]
    # the statement's text layer carries the full card: left out of the service copy
    assert any("statement-2015-03.pdf" in t and "送达副本未收入" in t for t in texts)
    issues = {(i.code, i.path) for i in redacted_case["red"].issues}  # type: ignore[attr-defined]
    shot = "originals/Pictures/Screenshots/Screenshot_20150318-201500.png"
    assert ("manual_review", shot) in issues
    assert ("manual_review", "originals/Documents/police-receipt.pdf") in issues
    assert ("redaction_withheld", "originals/Documents/statement-2015-03.pdf") in issues
    plain = _pdftext(out / "V001" / "dossier.pdf")
    assert not any(note in t for t in plain)  # only the service copy says so
    # 缺少的证据 tells the other side what the claimant cannot prove: on the court's copy,
    # in the service copy's review file, never on a served page
    assert any("缺少的证据" in t for t in plain) and not any("缺少的证据" in t for t in texts)
    lacking = review[review.index("缺少的证据"):]
    assert "身份证" in lacking and lacking.count("• ") >= 2
    assert "已在该证据页注明" not in review  # the served page carries no note any more


@pytest.mark.skipif(not __import__("shutil").which("pdftotext"), reason="poppler not installed")
def _office_text(xlsx: Path, names: Path) -> list[str]:
    """issue 17: every cell of the editable copies, read back."""
    import docx
    import openpyxl

    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    return cells + [c.text for t in docx.Document(str(names)).tables for r in t.rows
                    for c in r.cells]


def test_whole_case_redacted_bundle_and_claims(tmp_path: Path) -> None:
    import tomllib

    from evidence import batch, pipeline, sample

    case = tmp_path / "case"
    sample.generate(case, victims=2, seed=5, scale="small")
    secrets = []
    for toml in sorted((case / "victims").glob("*/victim.toml")):
        v = tomllib.loads(toml.read_text("utf-8"))["victim"]
        secrets += [v["id_number"], *v["cards"], v["phone"]]
    result = batch.build(case, tmp_path / "out", jobs=1, options=pipeline.Options(redact=True),
                         tool="pinned")
    joint = tmp_path / "out" / "joint"
    assert result.bundle == joint / "bundle-redacted.pdf"
    assert sorted(p.name for p in joint.iterdir() if p.name != "build.json") == [
        "bundle-redacted.pdf", "bundle-redacted.pdf.sha256", "claims-redacted.csv",
        "claims-redacted.json", "claims-redacted.xlsx", "原告名单-redacted.docx"]
    pages = _pdftext(joint / "bundle-redacted.pdf")
    assert sum("送达副本（已脱敏）" in p for p in pages) == 2  # made of the redacted dossiers
    lines = [*pages, *(joint / "claims-redacted.csv").read_text("utf-8-sig").splitlines(),
             *(joint / "claims-redacted.json").read_text("utf-8").splitlines(),
             *_office_text(joint / "claims-redacted.xlsx", joint / "原告名单-redacted.docx")]
    assert all(s not in flat(line) for s in secrets for line in lines)
