"""The `evidence` command: arguments, progress, printing and exit codes. No business rules here.

Every command calls one library function and prints what it returns. Errors are one sentence on
stderr with what to do; set EVIDENCE_DEBUG=1 to see a traceback for a bug report.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from evidence import __version__
from evidence.errors import EvidenceError, ExitCode, handle

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
        except (Exception, KeyboardInterrupt) as exc:
            if os.environ.get("EVIDENCE_DEBUG") and not isinstance(exc, EvidenceError):
                raise
            message, code = handle(exc)  # the one exit-code policy (evidence/errors.py)
            _err(message)
            raise typer.Exit(code) from None

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
    sign: Annotated[Path | None, typer.Option(
        "--sign", help="Sign receipt.pdf (PAdES) with this PKCS#12 certificate; its password "
        "from --password-file. Needs the sign extra.")] = None,
    password_file: Annotated[Path | None, typer.Option(
        "--password-file", help="File whose first line is the --sign password.")] = None,
) -> None:
    """Copy a victim's submission into the case, hash every file and write a receipt.

    Files go to CASE/victims/ID/originals/ under their path in the submission (never over an
    existing file); intake.json records each file's SHA-256, size, original path and time;
    receipt.txt and receipt.pdf list them for the victim (with what is still missing). Exit
    code 3 when some entries were refused.
    """
    from evidence import app as use_cases
    from evidence import config, template

    signing = _signing(sign, password_file, None, False)  # issue 18: checked before any copy
    done = use_cases.intake_submission(source, case, victim, signing=signing)
    result, lang = done.result, done.language
    out = _console()
    out.print(template.t(lang, "check.table.intake_summary", stored=len(result.stored),
                         duplicates=len(result.duplicates), rejected=len(result.rejected)))
    for r in result.rejected:
        out.print(f"  [red]✗[/red] {_escape(r.reason)}")
    if result.victim_toml_created:
        out.print(template.t(lang, "check.table.toml_created",
                             path=result.folder / config.VICTIM_FILE))
    out.print(template.t(lang, "check.table.receipt_at", path=result.receipt))
    out.print(template.t(lang, "check.table.receipt_at", path=done.receipt_pdf))
    if done.code is not ExitCode.OK:
        raise typer.Exit(int(done.code))


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

    from evidence import app as use_cases
    from evidence import checklist

    done = use_cases.check(case, victim)
    for issue in done.case_issues:
        _err(issue.message)
    if as_json:
        document = {"victims": [checklist.victim_json(c, cl) for c, cl in done.reports]}
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_check(done.case.language, list(done.reports))
    if done.code is not ExitCode.OK:
        raise typer.Exit(int(done.code))


def _console() -> Any:
    from rich.console import Console

    # soft_wrap: long paths are printed whole (the terminal folds them), so they can be copied;
    # rich would otherwise cut them with hard line breaks at the console width.
    return Console(highlight=False, soft_wrap=True)


def _escape(text: object) -> str:
    from rich.markup import escape

    from evidence import printable  # issue 23: no control characters from file names

    return escape(printable.text(text))


def _bundle_files(first: Path) -> str:
    """The bundle's file, or its volumes as a range: "bundle-vol01.pdf" alone read as if the
    136 pages were in that one file (issue 18)."""
    from rich.markup import escape

    if "-vol01" not in first.name:
        return escape(str(first))
    volumes = sorted(first.parent.glob(first.name.replace("-vol01", "-vol[0-9][0-9]")))
    return escape(f"{first} … {volumes[-1].name}, {len(volumes)} volumes")


def _fold_notes(problems: list[Any]) -> list[tuple[Any, int]]:
    """Each problem with how many more notes of its kind it stands for. Notes repeated per file
    (the case zone applied to a time without one) are shown once: on a real case they were six
    lines a claimant, burying the errors the lawyer must act on. Errors and warnings are never
    folded, and --json keeps every note."""
    from evidence.model import Severity

    alike: dict[str, int] = {}
    shown: list[Any] = []
    for issue in problems:
        if issue.severity is Severity.NOTE and issue.code in alike:
            alike[issue.code] += 1
            continue
        if issue.severity is Severity.NOTE:
            alike[issue.code] = 0
        shown.append(issue)
    return [(i, alike.get(i.code, 0) if i.severity is Severity.NOTE else 0) for i in shown]


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
        for issue, alike in _fold_notes(problems):
            where = f" ({issue.locator})" if issue.locator and issue.locator not in issue.message else ""
            more = f" {t('notes_alike', n=alike)}" if alike else ""
            out.print(f"  {marks[issue.severity]} {_escape(issue.message)}{_escape(where)}{more}")
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

    from evidence import app as use_cases
    from evidence import collect
    from evidence import timeline as chronology
    from evidence.errors import UsageError

    if fmt not in ("table", "csv", "json"):
        raise UsageError(f"unknown --format {fmt!r}; use table, csv or json.")
    done = use_cases.chronology(case, victim)
    gathered, case_issues = done.gathered, done.case_issues
    ctx = collect.context(done.case, gathered.victim)
    if fmt == "json":  # issue 23: streamed, never the whole document in memory
        chronology.write_json(gathered.timeline, ctx, sys.stdout)
        sys.stdout.flush()
    elif fmt == "csv":  # issue 23: streamed as well, one event at a time
        import io

        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8-sig", newline="")
        _timeline_csv((chronology.event_json(e, ctx) for e in gathered.timeline.events), out)
        out.flush()
        out.detach()
    else:
        rows = chronology.to_json(gathered.timeline, ctx)
        _print_timeline(ctx, gathered, rows, chronology.facts_json(gathered.timeline, ctx))
    for issue in (*case_issues, *gathered.issues):
        where = f" ({issue.locator})" if issue.locator and issue.locator not in issue.message else ""
        path = f"{issue.path}: " if issue.path and issue.path not in issue.message else ""
        _err(f"{issue.severity.value}: {path}{issue.message}{where}")
    if done.code is not ExitCode.OK:  # issue 23: the same code as `check` for the same files
        raise typer.Exit(int(done.code))


TIMELINE_COLUMNS = ("time", "time_basis", "zone_assumed", "kind", "summary", "counterparty", "attribution",
                    "amount", "direction", "source_path", "source_sha256", "source_locator", "also")


def _timeline_csv(rows: Iterable[dict[str, Any]], out: Any) -> None:
    from evidence import csvout  # issue 23: one CSV writer, formulas neutralised

    def table() -> Iterator[list[Any]]:
        yield list(TIMELINE_COLUMNS)
        for r in rows:
            also = "; ".join(f"{a['path']} {a['locator']}" for a in r["also"])
            yield [r["time"], r["time_basis"], "yes" if r["zone_assumed"] else "", r["kind"], r["summary"],
                   r["counterparty"] or "", r["attribution"] or "", r["amount"] or "", r["direction"] or "",
                   r["source"]["path"], r["source"]["sha256"], r["source"]["locator"], also]

    csvout.write(table(), out)


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
SchedulerOpt = typer.Option(
    "--scheduler", envvar="EVIDENCE_SCHEDULER", help="Run the claimants (and the OCR of their "
    "pictures) on a Dask cluster: the scheduler's address, tcp://HOST:8786 (the distributed "
    "extra; README: Running on a cluster).")


def _cluster(scheduler: str | None) -> Any:
    """issue 22: a connected distributed.Cluster for --scheduler, else a no-op context."""
    import contextlib

    if not scheduler:
        return contextlib.nullcontext(None)
    import logging

    from evidence import distributed  # imports dask

    # dask logs its reconnection attempts to stderr; what went wrong is said in one sentence
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    return distributed.Cluster.connect(scheduler)


class _CtrlC:
    """Ctrl-C during a batch: Python raises KeyboardInterrupt wherever the main thread is, and
    drops it (printing "Exception ignored") when that is inside a garbage-collector callback.
    The signal is also remembered here and raised again at the next claimant's progress
    event, so the build always stops and says what it wrote."""

    def __init__(self) -> None:
        import signal

        self.seen = False
        self.old = signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, frame: Any) -> None:
        self.seen = True
        raise KeyboardInterrupt

    def then(self, show: Callable[[Any], None]) -> Callable[[Any], None]:
        def progress(p: Any) -> None:
            if self.seen:
                raise KeyboardInterrupt
            show(p)

        return progress

    def restore(self) -> None:
        import signal

        signal.signal(signal.SIGINT, self.old)


def _progress_bar() -> tuple[Any, Any]:
    """Issue 5: a live progress bar and the callback that moves it."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from evidence import batch

    err = Console(stderr=True)
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                   console=err, transient=False)
    task = bar.add_task("claimants", total=None)
    def show(p: batch.Progress) -> None:
        if not bar.live.is_started:
            bar.start()
        if p.event == "ocr":  # issue 21: the pre-pass over the screenshots
            bar.update(task, completed=p.done, total=p.total, description="OCR (images)")
        elif p.event == "joint":
            bar.update(task, completed=p.done, total=p.total, description="joint bundle")
        elif p.event != "end":
            now = ", ".join(p.running) or p.victim or "…"
            bar.update(task, completed=p.done, total=p.total, description=f"claimants ({now})")

    return bar, show


