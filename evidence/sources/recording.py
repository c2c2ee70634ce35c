"""Call recordings (AMR-NB/WB, M4A/AAC, 3GP, MP3, WAV, OGG): one event per file.

Number and start time come from the phone's naming convention (evidence/filenames.py), the
duration from the audio itself (evidence/audio.py). The timeline matches each recording to the
call-log entry it records.

Sniffed by signature (AMR, MP4/3GP, MP3, WAV, OGG headers); an MP4 whose tracks turn out to be a
video (a screen recording) is refused by `validate` with a reason. A name without a year (Lenovo)
takes it from the case period, never from the file's date alone: without a period the file's
date is used and the recording is marked for review.
"""

from __future__ import annotations

from pathlib import Path

from evidence import audio, filenames, model, phones, template, times
from evidence.model import Basis, Event, EventKind, FileKind, Issue, Severity, SourceFile, SourceRef
from evidence.sources import Context, common

TIME_MEANING = "recording_started"  # the time in the file name: when the recording began
BASIS = Basis.FILENAME


def _say(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def sniff(head: bytes, name: str) -> bool:
    return audio.magic(head) is not None


def kind(head: bytes, name: str) -> FileKind:
    return FileKind.RECORDING


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    lang = ctx.lang
    issues: list[Issue] = []
    info = audio.probe(file.abspath)
    mtime = file.mtime or times.from_mtime(file.abspath.stat().st_mtime)
    stamp = filenames.recording(Path(file.path).name, ctx.tz, period=ctx.period_days,
                                fallback_year=mtime.astimezone(ctx.tz).year)
    details: dict[str, str] = {}
    if info is not None:
        details.update(format=info.format, codec=info.codec)
        if info.duration_s is not None:
            details["duration_s"] = f"{info.duration_s:.2f}"
        if info.frames is not None and info.format.startswith("amr"):
            details["frames"] = str(info.frames)
    if info is None or info.duration_s is None:
        issues.append(Issue(Severity.WARNING, "recording_no_duration", _say(
            lang, f"{file.path} 的录音时长无法从文件中读出，录音可能为空或已损坏。",
            f"{file.path}: the recording's duration could not be read from the file; it may be "
            "empty or damaged."), path=file.path, locator="file"))
    elif info.problem == "truncated":
        issues.append(Issue(Severity.NOTE, "recording_truncated", _say(
            lang, f"{file.path} 的最后一帧不完整（录音在写入中途被截断），时长按完整帧计算。",
            f"{file.path}: the last audio frame is cut off (the recording was truncated); the "
            "duration counts the complete frames."), path=file.path, locator="file"))
    number = stamp.number if stamp else None
    if stamp is not None:
        details["name_convention"] = stamp.convention
        if stamp.contact:
            details["contact_name"] = stamp.contact
        if stamp.direction:
            details["direction_of_call"] = stamp.direction
        if stamp.precision is not times.Precision.SECOND:
            details["time_precision"] = str(stamp.precision)
        if stamp.year_from:
            details["year_from"] = stamp.year_from
        if stamp.year_from == "file_date" and stamp.time is not None:
            reason = template.t(lang, "sources.year_unknown", path=file.path, locator="file",
                                year=stamp.time.year)
            details = model.for_review(details, reason)
            issues.append(Issue(Severity.WARNING, "year_unknown", reason, path=file.path,
                                locator="file"))
    if stamp is not None and stamp.time is not None:
        t, basis, assumed = stamp.time, Basis.FILENAME, stamp.zone_assumed
    else:
        t, basis, assumed = mtime, Basis.FILE_MTIME, False
        issues.append(Issue(Severity.WARNING, "time_from_mtime", _say(
            lang,
            f"{file.path} 的文件名不含通话时间，时间只是文件的修改时间，复制文件时会改变；"
            "请当事人说明录音对应的通话。",
            f"{file.path} has no call time in its name: its time is only the file's modification "
            "time, which changes when files are copied; ask the victim which call it records."),
            path=file.path, locator="file"))
    details["time_meaning"] = "recording_started" if basis is Basis.FILENAME else "file_modified"
    who = common.who(number, ctx) if number else (
        stamp.contact if stamp and stamp.contact else template.t(lang, "events.unknown_party"))
    duration = info.duration_s if info is not None else None
    summary = template.t(lang, "events.recording", who=who,
                         duration=common.duration_text(duration, lang))
    if basis is Basis.FILE_MTIME:
        summary += template.t(lang, "events.weak_time")
    elif details.get("year_from") == "file_date":
        summary += template.t(lang, "events.needs_review",
                              reason=template.t(lang, "events.year_guessed"))
    event = Event(
        time=t, basis=basis, kind=EventKind.RECORDING, summary=summary,
        source=SourceRef(file.path, file.sha256, "file"), counterparty=number or None,
        attribution=phones.attribute(number, lang) if number else None, zone_assumed=assumed,
        details=details,
    )
    return [event], issues


def validate(path: Path, lang: str) -> str | None:
    """A header with no decodable audio behind it is rejected, and so is a video (a screen
    recording); None when the audio is readable."""
    try:
        with path.open("rb") as f:
            head = f.read(16)
        if (audio.magic(head) in ("mp4", "3gp") and head[8:12] not in audio.AUDIO_BRANDS
                and not audio.is_audio_mp4(path)):
            return _say(lang, "该文件是视频（如录屏）或图片，不是通话录音，未作为录音读取；如需作为证据，"
                        "请提供其中关键画面的截图或说明。",
                        "This file is a video (such as a screen recording) or a picture, not a call "
                        "recording, and was not read as one; if it matters, provide screenshots of "
                        "its key frames or a note on what it shows.")
    except OSError:
        return None
    try:
        info = audio.probe(path)
    except OSError:
        info = None
    if info is not None and info.problem == "unsupported":
        return None  # multichannel AMR: real audio we cannot time; read() says so
    if info is None:
        return _say(lang, "录音文件格式无法识别，无法读取；请当事人从手机导出原始录音文件。",
                    "The recording's format could not be read; ask the victim to export the "
                    "original recording file from the phone.")
    if info.duration_s is None:
        return _say(lang, "录音文件只有文件头、没有可播放的声音，可能为空或已损坏；请当事人重新导出原始录音。",
                    "The recording has a header but no playable audio; it is empty or damaged. "
                    "Ask the victim to export the original recording again.")
    return None
