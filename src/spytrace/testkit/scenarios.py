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
import uuid as uuidlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from spytrace.model import EvidenceFile
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
) -> list[Planted]:
    sms, planted = _sms_db(work, count, link_every, infected)
    backup.add_evidence(sms)
    return planted


def _sms_db(
    work: Path, count: int, link_every: int, infected: bool, logical_path: str | None = None
) -> tuple[EvidenceFile, list[Planted]]:
    """sms.db with `count` messages (streamed: a million rows need no list), one in
    `link_every` linking to a Pegasus exploit domain, and the attacker's iMessage."""
    sms = SmsDb(work, logical_path=logical_path)
    friend = sms.add_handle("+15555550123")

    def rows() -> Iterator[dict[str, object]]:
        for number in range(count):
            linked = infected and number % link_every == link_every - 1
            text = (
                f"Your parcel is waiting: https://{EXPLOIT_DOMAIN}/{number:05d}"
                if linked
                else f"See you at {number % 12 + 1} - https://news.example.org/item/{number}"
            )
            yield {
                "handle_id": friend,
                "text": text,
                "date": cocoa_nanos(START + timedelta(minutes=number)),
                "is_from_me": number % 2,
                "service": "iMessage",
            }

    sms.add_messages(rows())
    linked = count // link_every if infected else 0
    planted = [Planted("sms", "ioc", EXPLOIT_DOMAIN, PEGASUS)] * linked
    if infected:
        attacker = sms.add_handle(ATTACKER_EMAIL)
        sms.add_message(handle_id=attacker, text="", date=cocoa_nanos(START), service="iMessage")
        planted.append(Planted("sms", "ioc", ATTACKER_EMAIL, PEGASUS))
    return sms.build(), planted


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


