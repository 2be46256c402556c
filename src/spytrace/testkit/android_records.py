"""Record factories for Android check tests, shaped like the Android parsers' output."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from spytrace.model import Observable, Record, fields_of

DUMPSTATE = "bugreport/dumpstate.txt"


def package(
    name: str,
    *,
    system: bool = False,
    installer: str | None = "com.android.vending",
    initiating: str | None = None,
    originating: str | None = None,
    source: str | None = None,
    installed: datetime | None = None,
    granted: list[str] | None = None,
    line: int = 10,
) -> Record:
    return Record(
        artifact="dumpsys_package",
        source=DUMPSTATE,
        locator=f"line {line}",
        time=installed,
        message=f"Package {name}",
        fields=fields_of({
            "package": name, "system": system, "installer": installer,
            "initiating_package": initiating, "originating_package": originating,
            "package_source": source, "granted_permissions": granted,
            "first_install_time": installed.isoformat().replace("+00:00", "Z") if installed else None,
        }),
        observables=Observable.of(app_id=name),
        time_desc="Package first installed" if installed else "Package last updated",
    )  # fmt: skip


def qf_package(
    name: str, *, installer: str | None, system: bool = False, disabled: bool = False
) -> Record:
    return Record("androidqf_packages", "packages.json", "[0]", None, f"Package {name}",
                  fields_of({"package": name, "installer": installer, "system": system,
                             "disabled": disabled}),
                  Observable.of(app_id=name))  # fmt: skip


def record(artifact: str, fields: dict[str, Any], *, time: datetime | None = None,
           source: str = DUMPSTATE, locator: str = "line 1") -> Record:  # fmt: skip
    return Record(artifact, source, locator, time, artifact, fields_of(fields))


def accessibility(component: str, **states: bool) -> Record:
    return record("dumpsys_accessibility",
                  {"component": component, "package": component.split("/")[0], "user": 0, **states})  # fmt: skip


def setting(namespace: str, name: str, value: str) -> Record:
    return record("android_settings", {"namespace": namespace, "user": 0, "name": name,
                                       "value": value}, source=f"settings_{namespace}.txt")  # fmt: skip


def getprop(**fields: Any) -> Record:
    time = fields.pop("time", None)
    return record("getprop", fields, time=time, locator="line 11")
