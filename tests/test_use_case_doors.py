"""Issue 19: the receipt renderer is handed its data, and the web layer goes through app.py."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _runtime_imports(rel: str) -> set[str]:
    """Modules a file imports outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and ast.unparse(node.test) == "TYPE_CHECKING" for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def _calls(rel: str) -> set[str]:
    tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
    return {ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}


def test_the_receipt_renderer_never_collects() -> None:
    imported = _runtime_imports("evidence/render/receipt.py")
    assert not {"evidence.collect", "evidence.checklist"} & imported


def test_the_web_core_calls_the_use_cases_not_the_stages() -> None:
    calls = _calls("evidence/web/core.py")
    stages = {c for c in calls if c.split(".")[0] in {"collect", "checklist", "receipt"}
              or c in {"intake.intake", "batch.build", "batch.Hashes"}}
    assert stages == set()
    assert {"app.intake_submission", "app.examine", "app.write_receipt", "app.build"} <= calls
