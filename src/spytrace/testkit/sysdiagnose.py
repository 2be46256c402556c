"""Sysdiagnose archives in the layout iOS writes, and the shutdown.log / .ips / ps formats.

`Sysdiagnose(tmp).build_tar()` writes `sysdiagnose_<date>_iPhone-OS_<device>_<build>.tar.gz`
holding one top folder of that name (system_logs.logarchive/ with Extra/shutdown.log and
tracev3 chunks, logs/SystemVersion/SystemVersion.plist, logs/MCState/Shared/, crashes_and_spins/,
ps.txt, ps_thread.txt, sysdiagnose.log), as the EC-DIGIT-CSIRC sysdiagnose tool and
Kaspersky's iShutdown read it. The text formats are written line for line as the device writes
them: shutdown.log's "After N.NNs, these clients are still here:" / "remaining client pid"
/ "SIGTERM: [epoch]" lines, .ips JSON header line plus body, `ps` columns.
"""

from __future__ import annotations

import io
import json
import plistlib
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from spytrace.model import EvidenceFile, Observable, Record, fields_of, iso

WHEN = datetime(2024, 3, 5, 9, 30, 0, tzinfo=UTC)
BUILD = "21D61"
UUID_A = "42286BD8-3758-3B85-B19F-6E1FDB2CB030"
UUID_B = "0C4B8E2A-6F0D-4C5B-9D3A-1E2F3A4B5C6D"


@dataclass
class Reboot:
    """One shutdown: the waits (each a list of (pid, path) still running), then SIGTERM."""

    at: datetime | None
    waits: list[list[tuple[int, str]]] = field(default_factory=list)
    wait_seconds: list[float] | None = None


def shutdown_log_text(reboots: list[Reboot]) -> str:
    lines = []
    for reboot in reboots:
        seconds = reboot.wait_seconds or [0.05 + 1.01 * i for i in range(len(reboot.waits))]
        for wait, second in zip(reboot.waits, seconds, strict=True):
            lines.append(f"After {second:.2f}s, these clients are still here:")
            lines.extend(f"\t\tremaining client pid: {pid} ({path})" for pid, path in wait)
        if reboot.at is not None:
            lines.append(f"SIGTERM: [{int(reboot.at.timestamp())}] All buffers flushed")
    return "\n".join(lines) + "\n"


def ips_text(header: dict[str, Any], body: dict[str, Any] | str) -> str:
    """A report: the one-line JSON header, then the JSON (pretty, as iOS writes it) or text."""
    rest = json.dumps(body, indent=2) if isinstance(body, dict) else body
    return json.dumps(header, separators=(",", ":")) + "\n" + rest + "\n"


def crash_header(name: str, when: datetime, bug_type: str = "309", **extra: Any) -> dict[str, Any]:
    local = when.astimezone(timezone(timedelta(hours=1)))
    return {
        "app_name": name,
        "timestamp": local.strftime("%Y-%m-%d %H:%M:%S.00 %z"),
        "app_version": "",
        "slice_uuid": "f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9",
        "build_version": "",
        "platform": 2,
        "share_with_app_devs": 0,
        "is_first_party": 1,
        "bug_type": bug_type,
        "os_version": f"iPhone OS 17.3.1 ({BUILD})",
        "incident_id": "6A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9",
        "name": name,
        **extra,
    }


def crash_body(name: str, path: str, pid: int = 412, **extra: Any) -> dict[str, Any]:
    return {
        "uptime": 86400,
        "procRole": "Background",
        "version": 2,
        "userID": 501,
        "deployVersion": 210,
        "modelCode": "iPhone14,2",
        "coalitionID": 620,
        "osVersion": {
            "isEmbedded": True,
            "train": "iPhone OS 17.3.1",
            "releaseType": "User",
            "build": BUILD,
        },
        "captureTime": "2024-03-05 10:30:00.0000 +0100",
        "incident": "6A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9",
        "pid": pid,
        "cpuType": "ARM-64",
        "procName": name,
        "procPath": path,
        "parentPid": 1,
        "parentProc": "launchd",
        "exception": {"type": "EXC_CRASH", "signal": "SIGABRT", "codes": "0x0, 0x0"},
        "termination": {"namespace": "SIGNAL", "code": 6, "indicator": "Abort trap: 6"},
        "threads": [{"id": 1, "frames": []}],
        "usedImages": [],
        **extra,
    }


