"""issue 23: the reader's cheap early answers change no result.

`otp.brand` answers None at once for a text with no Latin letter and no `[`; `links.judge`
answers () at once for a text without links (and the reader no longer works out whether a
linkless message is a code message for it). Every labelled message of the dev and seed sets,
every SMS body of the shared corpus's backups and the bench's bodies are read both ways."""

from __future__ import annotations

from evidence import notices
from evidence.banksms import links, otp
from tests.test_notices_shortcut import _bodies


def _texts() -> list[str]:
    bodies = [b for b, _ in _bodies()]
    bodies += ["[Alibaba Group]您的验证码是1234", "[好的]", "【G-123456】",
               "您尾号0001的卡于3月18日消费10.00元，验证码000001"]
    return bodies + [notices._prepare(b)[0] for b in bodies]


def test_brand_sniff_changes_no_answer() -> None:
    texts = _texts()
    named = 0
    for s in texts:
        assert otp.brand(s) == otp._brand(s), s
        named += otp._brand(s) is not None
    # the comparison covered texts that name a brand and many Chinese ones the sniff answers
    sniffed = sum(not otp._MAY_NAME_BRAND.search(s) for s in texts)
    assert named > 20 and sniffed > 300, (named, sniffed)


def test_judge_of_no_links_is_empty_either_way() -> None:
    for s in _texts():
        for trusted in (False, True):
            for spoofed in (False, True):
                for code in (False, True):
                    assert links.judge((), s, trusted_sender=trusted, spoofed=spoofed, code_message=code) == ()
