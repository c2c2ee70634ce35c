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
    rich_markup_mode="markdown",  # docstring paragraphs reflow instead of keeping source line breaks
)

F = TypeVar("F", bound=Callable[..., Any])


def _err(message: str) -> None:
    from evidence import printable  # issue 23: a file name cannot drive the terminal

    typer.echo(f"evidence: {printable.text(message)}", err=True)


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
    """Copy a victim's submission into the case, hash every file and write a receipt.

    Files go to CASE/victims/ID/originals/ under their path in the submission (never over an
    existing file); intake.json records each file's SHA-256, size, original path and time;
    receipt.txt and receipt.pdf list them for the victim (with what is still missing). Exit
    code 3 when some entries were refused.
    """
    from evidence import config, template
    from evidence import intake as intake_mod

    found, _ = config.load_case(case)
    result = intake_mod.intake(source, found, victim)
    lang = found.language
    out = _console()
    out.print(template.t(lang, "check.table.intake_summary", stored=len(result.stored),
                         duplicates=len(result.duplicates), rejected=len(result.rejected)))
    for r in result.rejected:
        out.print(f"  [red]✗[/red] {_escape(r.reason)}")
    if result.victim_toml_created:
        out.print(template.t(lang, "check.table.toml_created",
                             path=result.folder / config.VICTIM_FILE))
    out.print(template.t(lang, "check.table.receipt_at", path=result.receipt))
    # issue 6: the same receipt as a PDF for the victim (files, hashes, refusals, what is missing)
    from evidence.render import receipt as receipt_pdf

    pdf = receipt_pdf.write_for_intake(found, victim, when=result.received, refused=[
        (r.original_path, r.reason) for r in result.rejected])
    out.print(template.t(lang, "check.table.receipt_at", path=pdf))
    if result.rejected:
        raise typer.Exit(int(ExitCode.BAD_INPUT))