PS_HEADER = (
    "USER               UID PRSNA   PID  PPID        F  %CPU %MEM PRI NI      VSZ    RSS "
    "WCHAN    TT  STAT STARTED      TIME COMMAND"
)


def ps_line(user: str, uid: int, pid: int, ppid: int, command: str) -> str:
    return (
        f"{user:<16} {uid:>5}     - {pid:>5} {ppid:>5}     4004   0.0  0.1  31  0  "
        f"408876000   5232 -        ??  Ss    9:02AM   0:00.21 {command}"
    )


PS_THREAD_HEADER = "USER               PID   TT   %CPU STAT PRI     STIME     UTIME COMMAND"


def ps_thread_lines(user: str, pid: int, command: str, threads: int) -> list[str]:
    lines = [f"{user:<16} {pid:>5}   ??    0.0 S     31T   0:00.02   0:00.05 {command}"]
    lines += [
        f"{'':<16} {'':>5}         0.0 S     31T   0:00.00   0:00.00" for _ in range(threads - 1)
    ]
    return lines


# Processes of a clean iPhone, all of them real iOS names.
CLEAN_PROCESSES = [
    ("root", 0, 1, 0, "/sbin/launchd"),
    ("root", 0, 33, 1, "/usr/libexec/logd"),
    ("mobile", 501, 35, 1, "/System/Library/CoreServices/SpringBoard.app/SpringBoard"),
    ("_locationd", 205, 70, 1, "/usr/libexec/locationd"),
    ("mobile", 501, 210, 1, "/usr/sbin/filecoordinationd"),
    (
        "mobile",
        501,
        300,
        1,
        "/private/var/containers/Bundle/Application/9F8E7D6C-5B4A-4392-8170-6F5E4D3C2B1A/Signal.app/Signal",
    ),
]


