"""Android settings, every namespace: androidqf's settings_*.txt and dumpsys settings.

androidqf runs `cmd settings list system|secure|global` into settings_<namespace>.txt, one
`name=value` per line. A bugreport's `DUMP OF SERVICE settings:` (SettingsProvider dump)
has `GLOBAL SETTINGS (user 0)`, `SECURE SETTINGS (user 0)`, `SYSTEM SETTINGS (user 0)` and
`CONFIG SETTINGS` blocks of `_id:240 name:accessibility_enabled pkg:android value:1
default:0 defaultSystemSet:true` entries (values may run over several lines), each
possibly followed by `History (name)` lines of recent changes (`time:03-28 22:41:07.980
mode:update oldValue:0 newValue:1 package:com.example`, without a year).
Settings tell whether Play Protect is on, which accessibility services and notification
listeners are enabled, and whether a proxy or private DNS server is set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.android import dumpsys
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "android_settings"
PATHS = ("settings_*.txt", *dumpsys.DUMPSYS_PATHS)
_BLOCK = re.compile(r"^(GLOBAL|SECURE|SYSTEM|CONFIG|SSAID|GENERATION) SETTINGS \(user (\d+)\)")
_ENTRY = re.compile(
    r"^_id:(\d+) name:(\S*)(?: pkg:(\S+))? value:(.*?)"
    r"(?: default:(.*?))?(?: defaultSystemSet:(?:true|false))?"
    r"(?: (?:notPreservedInRestore|preservedInRestore|isValuePreservedInRestore:\w+))*\s*$",
    re.S,
)
_HISTORY = re.compile(r"^\t\t(time:.*)$")
# Settings whose value names a server the phone's traffic goes through.
HOST_SETTINGS = ("http_proxy", "global_http_proxy_host", "private_dns_specifier")
MAX_HISTORY = 20


def parse(file: EvidenceFile) -> Iterator[Record]:
    if file.logical_path.startswith("settings_"):
        yield from _list(file)
    else:
        yield from _dump(file)


def _list(file: EvidenceFile) -> Iterator[Record]:
    namespace = file.logical_path.rsplit("/", 1)[-1][len("settings_") : -len(".txt")]
    with file.path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            name, sep, value = line.partition("=")
            if sep and name and " " not in name:
                yield _record(file, f"line {number}", namespace, 0, name, value, {})


def _dump(file: EvidenceFile) -> Iterator[Record]:
    namespace = ""
    user = 0
    entry: list[str] = []
    entry_line = 0
    history: list[str] = []
    for number, line in dumpsys.service_lines(file, "settings"):
        block = _BLOCK.match(line)
        starts = line.startswith("_id:")
        if (block or starts or not line.strip()) and entry:
            record = _entry(file, entry_line, namespace, user, "\n".join(entry), history)
            if record is not None:
                yield record
            entry, history = [], []
        if block:
            namespace, user = block.group(1).lower(), int(block.group(2))
        elif starts:
            entry, entry_line = [line], number
        elif entry and (match := _HISTORY.match(line)):
            if len(history) < MAX_HISTORY:
                history.append(match.group(1))
        elif entry and not line.startswith("\tHistory"):
            entry.append(line)
    if entry:
        record = _entry(file, entry_line, namespace, user, "\n".join(entry), history)
        if record is not None:
            yield record


def _entry(
    file: EvidenceFile, number: int, namespace: str, user: int, text: str, history: list[str]
) -> Record | None:
    match = _ENTRY.match(text)
    if not match or not namespace:
        return None
    _, name, package, value, default = match.groups()
    extra = {"set_by": package, "default": default, "history": history or None}
    return _record(file, f"line {number}", namespace, user, name, value, extra)


def _record(
    file: EvidenceFile,
    locator: str,
    namespace: str,
    user: int,
    name: str,
    value: str,
    extra: dict[str, Any],
) -> Record:
    value = value.strip()
    if value == "null":
        value = ""
    hosts = [_host(value)] if name in HOST_SETTINGS and value else []
    shown = " ".join(value.split())
    shown = shown if len(shown) <= 100 else shown[:97] + "..."
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=locator,
        time=None,
        message=f"{namespace}/{name} = {shown}",
        fields=fields_of(
            {"namespace": namespace, "user": user, "name": name, "value": value, **extra}
        ),
        observables=Observable.of(
            domain=[h for h in hosts if h and not _is_ip(h)],
            ip=[h for h in hosts if h and _is_ip(h)],
        ),
    )


def _host(value: str) -> str:
    """`proxy.example:8080` or `host:port:exclusions` -> the host."""
    host = value.split("://", 1)[-1]
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.split(":", 1)[0].split("/", 1)[0].strip()


def _is_ip(host: str) -> bool:
    return bool(re.fullmatch(r"[\d.]+", host)) or ":" in host


ARTIFACT = Artifact(NAME, PATHS, parse)