def _print_batch(result: Any, options: Any, target: Path) -> None:
    from rich.markup import escape
    from rich.table import Table

    from evidence import batch
    from evidence.model import Severity

    out = _console()
    table = Table(title="Problems per claimant", show_lines=False)
    for col in ("claimant", "build", "pages", "errors", "warnings", "first problem"):
        table.add_column(col)
    for o in result.outcomes:
        errors = [i for i in o.issues if i.severity is Severity.ERROR]
        warnings = [i for i in o.issues if i.severity is Severity.WARNING]
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
        out.print(f"bundle: {_bundle_files(result.bundle)} ({result.bundle_pages} pages"
                  f"{'' if result.joint_rebuilt else ', unchanged'})")
        for warning in result.joint_warnings:
            out.print(f"bundle warning: {escape(warning)}")
        _, csv_name, json_name = batch.joint_files(options)  # issue 6: *-redacted.* names
        out.print(f"claims: {escape(str(joint / csv_name))}, {escape(str(joint / json_name))}")
        out.print(f"manifest: {escape(str(target / batch.MANIFEST))}")
    if result.failed:
        _err(f"{len(result.failed)} claimant(s) could not be built ("
             f"{', '.join(o.id for o in result.failed)}); the others were built and the bundle "
             "marks the missing dossiers. Fix the problems listed above and run build again: "
             "only the changed claimants are rebuilt.")


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
        "--password-file", help="File whose first line is the --encrypt or --sign password.")] = None,
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
    sign: Annotated[Path | None, typer.Option(
        "--sign", help="Sign every dossier (PAdES) with this PKCS#12 certificate (.p12/.pfx); "
        "its password from --password-file. Needs the sign extra.")] = None,
    tsa: Annotated[str | None, typer.Option(
        "--tsa", help="With --sign: URL of an RFC 3161 time-stamp server.")] = None,
    pdfa: Annotated[bool, typer.Option(
        "--pdfa", help="PDF/A-2b dossiers (XMP, sRGB output intent, fonts embedded); the manifest "
        "goes beside each PDF as dossier.pdf.manifest.json. Not with --encrypt.")] = False,
    ocr: Annotated[bool | None, typer.Option(
        "--ocr/--no-ocr", help="Read the text in screenshots and photos (the ocr extra): facts "
        "for the chronology, a searchable text layer, numbers painted over in --redact copies. "
        "Default: the template's [build] ocr.")] = None,
    max_mb: Annotated[int | None, typer.Option(
        "--max-mb", min=0, help="Split the joint bundle into volumes (joint/bundle-vol01.pdf, …) "
        "of at most this many MB, between claimants; 0 = one bundle. Default: the template's "
        "[bundle] max_mb.")] = None,
    max_pages: Annotated[int | None, typer.Option(
        "--max-pages", min=0, help="Volumes of at most this many pages (their covers included); "
        "0 = no page limit. Default: the template's [bundle] max_pages.")] = None,
    template_path: Annotated[Path | None, typer.Option(
        "--template", help="A page-setup template (.toml) by absolute path, also outside the case "
        "folder; instead of case.toml's [case] template.")] = None,
    direct_io: Annotated[bool, typer.Option(
        "--direct-io", help="Write the joint bundle past the disk cache (O_DIRECT): faster on "
        "machines that are slow to hand out new cache memory, no faster elsewhere.")] = False,
    scheduler: Annotated[str | None, SchedulerOpt] = None,
) -> None:
    """Build each victim's dossier.pdf (and, for the whole case, the joint bundle).

    Writes OUT/VICTIM/dossier.pdf, timeline.json and inventory.json; a failed build leaves
    nothing new at those paths. With --redact: dossier-redacted.pdf, timeline-redacted.json,
    inventory-redacted.json.
    """
    from evidence import app as use_cases
    from evidence import pipeline
    from evidence.errors import UsageError
    from evidence.model import Severity
    from evidence.pdf import protect

    if print_profile not in (None, "simplex", "duplex"):
        raise UsageError(f"unknown --print {print_profile!r}; use simplex or duplex.")
    options = pipeline.Options(font=font, print_profile=print_profile, grayscale=grayscale,
                               tabs=tabs, redact=redact, direct_io=direct_io,
                               max_mb=max_mb, max_pages=max_pages,
                               ocr=_ocr_engine(case, ocr),
                               sign=_signing(sign, password_file, tsa, encrypt), pdfa=pdfa,
                               template=str(template_path) if template_path else None)
    if pdfa and encrypt:
        raise UsageError("--pdfa and --encrypt cannot be combined: PDF/A forbids encryption. "
                         "Build the PDF/A copies without --encrypt and protect them another way.")
    # issue 6: read the password before building anything, so a missing one fails fast
    secret = protect.password(password_file) if encrypt else None
    if victim and scheduler:  # issue 22
        raise UsageError("--scheduler builds the whole case on a cluster: leave out --victim.")
    if victim:
        done = use_cases.build(case, out, victim, options=options, password=secret)
    else:
        bar, show = _progress_bar()
        stop = _CtrlC()
        try:  # the bar starts with the build's first event: a refusal before it prints alone
            with _cluster(scheduler) as cluster:
                done = use_cases.build(case, out, None, options=options, jobs=jobs,
                                       progress=stop.then(show), cluster=cluster)
        finally:
            stop.restore()
            bar.stop()
    if done.batch is not None:
        _print_batch(done.batch, options, out or case / "out")
    for result in done.single:
        typer.echo(f"{result.victim}: {result.dossier}  {result.pages} pages, "
                   f"{result.exhibits} exhibits, fingerprint {result.fingerprint[:16]}")
        for issue in result.issues:
            if issue.severity is not Severity.NOTE:
                where = f" [{issue.path}]" if issue.path else ""
                typer.echo(f"  {issue.severity}: {issue.message}{where}", err=True)
    for vid, message in done.failed if done.batch is None else ():
        _err(f"{vid}: {message}")
    if done.failed and done.batch is None:
        _err(f"{len(done.failed)} of {len(victim or [])} claimant(s) could not be built; the "
             "others were built. Fix the problems above and run build again.")
    raise typer.Exit(int(done.code))


