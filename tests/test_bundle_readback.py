"""issue 18, bundle safety: the joint bundle is read back before it replaces the old one — page
count, page labels, the stamp on the first and last page of every claimant's part, and a
structure walk — and a bundle that fails is never published."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

import cli
from evidence import stamp, verify
from evidence.errors import ExitCode


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from evidence import sample

    root = tmp_path_factory.mktemp("bundle")
    sample.generate(root / "case", victims=2, seed=318, scale="small")
    return root / "case"


def build(case: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, ["build", str(case), "--out", str(out), "--jobs", "1"])
    return result.exit_code, result.output


def test_a_good_bundle_passes_and_a_wrong_expectation_is_named(case: Path, tmp_path: Path) -> None:
    code, out = build(case, tmp_path / "out")
    assert code in (0, 3), out
    bundle = tmp_path / "out" / "joint" / "bundle.pdf"
    with pikepdf.open(bundle) as doc:
        labels = verify.page_labels(doc)
        n = len(doc.pages)
    assert verify.check_bundle(bundle, labels) == []
    assert verify.check_bundle(bundle, labels[:-1]) == [f"{n} pages, expected {n - 1}"]
    shifted = [*labels[:-1], "JD-B-999999"]
    problems = verify.check_bundle(bundle, shifted)
    assert f"page {len(labels)} does not show its stamp JD-B-999999" in problems


def test_a_bundle_whose_stamps_are_wrong_is_not_published(case: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real = stamp._stamp_content

    def off_by_one(label: str, face: stamp.BundleStampFace, glyphs: dict[str, tuple[int, float]]
                   ) -> bytes:  # a writer bug: the last claimant page shows the wrong number
        return real(label[:-1] + ("1" if label[-1] != "1" else "2"), face, glyphs)

    monkeypatch.setattr(stamp, "_stamp_content", off_by_one)
    out = tmp_path / "out"
    code, text = build(case, out)
    assert code == ExitCode.VERIFY_FAILED, text
    assert "the joint bundle failed its checks" in text and "does not show its stamp" in text
    assert not (out / "joint" / "bundle.pdf").exists()
    assert not list((out / "joint").glob(".*.partial"))
