"""Whole acquisitions with planted traces, and the indicators that match them.

A scenario writes a real-format acquisition from a list of `Planted` traces (which value, in
which artifact, seen how), so tests, the demo, the self-test and the benchmark corpus all
check the same thing: every planted trace is found, in the right artifact, and nothing else.
The indicator values are public ones from Amnesty's Pegasus and Cytrox/Predator reports.
"""

from __future__ import annotations

import hashlib
import json
import plistlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from spytrace.testkit.ios_backup import DEFAULT_UDID, BackupBuilder
from spytrace.testkit.ios_browsers import SafariHistoryDb, cocoa
from spytrace.testkit.ios_comms import SmsDb, cocoa_nanos, idstatuscache
from spytrace.testkit.ios_system import (
    DataUsageDb,
    profile_payload,
    profile_stub,
)

PEGASUS = "Pegasus"
PREDATOR = "Predator"
EXPLOIT_DOMAIN = "free247downloads.com"
REDIRECT_DOMAIN = "baramije.net"
ATTACKER_EMAIL = "ameliehaggart@gmail.com"
PEGASUS_PROCESS = "bh"
TRUNCATED_PROCESS = "com.apple.Mappit.SnapshotService"
PEGASUS_FILE = "roleaccountd.plist"
PREDATOR_PROFILE = "76DAB334-7E17-475D-A5D6-0794EB5818A5"
START = datetime(2021, 6, 1, 9, 0, tzinfo=UTC)
OLD_BUILD = ("14.6", "18G69")  # released July 2021; the device misses every later 14.x


@dataclass(frozen=True, slots=True)
class Planted:
    """One trace put into an acquisition: how a correct scan must report it."""

    artifact: str
    kind: str  # "ioc" or "heuristic"
    value: str  # the indicator value, or the heuristic's rule name
    malware: str = ""


@dataclass(frozen=True, slots=True)
class Scenario:
    path: Path
    indicators: Path
    planted: tuple[Planted, ...]
    password: str | None = None


def pegasus_backup(
    directory: Path,
    *,
    password: str | None = None,
    messages: int = 40,
    link_every: int = 1000,
    extra_files: int = 0,
    visits: int = 40,
    infected: bool = True,
    dpic: int = 1,
    iterations: int = 1,
    udid: str = DEFAULT_UDID,
) -> Scenario:
    """An iPhone backup with Pegasus-like traces (or, with `infected=False`, its clean twin).

    One message in `link_every` links to a Pegasus exploit domain; a plain-http Safari visit is
    redirected within a second through a Pegasus domain; DataUsage holds Pegasus process names (one cut to
    16 characters as iOS does) and a deleted row; an attacker's iCloud address sent an
    iMessage and sits in the IDS cache; a Predator configuration profile is installed; a
    Pegasus file lies in the backup; and the iOS build is years old.
    """
    directory.mkdir(parents=True, exist_ok=True)
    work = directory / "parts"
    work.mkdir(exist_ok=True)
    version, build = OLD_BUILD if infected else ("17.5.1", "21F90")
    backup = BackupBuilder(
        directory,
        udid=udid,
        password=password,
        ios_version=version,
        build=build,
        dpic=dpic,
        iterations=iterations,
        unique_file_keys=extra_files < 10_000,
    )
    planted: list[Planted] = []
    planted += _messages(backup, work, messages, link_every, infected)
    planted += _safari(backup, work, visits, infected)
    planted += _datausage(backup, work, infected)
    if infected:
        backup.add_evidence(
            idstatuscache(
                work,
                {
                    "com.apple.madrid": {
                        f"mailto:{ATTACKER_EMAIL}": {"LookupDate": cocoa(START), "IDStatus": 1}
                    }
                },
            ),
        )
        planted.append(Planted("id_status_cache", "ioc", ATTACKER_EMAIL, PEGASUS))
        planted += _profile(backup, work)
        backup.add_file("RootDomain", f"Library/Preferences/{PEGASUS_FILE}", _plist({"a": 1}))
        planted.append(Planted("manifest", "ioc", PEGASUS_FILE, PEGASUS))
        planted.append(Planted("backup_info", "heuristic", "ios_outdated"))
    for number in range(extra_files):
        backup.add_file("HomeDomain", f"Library/Caches/com.example.cache/{number:07d}.dat", b"x")
    path = backup.build()
    shutil.rmtree(work)
    indicators = write_indicators(directory / "indicators.stix2")
    return _recorded(Scenario(path, indicators, tuple(planted), password), directory)