def androidqf_files(
    directory: Path, *, files: int = 200_000, planted: int = 20, infected: bool = True
) -> Scenario:
    """An androidqf folder whose files.json lists `files` files, `planted` of them with an
    indicator's SHA-256 (as androidqf's files module writes them), plus its usual companions.
    With `infected=False`, the clean twin: the same indicators, no file carrying one."""
    from spytrace.testkit.android import PIXEL_PROPS, getprop_text
    from spytrace.testkit.android import acquisition_json as acquisition

    directory.mkdir(parents=True, exist_ok=True)
    every = max(files // max(planted, 1), 1)
    bad = [hashlib.sha256(f"planted {n}".encode()).hexdigest() for n in range(planted)]
    slots = {every * (n + 1) - 1: {"sha256": sha} for n, sha in enumerate(bad)} if infected else {}
    slots = {i: entry for i, entry in slots.items() if i < files}
    _files_json(directory / "files.json", files, slots)
    (directory / "acquisition.json").write_bytes(acquisition())
    (directory / "getprop.txt").write_text(getprop_text(PIXEL_PROPS))
    (directory / "packages.json").write_text("[]")
    indicators = _write_bundle(
        directory.parent / f"{directory.name}-indicators.stix2",
        {STALKERWARE: [("file:hashes.sha256", sha) for sha in bad]},
    )
    found = tuple(
        Planted("android_files", "ioc", str(entry["sha256"]), STALKERWARE)
        for entry in slots.values()
    )
    return _recorded(Scenario(directory, indicators, found), directory.parent)


def _files_json(path: Path, files: int, special: Mapping[int, Mapping[str, object]]) -> None:
    """files.json as androidqf's files module writes it (one JSON array of FileInfo), streamed:
    `files` camera pictures, entry i taking the fields `special[i]` gives instead."""
    with path.open("w") as handle:
        handle.write("[")
        for i in range(files):
            entry: dict[str, object] = {
                "path": f"/sdcard/DCIM/Camera/folder{i % 300}/IMG_{i:07d}.jpg",
                "size": 1000 + i, "mode": "-rw-rw----", "user_id": 10123, "user_name": "u0_a123",
                "group_id": 1015, "group_name": "sdcard_rw", "changed_time": 1700000000 + i,
                "modified_time": 1700000000 + i, "access_time": 1700000000 + i, "error": "",
                "context": "u:object_r:media_rw_data_file:s0", "sha1": "",
                "sha256": hashlib.sha256(str(i).encode()).hexdigest(), "sha512": "", "md5": "",
            }  # fmt: skip
            entry.update(special.get(i, {}))
            handle.write(("," if i else "") + json.dumps(entry, separators=(",", ":")))
        handle.write("]")


# -- iOS filesystem dumps and sysdiagnoses ----------------------------------------------------

# Where Pegasus staged its binaries (Amnesty's forensic methodology report, 2021).
STAGING = "private/var/db/com.apple.xpc.roleaccountd.staging"
MACH_O = b"\xcf\xfa\xed\xfe"  # a 64-bit Mach-O's first bytes


def pegasus_fs(
    directory: Path,
    *,
    infected: bool = True,
    messages: int = 40,
    link_every: int = 1000,
    files: int = 0,
    archive: bool = False,
) -> Scenario:
    """A full filesystem dump of a Pegasus-like iPhone (folder, or tar.gz with `archive`).

    Messages link to a Pegasus exploit domain (as in `pegasus_backup`); an executable named
    like a Pegasus process lies in roleaccountd's staging folder; netusage.sqlite names
    Pegasus processes; `files` ordinary photos fill the media folder.
    """
    from spytrace.testkit.ios_fs import FsDump, NetUsageDb

    directory.mkdir(parents=True, exist_ok=True)
    work = directory / "parts"
    work.mkdir(exist_ok=True)
    dump = FsDump(directory)
    sms_path = "private/var/mobile/Library/SMS/sms.db"
    sms, planted = _sms_db(work, messages, link_every, infected, logical_path=sms_path)
    dump.place(sms_path, sms)
    usage = NetUsageDb(work)
    day = START - timedelta(days=30)
    usage.add_process("mobilesafari", bundle_id="com.apple.mobilesafari", first=day, last=START)
    usage.add_process("MobileSMS", bundle_id="com.apple.MobileSMS", first=day, last=START)
    if infected:
        usage.add_process(PEGASUS_PROCESS, first=START, last=START + timedelta(hours=2))
        planted.append(Planted("netusage", "ioc", PEGASUS_PROCESS, PEGASUS))
        dump.add(f"{STAGING}/{PEGASUS_PROCESS}", MACH_O, mode=0o755, mtime=START)
        planted.append(Planted("filesystem", "ioc", PEGASUS_PROCESS, PEGASUS))
        planted.append(Planted("filesystem", "heuristic", "crash_unusual_path"))
    dump.place(NetUsageDb.LOGICAL_PATH, usage.build())
    dump.folder(STAGING)
    for number in range(files):
        dump.add(f"private/var/mobile/Media/DCIM/{100 + number // 1000}APPLE/IMG_{number:07d}.JPG")
    dump.touch_tree()
    path = dump.tar("dump.tar.gz", "w:gz") if archive else dump.base
    if archive:
        shutil.rmtree(dump.base)
    shutil.rmtree(work)
    indicators = write_indicators(directory / "indicators.stix2")
    return _recorded(Scenario(path, indicators, tuple(planted)), directory)


def pegasus_sysdiagnose(
    directory: Path,
    *,
    infected: bool = True,
    reboots: int = 2,
    crashes: int = 1,
    processes: int = 0,
) -> Scenario:
    """A sysdiagnose archive of a Pegasus-like iPhone: a process running from roleaccountd's
    staging folder held up a reboot (shutdown.log) and was running when it was taken (ps);
    `reboots` ordinary reboots, `crashes` ordinary crash reports, `processes` more apps."""
    from spytrace.testkit.sysdiagnose import (
        CLEAN_PROCESSES,
        Reboot,
        Sysdiagnose,
        crash_body,
        crash_header,
    )

    directory.mkdir(parents=True, exist_ok=True)
    diag = Sysdiagnose(directory).standard()
    staged = f"/{STAGING}/{PEGASUS_PROCESS}"
    first = diag.when - timedelta(days=reboots + 1)
    history = [
        Reboot(first + timedelta(days=n), [[(70, "/usr/libexec/locationd")]])
        for n in range(reboots)
    ]
    running = list(CLEAN_PROCESSES)
    running += [
        ("mobile", 501, 1000 + n, 1,
         f"/private/var/containers/Bundle/Application/{_uuid(n)}/App{n}.app/App{n}")
        for n in range(processes)
    ]  # fmt: skip
    planted: list[Planted] = []
    if infected:
        history.append(Reboot(diag.when - timedelta(hours=12), [[(412, staged)]]))
        running.append(("root", 0, 412, 1, staged))
        planted += [
            Planted("shutdown_log", "ioc", PEGASUS_PROCESS, PEGASUS),
            Planted("shutdown_log", "heuristic", "shutdown_sticky_process"),
            Planted("ps", "ioc", PEGASUS_PROCESS, PEGASUS),
            Planted("ps", "heuristic", "crash_unusual_path"),
        ]
    diag.shutdown_log(history)
    diag.ps(running)
    for n in range(crashes):
        when = first + timedelta(hours=n)
        binary = "/System/Library/CoreServices/SpringBoard.app/SpringBoard"
        diag.crash(
            f"SpringBoard-{when:%Y-%m-%d-%H%M%S}-{n}.ips",
            crash_header("SpringBoard", when),
            crash_body("SpringBoard", binary, pid=35),
        )
    path = diag.build_tar()
    shutil.rmtree(diag.root)
    indicators = write_indicators(directory / "indicators.stix2")
    return _recorded(Scenario(path, indicators, tuple(planted)), directory)


def _uuid(number: int) -> str:
    return str(uuidlib.UUID(int=number + 1, version=4)).upper()


# -- Android -----------------------------------------------------------------------------------

# Public values: TheTruthSpy's package, signing certificate, website and a sample's SHA-256
# (Echap stalkerware-indicators ioc.yaml and samples.csv); a property and a dropped file of
# the 2023 mercenary campaign (Amnesty, 2023-03-29_android_campaign/malware.stix2).
THETRUTHSPY = "TheTruthSpy"
CAMPAIGN = "MercenarySpywareCampaign"
SPY_APP = "com.systemservice"
SPY_CERT = "31A6ECECD97CF39BC4126B8745CD94A7C30BF81C"
SPY_DOMAIN = "thetruthspy.com"
SPY_SAMPLE = "00b776ef565563d510b9eb428d7dddd52e8edf3bd3c38947a88cd9d7d637c874"
SPY_PROPERTY = "sys.brand.note"
DROPPED_FILE = "/data/local/tmp/dropbox"


def android_indicator_values() -> dict[str, list[tuple[str, str]]]:
    """Malware -> (STIX object path, value) of every indicator the Android scenarios plant."""
    return {
        THETRUTHSPY: [
            ("app:id", SPY_APP),
            ("app:cert.sha1", SPY_CERT),
            ("domain-name:value", SPY_DOMAIN),
            ("file:hashes.sha256", SPY_SAMPLE),
        ],
        CAMPAIGN: [("android-property:name", SPY_PROPERTY), ("file:path", DROPPED_FILE)],
    }


def write_android_indicators(path: Path) -> Path:
    return _write_bundle(path, android_indicator_values())


def _props(infected: bool) -> dict[str, str]:
    from spytrace.testkit.android import PIXEL_PROPS

    return {**PIXEL_PROPS, **({SPY_PROPERTY: "1"} if infected else {})}


def stalkerware_bugreport(
    directory: Path, *, infected: bool = True, packages: int = 20
) -> Scenario:
    """A bugreport zip of a Pixel with TheTruthSpy installed outside Play (no installer) and
    its accessibility service enabled, and the campaign's system property set; `packages`
    ordinary apps from Play."""
    from spytrace.testkit.android import (
        Pkg,
        accessibility_android14,
        dumpstate,
        package_dump_android14,
        service,
        write_bugreport,
    )

    directory.mkdir(parents=True, exist_ok=True)
    apps = [Pkg(f"com.example.app{n:05d}", app_id=10300 + n) for n in range(packages)]
    watchers: list[str] = []
    planted: list[Planted] = []
    if infected:
        apps.append(Pkg(SPY_APP, installer=None, app_id=10299))
        watchers.append(f"{SPY_APP}/{SPY_APP}.Watcher")
        planted += [
            Planted("dumpsys_package", "ioc", SPY_APP, THETRUTHSPY),
            Planted("dumpsys_package", "heuristic", "android_sideloaded"),
            Planted("dumpsys_accessibility", "heuristic", "android_accessibility_abuse"),
            Planted("android_properties", "ioc", SPY_PROPERTY, CAMPAIGN),
        ]
    text = dumpstate(
        _props(infected),
        [
            service("package", package_dump_android14(apps)),
            service("accessibility", accessibility_android14(watchers, len(watchers) + 1)),
        ],
    )
    path = write_bugreport(directory / "bugreport.zip", text)
    indicators = write_android_indicators(directory / "indicators.stix2")
    return _recorded(Scenario(path, indicators, tuple(planted)), directory)


def stalkerware_androidqf(
    directory: Path, *, infected: bool = True, files: int = 20, packages: int = 20
) -> Scenario:
    """An androidqf folder of a Pixel with TheTruthSpy installed from an APK (its package,
    certificate and a sample's hash), a file dropped in /data/local/tmp and the campaign's
    system property; `files` pictures in files.json and `packages` apps from Play."""
    from spytrace.testkit.android import acquisition_json, apk_file, getprop_text, package_entry

    folder = directory / "androidqf"
    folder.mkdir(parents=True, exist_ok=True)
    files = max(files, 2)
    apps = [
        package_entry(f"com.example.app{n:05d}", [_apk(apk_file, f"com.example.app{n:05d}")])
        for n in range(packages)
    ]
    special: dict[int, dict[str, object]] = {}
    planted: list[Planted] = []
    if infected:
        apk = _apk(apk_file, SPY_APP, cert_sha1=SPY_CERT)
        apps.append(package_entry(SPY_APP, [apk], installer="null", uid=10299))
        special[files // 2] = {"path": "/sdcard/Download/update.apk", "sha256": SPY_SAMPLE}
        special[files - 1] = {"path": DROPPED_FILE, "mode": "-rwxr-xr-x", "user_name": "shell",
                              "context": "u:object_r:shell_data_file:s0"}  # fmt: skip
        planted += [
            Planted("androidqf_packages", "ioc", SPY_APP, THETRUTHSPY),
            Planted("androidqf_packages", "ioc", SPY_CERT, THETRUTHSPY),
            Planted("androidqf_packages", "heuristic", "android_sideloaded"),
            Planted("android_files", "ioc", SPY_SAMPLE, THETRUTHSPY),
            Planted("android_files", "ioc", DROPPED_FILE, CAMPAIGN),
            Planted("android_files", "heuristic", "android_tmp_files"),
            Planted("android_properties", "ioc", SPY_PROPERTY, CAMPAIGN),
        ]
    _files_json(folder / "files.json", files, special)
    (folder / "packages.json").write_text(json.dumps(apps, indent=1))
    (folder / "getprop.txt").write_text(getprop_text(_props(infected)))
    (folder / "acquisition.json").write_bytes(acquisition_json())
    indicators = write_android_indicators(directory / "indicators.stix2")
    return _recorded(Scenario(folder, indicators, tuple(planted)), directory)


def _apk(
    apk_file: Callable[..., dict[str, object]], package: str, cert_sha1: str = ""
) -> dict[str, object]:
    digest = hashlib.sha256(package.encode())
    return apk_file(
        f"/data/app/~~{digest.hexdigest()[:22]}==/{package}-1/base.apk",
        digest.hexdigest(),
        cert_sha1 or hashlib.sha1(package.encode()).hexdigest().upper(),
        cert_sha256=hashlib.sha256(b"cert " + package.encode()).hexdigest(),
        md5=hashlib.md5(package.encode()).hexdigest(),
    )


def stalkerware_adb_backup(
    directory: Path,
    *,
    infected: bool = True,
    password: str | None = None,
    messages: int = 20,
    rounds: int = 10_000,
) -> Scenario:
    """An `adb backup` file (.ab; AES-256 with `password`, PBKDF2 `rounds`) whose SMS backup
    holds `messages` texts, one of them (if infected) a link to TheTruthSpy's website."""
    from spytrace.testkit.android import SMS_MEMBER, sms_backup, write_ab

    directory.mkdir(parents=True, exist_ok=True)
    sent = 1714600000000

    def text(n: int) -> dict[str, str]:
        body = f"See you at {n % 12 + 1} - https://news.example.org/item/{n}"
        if infected and n == messages // 2:
            body = f"Install the update: https://{SPY_DOMAIN}/download"
        return {"address": "+15550001111", "body": body, "date": str(sent + n * 60_000),
                "type": str(1 + n % 2)}  # fmt: skip

    members = {SMS_MEMBER: sms_backup([text(n) for n in range(max(messages, 1))])}
    path = write_ab(directory / "backup.ab", members, password=password, rounds=rounds)
    planted = (Planted("android_sms_backup", "ioc", SPY_DOMAIN, THETRUTHSPY),) if infected else ()
    indicators = write_android_indicators(directory / "indicators.stix2")
    return _recorded(Scenario(path, indicators, planted, password), directory)


# -- any indicator value, planted where a phone keeps that kind of value ------------------------

IOS_KINDS = frozenset({"domain", "url", "ip", "email", "process", "profile_id"})
ANDROID_KINDS = frozenset(
    {"file_path", "file_name", "file_hash", "cert_hash", "app_id", "android_property"}
)


def holding(directory: Path, values: Iterable[tuple[str, str]]) -> list[Path]:
    """Acquisitions in which each (observable kind, value) is seen once, as a device records
    it: an iPhone backup for network values, processes and profiles (Safari visits, iMessage
    handles, DataUsage rows, profile stubs), an androidqf folder for files, hashes, apps,
    certificates and properties (files.json, packages.json, getprop.txt)."""
    wanted: dict[str, dict[str, None]] = {}
    for kind, value in values:
        if kind not in IOS_KINDS | ANDROID_KINDS:
            raise ValueError(f"no place to plant a {kind} value")
        wanted.setdefault(kind, {})[value] = None
    ios = {k: list(v) for k, v in wanted.items() if k in IOS_KINDS}
    android = {k: list(v) for k, v in wanted.items() if k in ANDROID_KINDS}
    built = []
    if ios:
        built.append(_ios_holding(directory / "ios", ios))
    if android:
        built.append(_android_holding(directory / "android", android))
    return built


def _ios_holding(directory: Path, values: dict[str, list[str]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    work = directory / "parts"
    work.mkdir(exist_ok=True)
    backup = BackupBuilder(directory)
    history = SafariHistoryDb(work)
    links = [*(f"https://{host}/spytrace-selftest" for host in values.get("domain", [])),
             *(u if "://" in u else f"https://{u}" for u in values.get("url", [])),
             *(f"http://[{a}]/" if ":" in a else f"http://{a}/" for a in values.get("ip", []))]  # fmt: skip
    history.add_visits((link, cocoa(START), None) for link in links)
    backup.add_evidence(history.build())
    sms = SmsDb(work)
    for address in values.get("email", []):
        handle = sms.add_handle(address)
        sms.add_message(handle_id=handle, text="", date=cocoa_nanos(START), service="iMessage")
    backup.add_evidence(sms.build())
    usage = DataUsageDb(work)
    for process in values.get("process", []):
        usage.add_process(process, first=START, last=START)
    backup.add_evidence(usage.build())
    for uuid in values.get("profile_id", []):
        name = hashlib.sha1(uuid.encode()).hexdigest()
        stub = profile_stub(work, identifier=f"selftest.{name}", uuid=uuid,
                            file_name=f"profile-{name}.stub")  # fmt: skip
        backup.add_evidence(stub)
    path = backup.build()
    shutil.rmtree(work)
    return path


def _android_holding(directory: Path, values: dict[str, list[str]]) -> Path:
    from spytrace.testkit.android import (
        PIXEL_PROPS,
        acquisition_json,
        apk_file,
        getprop_text,
        package_entry,
    )

    directory.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, object]] = []
    for path in values.get("file_path", []):
        entries.append({"path": path if path.startswith("/") else f"/sdcard/{path}"})
    for name in values.get("file_name", []):
        entries.append({"path": f"/sdcard/Download/{name}"})
    hash_fields = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
    for digest in values.get("file_hash", []):
        field = hash_fields.get(len(digest.strip()), "sha256")
        entries.append({"path": f"/sdcard/Download/{digest[:12]}.apk", field: digest})
    _files_json(directory / "files.json", len(entries), dict(enumerate(entries)))
    cert_fields = {32: "Md5", 40: "Sha1", 64: "Sha256"}
    packages = [package_entry(app, [_apk(apk_file, app)]) for app in values.get("app_id", [])]
    for n, cert in enumerate(values.get("cert_hash", [])):
        apk = _apk(apk_file, f"org.selftest.cert{n}")
        certificate = apk["certificate"]
        if isinstance(certificate, dict):
            certificate[cert_fields.get(len(cert.strip()), "Sha256")] = cert
        packages.append(package_entry(f"org.selftest.cert{n}", [apk]))
    (directory / "packages.json").write_text(json.dumps(packages, indent=1))
    props = {**PIXEL_PROPS, **dict.fromkeys(values.get("android_property", []), "1")}
    (directory / "getprop.txt").write_text(getprop_text(props))
    (directory / "acquisition.json").write_bytes(acquisition_json())
    return directory


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