def _signing(p12: Path | None, password_file: Path | None, tsa: str | None, encrypt: bool
             ) -> Any:
    """issue 18: --sign read and checked before anything is built."""
    from evidence import sign as signing
    from evidence.errors import UsageError

    if p12 is None:
        if tsa:
            raise UsageError("--tsa times a signature: give the certificate with --sign CERT.p12.")
        return None
    if encrypt:
        raise UsageError("--sign and --encrypt cannot be combined: sign the dossiers, and send "
                         "them protected another way (an encrypted archive), or build twice.")
    return signing.load(p12, password_file, tsa)


def _ocr_engine(case_dir: Path, flag: bool | None) -> str:
    """issue 21: the engine_id when OCR runs, else "" (and why not, when it was asked for)."""
    from evidence import config, pipeline
    from evidence.ocr import run

    if flag is False:
        return ""
    decision = run.decide(pipeline.setup_for(config.load_case(case_dir)[0])[0], flag)
    if decision.unavailable:
        _err(f"OCR not run: {decision.unavailable}; the dossiers say their images' text was "
             "not read.")
    return decision.engine_id


@app.command()
@handled
def ocr(
    case: CaseArg,
    victim: Annotated[list[str] | None, typer.Option("--victim", help="Only this victim (repeatable).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default CASE/out).")] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Images read in parallel (default: number of cores; "
        "~0.6 GB of memory each).")] = None,
    scheduler: Annotated[str | None, SchedulerOpt] = None,
) -> None:
    """Read the text of every accepted screenshot and photo into OUT/.cache/ocr (issue 21).

    What `build --ocr` would read first; a later build only reads the cache. Prints each
    victim's images: read now, already cached, not read.
    """
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from evidence import config, pipeline
    from evidence.errors import InputError
    from evidence.ocr import run

    loaded, _ = config.load_case(case)
    ids = victim or config.victim_ids(loaded)
    unknown = [v for v in ids if v not in config.victim_ids(loaded)]
    if unknown:
        raise InputError(f"no victim {', '.join(unknown)} in {case}; see `evidence check {case}`.")
    decision = run.decide(pipeline.setup_for(loaded)[0], True)
    if decision.unavailable:
        raise InputError(f"OCR cannot run here: {decision.unavailable}.")
    started = time.perf_counter()
    bar = Progress(TextColumn("OCR"), BarColumn(), MofNCompleteColumn(), TextColumn("ETA"),
                   TimeRemainingColumn(), transient=True)
    task = bar.add_task("ocr", total=None)
    target = out or case / "out"
    with _cluster(scheduler) as cluster:
        if cluster is not None:  # issue 22: every worker checked before any picture is read
            target.mkdir(parents=True, exist_ok=True)
            cluster.preflight(case, target, pipeline.Options(ocr=decision.engine_id))
        with bar:
            done = run.prepass(loaded, ids, target, decision.engine_id, jobs or os.cpu_count() or 1,
                               lambda n, of: bar.update(task, completed=n, total=of),
                               remote=cluster.read_images if cluster is not None else None)
    for vid, c in done.counts.items():
        typer.echo(f"{vid}: {c.images} images, {c.read} read, {c.cached} cached, {c.failed} not read")
    for issue in done.issues:
        typer.echo(f"  {issue.severity}: {issue.message}", err=True)
    per = f", {done.cpu_seconds / done.read:.2f} CPU-s per image" if done.read else ""
    typer.echo(f"{done.read} images read in {time.perf_counter() - started:.1f} s{per}")
    if any(c.failed for c in done.counts.values()):
        raise typer.Exit(int(ExitCode.BAD_INPUT))


