"""The `evidence` command: arguments, progress, printing and exit codes. No business rules here.

Every command calls one library function and prints what it returns. Errors are one sentence on
stderr with what to do; set EVIDENCE_DEBUG=1 to see a traceback for a bug report.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from evidence import __version__
from evidence.errors import EvidenceError, ExitCode

app = typer.Typer(
    name="evidence",
    help=(
        "Turn what fraud victims hand their lawyer into court-ready PDF dossiers.\n\n"
        "Typical flow: `evidence intake` each submission, `evidence check` the case, "
        "`evidence build` the dossiers and joint bundle, `evidence verify` them later.\n\n"
        "Exit codes: 0 ok, 1 unexpected error, 2 usage, 3 bad input (some files rejected), "
        "4 bad case.toml/victim.toml, 5 cannot write output, 6 verification failed, "
        "7 partial build."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])


def _err(message: str) -> None:
    typer.echo(f"evidence: {message}", err=True)


def handled(func: F) -> F:
    """Turn library exceptions into one-line messages and documented exit codes."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except EvidenceError as exc:
            _err(str(exc))
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            _err("interrupted; nothing was written at the final output paths.")
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("EVIDENCE_DEBUG"):
                raise
            _err(
                f"unexpected error ({type(exc).__name__}: {exc}); this is a bug — rerun with "
                "EVIDENCE_DEBUG=1 and send the output to the developers."
            )
            raise typer.Exit(int(ExitCode.UNEXPECTED)) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"evidence {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """Court-ready evidence dossiers for a joint fraud lawsuit."""


CaseArg = Annotated[Path, typer.Argument(help="The case folder (holds case.toml and victims/).")]


# --- intake / check (issue 2) ----------------------------------------------------------------
@app.command()
@handled
def intake(
    source: Annotated[Path, typer.Argument(help="A victim's submission: a folder or a .zip file.")],
    case: Annotated[Path, typer.Option("--case", help="The case folder.")],
    victim: Annotated[str, typer.Option("--victim", help="The victim's id (folder name).")],
) -> None:
    """Copy a victim's submission into the case, hash every file and write a receipt."""
    _err("intake is not built yet.")
    raise typer.Exit(int(ExitCode.UNEXPECTED))


@app.command()
@handled
def check(
    case: CaseArg,
    victim: Annotated[list[str] | None, typer.Option("--victim", help="Only this victim (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Inventory every victim's files: accepted, rejected (with why), duplicates, what is missing."""
    _err("check is not built yet.")
    raise typer.Exit(int(ExitCode.UNEXPECTED))


# --- timeline (issue 3) ----------------------------------------------------------------------
@app.command()
@handled
def timeline(
    case: CaseArg,
    victim: Annotated[str, typer.Option("--victim", help="The victim's id.")],
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Print one victim's merged, sourced chronology."""
    _err("timeline is not built yet.")
    raise typer.Exit(int(ExitCode.UNEXPECTED))


# --- build (issues 4, 5, 6) ------------------------------------------------------------------
@app.command()
@handled
def build(
    case: CaseArg,
    victim: Annotated[list[str] | None, typer.Option("--victim", help="Only this victim (repeatable).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default CASE/out).")] = None,
) -> None:
    """Build each victim's dossier.pdf (and, for the whole case, the joint bundle)."""
    _err("build is not built yet.")
    raise typer.Exit(int(ExitCode.UNEXPECTED))


# --- verify (issue 6) ------------------------------------------------------------------------
@app.command()
@handled
def verify(
    dossier: Annotated[Path, typer.Argument(help="A dossier.pdf or bundle.pdf built by evidence.")],
    case: Annotated[Path | None, typer.Option("--case", help="Re-hash the originals in this case.")] = None,
) -> None:
    """Check a dossier against its embedded manifest and, with --case, against the originals."""
    _err("verify is not built yet.")
    raise typer.Exit(int(ExitCode.UNEXPECTED))


# --- sample (issue 7) ------------------------------------------------------------------------
@app.command()
@handled
def sample(
    case_dir: Annotated[Path, typer.Argument(help="Folder to create the sample case in.")],
    victims: Annotated[int, typer.Option("--victims", help="Number of claimants.")] = 12,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same case).")] = 318,
    scale: Annotated[str, typer.Option("--scale", help="small or realistic.")] = "small",
) -> None:
    """Generate a synthetic joint case modelled on the 3·18 JD.com fraud."""
    _err("sample is not built yet.")
    raise typer.Exit(int(ExitCode.UNEXPECTED))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
