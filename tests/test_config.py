"""config.py: case.toml and victim.toml as a lawyer writes them, typos included."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CASE_TOML, VICTIM_TOML, make_case

from evidence import config, times
from evidence.errors import ConfigError, ExitCode
from evidence.model import CompensationStatus, Severity

SH = times.zone("Asia/Shanghai")


def codes(issues):
    return [(i.severity, i.code, i.locator) for i in issues]


def test_the_issue_example_reads_back_exactly(tmp_path):
    folder = make_case(tmp_path)
    (folder / "victims/V001/screenshots").mkdir()
    (folder / "victims/V001/screenshots/refund-page.png").write_bytes(b"x")
    with (folder / "victims/V001/victim.toml").open("a", encoding="utf-8") as f:
        f.write('\n[exhibits."screenshots/refund-page.png"]\npurpose = "证明诈骗者发送仿冒退款页面"\n')
    case, issues = config.load_case(folder)
    assert issues == []
    assert (case.title, case.court, case.bates_prefix, case.language, case.timezone) == (
        "余某某等诉某电商平台网络购物合同纠纷", "北京市朝阳区人民法院", "JD", "zh-Hans", "Asia/Shanghai")
    assert config.victim_ids(case) == ["V001"]
    victim, issues = config.load_victim(case, "V001")
    assert issues == []
    assert victim.config_found
    assert (victim.name, victim.region, victim.phone, victim.id_number) == (
        "余某某", "广东省深圳市", "13912345678", "440307198001011234")
    assert victim.cards == ("6222021234567890123",)
    assert victim.claimed_loss == Decimal("40000.00")
    (order,) = victim.orders
    assert order.id == "9134567890"
    assert order.placed == dt.datetime(2015, 3, 18, 20, 5, tzinfo=SH)
    assert order.placed.utcoffset() == dt.timedelta(hours=8)
    assert order.zone_assumed
    assert (order.item, order.amount, order.channel) == ("冲锋衣", Decimal("599.00"), "网银在线")
    assert victim.compensation.status is CompensationStatus.AGREEMENT
    assert victim.compensation.amount_paid == Decimal("0.00")
    (event,) = victim.events
    assert (event.time, event.kind, event.summary) == (
        dt.datetime(2015, 3, 20, 10, 0, tzinfo=SH), "police_report", "向龙岗分局同乐派出所报案")
    assert victim.purposes == {"screenshots/refund-page.png": "证明诈骗者发送仿冒退款页面"}


def test_defaults_when_only_a_title_is_given(tmp_path):
    folder = make_case(tmp_path, [], case_toml='[case]\ntitle = "案"\n')
    case, issues = config.load_case(folder)
    assert (case.timezone, case.language, case.bates_prefix) == ("Asia/Shanghai", "zh-Hans", "EV")
    assert issues == []
    assert config.victim_ids(case) == []


def test_an_offset_in_the_time_wins_over_the_case_zone(tmp_path):
    text = VICTIM_TOML.replace('placed = "2015-03-18 20:05"', 'placed = "2015-03-18 12:05+00:00"')
    case, _ = config.load_case(make_case(tmp_path, {"V1": text}))
    victim, issues = config.load_victim(case, "V1")
    assert issues == []
    assert victim.orders[0].placed == dt.datetime(2015, 3, 18, 20, 5, tzinfo=SH)
    assert not victim.orders[0].zone_assumed


def test_unquoted_toml_datetimes_and_dates(tmp_path):
    text = VICTIM_TOML.replace('placed = "2015-03-18 20:05"', "placed = 2015-03-18T20:05:00")
    text = text.replace('time = "2015-03-20 10:00"', "time = 2015-03-20")
    case, _ = config.load_case(make_case(tmp_path, {"V1": text}))
    victim, issues = config.load_victim(case, "V1")
    assert issues == []
    assert victim.orders[0].placed == dt.datetime(2015, 3, 18, 20, 5, tzinfo=SH)
    assert victim.events[0].time == dt.datetime(2015, 3, 20, tzinfo=SH)


def test_unknown_keys_name_file_and_key_and_suggest_the_nearest(tmp_path):
    text = VICTIM_TOML.replace("claimed_loss", "claimed_lose").replace("channel =", "chanel =")
    text += '\n[extra]\nfoo = 1\n'
    case, _ = config.load_case(make_case(tmp_path, {"V1": text}, language="en"))
    victim, issues = config.load_victim(case, "V1")
    assert codes(issues) == [
        (Severity.WARNING, "unknown_key", "extra"),
        (Severity.WARNING, "unknown_key", "victim.claimed_lose"),
        (Severity.WARNING, "unknown_key", "orders[1].chanel"),
    ]
    msg = issues[1].message
    assert "victims/V1/victim.toml" in msg and "victim.claimed_lose" in msg
    assert "did you mean victim.claimed_loss?" in msg
    assert "did you mean orders[1].channel?" in issues[2].message
    assert victim.claimed_loss is None and victim.orders[0].channel == ""
    assert issues[0].path == "victim.toml"


def test_unknown_key_in_case_toml_is_a_warning_in_chinese(tmp_path):
    folder = make_case(tmp_path, [], case_toml=CASE_TOML.format(language="zh-Hans")
                       + 'bates_prefx = "X"\n')
    case, issues = config.load_case(folder)
    assert codes(issues) == [(Severity.WARNING, "unknown_key", "case.bates_prefx")]
    assert "case.toml" in issues[0].message and "case.bates_prefix" in issues[0].message
    assert case.bates_prefix == "JD"


def test_missing_victim_toml_is_reported_not_raised(tmp_path):
    case, _ = config.load_case(make_case(tmp_path, {"V9": None}))
    victim, issues = config.load_victim(case, "V9")
    assert not victim.config_found
    assert victim.folder == case.folder / "victims/V9"
    assert codes(issues) == [(Severity.ERROR, "victim_toml_missing", None)]
    assert "victims/V9/victim.toml" in issues[0].message


def test_invalid_victim_toml_is_an_error_issue_and_the_victim_still_exists(tmp_path):
    case, _ = config.load_case(make_case(tmp_path, {"V1": '[victim]\nname = 余某某\n'}))
    victim, issues = config.load_victim(case, "V1")
    assert not victim.config_found
    assert codes(issues) == [(Severity.ERROR, "toml_invalid", None)]
    assert "line 2" in issues[0].message and "victims/V1/victim.toml" in issues[0].message


@pytest.mark.parametrize(("text", "needle"), [
    ('[case]\ntitle = "x\n', "line 2"),
    ('title = "no table"\n', "no [case] table"),
    ('[case]\ntitle = "x"\ntimezone = "Beijing"\n', "unknown time zone"),
    ('[case]\ntitle = "x"\nlanguage = "fr"\n', "'fr' is not supported"),
    ('[case]\ntitle = "x"\ntemplate = "mine.toml"\n', "does not exist"),
    ('[case]\ntitle = 3\n', "must be text"),
    ('[case]\ntitle = "x"\nperiod = "2015-04-30/2015-03-01"\n', "period = '2015-04-30/2015-03-01'"),
    ('[case]\ntitle = "x"\nperiod = "2015-03"\n', "ISO 8601 interval"),
    ('[case]\ntitle = "x"\nperiod = 2015-03-01\n', "ISO 8601 interval"),
    ('[case]\ntitle = "x"\nbuild_date = "1.4.2015"\n', "build_date = '1.4.2015' is not a date"),
    ('[case]\ntitle = "x"\nbuild_date = 2015-04-01T10:00:00\n', "is not a date"),
])
def test_a_broken_case_toml_raises_one_config_error(tmp_path, text, needle):
    folder = make_case(tmp_path, [], case_toml=text)
    with pytest.raises(ConfigError) as err:
        config.load_case(folder)
    message = str(err.value)
    assert needle in message and "case.toml" in message
    assert "\n" not in message
    assert err.value.exit_code is ExitCode.BAD_CONFIG


def test_build_date_from_case_toml_else_source_date_epoch_else_today(tmp_path):
    folder = make_case(tmp_path, [], case_toml='[case]\ntitle = "x"\nbuild_date = "2015-04-01"\n')
    epoch = {"SOURCE_DATE_EPOCH": "1427817600"}  # 2015-03-31T16:00Z = 2015-04-01 00:00 in Beijing
    assert config.load_case(folder, env=epoch)[0].build_date == dt.date(2015, 4, 1)
    (folder / "case.toml").write_text('[case]\ntitle = "x"\nbuild_date = 2015-04-02\n', encoding="utf-8")
    assert config.load_case(folder, env=epoch)[0].build_date == dt.date(2015, 4, 2)  # TOML date
    (folder / "case.toml").write_text('[case]\ntitle = "x"\n', encoding="utf-8")
    assert config.load_case(folder, env=epoch)[0].build_date == dt.date(2015, 4, 1)  # in the case zone
    assert config.load_case(folder, env={})[0].build_date == times.today(SH)
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH='yesterday'"):
        config.load_case(folder, env={"SOURCE_DATE_EPOCH": "yesterday"})


def test_period_is_an_iso_interval_of_whole_days(tmp_path):
    folder = make_case(tmp_path, [], case_toml='[case]\ntitle = "x"\nperiod = "2015-03-01/2015-04-30"\n')
    case, issues = config.load_case(folder)
    assert case.period == (dt.date(2015, 3, 1), dt.date(2015, 4, 30)) and issues == []
    for short in ("2015-03-01/04-30", "2015-03-01--2015-04-30"):
        (folder / "case.toml").write_text(f'[case]\ntitle = "x"\nperiod = "{short}"\n', encoding="utf-8")
        assert config.load_case(folder)[0].period == (dt.date(2015, 3, 1), dt.date(2015, 4, 30))


def test_missing_case_toml_and_folder(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        config.load_case(tmp_path / "nowhere")
    with pytest.raises(ConfigError, match=r"case\.toml is missing"):
        config.load_case(tmp_path)


def test_bom_saved_by_notepad_is_fine(tmp_path):
    folder = make_case(tmp_path, [])
    (folder / "case.toml").write_bytes(b"\xef\xbb\xbf" + (folder / "case.toml").read_bytes())
    case, issues = config.load_case(folder)
    assert case.court == "北京市朝阳区人民法院" and issues == []


def test_bad_values_name_the_key_and_the_rest_still_loads(tmp_path):
    text = (VICTIM_TOML
            .replace('claimed_loss = "40000.00"', 'claimed_loss = "四万"')
            .replace('amount = "599.00"', "amount = 599.5")
            .replace('status = "agreement"', 'status = "settled"')
            .replace('time = "2015-03-20 10:00"', 'time = "yesterday"')
            .replace('placed = "2015-03-18 20:05"', 'placed = "2015-02-30 20:05"'))
    text += '\n[[orders]]\nid = "2"\nplaced = "2015-03-18 21:00"\namount = "12,000.50"\n'
    case, _ = config.load_case(make_case(tmp_path, {"V1": text}, language="en"))
    victim, issues = config.load_victim(case, "V1")
    assert codes(issues) == [
        (Severity.ERROR, "bad_decimal", "victim.claimed_loss"),
        (Severity.ERROR, "bad_time", "orders[1].placed"),
        (Severity.ERROR, "bad_time", "events[1].time"),
        (Severity.ERROR, "bad_status", "compensation.status"),
    ]
    assert "'settled'" in issues[3].message and "none | registered | agreement | paid" in issues[3].message
    # the order with the impossible date is skipped (reported); the valid one is kept
    assert [o.id for o in victim.orders] == ["2"]
    assert victim.orders[0].amount == Decimal("12000.50")
    assert victim.compensation.status is CompensationStatus.NONE
    assert victim.name == "余某某" and victim.events == ()


def test_float_amount_is_read_exactly_with_a_warning(tmp_path):
    text = VICTIM_TOML.replace('claimed_loss = "40000.00"', "claimed_loss = 40000.1")
    case, _ = config.load_case(make_case(tmp_path, {"V1": text}))
    victim, issues = config.load_victim(case, "V1")
    assert victim.claimed_loss == Decimal("40000.1")
    assert codes(issues) == [(Severity.WARNING, "float_amount", "victim.claimed_loss")]


def test_exhibit_purpose_for_a_missing_file_is_a_warning(tmp_path):
    text = VICTIM_TOML + '\n[exhibits."./screenshots\\\\gone.png"]\npurpose = "证明"\npurpse = "x"\n'
    case, _ = config.load_case(make_case(tmp_path, {"V1": text}))
    victim, issues = config.load_victim(case, "V1")
    assert victim.purposes == {"screenshots/gone.png": "证明"}
    assert [i.code for i in issues] == ["unknown_key", "exhibit_missing"]
    assert "screenshots\\gone.png" in issues[1].message


def test_victim_ids_are_sorted_and_skip_hidden_and_files(tmp_path):
    folder = make_case(tmp_path, ["V10", "V02", "V01"])
    (folder / "victims/.tmp").mkdir()
    (folder / "victims/notes.txt").write_text("x")
    case, _ = config.load_case(folder)
    assert config.victim_ids(case) == ["V01", "V02", "V10"]


@pytest.mark.parametrize(("text", "expected"), [
    ("a/b.png", "a/b.png"), ("./a\\b.png", "a/b.png"), ("../x", None), ("/etc/passwd", None),
])
def test_normalize_rel(text, expected):
    assert config.normalize_rel(text) == expected


def test_every_issue_code_is_declared(tmp_path):
    # CODES drives exit code 4: a new code must be added there
    source = Path(config.__file__).read_text(encoding="utf-8")
    import re

    used = set(re.findall(r'(?:error|warn)\("([a-z_]+)"', source))
    used |= set(re.findall(r'Severity\.\w+, "([a-z_]+)"', source))
    assert used <= config.CODES
