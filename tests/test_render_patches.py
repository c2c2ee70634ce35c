"""Issue 19: reportlab is changed only when a render runs, by render.patches.install()."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_evidence_leaves_reportlab_alone_until_a_render() -> None:
    out = _run("""
        import zlib
        from reportlab import rl_config
        from reportlab.pdfbase import pdfdoc, ttfonts
        before = (pdfdoc.zlib, ttfonts.makeToUnicodeCMap, rl_config.useA85, rl_config.invariant)
        import evidence, evidence.app, evidence.batch, evidence.pipeline, evidence.render
        import evidence.render.common, evidence.render.dossier, evidence.render.joint
        import evidence.render.receipt, evidence.web.core
        after = (pdfdoc.zlib, ttfonts.makeToUnicodeCMap, rl_config.useA85, rl_config.invariant)
        print("untouched" if before == after and pdfdoc.zlib is zlib else f"changed {after}")
        from evidence.render import fonts, patches
        fonts.register()  # the first thing every render does
        print("installed" if patches.installed() and pdfdoc.zlib is not zlib else "missing")
        print(rl_config.useA85, rl_config.invariant)
    """)
    assert out.splitlines() == ["untouched", "installed", "0 1"]


def test_the_installed_deflater_is_read_back_by_plain_zlib() -> None:
    """What zlib-ng writes is ordinary deflate: any reader (a court's viewer) inflates it."""
    out = _run("""
        import zlib
        from reportlab.pdfbase import pdfdoc
        from evidence.render import patches
        patches.install(); patches.install()  # idempotent
        data = "证据目录 page content ".encode() * 500
        packed = pdfdoc.zlib.compress(data)
        print(zlib.decompress(packed) == data, len(packed) < len(data))
    """)
    assert out == "True True"
