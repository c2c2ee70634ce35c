"""Issue 19: a build's state lives in its run context, never in the process.

Two builds in one process (the web server, a test session, a notebook) must not see each
other's phone answers or fonts, and no module of `evidence` may keep a mutable cache at
module level: a scan of the source lists every `global` statement and every module-level
dict/list/set a function mutates, against a short allowlist saying why each is safe.
"""

from __future__ import annotations

import ast
import contextvars
import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from evidence import batch, phones, sample
from evidence.render import common, fonts

ROOT = Path(__file__).resolve().parents[1]
TOOL = "pinned-for-tests"
FAKE = "假归属地"  # an answer no geocoder gives: where it shows, a cache was used


def _text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout


def _numbers(out: Path) -> dict[str, str | None]:
    data = json.loads((out / batch.CACHE_DIR / "phones.json").read_text(encoding="utf-8"))
    numbers: dict[str, str | None] = data["numbers"]
    return numbers


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils")
def test_two_builds_in_one_process_do_not_share_phone_answers(tmp_path: Path) -> None:
    # a fresh context, as a new thread has; the three builds assert as they go
    assert contextvars.Context().run(_three_builds, tmp_path) == 3


def _three_builds(tmp_path: Path) -> int:
    case = tmp_path / "case"
    sample.generate(case, victims=2, seed=31, scale="small")
    first = tmp_path / "first"
    batch.build(case, first, jobs=1, tool=TOOL)  # jobs=1: every claimant in this process
    looked_up = _numbers(first)
    assert any(v and "杭州" in v for v in looked_up.values())

    # a build whose folder remembers other answers (an earlier data version, say) uses them...
    poisoned = tmp_path / "poisoned"
    (poisoned / batch.CACHE_DIR).mkdir(parents=True)
    (poisoned / batch.CACHE_DIR / "phones.json").write_text(json.dumps(
        {"data": phones.data_version(), "numbers": dict.fromkeys(looked_up, FAKE)}),
        encoding="utf-8")
    batch.build(case, poisoned, jobs=1, tool=TOOL)
    assert FAKE in _text(poisoned / "V001" / "dossier.pdf")

    # ...and the next build in the same process sees none of them, and records every number
    # it attributed itself (the process's memo of the geocoder hides none from its cache)
    fresh = tmp_path / "fresh"
    batch.build(case, fresh, jobs=1, tool=TOOL)
    text = _text(fresh / "V001" / "dossier.pdf")
    assert FAKE not in text and "杭州" in text
    assert _numbers(fresh) == looked_up
    assert (fresh / "V001" / "dossier.pdf").read_bytes() == \
        (first / "V001" / "dossier.pdf").read_bytes()
    assert common.glyphs() == common.Glyphs()  # no build left its fonts behind in the caller
    return 3


def test_one_documents_fonts_are_not_seen_by_the_next() -> None:
    """use_fonts() sets the glyph coverage for the render in its own context only."""
    f = fonts.register()
    if not f.embedded:
        pytest.skip("no embeddable CJK font")
    glyph = "\U0001F923"  # an emoji: only a fallback font (Symbola) can draw it, if any

    def render_with(fallbacks: bool) -> tuple[common.Glyphs, str]:
        common.use_fonts(f if fallbacks else dataclasses.replace(f, fallbacks=()))
        return common.glyphs(), common.esc(glyph)

    with_fallbacks, _ = contextvars.copy_context().run(render_with, True)
    without, shown = contextvars.copy_context().run(render_with, False)
    assert without.fallbacks == () and shown == "[U+1F923]"  # run 1's fallbacks not seen
    assert with_fallbacks.covered == without.covered and with_fallbacks.covered is not None
    assert contextvars.Context().run(common.esc, glyph) == glyph  # no fonts known: kept


# Module-level containers a function mutates, allowed because they are not a run's state.
ALLOWED = {
    # child `cat` processes this process started to free a replaced file (opt-in
    # --direct-io): process resources by nature, reaped on the next call
    ("evidence/atomic.py", "_HELPERS"),
    # the one OCR Reader of a pool worker process, set by the pool's initializer: the worker
    # is made for one run and ends with it
    ("evidence/ocr/run.py", "_WORKER"),
    # a Dask worker's OCR readers (one engine per worker process, issue 22): loaded once per
    # worker, keyed by output folder and engine id, so two runs never share one wrongly
    ("evidence/distributed.py", "_READERS"),
    # glyph widths by registered font name: a property of the font (reportlab's own font
    # registry is process-wide by name), identical for every run
    ("evidence/render/common.py", "_WIDTHS"),
}
_CONTAINERS = (ast.Dict, ast.Set, ast.List, ast.DictComp, ast.SetComp, ast.ListComp)
_CONTAINER_CALLS = {"dict", "set", "list", "defaultdict", "OrderedDict", "Counter", "deque",
                    "WeakKeyDictionary", "WeakValueDictionary", "bytearray"}
_MUTATORS = {"update", "clear", "append", "add", "pop", "setdefault", "extend", "remove",
             "discard", "insert", "popitem", "appendleft"}


def _is_container(value: ast.expr | None) -> bool:
    if isinstance(value, _CONTAINERS):
        return True
    if isinstance(value, ast.Call):
        f = value.func
        return (f.id if isinstance(f, ast.Name) else getattr(f, "attr", "")) in _CONTAINER_CALLS
    return False


def _mutated_names(func: ast.AST, names: set[str]) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(func):
        targets: list[ast.expr] = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign):
            targets = [node.target]
        for t in targets:
            base = t.value if isinstance(t, ast.Subscript) else t
            if isinstance(base, ast.Name) and base.id in names and (
                    isinstance(t, ast.Subscript) or isinstance(node, ast.AugAssign)):
                found.add(base.id)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _MUTATORS and isinstance(node.func.value, ast.Name) \
                and node.func.value.id in names:
            found.add(node.func.value.id)
    return found


def module_state(root: Path) -> tuple[list[str], set[tuple[str, str]]]:
    """(`global` statements, module-level containers mutated inside a function)."""
    globals_: list[str] = []
    mutated: set[tuple[str, str]] = set()
    for path in sorted((root / "evidence").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                 and _is_container(node.value)
                 for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                 if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                globals_.append(f"{rel}:{node.lineno} global {', '.join(node.names)}")
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                mutated |= {(rel, name) for name in _mutated_names(node, names)}
    return globals_, mutated


def test_no_module_level_mutable_state_outside_the_allowlist() -> None:
    globals_, mutated = module_state(ROOT)
    assert globals_ == []
    assert mutated - ALLOWED == set(), "module-level state: pass it in a run context instead"
    assert ALLOWED - mutated == set(), "an allowlist entry no longer needed: remove it"


def test_the_scan_finds_what_it_is_meant_to(tmp_path: Path) -> None:
    """The scan itself can fail: a module with a global and a cache filled by a function."""
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "bad.py").write_text(
        "_SEEN: dict[str, int] = {}\nTABLE = {'a': 1}\nTABLE.update(b=2)\n_N = 0\n"
        "def f(k):\n    global _N\n    _N += 1\n    _SEEN[k] = 1\n    return TABLE[k]\n",
        encoding="utf-8")
    globals_, mutated = module_state(tmp_path)
    assert globals_ == ["evidence/bad.py:6 global _N"]
    assert mutated == {("evidence/bad.py", "_SEEN")}  # TABLE: filled at import, then read only
