"""Crash, spin and panic reports (.ips): which process crashed, from where, and when.

An .ips file is a one-line JSON header (bug_type, timestamp "2023-05-04 12:34:56.00 +0200",
app_name or name, bundleID, os_version, incident_id) followed by the report: JSON since
iOS 15 (procName, procPath, pid, parentProc, modelCode, exception, termination), plain text
before ("Process: name [pid]", "Path: /path", "Identifier: ..."). Layout as Apple documents
for crash reports (Xcode: "Interpreting the JSON format of a crash report") and the
EC-DIGIT-CSIRC sysdiagnose crashlogs parser reads it. Reports sit under crashes_and_spins/ in
a sysdiagnose and /private/var/mobile/Library/Logs/CrashReporter/ on the device. Exploits
that crash a process leave these behind even when the payload cleans up after itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from spytrace.artifacts.ios.shutdown_log import strip_uuid
from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "crash_reports"
PATHS = (
    "crashes_and_spins/**/*.ips",
    "private/var/mobile/Library/Logs/CrashReporter/**/*.ips",
)
# Report kinds by bug_type where they are well established (legacy and JSON crash reports,
# full kernel panics); every other type keeps its number in the fields.
BUG_TYPES = {"109": "crash", "309": "crash", "210": "panic"}
MAX_BYTES = 64 << 20
_TEXT_KEYS = re.compile(r"^(Process|Path|Identifier|Date/Time|OS Version|Exception Type):\s*(.*)$")
_PROCESS = re.compile(r"^(.*?)\s*\[(\d+)\]\s*$")
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S.%f %z", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S.%f%z")


def parse(file: EvidenceFile) -> Iterator[Record]:
    size = file.path.stat().st_size
    if size > MAX_BYTES:
        raise EvidenceError(f"{file.logical_path}: {size} bytes is too large for a report")
    data = file.path.read_bytes().decode("utf-8", "replace")
    first, _, body_text = data.partition("\n")
    try:
        header = json.loads(first)
    except ValueError as exc:
        raise EvidenceError(f"{file.logical_path}: no JSON header line ({exc})") from exc
    if not isinstance(header, dict):
        raise EvidenceError(f"{file.logical_path}: the header line is not a JSON object")
    body = _body(file, body_text)
    bug_type = _text(header.get("bug_type"))
    process = _text(body.get("procName")) or _text(header.get("app_name") or header.get("name"))
    raw_path = _text(body.get("procPath"))
    path = strip_uuid(raw_path) if raw_path else None
    if not process and path:
        process = path.rpartition("/")[2]
    bundle_id = _text(header.get("bundleID")) or _text(
        _nested(body, "bundleInfo", "CFBundleIdentifier")
    )
    when = _time(_text(header.get("timestamp")) or _text(body.get("captureTime")))
    kind = BUG_TYPES.get(bug_type or "", "report")
    yield Record(
        artifact=NAME,
        source=file.logical_path,
        locator="header",
        time=when,
        message=f"{kind.capitalize()} report for {process or 'an unnamed process'}"
        + (f" ({path})" if path else ""),
        fields=fields_of(
            {
                "bug_type": bug_type,
                "report_kind": kind,
                "process_name": process,
                "process_path": path,
                "raw_path": raw_path if raw_path != path else None,
                "pid": body.get("pid") if isinstance(body.get("pid"), int) else None,
                "parent_process": _text(body.get("parentProc")),
                "bundle_id": bundle_id,
                "os_version": _text(header.get("os_version")),
                "model": _text(body.get("modelCode")),
                "incident_id": _text(header.get("incident_id") or body.get("incident")),
                "exception_type": _text(_nested(body, "exception", "type")),
                "termination": _text(_nested(body, "termination", "indicator")),
            }
        ),
        observables=Observable.of(
            process=process,
            file_path=path if path and path.startswith("/") else None,
            app_id=bundle_id,
        ),
        time_desc="Report written",
    )


def _body(file: EvidenceFile, text: str) -> dict[str, Any]:
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            body = json.loads(stripped)
        except ValueError:
            file.notes.append("report body is not valid JSON; header read only")
            return {}
        return body if isinstance(body, dict) else {}
    found: dict[str, Any] = {}
    for line in stripped.splitlines()[:200]:
        if match := _TEXT_KEYS.match(line.strip()):
            key, value = match.group(1), match.group(2).strip()
            if key == "Process" and (named := _PROCESS.match(value)):
                found.setdefault("procName", named.group(1))
                found.setdefault("pid", int(named.group(2)))
            elif key == "Process":
                found.setdefault("procName", value)
            elif key == "Path":
                found.setdefault("procPath", value)
            elif key == "Identifier":
                found.setdefault("bundleInfo", {"CFBundleIdentifier": value})
            elif key == "Exception Type":
                found.setdefault("exception", {"type": value})
    return found


def _nested(mapping: dict[str, Any], *keys: str) -> Any:
    value: Any = mapping
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    for form in _TIME_FORMATS:
        try:
            return datetime.strptime(text, form).astimezone(UTC)
        except ValueError:
            continue
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) and value else None


ARTIFACT = Artifact(NAME, PATHS, parse)
