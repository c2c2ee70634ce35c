"""The build's layers (issue 19), read from the source with ast: the renderer imports nothing
from the output layer; planning imports no PDF or drawing library; the output layer draws
nothing with reportlab; nothing patches reportlab at import."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "evidence"
OUTPUT_LAYER = ("evidence.pdf", "evidence.stamp", "evidence.pdffile", "evidence.duplex",
                "evidence.protect")


def imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function (`from a import b` gives
    both `a` and `a.b`, since b may be a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def offending(folder: Path, banned: tuple[str, ...]) -> dict[str, list[str]]:
    out = {}
    for path in sorted(folder.rglob("*.py")) if folder.is_dir() else [folder]:
        bad = sorted(m for m in imports(path) if any(m == b or m.startswith(b + ".")
                                                      for b in banned))
        if bad:
            out[path.name] = bad
    return out


def test_render_imports_nothing_from_the_output_layer() -> None:
    assert offending(PACKAGE / "render", OUTPUT_LAYER) == {}


def test_planning_is_pure() -> None:
    banned = ("reportlab", "pikepdf", "pypdf", "evidence.render", *OUTPUT_LAYER)
    for module in ("layout.py", "geometry.py"):
        assert offending(PACKAGE / module, banned) == {}


def test_the_output_layer_draws_nothing() -> None:
    assert offending(PACKAGE / "pdf", ("reportlab", "evidence.render")) == {}


def test_the_walker_sees_a_banned_import(tmp_path: Path) -> None:
    (tmp_path / "probe.py").write_text("def f():\n    from evidence.pdf import assemble\n"
                                       "import evidence.stamp\n", encoding="utf-8")
    assert offending(tmp_path, OUTPUT_LAYER) == {
        "probe.py": ["evidence.pdf", "evidence.pdf.assemble", "evidence.stamp"]}


def _long_functions(path: Path, limit: int) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{node.name}: {node.end_lineno - node.lineno + 1} lines"  # type: ignore[operator]
            for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > limit]  # type: ignore[operator]


def test_the_pipeline_reads_as_its_stages() -> None:
    """issue 19: no function of pipeline.py above 40 lines (its _build is a list of stage
    calls; planning lives in layout, PDF writing in pdf/)."""
    assert _long_functions(PACKAGE / "pipeline.py", 40) == []


def test_the_length_check_can_fail(tmp_path: Path) -> None:
    long = tmp_path / "long.py"
    long.write_text("def f():\n" + "    x = 1\n" * 45, encoding="utf-8")
    assert _long_functions(long, 40) == ["f: 46 lines"]
