"""Tombstones: native crash reports in /data/tombstones, as a bugreport copies them.

Text tombstones (debuggerd) read `Build fingerprint: '...'`, `Timestamp: 2021-09-29
17:43:49+0200`, `pid: 9850, tid: 9893, name: UsbFfs-worker  >>> /system/bin/adbd <<<`,
`uid: 2000`, `signal 6 (SIGABRT), code -1 (SI_QUEUE), fault addr --------` and
`Abort message: '...'`. Since Android 12 each also has a `.pb` twin, the Tombstone message
of system/core debuggerd/proto/tombstone.proto: 2 build_fingerprint, 4 timestamp, 5 pid,
6 tid, 7 uid, 8 selinux_label, 9 command_line (a single process_name string in the first
release), 10 signal_info (1 number, 2 name, 3 code, 4 code_name), 14 abort_message,
16 threads (map: 1 tid, 2 Thread with 2 name). Exploits crash processes; a crash of a
root, system or shell process deserves a look.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from spytrace.artifacts.android import protobuf
from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "android_tombstones"
PATHS = ("bugreport/FS/data/tombstones/*",)
MAX_BYTES = 64 << 20
MAX_ABORT = 500
_PID = re.compile(r"^pid: (\d+), tid: (\d+), name: (.*?)\s+>>> (.*?) <<<")
_UID = re.compile(r"^uid: (\d+)")
_SIGNAL = re.compile(r"^signal (\d+) \((\w+)\), code (-?\d+) \((\w+)\)")
_TIMESTAMP = re.compile(r"^Timestamp: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d{4})")
_VALUE = re.compile(r"^(Build fingerprint|Abort message|Revision|ABI): '?(.*?)'?$")
_PACKAGE = re.compile(r"[A-Za-z][\w]*(\.[\w]+)+")


def parse(file: EvidenceFile) -> Iterator[Record]:
    if file.path.stat().st_size > MAX_BYTES:
        raise EvidenceError(f"{file.logical_path}: too large for a tombstone")
    data = file.path.read_bytes()
    facts = _protobuf(file, data) if file.logical_path.endswith(".pb") else _text(data)
    if not facts.get("pid") and not facts.get("command"):
        return
    yield _record(file, facts)


def _text(data: bytes) -> dict[str, object]:
    facts: dict[str, object] = {}
    for line in data.decode("utf-8", "replace").splitlines()[:80]:
        if match := _PID.match(line):
            facts.update(
                pid=int(match.group(1)),
                tid=int(match.group(2)),
                thread=match.group(3),
                command=match.group(4),
            )
        elif match := _UID.match(line):
            facts["uid"] = int(match.group(1))
        elif match := _SIGNAL.match(line):
            facts.update(
                signal=int(match.group(1)),
                signal_name=match.group(2),
                code=int(match.group(3)),
                code_name=match.group(4),
            )
        elif match := _TIMESTAMP.match(line):
            facts["time"] = _time(match.group(1), match.group(2))
        elif match := _VALUE.match(line):
            key = {
                "Build fingerprint": "build_fingerprint",
                "Abort message": "abort_message",
                "Revision": "revision",
                "ABI": "abi",
            }[match.group(1)]
            facts.setdefault(key, match.group(2))
    return facts


def _protobuf(file: EvidenceFile, data: bytes) -> dict[str, object]:
    try:
        message = protobuf.fields(data)
        signal = protobuf.fields(_first_bytes(message.get(10)))
        threads = {}
        for entry in message.get(16, []):
            if isinstance(entry, bytes):
                pair = protobuf.fields(entry)
                thread = protobuf.fields(_first_bytes(pair.get(2)))
                threads[protobuf.number(pair.get(1))] = protobuf.text(thread.get(2))
    except protobuf.ProtobufError as exc:
        raise EvidenceError(f"{file.logical_path}: not a tombstone protobuf ({exc})") from exc
    command = [v.decode("utf-8", "replace") for v in message.get(9, []) if isinstance(v, bytes)]
    tid = protobuf.number(message.get(6))
    stamp = protobuf.text(message.get(4)).strip()
    match = _TIMESTAMP.match(f"Timestamp: {stamp}") if stamp else None
    return {
        "pid": protobuf.number(message.get(5)),
        "tid": tid,
        "uid": protobuf.number(message.get(7)),
        "thread": threads.get(tid, ""),
        "command": " ".join(command),
        "selinux_label": protobuf.text(message.get(8)),
        "build_fingerprint": protobuf.text(message.get(2)),
        "abort_message": protobuf.text(message.get(14)),
        "signal": protobuf.number(signal.get(1)),
        "signal_name": protobuf.text(signal.get(2)),
        "code_name": protobuf.text(signal.get(4)),
        "time": _time(match.group(1), match.group(2)) if match else None,
    }


def _first_bytes(values: list[int | bytes] | None) -> bytes:
    return values[0] if values and isinstance(values[0], bytes) else b""


def _time(local: str, offset: str) -> datetime | None:
    # Newer tombstones print nanoseconds; datetime keeps microseconds.
    local = re.sub(r"(\.\d{6})\d+$", r"\1", local)
    form = "%Y-%m-%d %H:%M:%S.%f%z" if "." in local else "%Y-%m-%d %H:%M:%S%z"
    try:
        return datetime.strptime(local + offset, form).astimezone(UTC)
    except ValueError:
        return None


def _record(file: EvidenceFile, facts: dict[str, object]) -> Record:
    command = str(facts.get("command") or "")
    executable = command.split(" ", 1)[0]
    process = executable.rsplit("/", 1)[-1]
    app = process.split(":", 1)[0]
    when = facts.get("time")
    abort = str(facts.get("abort_message") or "")
    signal = facts.get("signal_name") or facts.get("signal")
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=file.logical_path.rsplit("/", 1)[-1],
        time=when if isinstance(when, datetime) else None,
        message=f"{process or 'A process'} crashed" + (f" ({signal})" if signal else ""),
        fields=fields_of(
            {
                "process": process,
                "command": command,
                "pid": facts.get("pid"),
                "tid": facts.get("tid"),
                "thread": facts.get("thread"),
                "uid": facts.get("uid"),
                "signal": facts.get("signal"),
                "signal_name": facts.get("signal_name"),
                "code_name": facts.get("code_name"),
                "abort_message": abort[:MAX_ABORT] if abort else None,
                "selinux_label": facts.get("selinux_label"),
                "build_fingerprint": facts.get("build_fingerprint"),
            }
        ),
        observables=Observable.of(
            process=process,
            file_path=executable if executable.startswith("/") else None,
            app_id=app if _PACKAGE.fullmatch(app) and not executable.startswith("/") else None,
        ),
        time_desc="Process crashed",
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
