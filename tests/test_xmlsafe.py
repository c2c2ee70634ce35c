"""xmlsafe: character-reference repair (whole and streamed), root sniffing, refusal of DTDs."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidence import xmlsafe


def parsed_body(raw: bytes) -> str | None:
    return ET.fromstring(xmlsafe.repair(raw)).get("body")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"Yup &#55357;&#56396; &#10;line2 &amp; &lt;ok&gt;", "Yup \U0001f44c \nline2 & <ok>"),  # DOMAIN B.1.6
        (b"&#xD83D;&#xDE00;", "\U0001f600"),  # hex halves
        (b"&#XD83D;&#xde00;", "\U0001f600"),
        (b"&#x1F30D;", "\U0001f30d"),  # already valid: unchanged
        (b"lone &#55357; end", "lone \ufffd end"),
        (b"low first &#56396;&#55357;", "low first \ufffd\ufffd"),
        (b"&#55357;&#55357;&#56396;", "\ufffd\U0001f44c"),  # lone high, then a pair
        (b"ctrl &#1;&#x0; &#9;", "ctrl \ufffd\ufffd \t"),
        (b"big &#1114112;", "big \ufffd"),
        (b"\x01raw\x1f", "\ufffdraw\ufffd"),
        (b"\xff\xfe bad utf8", "\ufffd\ufffd bad utf8"),
    ],
)
def test_repair(body, expected):
    assert parsed_body(b'<sms body="' + body + b'" />') == expected


def test_expat_rejects_the_unrepaired_form():
    with pytest.raises(ET.ParseError):
        ET.fromstring(b'<sms body="&#55357;&#56396;" />')


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 13, 64])
def test_streamed_repair_never_splits_a_pair(chunk, monkeypatch):
    """Every chunk size puts the cut at every position inside the references at least once."""
    monkeypatch.setattr(xmlsafe, "CHUNK", chunk)
    raw = b'<r a="' + b"x&#55357;&#56396;&#xD83D;&#xDE00;&#55357;yz" * 40 + b'"/>'
    stream = xmlsafe.RepairedStream(io.BytesIO(raw))
    out = b"".join(iter(lambda: stream.read(5), b""))
    assert out == xmlsafe.repair(raw)
    assert ET.fromstring(out).get("a") == "x\U0001f44c\U0001f600\ufffdyz" * 40
    assert stream.repairs == 120


def test_declared_encoding_is_transcoded():
    raw = '<?xml version="1.0" encoding="GBK"?><smses><sms body="工商银行" /></smses>'.encode("gbk")
    out = xmlsafe.repair(raw)
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert ET.fromstring(out)[0].get("body") == "工商银行"


@pytest.mark.parametrize(
    ("head", "root"),
    [
        (b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<?xml-stylesheet type=\"text/xsl\" "
         b"href=\"sms.xsl\"?>\n<smses count=\"1\">", "smses"),
        (b"\xef\xbb\xbf<!-- backup -->\n<calls count='0'/>", "calls"),
        ("<?xml version='1.0' encoding='UTF-16'?><smses>".encode("utf-16"), "smses"),
        (b"<!DOCTYPE smses [<!ENTITY a 'b'>]><smses>", "smses"),
        (b"<smses", "smses"),
        (b"time,number\n", None),
        (b"\x89PNG\r\n", None),
        (b"", None),
    ],
)
def test_root_tag(head, root):
    assert xmlsafe.root_tag(head) == root


def test_has_doctype():
    assert xmlsafe.has_doctype(b'<?xml version="1.0"?><!doctype smses><smses/>')
    assert xmlsafe.has_doctype("<!ENTITY x 'y'>".encode("utf-16"))
    assert not xmlsafe.has_doctype(b'<smses count="0"></smses>')


def test_external_entity_is_never_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    path = tmp_path / "sms-xxe.xml"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
                    '<smses><sms body="&x;" /></smses>', encoding="utf-8")
    outcome = xmlsafe.Outcome()
    assert list(xmlsafe.records(path, frozenset({"sms"}), outcome)) == []
    assert outcome.failure is not None and outcome.failure.kind == "forbidden"


@given(st.binary(max_size=400))
def test_repair_never_raises(data):
    assert isinstance(xmlsafe.repair(data), bytes)


@given(st.text(alphabet=st.sampled_from(list("&#x;0123456789abcdefD8DEAB<>\"' ")), max_size=200))
def test_repaired_references_always_parse(text):
    out = xmlsafe.repair(b"<a>" + text.replace("<", "").encode() + b"</a>")
    try:
        ET.fromstring(out)
    except ET.ParseError as exc:  # only a stray "&" may remain unparseable, never a char reference
        assert "invalid character number" not in str(exc) and "reference to invalid" not in str(exc)