def _messages(
    backup: BackupBuilder, work: Path, count: int, link_every: int, infected: bool
) -> Iterator[Planted]:
    sms = SmsDb(work)
    friend = sms.add_handle("+15555550123")
    rows = []
    for number in range(count):
        when = START + timedelta(minutes=number)
        linked = infected and number % link_every == link_every - 1
        text = (
            f"Your parcel is waiting: https://{EXPLOIT_DOMAIN}/{number:05d}"
            if linked
            else f"See you at {number % 12 + 1} - https://news.example.org/item/{number}"
        )
        rows.append(
            {
                "handle_id": friend,
                "text": text,
                "date": cocoa_nanos(when),
                "is_from_me": number % 2,
                "service": "iMessage",
            }
        )
        if linked:
            yield Planted("sms", "ioc", EXPLOIT_DOMAIN, PEGASUS)
    sms.add_messages(rows)
    if infected:
        attacker = sms.add_handle(ATTACKER_EMAIL)
        sms.add_message(handle_id=attacker, text="", date=cocoa_nanos(START), service="iMessage")
        yield Planted("sms", "ioc", ATTACKER_EMAIL, PEGASUS)
    backup.add_evidence(sms.build())


def _safari(backup: BackupBuilder, work: Path, count: int, infected: bool) -> Iterator[Planted]:
    history = SafariHistoryDb(work)
    history.add_visits(
        (f"https://news.example.org/item/{n}", cocoa(START + timedelta(hours=n)), f"Item {n}")
        for n in range(count)
    )
    if infected:
        first = history.visit("http://news.example.org/today", cocoa(START + timedelta(days=1)))
        # Redirected in 0.4 s from a plain-http page: how network injection looks.
        history.visit(
            f"https://{REDIRECT_DOMAIN}/8a7df2/",
            cocoa(START + timedelta(days=1, milliseconds=400)),
            redirect_from=first,
        )
        yield Planted("safari_history", "ioc", REDIRECT_DOMAIN, PEGASUS)
        yield Planted("safari_history", "heuristic", "safari_redirect_injection")
    backup.add_evidence(history.build())


def _datausage(backup: BackupBuilder, work: Path, infected: bool) -> Iterator[Planted]:
    usage = DataUsageDb(work)
    day = START - timedelta(days=30)
    usage.add_process("mobilesafari", bundle_id="com.apple.mobilesafari", first=day, last=START)
    usage.add_process("MobileSMS", bundle_id="com.apple.MobileSMS", first=day, last=START)
    if infected:
        gone = usage.add_process("launchafd", first=day, last=START)
        usage.add_process(PEGASUS_PROCESS, first=START, last=START + timedelta(hours=2))
        usage.add_process(TRUNCATED_PROCESS[:16], first=START, last=START)
        usage.add_process("CommCenter", bundle_id="com.apple.CommCenter", first=day, last=START)
        usage.delete_process(gone)
        yield Planted("datausage", "ioc", PEGASUS_PROCESS, PEGASUS)
        yield Planted("datausage", "ioc", TRUNCATED_PROCESS, PEGASUS)
        yield Planted("datausage", "heuristic", "datausage_deleted_rows")
    backup.add_evidence(usage.build())


def _profile(backup: BackupBuilder, work: Path) -> Iterator[Planted]:
    stub = profile_stub(
        work,
        identifier="com.update.system.profile",
        uuid=PREDATOR_PROFILE,
        display_name="System Update",
        organization="Update Center",
        installed=START - timedelta(days=2),
        payloads=[profile_payload("com.apple.vpn.managed", "com.update.system.vpn")],
    )
    backup.add_evidence(stub)
    yield Planted("configuration_profiles", "ioc", PREDATOR_PROFILE, PREDATOR)
    yield Planted("configuration_profiles", "heuristic", "non_apple_profile")


def _plist(value: dict[str, object]) -> bytes:
    return plistlib.dumps(value, fmt=plistlib.FMT_BINARY)


def indicator_values() -> dict[str, list[tuple[str, str]]]:
    """Malware -> (STIX object path, value) of every indicator the scenarios plant."""
    return {
        PEGASUS: [
            ("domain-name:value", EXPLOIT_DOMAIN),
            ("domain-name:value", REDIRECT_DOMAIN),
            ("email-addr:value", ATTACKER_EMAIL),
            ("process:name", PEGASUS_PROCESS),
            ("process:name", TRUNCATED_PROCESS),
            ("file:name", PEGASUS_FILE),
        ],
        PREDATOR: [("configuration-profile:id", PREDATOR_PROFILE)],
    }


def write_indicators(path: Path) -> Path:
    """A STIX 2.1 bundle of the planted indicators, each tied to its malware."""
    return _write_bundle(path, indicator_values())


