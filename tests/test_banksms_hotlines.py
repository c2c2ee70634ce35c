"""templates/banksms/institutions.toml `hotlines`: the institutions' own numbers, each entry with
its source (issue 16: the table held three numbers). A text asking to call a listed number is
not asking to call the fraudster; the same text with an unlisted 400 number is."""

from __future__ import annotations

import tomllib

import pytest

from evidence import notices
from evidence.banksms import institutions, lure


def test_every_entry_with_hotlines_names_its_source() -> None:
    entries = tomllib.loads(institutions.PATH.read_text(encoding="utf-8"))["institution"]
    listed = [e for e in entries if e.get("hotlines")]
    assert len({h for e in listed for h in e["hotlines"]}) >= 30
    for e in listed:
        assert e.get("hotline_source"), e["name"]
        for ref in ("[K]", "[D]"):  # a reference key used in an entry is defined in the header
            if ref in e["hotline_source"]:
                assert f"#   {ref} = " in institutions.PATH.read_text(encoding="utf-8")


@pytest.mark.parametrize(("number", "name"), [
    ("95588", "工商银行"), ("4008205555", "招商银行"), ("4006695566", "中国银行"),
    ("4008009888", "交通银行"), ("4008895558", "中信银行"), ("4007888888", "光大银行"),
    ("95188", "支付宝"),
])
def test_a_listed_number_is_its_institution(number: str, name: str) -> None:
    assert institutions.by_hotline(number) == name


def test_a_card_centre_number_is_no_lure_an_unlisted_one_is() -> None:
    text = "您尾号1234信用卡消费5,000元，如非本人操作请致电{}。"
    own = lure.judge(notices.fold(text.format("4008205555")), personal_sender=True)
    other = lure.judge(notices.fold(text.format("4008123456")), personal_sender=True)
    assert own.reasons == () and own.numbers == ()
    assert other.reasons == ("callback_not_hotline",) and other.numbers == ("4008123456",)
