"""issue 23, through the CLI: a phone XML carrying a DOCTYPE is refused, whatever it declares and
wherever it stands, with one sentence naming the file; nothing is expanded or fetched.

The reader parses with expat directly (evidence/xmlsafe.py): these are the attacks defusedxml
guarded against before, each made here as a victim's `sms-*.xml`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from evidence import xmlsafe
from tests.conftest import make_case

NAME = "sms-20150320103000.xml"
SMS = ('<sms protocol="0" address="13912345678" date="1426680725000" type="1" body="{body}" '
       'readable_date="2015年3月18日" contact_name="(Unknown)" />')
LAUGHS = "".join(f'<!ENTITY l{i + 1} "{f"&l{i};" * 10}">' for i in range(9))


def _attacks(secret: Path) -> dict[str, str]:
    uri = secret.as_uri()
    head = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
    return {
        "xxe": f'{head}<!DOCTYPE smses [<!ENTITY x SYSTEM "{uri}">]>\n'
               f'<smses count="1">{SMS.format(body="&x;")}</smses>',
        "billion_laughs": f'{head}<!DOCTYPE smses [<!ENTITY l0 "ha">{LAUGHS}]>\n'
                          f'<smses count="1">{SMS.format(body="&l9;")}</smses>',
        "quadratic": f'{head}<!DOCTYPE smses [<!ENTITY a "{"x" * 5_000}">]>\n'
                     f'<smses count="1">{SMS.format(body="&a;" * 5_000)}</smses>',
        "external_dtd": f'{head}<!DOCTYPE smses SYSTEM "{uri}">\n<smses count="1">{SMS.format(body="hi")}</smses>',
        "parameter_entity": f'{head}<!DOCTYPE smses [<!ENTITY % p SYSTEM "{uri}"> %p;]>\n'
                            f'<smses count="1">{SMS.format(body="hi")}</smses>',
        "after_comment_and_pi": f'{head}<!-- exported --><?app v=1?>\n<!DOCTYPE smses [<!ENTITY x SYSTEM "{uri}">]>'
                                f'\n<smses count="1">{SMS.format(body="&x;")}</smses>',
    }


ATTACKS = ["xxe", "billion_laughs", "quadratic", "external_dtd", "parameter_entity", "after_comment_and_pi"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_doctype_is_refused_in_one_sentence_naming_the_file(tmp_path: Path, attack: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text('TOP-SECRET"<!ENTITY leak "x">', encoding="utf-8")
    case = make_case(tmp_path, language="en")
    folder = case / "victims" / "V001" / "SMSBackupRestore"
    folder.mkdir(parents=True)
    (folder / NAME).write_text(_attacks(secret)[attack], encoding="utf-8")

    checked = CliRunner().invoke(cli.app, ["check", str(case)], env={"COLUMNS": "400"})
    assert checked.exit_code == 3, checked.output
    lines = [line for line in checked.output.splitlines() if NAME in line]
    assert len(lines) == 1 and "DOCTYPE/entity declaration" in lines[0], checked.output
    assert "Traceback" not in checked.output and "TOP-SECRET" not in checked.output

    timeline = CliRunner().invoke(cli.app, ["timeline", str(case), "--victim", "V001", "--format", "json"])
    assert "Traceback" not in timeline.output and "TOP-SECRET" not in timeline.stdout
    events = json.loads(timeline.stdout)["events"]
    assert events and not [e for e in events if NAME in e["source"]["path"]]  # refused, never half-read


@pytest.mark.parametrize("attack", [*ATTACKS, "after_64_kb"])
def test_the_parser_itself_refuses_every_doctype(tmp_path: Path, attack: str) -> None:
    """Behind `validate`'s look at the first 64 KB: the parser refuses the DOCTYPE on its own
    (here also one past a 70 KB comment, which no sniff reads)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    attacks = _attacks(secret)
    attacks["after_64_kb"] = attacks["xxe"].replace("<!DOCTYPE", f"<!--{'c' * 70_000}-->\n<!DOCTYPE")
    path = tmp_path / NAME
    path.write_text(attacks[attack], encoding="utf-8")
    outcome = xmlsafe.Outcome()
    assert list(xmlsafe.records(path, frozenset({"sms"}), outcome)) == []
    assert outcome.failure is not None and outcome.failure.kind == "forbidden", outcome
    assert outcome.complete == 0 and not outcome.started