# --- verify (issue 6) ------------------------------------------------------------------------
@app.command()
@handled
def verify(
    dossier: Annotated[Path, typer.Argument(help="A dossier.pdf or bundle.pdf built by evidence.")],
    case: Annotated[Path | None, typer.Option("--case", help="Re-hash the originals in this case.")] = None,
    password_file: Annotated[Path | None, typer.Option(
        "--password-file", help="For an encrypted dossier: file whose first line is its password "
        "(or set EVIDENCE_PDF_PASSWORD).")] = None,
) -> None:
    """Check a dossier against its embedded manifest and, with --case, against the originals.

    Exit 0 only when everything matches; 6 when the PDF, its pages, its signature, the cover's
    fingerprint or any original changed or is missing; 2 when it is encrypted and no password
    was given (it cannot be checked, which is not a change). No .sha256 is needed: a dossier
    carries each page's hash in its manifest.
    """
    from evidence import app as use_cases
    from evidence import integrity
    from evidence.pdf import protect

    secret = protect.password(password_file) if password_file or os.environ.get(protect.ENV) else None
    report, code = use_cases.verify(dossier, case, password=secret)
    for line in integrity.lines(report):
        typer.echo(line)
    if code is not ExitCode.OK:
        raise typer.Exit(int(code))


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


