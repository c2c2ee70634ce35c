"""The OCR stage without an engine: layout, facts, the cache, the Reader's rules and the merge of
readings with the records they show. Pages are built by hand, as the engine returns them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

from evidence import extract, timeline, times
from evidence.model import (
    Basis,
    Direction,
    Event,
    EventKind,
    FileKind,
    Severity,
    SourceFile,
    SourceRef,
    Status,
    Victim,
)
from evidence.ocr import cache, facts, layout, stage
from evidence.ocr.model import Box, OcrChar, OcrLine, OcrOutcome, OcrPage
from evidence.sources import common

SH = times.zone("Asia/Shanghai")
CTX = extract.Context(tz=SH, lang="zh-Hans")
SHOT = dt.datetime(2015, 3, 18, 21, 12, 19, tzinfo=SH)
DEBIT = "您尾号6617卡3月18日21:02快捷支付支出(网银在线)228,000元，余额1,523.47元。【工商银行】"


def line(text: str, x: int, y: int, *, h: int = 50, conf: float = 0.999,
         low: dict[int, float] | None = None) -> OcrLine:
    """A line as the engine gives it: 40 px a character, per-character boxes and confidences."""
    chars = tuple(OcrChar(ch, Box(x + 40 * i, y, 40, h), (low or {}).get(i, conf))
                  for i, ch in enumerate(c for c in text if not c.isspace()))
    return OcrLine(text, Box(x, y, 40 * len(text), h), conf, chars)


def page(*lines: OcrLine, sha: str = "a" * 64) -> OcrPage:
    return OcrPage(sha, "test-engine", 1080, 2340, lines)


def wrapped(text: str, x: int, y: int, width: int = 19, step: int = 70, **kw: object) -> list[OcrLine]:
    """`text` cut every `width` characters into lines `step` px apart, as a bubble wraps it."""
    return [line(text[i:i + width], x, y + step * k, **kw)  # type: ignore[arg-type]
            for k, i in enumerate(range(0, len(text), width))]


def source(name: str = "Screenshot_20150318-211219.png", sha: str = "a" * 64,
           kind: FileKind = FileKind.SCREENSHOT, status: Status = Status.ACCEPTED,
           folder: Path = Path("/nonexistent")) -> SourceFile:
    return SourceFile(name, folder / name, sha, 1000, kind, status)


def shot_event(file: SourceFile) -> Event:
    return Event(SHOT, Basis.FILENAME, EventKind.SCREENSHOT, "截图", SourceRef(file.path, file.sha256, "file"))


def read(p: OcrPage, file: SourceFile | None = None) -> facts.Facts:
    file = file or source(sha=p.sha256)
    return facts.read(p, file, shot_event(file), CTX)


# ---- layout -----------------------------------------------------------------------------------


def test_a_link_wrapped_across_bubble_lines_is_read_whole() -> None:
    bubble = [line("请点击退款链接填写银行卡信", 150, 900), line("息：http://www.jd-tuikuan.co", 150, 970),
              line("m/refund/aIl1xQ9Kd2?order=9", 150, 1040), line("134567890 退款将在24小时内", 150, 1110),
              line("原路退回。", 150, 1180)]
    blocks = layout.blocks(page(line("怎么退款？", 640, 800), *bubble, line("好的", 800, 1300)))
    texts = [b.text for b in blocks]
    assert "请点击退款链接填写银行卡信息：http://www.jd-tuikuan.com/refund/aIl1xQ9Kd2?order=9134567890 " \
           "退款将在24小时内原路退回。" in texts
    assert texts[0] == "怎么退款？" and texts[-1] == "好的"
    (ev,) = read(page(*bubble)).events
    assert ev.kind is EventKind.PHISHING
    assert ev.details["domains"] == "www.jd-tuikuan.com"
    assert ev.details["urls"] == "http://www.jd-tuikuan.com/refund/aIl1xQ9Kd2?order=9134567890"


def test_a_timestamp_and_a_bubble_on_the_other_side_start_new_blocks() -> None:
    p = page(line("3月18日 20:31", 430, 300, h=40), *wrapped(DEBIT, 60, 400),
             line("好的，我填一下", 560, 700), line("另一条", 60, 800))
    assert [b.text for b in layout.blocks(p)] == ["3月18日 20:31", DEBIT, "好的，我填一下", "另一条"]


def test_rows_order_left_to_right_and_joining_rules() -> None:
    p = page(line("-228,000.00", 770, 507), line("快捷支付-网银在线", 40, 510), line("标题", 400, 120))
    assert [x.text for x in layout.reading_order(p)] == ["标题", "快捷支付-网银在线", "-228,000.00"]
    assert layout.join(["please click", "the link"]) == "please click the link"
    assert layout.join(["余额1,3", "33.22元"]) == "余额1,333.22元"
    assert layout.join(["您在2024-12-24", "13:05:14使用"]) == "您在2024-12-24 13:05:14使用"
    assert layout.text(line("您在2024-12-2413:05:14使用", 0, 0)) == "您在2024-12-24 13:05:14使用"
    assert layout.text(line("03-1719:40", 0, 0)) == "03-17 19:40"


# ---- messages ---------------------------------------------------------------------------------


def sms_page(*bodies: tuple[str, str], sender: str = "95588") -> OcrPage:
    lines = [line("21:12", 30, 14), line(sender, 112, 123, h=70)]
    y = 280
    for stamp, body in bodies:
        lines.append(line(stamp, 430, y, h=49))
        chunk = wrapped(body, 60, y + 100)
        lines.extend(chunk)
        y = chunk[-1].box.bottom + 120
    return page(*lines)


def test_bank_notice_bubble_becomes_a_debit_timed_by_its_timestamp() -> None:
    (ev,) = read(sms_page(("3月18日 21:02", DEBIT))).events
    assert ev.kind is EventKind.BANK_NOTICE and ev.direction is Direction.DEBIT
    assert ev.amount == Decimal("228000") and ev.details["card_tail"] == "6617"
    assert ev.time == dt.datetime(2015, 3, 18, 21, 2, tzinfo=SH) and ev.basis is Basis.OCR
    assert ev.details["time_source"] == "ocr_timestamp"
    assert ev.details["transaction_time"] == "2015-03-18T21:02:00+08:00"
    assert ev.counterparty == "95588" and ev.details["extracted_by"] == "ocr"
    assert ev.source.locator.startswith("file#60,380,") and ev.summary.startswith("图片识别：")
    assert "needs_review" not in ev.details and ev.details["ocr_confidence"] == "0.999"


def test_one_classify_call_per_bubble_not_per_line(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = common.notices.classify

    def counting(body: str, *args: object) -> object:
        calls.append(body)
        return real(body, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(common.notices, "classify", counting)
    read(sms_page(("3月18日 21:02", DEBIT), ("3月18日 21:09", DEBIT.replace("228,000", "1,500"))))
    assert calls == [DEBIT, DEBIT.replace("228,000", "1,500")]


def test_without_a_timestamp_the_stated_time_then_the_image_time() -> None:
    stated = read(page(*wrapped(DEBIT, 60, 400))).events[0]
    assert stated.time == dt.datetime(2015, 3, 18, 21, 2, tzinfo=SH)
    assert stated.details["time_source"] == "ocr_text" and stated.basis is Basis.OCR
    code = read(page(*wrapped("验证码：836152，您正在使用网银在线快捷支付，金额228,000.00元，请勿泄露。【工商银行】",
                               60, 400))).events[0]
    assert code.kind is EventKind.VERIFICATION_CODE and code.details["code"] == "836152"
    assert code.time == SHOT and code.basis is Basis.FILENAME
    assert code.details["time_source"] == "image" and code.details["image_time_basis"] == "filename"


def test_timestamps_take_their_year_from_the_screenshot_not_from_the_bubble_above() -> None:
    p = sms_page(("12月31日 23:58", "您尾号6617卡12月31日23:58快捷支付支出(网银在线)20,000元。【工商银行】"),
                 ("1月2日 10:57", "您尾号6617卡1月2日10:57快捷支付支出(网银在线)100元，余额3.46元。【工商银行】"))
    f = source("Screenshot_20160103-090000.png")
    shot = dataclasses.replace(shot_event(f), time=dt.datetime(2016, 1, 3, 9, 0, tzinfo=SH))
    first, second = facts.read(p, f, shot, CTX).events
    assert first.time == dt.datetime(2015, 12, 31, 23, 58, tzinfo=SH)
    assert second.time == dt.datetime(2016, 1, 2, 10, 57, tzinfo=SH)


def test_low_confidence_on_the_amount_or_tail_needs_review() -> None:
    lines = wrapped(DEBIT, 60, 400)
    amount_at = DEBIT.index("228,000") - 19  # on the second line
    lines[1] = line(lines[1].text, 60, 470, low={amount_at + 2: 0.61})
    (ev,) = read(page(*lines)).events
    assert ev.details["needs_review"] == "true"
    assert "amount 0.61" in ev.details["review_reason"]
    lines = wrapped(DEBIT, 60, 400)
    lines[0] = line(lines[0].text, 60, 400, low={DEBIT.index("6617") + 1: 0.5})
    (ev,) = read(page(*lines)).events
    assert "card_tail 0.50" in ev.details["review_reason"]


def test_a_link_whose_domain_was_read_with_low_confidence_needs_review() -> None:
    text = "请登录 jd-tk.vip/r/8LlI1x 办理退款"
    (ev,) = read(page(line(text, 60, 400, low={text.index("tk") - 1: 0.7}))).events
    assert ev.kind is EventKind.PHISHING and "domain 0.70" in ev.details["review_reason"]
    (ok,) = read(page(line(text, 60, 400, low={text.index("8L") + 2: 0.3}))).events  # the path: not a fact
    assert "needs_review" not in ok.details


def test_the_victims_own_messages_and_plain_chat_are_not_facts() -> None:
    p = page(line("京东商城客服", 380, 120), line("您好，我是京东商城售后客服，需要为您办理退款。", 150, 400),
             line("验证码是836152，金额228,000元", 560, 600))
    assert read(p).events == ()


def test_a_spoofed_or_lookalike_sms_screenshot_is_phishing_with_its_sender() -> None:
    body = "【京东】尊敬的客户，您的订单9134567890因系统升级卡单，请点击 jd-tk.vip/r/8LlI1x 办理退款，24小时内有效。"
    (ev,) = read(sms_page(("2015年3月18日 20:44", body), sender="10690757123456")).events
    assert ev.kind is EventKind.PHISHING and ev.details["domains"] == "jd-tk.vip"
    assert ev.counterparty == "10690757123456"


# ---- bank-app lists -----------------------------------------------------------------------------


def test_bank_app_list_rows_in_three_layouts() -> None:
    icbc = page(line("账户明细", 427, 123, h=70), line("借记卡尾号6617", 40, 280),
                line("快捷支付-网银在线", 43, 426), line("-228,000.00", 766, 424, h=66),
                line("2015-03-18 21:02", 43, 509, h=42), line("余额1,523.47", 814, 504),
                line("工资代发", 38, 623), line("+8,600.00", 807, 623),
                line("2015-03-18 09:15", 40, 706), line("余额 229,523.47", 776, 701))
    ccb = page(line("交易明细", 427, 123, h=70), line("借记卡尾号0933", 40, 280), line("2015年03月18日", 38, 409),
               line("快捷支付-网银在线", 40, 507), line("-228,000.00", 769, 509), line("21:02:00", 38, 585),
               line("余额:1,523.47", 814, 585), line("2015年03月17日", 38, 700), line("消费-京东商城", 40, 795),
               line("-599.00", 855, 797), line("19:40:00", 38, 873), line("余额:280,922.47", 773, 873))
    cmb = page(line("收支明细", 427, 123, h=70), line("一卡通 **** 4420", 45, 278), line("2015年3月", 38, 402),
               line("快捷支付-网银在线", 40, 507), line("-228,000.00", 769, 507), line("03-18 21:02", 38, 582),
               line("网上银行-财付通", 40, 706), line("-9,999.00", 790, 701), line("03-1820:51", 40, 784))
    got = {name: [(e.amount, e.direction, e.details.get("card_tail"), e.details.get("transaction_time"),
                   e.details.get("balance"), e.details.get("merchant")) for e in read(p).events]
           for name, p in (("icbc", icbc), ("ccb", ccb), ("cmb", cmb))}
    debit, credit = Direction.DEBIT, Direction.CREDIT
    assert got["icbc"] == [
        (Decimal("228000.00"), debit, "6617", "2015-03-18T21:02:00+08:00", "1523.47", "快捷支付-网银在线"),
        (Decimal("8600.00"), credit, "6617", "2015-03-18T09:15:00+08:00", "229523.47", "工资代发")]
    assert got["ccb"] == [
        (Decimal("228000.00"), debit, "0933", "2015-03-18T21:02:00+08:00", "1523.47", "快捷支付-网银在线"),
        (Decimal("599.00"), debit, "0933", "2015-03-17T19:40:00+08:00", "280922.47", "消费-京东商城")]
    assert got["cmb"] == [
        (Decimal("228000.00"), debit, "4420", "2015-03-18T21:02:00+08:00", None, "快捷支付-网银在线"),
        (Decimal("9999.00"), debit, "4420", "2015-03-18T20:51:00+08:00", None, "网上银行-财付通")]
    ev = read(icbc).events[0]
    assert ev.kind is EventKind.TRANSACTION and ev.basis is Basis.OCR
    assert ev.source.locator == "file#43,424,1171,130" and ev.summary.startswith("图片识别：银行流水：支出228,000.00元")


def test_a_list_row_without_a_readable_time_keeps_the_image_time_and_needs_review() -> None:
    p = page(line("交易明细", 427, 123), line("快捷支付-网银在线", 40, 507), line("-228,000.00", 769, 507),
             line("-50,000.00", 790, 701), line("快捷支付-网银在线", 40, 706))
    first = read(p).events[0]
    assert first.time == SHOT and first.details["time_source"] == "image"
    assert first.details["needs_review"] == "true"


def test_an_sms_amount_on_a_line_of_its_own_is_not_a_list() -> None:
    body = "您尾号6617卡3月18日21:02快捷支付支出(网银在线)"
    p = page(line(body, 60, 400), line("228,000.00元，余额1,523.47元。", 60, 470),
             line("【工商银行】", 60, 540))
    (ev,) = read(p).events
    assert ev.kind is EventKind.BANK_NOTICE


# ---- hints --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "hint"), [
    ("受案回执", "police_receipt"), ("受 案 回 执", "police_receipt"), ("报案材料", "police_report"),
    ("赔付协议书", "compensation_agreement"), ("和解协议", "agreement"), ("先行赔付确认", "compensation"),
])
def test_police_receipts_and_agreements_give_a_hint(title: str, hint: str) -> None:
    p = page(line(title, 300, 200, h=120), line("深圳市公安局龙岗分局同乐派出所", 100, 500),
             line("你（单位）于2015年3月20日报称的被网络诈骗一案我所已受理。", 100, 600))
    got = read(p)
    assert got.hint == hint and got.hint_line is not None and got.hint_line.text == title


def test_a_chat_mentioning_an_agreement_is_not_one() -> None:
    p = page(line("京东商城客服", 380, 120), line("请您同意退款协议后点击链接，我们会先行赔付", 150, 1500))
    assert read(p).hint is None


# ---- the hook in extract -----------------------------------------------------------------------


def _shot(tmp_path: Path) -> SourceFile:
    from PIL import Image

    path = tmp_path / "Screenshot_20150318-211219.png"
    Image.new("RGB", (108, 234), (255, 255, 255)).save(path)
    data = path.read_bytes()
    return SourceFile(path.name, path, hashlib.sha256(data).hexdigest(), len(data), FileKind.SCREENSHOT,
                      Status.ACCEPTED)


def test_without_ocr_extraction_is_unchanged_and_with_it_images_gain_facts(tmp_path: Path) -> None:
    file = _shot(tmp_path)
    plain, plain_issues = extract.run([file], CTX)
    assert [e.kind for e in plain] == [EventKind.SCREENSHOT]
    seen: list[str] = []

    def fake(f: SourceFile) -> OcrOutcome:
        seen.append(f.path)
        return OcrOutcome(dataclasses.replace(sms_page(("3月18日 21:02", DEBIT)), sha256=f.sha256))

    events, issues = extract.run([file, dataclasses.replace(file, path="x.png", status=Status.REJECTED)],
                                 dataclasses.replace(CTX, ocr=fake))
    assert seen == [file.path] and issues == plain_issues
    assert [e.kind for e in events] == [EventKind.SCREENSHOT, EventKind.BANK_NOTICE]
    assert events[0].details["ocr_facts"] == "1" and events[0].details["ocr_engine"] == "test-engine"
    assert {k: v for k, v in events[0].details.items() if not k.startswith("ocr_")} == plain[0].details


def test_a_failing_ocr_reading_is_an_issue_and_the_image_stays(tmp_path: Path) -> None:
    file = _shot(tmp_path)

    def broken(f: SourceFile) -> OcrOutcome:
        raise RuntimeError("boom")

    events, issues = extract.run([file], dataclasses.replace(CTX, ocr=broken))
    assert [e.kind for e in events] == [EventKind.SCREENSHOT]
    assert [(i.code, i.severity) for i in issues] == [("ocr_facts_failed", Severity.ERROR)]


# ---- the reader and the cache -------------------------------------------------------------------


class _FakeEngine:
    engine_id = "fake-engine"

    def __init__(self) -> None:
        self.read_count = 0

    def read(self, prepared: object) -> tuple[OcrLine, ...]:
        self.read_count += 1
        return (line("您好", 10, 10),)


def _reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[stage.Reader, _FakeEngine]:
    fake = _FakeEngine()
    monkeypatch.setattr(stage.engine, "identify", lambda settings: ("fake-engine", {}))
    monkeypatch.setattr(stage.engine, "Engine", lambda settings: fake)
    return stage.Reader(tmp_path / "cache"), fake


def test_reader_reads_accepted_pictures_only_and_caches_them(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    reader, fake = _reader(tmp_path, monkeypatch)
    file = _shot(tmp_path)
    for other in (dataclasses.replace(file, status=Status.REJECTED), dataclasses.replace(file, status=Status.DUPLICATE),
                  dataclasses.replace(file, kind=FileKind.DOCUMENT)):
        assert reader(other) == OcrOutcome(None)
    assert fake.read_count == 0
    first = reader(file)
    assert first.page is not None and not first.cached and first.page.width == 108
    again = reader(file)
    assert again.cached and again.page == first.page and fake.read_count == 1
    stored = cache.path(tmp_path / "cache", file.sha256, "fake-engine")
    assert stored.read_bytes() == cache.to_json(first.page)
    assert [p.name for p in stored.parent.iterdir()] == [stored.name]  # no temporary left behind


def test_a_damaged_or_changed_image_never_reaches_the_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reader, fake = _reader(tmp_path, monkeypatch)
    file = _shot(tmp_path)
    data = file.abspath.read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(data[: len(data) // 2])
    damaged = dataclasses.replace(file, path="cut.png", abspath=cut,
                                  sha256=hashlib.sha256(cut.read_bytes()).hexdigest())
    assert [i.code for i in reader(damaged).issues] == ["ocr_undecodable"]
    changed = dataclasses.replace(file, sha256="0" * 64)
    assert [i.code for i in reader(changed).issues] == ["ocr_file_changed"]
    assert fake.read_count == 0


def test_too_many_pixels_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reader, fake = _reader(tmp_path, monkeypatch)
    reader.settings = dataclasses.replace(reader.settings, max_pixels=10_000)
    out = reader(_shot(tmp_path))
    assert out.page is None and [i.code for i in out.issues] == ["ocr_too_large"] and fake.read_count == 0


def test_without_the_extra_one_note_and_no_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(settings: object) -> tuple[str, dict[str, Path]]:
        raise stage.engine.Unavailable("the OCR extra is not installed")

    monkeypatch.setattr(stage.engine, "identify", missing)
    reader = stage.Reader(tmp_path / "cache")
    file = _shot(tmp_path)
    first, second = reader(file), reader(file)
    assert first.page is None and [i.code for i in first.issues] == ["ocr_unavailable"]
    assert second == OcrOutcome(None)


def test_a_pickled_reader_leaves_its_engine_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reader, _ = _reader(tmp_path, monkeypatch)
    reader(_shot(tmp_path))
    copy = pickle.loads(pickle.dumps(reader))
    assert copy._engine is None and copy.cache_folder == reader.cache_folder and copy.settings == reader.settings


def test_cache_json_round_trip_and_misses(tmp_path: Path) -> None:
    p = sms_page(("3月18日 21:02", DEBIT))
    assert cache.from_json(cache.to_json(p)) == p
    assert cache.to_json(p) == cache.to_json(cache.from_json(cache.to_json(p)))
    assert cache.store(tmp_path, p)
    assert cache.load(tmp_path, p.sha256, p.engine_id) == p
    assert cache.load(tmp_path, p.sha256, "another engine") is None
    target = cache.path(tmp_path, p.sha256, p.engine_id)
    assert target.parent.name == p.sha256[:2] and target.name.startswith(p.sha256)
    assert cache.folder(tmp_path / "out") == tmp_path / "out" / ".cache" / "ocr"
    target.write_bytes(b"{not json")
    assert cache.load(tmp_path, p.sha256, p.engine_id) is None


# ---- one debit, two sources ------------------------------------------------------------------------


def _sms(body: str, t: dt.datetime, path: str = "sms-20150320.xml", i: int = 3) -> Event:
    return common.message_event(time=t, party="95588", incoming=True, body=body,
                                source=SourceRef(path, "b" * 64, f"sms[{i}]"), ctx=CTX)


def test_a_debit_in_an_export_and_in_its_screenshot_is_one_debit_with_two_sources() -> None:
    exported = _sms(DEBIT, dt.datetime(2015, 3, 18, 21, 2, 40, tzinfo=SH))
    shot = read(sms_page(("3月18日 21:02", DEBIT))).events
    tl = timeline.build([exported, *shot, shot_event(source())], Victim("V001", Path()), CTX)
    debits = [e for e in tl.events if e.kind is EventKind.BANK_NOTICE]
    assert len(debits) == 1 and debits[0].source == exported.source
    assert [r.locator for r in debits[0].also] == [shot[0].source.locator]
    assert tl.facts.total_debited == Decimal("228000")


def test_readings_never_merge_inside_one_image_nor_across_distant_times() -> None:
    same = read(sms_page(("3月18日 21:02", DEBIT), ("3月18日 21:02", DEBIT))).events
    assert len(same) == 2
    later = DEBIT.replace("21:02", "21:40")
    other = _sms(later, dt.datetime(2015, 3, 18, 21, 40, 5, tzinfo=SH))
    tl = timeline.build([other, *same], Victim("V001", Path()), CTX)
    assert len([e for e in tl.events if e.kind is EventKind.BANK_NOTICE]) == 3
    # not merged; but the image's two identical notices leave the same balance, which two real
    # debits cannot: the balance check counts the second as a copy of the first (for review)
    assert tl.facts.total_debited == Decimal("456000")
    assert [e.details.get("balance_check") for e in tl.events if e.needs_review] == ["duplicate"]


def test_two_screenshots_of_one_sms_are_one_debit() -> None:
    a = read(sms_page(("3月18日 21:02", DEBIT)), source("a.png", sha="c" * 64)).events
    b = read(sms_page(("3月18日 21:02", DEBIT)), source("mmexport1426684000000.jpg", sha="d" * 64)).events
    tl = timeline.build([*a, *b], Victim("V001", Path()), CTX)
    (debit,) = [e for e in tl.events if e.kind is EventKind.BANK_NOTICE]
    assert debit.source.path == "a.png" and [r.path for r in debit.also] == ["mmexport1426684000000.jpg"]