def _write_bundle(path: Path, values_by_malware: dict[str, list[tuple[str, str]]]) -> Path:
    objects: list[dict[str, object]] = []
    created = "2021-07-18T00:00:00.000Z"
    for m, (malware, values) in enumerate(values_by_malware.items()):
        malware_id = f"malware--00000000-0000-4000-8000-{m:012d}"
        objects.append(
            {
                "type": "malware",
                "spec_version": "2.1",
                "id": malware_id,
                "created": created,
                "modified": created,
                "name": malware,
                "is_family": False,
            }
        )
        for i, (object_path, value) in enumerate(values):
            indicator_id = f"indicator--00000000-0000-4000-8{m:03d}-{i:012d}"
            objects.append(
                {
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": indicator_id,
                    "created": created,
                    "modified": created,
                    "valid_from": created,
                    "pattern": f"[{object_path}='{value}']",
                    "pattern_type": "stix",
                    "indicator_types": ["malicious-activity"],
                }
            )
            objects.append(
                {
                    "type": "relationship",
                    "spec_version": "2.1",
                    "id": f"relationship--00000000-0000-4000-8{m:03d}-{i:012d}",
                    "created": created,
                    "modified": created,
                    "relationship_type": "indicates",
                    "source_ref": indicator_id,
                    "target_ref": malware_id,
                }
            )
    bundle = {
        "type": "bundle",
        "id": "bundle--00000000-0000-4000-8000-000000000000",
        "objects": objects,
    }
    path.write_text(json.dumps(bundle, indent=1))
    return path


STALKERWARE = "Stalkerware (planted)"


def androidqf_files(directory: Path, *, files: int = 200_000, planted: int = 20) -> Scenario:
    """An androidqf folder whose files.json lists `files` files, `planted` of them with an
    indicator's SHA-256 (as androidqf's files module writes them), plus its usual companions."""
    from spytrace.testkit.android import PIXEL_PROPS, getprop_text
    from spytrace.testkit.android import acquisition_json as acquisition

    directory.mkdir(parents=True, exist_ok=True)
    every = max(files // max(planted, 1), 1)
    bad = [hashlib.sha256(f"planted {n}".encode()).hexdigest() for n in range(planted)]
    with (directory / "files.json").open("w") as handle:
        handle.write("[")
        for i in range(files):
            slot = i // every if i % every == every - 1 else None
            sha = (
                bad[slot]
                if slot is not None and slot < planted
                else (hashlib.sha256(str(i).encode()).hexdigest())
            )
            entry = {
                "path": f"/sdcard/DCIM/Camera/folder{i % 300}/IMG_{i:07d}.jpg",
                "size": 1000 + i, "mode": "-rw-rw----", "user_id": 10123, "user_name": "u0_a123",
                "group_id": 1015, "group_name": "sdcard_rw", "changed_time": 1700000000 + i,
                "modified_time": 1700000000 + i, "access_time": 1700000000 + i, "error": "",
                "context": "u:object_r:media_rw_data_file:s0", "sha1": "", "sha256": sha,
                "sha512": "", "md5": "",
            }  # fmt: skip
            handle.write(("," if i else "") + json.dumps(entry, separators=(",", ":")))
        handle.write("]")
    (directory / "acquisition.json").write_bytes(acquisition())
    (directory / "getprop.txt").write_text(getprop_text(PIXEL_PROPS))
    (directory / "packages.json").write_text("[]")
    indicators = _write_bundle(
        directory.parent / f"{directory.name}-indicators.stix2",
        {STALKERWARE: [("file:hashes.sha256", sha) for sha in bad]},
    )
    found = tuple(Planted("android_files", "ioc", sha, STALKERWARE) for sha in bad)
    return _recorded(Scenario(directory, indicators, found), directory.parent)


PLANTED = "planted.json"


def _recorded(scenario: Scenario, directory: Path) -> Scenario:
    """The scenario, with its planted traces written beside it for later runs to check."""
    document = {
        "path": str(scenario.path),
        "indicators": str(scenario.indicators),
        "password": scenario.password,
        "planted": [[p.artifact, p.kind, p.value, p.malware] for p in scenario.planted],
    }
    (directory / PLANTED).write_text(json.dumps(document, indent=1))
    return scenario


def load_scenario(directory: Path) -> Scenario | None:
    """A scenario built earlier into `directory`, or None if there is none."""
    try:
        document = json.loads((directory / PLANTED).read_text())
    except (OSError, ValueError):
        return None
    return Scenario(
        Path(document["path"]),
        Path(document["indicators"]),
        tuple(Planted(*p) for p in document["planted"]),
        document.get("password"),
    )