# --- serve / invite (issue 20): the victims' upload pages and the lawyer's dashboard ------------
def _web() -> Any:
    from evidence.errors import UsageError

    try:
        from evidence.web import invites, server, store
    except ImportError as exc:
        raise UsageError(f"the web server needs the web extra ({exc.name} is missing); install "
                         "it with: pip install 'evidence[web]'") from None
    return invites, server, store


@app.command()
@handled
def serve(
    case: CaseArg,
    host: Annotated[str, typer.Option("--host", help="Address to listen on; keep 127.0.0.1 behind "
                                      "the firm's TLS reverse proxy.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8318,
    proxy: Annotated[str, typer.Option("--proxy", help="Address of the TLS reverse proxy whose "
                                       "X-Forwarded-For/-Proto are trusted.")] = "127.0.0.1",
    set_password: Annotated[bool, typer.Option(
        "--set-password", help="Set the /admin password (asked twice, stored as an scrypt hash "
        "in CASE/.web/admin.json) and exit.")] = False,
) -> None:
    """Serve the victims' upload pages (/v/TOKEN, made by `evidence invite`) and the lawyer's
    dashboard (/admin).

    Uploads go through the same intake as `evidence intake`; every upload is logged in
    CASE/audit.jsonl. Serve plain HTTP on 127.0.0.1 and let the firm's reverse proxy add TLS.
    """
    from evidence import config

    _, server, store = _web()
    config.load_case(case)  # a wrong case folder fails here, with the usual message
    if set_password:
        password = typer.prompt("New /admin password", hide_input=True,
                                confirmation_prompt=True)
        if len(password) < 10:
            from evidence.errors import UsageError

            raise UsageError("the password is shorter than 10 characters; choose a longer one.")
        store.set_password(case, password)
        typer.echo(f"password set ({case / store.WEB_DIR / store.ADMIN}).")
        return
    if not store.has_password(case):
        _err(f"no /admin password yet: /admin stays closed until `evidence serve {case} "
             "--set-password`.")
    typer.echo(f"serving {case} on http://{host}:{port} (victims: /v/..., lawyer: /admin); "
               "Ctrl+C stops.")
    server.run(case, host=host, port=port, proxy=proxy)


@app.command()
@handled
def invite(
    case: CaseArg,
    victim: Annotated[str, typer.Option("--victim", help="The victim's id (folder name).")],
    url: Annotated[str, typer.Option("--url", envvar="EVIDENCE_WEB_URL", help="The address "
                                     "victims open (the firm's proxy).")] = "http://127.0.0.1:8318",
    days: Annotated[int, typer.Option("--days", help="Days the link stays valid.")] = 30,
    revoke: Annotated[bool, typer.Option("--revoke", help="Revoke the victim's links instead.")] = False,
) -> None:
    """Make a victim's personal upload link (printed) and its QR code (CASE/invites/ID.png).

    The link is shown once: only its SHA-256 is kept. `--revoke` ends every link of the victim.
    """
    from evidence import config

    invites, _, _ = _web()
    config.load_case(case)
    if revoke:
        n = invites.revoke(case, victim)
        typer.echo(f"{victim}: {n} link(s) revoked.")
        return
    made = invites.invite(case, victim, url, days)
    typer.echo(made.link)
    typer.echo(f"QR code: {made.qr}  (valid until {made.expires})")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
