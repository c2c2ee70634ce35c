"""Redaction of ID, card and claimant phone numbers: no full number survives, evidence stays."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
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
    # first 6 and last 4 stay so the parties can still tell claimants apart
    assert flat(out).count(number[:6]) >= 1 and number[-4:] in flat(out)
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