class Sysdiagnose:
    """A sysdiagnose's top folder, written under `directory`, then packed on request."""

    def __init__(
        self, directory: Path, *, when: datetime = WHEN, build: str = BUILD, device: str = "iPhone"
    ):
        local = when.astimezone(timezone(timedelta(hours=1)))
        self.name = (
            f"sysdiagnose_{local.strftime('%Y.%m.%d_%H-%M-%S%z')}_iPhone-OS_{device}_{build}"
        )
        self.directory = Path(directory)
        self.root = self.directory / self.name
        self.root.mkdir(parents=True)
        self.when = when
        self.build = build

    def write(self, relative: str, data: bytes | str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    def shutdown_log(self, reboots: list[Reboot], *, name: str = "shutdown.log") -> Sysdiagnose:
        self.write(f"system_logs.logarchive/Extra/{name}", shutdown_log_text(reboots))
        return self

    def crash(
        self, file_name: str, header: dict[str, Any], body: dict[str, Any] | str
    ) -> Sysdiagnose:
        self.write(f"crashes_and_spins/{file_name}", ips_text(header, body))
        return self

    def ps(self, processes: list[tuple[str, int, int, int, str]] | None = None) -> Sysdiagnose:
        rows = processes if processes is not None else CLEAN_PROCESSES
        self.write("ps.txt", "\n".join([PS_HEADER, *(ps_line(*p) for p in rows)]) + "\n")
        thread_lines = [PS_THREAD_HEADER]
        for user, _uid, pid, _ppid, command in rows:
            thread_lines += ps_thread_lines(user, pid, command, 2)
        self.write("ps_thread.txt", "\n".join(thread_lines) + "\n")
        return self

    def standard(self) -> Sysdiagnose:
        """The files every sysdiagnose has, describing a clean device."""
        self.write(
            "logs/SystemVersion/SystemVersion.plist",
            plistlib.dumps(
                {
                    "ProductName": "iPhone OS",
                    "ProductVersion": "17.3.1",
                    "ProductBuildVersion": self.build,
                },
                fmt=plistlib.FMT_XML,
            ),
        )
        self.write(
            "sysdiagnose.log",
            f"Mar  5 10:30:00 sysdiagnose[1234] <Notice>: Creating IN_PROGRESS_{self.name}\n",
        )
        self.write(
            "system_logs.logarchive/Info.plist",
            plistlib.dumps(
                {
                    "ArchiveIdentifier": "267BEFE8-2AB5-4593-94C6-EA7FDEA0B53E",
                    "OSArchiveVersion": 5,
                    "EndTimeRef": {"WallTime": int(self.when.timestamp()) * 1_000_000_000},
                },
                fmt=plistlib.FMT_XML,
            ),
        )
        self.write("system_logs.logarchive/Persist/0000000000000001.tracev3", b"\x00\x10" * 512)
        self.write("system_logs.logarchive/logdata.LiveData.tracev3", b"\x00\x10" * 256)
        self.ps()
        self.shutdown_log(
            [
                Reboot(datetime(2024, 2, 1, 7, 0, tzinfo=UTC), [[(70, "/usr/libexec/locationd")]]),
                Reboot(datetime(2024, 2, 20, 22, 15, tzinfo=UTC), []),
            ]
        )
        self.crash(
            "SpringBoard-2024-03-01-101500.ips",
            crash_header("SpringBoard", datetime(2024, 3, 1, 9, 15, tzinfo=UTC)),
            crash_body(
                "SpringBoard", "/System/Library/CoreServices/SpringBoard.app/SpringBoard", pid=35
            ),
        )
        return self

    def build_folder(self) -> Path:
        return self.root

    def build_tar(self, path: Path | None = None) -> Path:
        target = path or self.directory / f"{self.name}.tar.gz"
        with tarfile.open(target, "w:gz") as archive:
            archive.add(self.root, arcname=self.name)
        return target


def add_member(archive: tarfile.TarFile, info: tarfile.TarInfo, data: bytes | None = None) -> None:
    if data is not None:
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    else:
        archive.addfile(info)


def shutdown_record(
    *,
    client_path: str = "/usr/libexec/locationd",
    pid: int = 70,
    when: datetime | None = WHEN,
    line: int = 2,
    reboot: str = "line 4",
    waits: int = 1,
    source: str = "system_logs.logarchive/Extra/shutdown.log",
) -> Record:
    """A shutdown_log client record, as the parser yields it."""
    name = client_path.rpartition("/")[2]
    return Record(
        artifact="shutdown_log",
        source=source,
        locator=f"line {line}",
        time=when,
        message=f"{client_path} (pid {pid}) still running",
        fields=fields_of(
            {
                "kind": "client",
                "pid": pid,
                "client_path": client_path,
                "process_name": name,
                "waits": waits,
                "reboot": reboot,
                "reboot_time": iso(when),
            }
        ),
        observables=Observable.of(process=name, file_path=client_path),
        time_desc="Reboot (SIGTERM sent)",
    )


def reboot_record(
    *,
    waits: int,
    seconds: list[float],
    line: int,
    when: datetime = WHEN,
    source: str = "system_logs.logarchive/Extra/shutdown.log",
) -> Record:
    return Record(
        artifact="shutdown_log",
        source=source,
        locator=f"line {line}",
        time=when,
        message="Reboot",
        fields={
            "kind": "reboot",
            "reboot": f"line {line}",
            "number": 1,
            "waits": waits,
            "wait_seconds": seconds,
        },
        time_desc="Reboot (SIGTERM sent)",
    )


def evidence(directory: Path, logical_path: str, data: bytes | str) -> EvidenceFile:
    path = Path(directory) / logical_path.replace("/", "_")
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return EvidenceFile(logical_path, path)
