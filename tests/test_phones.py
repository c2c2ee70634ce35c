"""phones.py: attribution via phonenumbers, bank short codes from our own table."""

import pytest

from evidence import phones


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("+86 137 5712 3456", "13757123456"), ("0086-13757123456", "13757123456"),
     ("８６１３７５７１２３４５６", "13757123456"),
     ("+86 571 8765 4321", "057187654321"), ("+8695588", "95588"), ("95588", "95588"), ("建设银行", "建设银行")],
)
def test_normalize(raw, normal):
    assert phones.normalize(raw) == normal


def test_hangzhou_mobile_and_new_prefix():
    assert phones.attribute("13757123456") == "浙江省杭州市 中国移动"
    assert phones.attribute("13757123456", "en") == "Hangzhou, Zhejiang China Mobile"
    assert phones.attribute("19912345678") == "中国 中国电信"  # no city data for 19x
    assert phones.is_hangzhou(phones.attribute("13705712345"))


@pytest.mark.parametrize(("sender", "code"), [("95588", "95588"), ("+8695588", "95588"),
                                              ("106980095533", "95533"), ("1069095599", "95599"),
                                              ("建设银行", "95533"), ("13757123456", None)])
def test_bank_codes(sender, code):
    assert phones.bank_code(sender) == code


def test_short_codes_are_not_geocoded():
    assert phones.attribute("95588") == "中国工商银行"
    assert phones.attribute("12345") is None
    assert phones.attribute("group_8@rcs.google.com") is None


def test_remembered_answers_are_used_without_the_geocoder():
    with phones.session({"zh|13757120000": "记住的答案"}) as lookups:
        assert phones.attribute("13757120000") == "记住的答案"
        assert phones.attribute("13757120000", "en") != "记住的答案"  # per language
    assert "zh|13757120000" not in lookups.found  # not looked up again
    assert "en|13757120000" in lookups.found


def test_two_sessions_in_one_process_do_not_share_answers():
    """Issue 19: one build's remembered and looked-up numbers are not visible to the next,
    even though the geocoder's own (pure) answers are memoised for the process."""
    with phones.session({"zh|13757120000": "第一次构建记住的"}) as first:
        assert phones.attribute("13757120000") == "第一次构建记住的"
        phones.attribute("13900000000")
    with phones.session() as second:
        assert phones.attribute("13757120000") != "第一次构建记住的"
        phones.attribute("13900000000")  # memoised by the process, still recorded for this run
    assert set(second.found) == {"zh|13757120000", "zh|13900000000"}
    assert "zh|13757120000" not in first.found
    assert phones.attribute("13900000000") == second.found["zh|13900000000"]  # no session: kept