@app.command()
@handled
def check(
    case: CaseArg,
    victim: Annotated[list[str] | None, typer.Option("--victim", help="Only this victim (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Inventory every victim's files: accepted, rejected (with why), duplicates, what is missing.

    Reads only: nothing in the case folder is written. Exit code 3 when a file is rejected or a
    problem is an error, 4 when case.toml or a victim.toml has an error.
    """
    import json

    from evidence import checklist, collect, config
    from evidence.errors import UsageError

    found, case_issues = config.load_case(case)
    ids = config.victim_ids(found)
    for wanted in victim or []:
        if wanted not in ids:
            raise UsageError(f"there is no victim folder {found.folder / config.VICTIMS_DIR / wanted}; "
                             f"known victims: {', '.join(ids) or 'none'}.")
    selected = [i for i in ids if not victim or i in victim]
    for issue in case_issues:
        _err(issue.message)
    reports = []
    for victim_id in selected:
        gathered = collect.victim(found, victim_id)
        reports.append((gathered, checklist.build(gathered)))
    if as_json:
        document = {"victims": [checklist.victim_json(c, cl) for c, cl in reports]}
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_check(found.language, reports)
    code = checklist.exit_code([c for c, _ in reports])
    if code is not ExitCode.OK:
        raise typer.Exit(int(code))


def _console() -> Any:
    from rich.console import Console

    # soft_wrap: long paths are printed whole (the terminal folds them), so they can be copied;
    # rich would otherwise cut them with hard line breaks at the console width.
    return Console(highlight=False, soft_wrap=True)


def _escape(text: object) -> str:
    from rich.markup import escape

    from evidence import printable  # issue 23: no control characters from file names

    return escape(printable.text(text))


def _print_check(lang: str, reports: list[tuple[Any, Any]]) -> None:
    from rich.table import Table

    from evidence import template
    from evidence.model import Severity, Status

    def t(key: str, **values: object) -> str:
        return template.t(lang, f"check.table.{key}", **values)

    out = _console()
    colour = {Status.ACCEPTED: "green", Status.REJECTED: "red", Status.DUPLICATE: "yellow"}
    for gathered, checks in reports:
        files = gathered.inventory.files
        table = Table(title=t("victim", id=gathered.victim.id), show_lines=False)
        for column in ("path", "kind", "status", "reason"):
            table.add_column(t(column), overflow="fold")
        for f in files:
            table.add_row(_escape(f.path), f.kind.value,
                          f"[{colour[f.status]}]{t(f.status.value)}[/]", _escape(f.reason or ""))
        out.print(table)
        out.print(t("summary", files=len(files), accepted=gathered.inventory.count(Status.ACCEPTED),
                    rejected=gathered.inventory.count(Status.REJECTED),
                    duplicate=gathered.inventory.count(Status.DUPLICATE)))
        # rejected and duplicate files are already in the table with their reason
        shown = {(f.path, f.reason) for f in files if f.reason}
        problems = [i for i in gathered.issues if (i.path, i.message) not in shown]
        out.print(f"[bold]{t('problems')}[/bold]")
        if not problems:
            out.print(f"  {t('no_problems')}")
        marks = {Severity.ERROR: "[red]✗[/red]", Severity.WARNING: "[yellow]![/yellow]",
                 Severity.NOTE: "·"}
        for issue in problems:
            where = f" ({issue.locator})" if issue.locator and issue.locator not in issue.message else ""
            out.print(f"  {marks[issue.severity]} {_escape(issue.message)}{_escape(where)}")
        out.print(f"[bold]{t('checklist')}[/bold]")
        for item in checks.items:
            mark = {True: "[green]✓[/green]", False: "[red]✗[/red]", None: "[yellow]?[/yellow]"}
            colon = "：" if lang == "zh-Hans" else ": "
            out.print(f"  {mark[item.ok]} {_escape(item.label)}{colon}{_escape(item.detail)}")
        out.print("")


# --- timeline (issue 3) ----------------------------------------------------------------------
@app.command()
@handled
def timeline(
    case: CaseArg,
    victim: Annotated[str, typer.Option("--victim", help="The victim's id.")],
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Print one victim's merged, sourced chronology.

    `--format json` prints one document {"events": [...], "facts": {...}}: the events sorted by
    time, each citing its source (path relative to the victim folder, SHA-256, locator), and the
    derived facts (order -> first unknown call, totals debited, numbers and domains involved).
    `--format csv` is UTF-8 with a BOM so Excel opens the Chinese text. Problems go to stderr.
    """
    import json

    from evidence import collect, config
    from evidence import timeline as chronology
    from evidence.errors import UsageError

    if fmt not in ("table", "csv", "json"):
        raise UsageError(f"unknown --format {fmt!r}; use table, csv or json.")
    found, case_issues = config.load_case(case)
    ids = config.victim_ids(found)
    if victim not in ids:
        raise UsageError(f"there is no victim folder {found.folder / config.VICTIMS_DIR / victim}; "
                         f"known victims: {', '.join(ids) or 'none'}.")
    gathered = collect.victim(found, victim)
    ctx = collect.context(found, gathered.victim)
    rows = chronology.to_json(gathered.timeline, ctx)
    facts = chronology.facts_json(gathered.timeline, ctx)
    if fmt == "json":
        typer.echo(json.dumps({"events": rows, "facts": facts}, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        sys.stdout.buffer.write(_timeline_csv(rows).encode("utf-8-sig"))
        sys.stdout.buffer.flush()
    else:
        _print_timeline(ctx, gathered, rows, facts)
    for issue in (*case_issues, *gathered.issues):
        where = f" ({issue.locator})" if issue.locator and issue.locator not in issue.message else ""
        path = f"{issue.path}: " if issue.path and issue.path not in issue.message else ""
        _err(f"{issue.severity.value}: {path}{issue.message}{where}")


TIMELINE_COLUMNS = ("time", "time_basis", "zone_assumed", "kind", "summary", "counterparty", "attribution",
                    "amount", "direction", "source_path", "source_sha256", "source_locator", "also")


def _timeline_csv(rows: list[dict[str, Any]]) -> str:
    from evidence import csvout  # issue 23: one CSV writer, formulas neutralised

    table: list[list[Any]] = [list(TIMELINE_COLUMNS)]
    for r in rows:
        also = "; ".join(f"{a['path']} {a['locator']}" for a in r["also"])
        table.append([r["time"], r["time_basis"], "yes" if r["zone_assumed"] else "", r["kind"], r["summary"],
                      r["counterparty"] or "", r["attribution"] or "", r["amount"] or "", r["direction"] or "",
                      r["source"]["path"], r["source"]["sha256"], r["source"]["locator"], also])
    return csvout.text(table)


def _print_timeline(ctx: Any, gathered: Any, rows: list[dict[str, Any]], facts: dict[str, Any]) -> None:
    from rich.table import Table

    from evidence import times

    en = ctx.lang == "en"
    heads = (("Time", "Basis", "Kind", "Summary", "Amount", "Source") if en
             else ("时间", "时间依据", "类型", "摘要", "金额", "来源"))
    out = _console()
    table = Table(title=f"{gathered.victim.id} {gathered.victim.name} — {gathered.case.timezone}".strip())
    for head in heads:
        table.add_column(head, overflow="fold")
    for event, r in zip(gathered.timeline.events, rows, strict=True):
        when = times.display(event.time, ctx.tz) + ("*" if r["zone_assumed"] else "")
        amount = f"{'-' if r['direction'] == 'debit' else '+' if r['direction'] == 'credit' else ''}{r['amount']}"
        source = f"{r['source']['path']} {r['source']['locator']}"
        if r["also"]:
            source += " (+" + ", ".join(f"{a['path']} {a['locator']}" for a in r["also"]) + ")"
        table.add_row(when, r["time_basis"], r["kind"], _escape(r["summary"]),
                      amount if r["amount"] else "", _escape(source))
    out.print(table)
    out.print("* " + ("no zone in the source: case zone applied" if en else "来源未注明时区，按案件时区理解"))
    call = facts["first_suspicious_call"]
    lines = [
        ("First order", "首次下单", facts["first_order_time"] or "—"),
        ("First call from an unknown number", "首个陌生号码来电",
         f"{call['time']} {call['counterparty']} {call['attribution'] or ''}".strip() if call else "—"),
        ("Order to call", "下单至来电", facts["order_to_call"]["text"] if facts["order_to_call"] else "—"),
        ("Total debited (bank notices)", "扣款合计（银行短信）", facts["total_debited"]),
        ("Total debited (statements)", "扣款合计（银行流水）", facts["total_debited_statements"]),
        ("Debited after the call", "来电后扣款", facts["debits_after_call"]),
        ("Numbers", "涉案号码", ", ".join(facts["numbers"]) or "—"),
        ("Domains", "涉案域名", ", ".join(facts["domains"]) or "—"),
    ]
    for label_en, label_zh, value in lines:
        out.print(f"{label_en if en else label_zh}: {_escape(value)}")


# --- build (issues 4, 5, 6) ------------------------------------------------------------------
def _build_batch(case: Path, target: Path, jobs: int | None, options: Any) -> None:
    """Issue 5: every claimant in parallel with a live progress bar, then the joint bundle."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.table import Table

    from evidence import batch
    from evidence.model import Severity

    err = Console(stderr=True)
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                   console=err, transient=False)
    task = bar.add_task("claimants", total=None)

    def show(p: batch.Progress) -> None:
        if p.event == "joint":
            bar.update(task, completed=p.done, total=p.total, description="joint bundle")
        elif p.event != "end":
            now = ", ".join(p.running) or p.victim or "…"
            bar.update(task, completed=p.done, total=p.total, description=f"claimants ({now})")

    with bar:
        result = batch.build(case, target, jobs=jobs, options=options, progress=show)

    out = _console()
    table = Table(title="Problems per claimant", show_lines=False)
    for col in ("claimant", "build", "pages", "errors", "warnings", "first problem"):
        table.add_column(col)
    worst = ExitCode.OK
    for o in result.outcomes:
        errors = [i for i in o.issues if i.severity is Severity.ERROR]
        warnings = [i for i in o.issues if i.severity is Severity.WARNING]
        if errors or any(i.code in ("font_not_embedded", "render_failed") for i in o.issues):
            worst = ExitCode.BAD_INPUT
        if errors or warnings or o.error:
            first = (errors or warnings)[0]
            where = f" [{first.path}]" if first.path else ""
            table.add_row(escape(o.id), str(o.state), str(o.pages), str(len(errors)),
                          str(len(warnings)), escape(first.message + where))
    if table.row_count:
        out.print(table)
    counts = {state: sum(o.state is state for o in result.outcomes) for state in batch.State}
    out.print(f"{len(result.outcomes)} claimants: {counts[batch.State.BUILT]} built, "
              f"{counts[batch.State.CACHED]} unchanged (reused), "
              f"{counts[batch.State.FAILED]} failed; {result.seconds:.1f} s")
    if result.bundle is not None:
        joint = result.bundle.parent
        out.print(f"bundle: {escape(str(result.bundle))} ({result.bundle_pages} pages"
                  f"{'' if result.joint_rebuilt else ', unchanged'})")
        _, csv_name, json_name = batch.joint_files(options)  # issue 6: *-redacted.* names
        out.print(f"claims: {escape(str(joint / csv_name))}, {escape(str(joint / json_name))}")
        out.print(f"manifest: {escape(str(target / batch.MANIFEST))}")
    if result.failed:
        _err(f"{len(result.failed)} claimant(s) could not be built ("
             f"{', '.join(o.id for o in result.failed)}); the others were built and the bundle "
             "marks the missing dossiers. Fix the problems listed above and run build again: "
             "only the changed claimants are rebuilt.")
        raise typer.Exit(int(ExitCode.PARTIAL_BUILD))
    raise typer.Exit(int(worst))


@app.command()
@handled
def build(
    case: CaseArg,
    victim: Annotated[list[str] | None, typer.Option("--victim", help="Only this victim (repeatable).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default CASE/out).")] = None,
    font: Annotated[str | None, typer.Option(
        "--font", help="A TrueType .ttf/.ttc font with Chinese glyphs (path.ttc#N picks a face).")] = None,
    encrypt: Annotated[bool, typer.Option(
        "--encrypt", help="AES-256 encrypt each dossier (print allowed, editing not); password from "
        "--password-file or EVIDENCE_PDF_PASSWORD, never the command line.")] = False,
    password_file: Annotated[Path | None, typer.Option(
        "--password-file", help="File whose first line is the --encrypt password.")] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Claimants built in parallel (default: number of cores).")] = None,
    print_profile: Annotated[str | None, typer.Option(
        "--print", help="simplex or duplex: double-sided printing (every section and exhibit on "
        "a right-hand page, marked blank versos, binding gutter). Default: the template's "
        "[print] profile.")] = None,
    grayscale: Annotated[bool, typer.Option(
        "--grayscale", help="Convert images to grey for black-and-white printers.")] = False,
    tabs: Annotated[bool, typer.Option(
        "--tabs", help="A tab sheet with the exhibit number before each exhibit.")] = False,
    redact: Annotated[bool, typer.Option(
        "--redact", help="Service copy dossier-redacted.pdf: claimants' ID, card and phone "
        "numbers masked (rules in templates/redaction.toml); images and original PDFs are "
        "listed for manual review.")] = False,
) -> None:
    """Build each victim's dossier.pdf (and, for the whole case, the joint bundle).

    Writes OUT/VICTIM/dossier.pdf, timeline.json and inventory.json; a failed build leaves
    nothing new at those paths. With --redact: dossier-redacted.pdf, timeline-redacted.json,
    inventory-redacted.json.
    """
    from evidence import config, pipeline
    from evidence.errors import UsageError
    from evidence.model import Severity

    if print_profile not in (None, "simplex", "duplex"):
        raise UsageError(f"unknown --print {print_profile!r}; use simplex or duplex.")
    loaded, _ = config.load_case(case)
    target = out or case / "out"
    ids = victim or config.victim_ids(loaded)
    options = pipeline.Options(font=font, print_profile=print_profile, grayscale=grayscale,
                               tabs=tabs, redact=redact)
    # issue 6: read the password before building anything, so a missing one fails fast
    from evidence import integrity, protect

    secret = protect.password(password_file) if encrypt else None
    if not victim:  # issue 5: the whole case, in parallel, then the joint bundle
        if encrypt:
            raise UsageError("--encrypt is not supported for the whole-case build yet; build "
                             "the dossiers first, then encrypt them with --victim ... --encrypt.")
        _build_batch(case, target, jobs, options)
    failed = 0
    worst = ExitCode.OK
    for vid in ids:
        try:
            result = pipeline.build_victim(loaded, vid, target, options)
        except EvidenceError as exc:
            _err(f"{vid}: {exc}")
            failed += 1
            continue
        if secret is not None and result.dossier is not None:  # issue 6: after the checks ran
            protect.encrypt(result.dossier, secret)
            integrity.write_sidecar(result.dossier)
        typer.echo(f"{vid}: {result.dossier}  {result.pages} pages, {result.exhibits} exhibits, "
                   f"fingerprint {result.fingerprint[:16]}")
        for issue in result.issues:
            if issue.severity is not Severity.NOTE:
                where = f" [{issue.path}]" if issue.path else ""
                typer.echo(f"  {issue.severity}: {issue.message}{where}", err=True)
                if issue.code in ("font_not_embedded", "render_failed") or issue.severity is Severity.ERROR:
                    worst = ExitCode.BAD_INPUT
    if failed:
        raise typer.Exit(int(ExitCode.PARTIAL_BUILD if failed < len(ids) else ExitCode.VERIFY_FAILED))
    raise typer.Exit(int(worst))


# --- verify (issue 6) ------------------------------------------------------------------------
@app.command()
@handled
def verify(
    dossier: Annotated[Path, typer.Argument(help="A dossier.pdf or bundle.pdf built by evidence.")],
    case: Annotated[Path | None, typer.Option("--case", help="Re-hash the originals in this case.")] = None,
) -> None:
    """Check a dossier against its embedded manifest and, with --case, against the originals.

    Exit 0 only when everything matches; 6 when the PDF, its fingerprint or any original changed
    or is missing.
    """
    from evidence import integrity
    from evidence.errors import InputError

    if not dossier.is_file():
        raise InputError(f"{dossier} does not exist or is not a file; give the path of a dossier.pdf.")
    report = integrity.check(dossier, case)
    for line in integrity.lines(report):
        typer.echo(line)
    if not report.ok:
        raise typer.Exit(int(ExitCode.VERIFY_FAILED))


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
    from evidence import sample as generator  # heavy (Pillow, reportlab): only for this command

    truth = generator.generate(case_dir, victims=victims, seed=seed, scale=scale)
    data = truth.data
    files = sum(len(v["files"]) for v in data["victims"])
    typer.echo(f"Sample case written to {case_dir.resolve()}")
    typer.echo(
        f"{data['victim_count']} victims ({scale}), {files} files, "
        f"{len(data['shared_numbers'])} caller numbers and {len(data['shared_domains'])} phishing domains "
        f"shared across victims, {data['debit_total']} yuan debited; "
        f"ground truth: {(case_dir / generator.GROUND_TRUTH).resolve()}"
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
