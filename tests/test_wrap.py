"""render.common.wrap_runs: table cells broken into lines exactly as the reference breaking does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.render import common
from evidence.render import fonts as fonts_mod


def reference(runs: list[common.Run], width: float) -> list[common.Line]:
    """The first, token-by-token implementation: the rule the fast one must keep to."""
    def tokens(text: str) -> list[str]:
        out: list[str] = []
        word = ""
        for ch in text:
            if ch == " " or ord(ch) > 0x2E7F:
                if word:
                    out.append(word)
                    word = ""
                out.append(ch)
            else:
                word += ch
        return [*out, word] if word else out

    def put(line: common.Line, x: float, text: str, run: common.Run) -> None:
        if line and line[-1][2] is run:
            line[-1] = (line[-1][0], line[-1][1] + text, run)
        else:
            line.append((x, text, run))

    lines: list[common.Line] = [[]]
    x = 0.0
    limit = width + 0.01
    for run in runs:
        for n, part in enumerate(run.text.split("\n")):
            if n:
                lines.append([])
                x = 0.0
            for tok in tokens(part):
                w = common._width(tok, run.font, run.size)
                if x + w <= limit:
                    if tok != " " or lines[-1]:
                        put(lines[-1], x, tok, run)
                        x += w
                    continue
                if tok == " ":
                    continue
                if tok in common.NO_LINE_START and lines[-1]:
                    put(lines[-1], x, tok, run)
                    x += w
                    continue
                if w <= limit:
                    lines.append([])
                    put(lines[-1], 0.0, tok, run)
                    x = w
                    continue
                for ch in tok:
                    cw = common._width(ch, run.font, run.size)
                    if x + cw > limit and x > 0:
                        lines.append([])
                        x = 0.0
                    put(lines[-1], x, ch, run)
                    x += cw
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    for line in lines:
        if line and line[-1][1].endswith(" "):
            x0, text, run = line[-1]
            line[-1] = (x0, text.rstrip(" "), run)
    return lines


TEXT = st.lists(st.sampled_from([*"京东客服退款订单号码 ab12-/.:,，。、）(", "\n", "  ",
                                 "http://jd-refund.top/a?x=1&y=verylongpath/abcdef", "95588"]),
                max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TEXT, st.sampled_from([6.5, 8.0, 9.5]), st.booleans()), min_size=1,
                max_size=4),
       st.floats(10, 300))
def test_fast_wrapping_equals_the_reference(parts: list[tuple[str, float, bool]],
                                            width: float) -> None:
    f = fonts_mod.register()
    runs = [common.Run(common.plain(text), f.heading if bold else f.body, size)
            for text, size, bold in parts]
    assert common.wrap_runs(runs, width) == reference(runs, width)
