"""Android fixtures in the layouts phones and tools really write.

- dumpsys sections: text modelled line for line on real `dumpsys` output of Android 10
  (Samsung A10, as in MVT's published test data) and Android 14/15 (Pixel, AOSP emulator),
  one function per service and variant;
- bugreports: a zip or folder with `main_entry.txt`, the dumpstate text (`== dumpstate:`
  header, `------ SYSTEM PROPERTIES (getprop) ------`, `DUMP OF SERVICE x:` sections with
  their separators and duration lines) and `FS/...` members;
- androidqf acquisitions: folders and zips with acquisition.json, packages.json,
  getprop.txt, dumpsys.txt, files.json (array or JSON lines), processes, settings_*.txt,
  root_binaries.json, mounts.json, selinux.txt, and nested bugreport.zip / backup.ab;
- adb backups (.ab): plain, compressed or AES-256 encrypted, written the way Android's
  BackupManagerService writes them (PBKDF2 with the signed-char checksum quirk).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from spytrace.model import EvidenceFile
from spytrace.sources.android_backup_crypto import checksum_input, password_bytes

SEPARATOR = "-" * 79


def evidence(tmp: Path, logical: str, data: bytes | str) -> EvidenceFile:
    """One file as a parser receives it, under its logical path."""
    path = tmp / logical.replace("/", "_")
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return EvidenceFile(logical, path)


# -- dumpstate / dumpsys text ------------------------------------------------------------


def service(name: str, body: str, ending: str = "2024-05-02 10:00:05") -> str:
    """One `DUMP OF SERVICE` section as cmds/dumpsys frames it."""
    return (
        f"{SEPARATOR}\nDUMP OF SERVICE {name}:\n{body.rstrip()}\n"
        f"--------- 0.012s was the duration of dumpsys {name}, ending at: {ending}\n"
    )


def getprop_text(props: dict[str, str]) -> str:
    return "".join(f"[{k}]: [{v}]\n" for k, v in props.items())


def dumpstate(
    props: dict[str, str],
    services: list[str],
    *,
    taken: str = "2024-05-02 10:00:00",
    processes: str | None = None,
) -> str:
    parts = [
        "========================================================\n",
        f"== dumpstate: {taken}\n",
        "========================================================\n\n",
        "Build: UP1A.231005.007\nBuild fingerprint: "
        f"'{props.get('ro.build.fingerprint', 'google/x/x:14/UP1A/1:user/release-keys')}'\n",
        "Bootloader: slider-1.2-9152140\nRadio: g5123b-116954-230511-B-10112789\n\n",
        "------ SYSTEM PROPERTIES (getprop) ------\n",
        getprop_text(props),
        "------ 0.050s was the duration of 'SYSTEM PROPERTIES' ------\n",
    ]
    if processes is not None:
        parts += [
            "------ PROCESSES AND THREADS (ps -A -T -Z -O pri,nice,rtprio,sched,pcy,time) ------\n",
            processes,
            "------ 0.289s was the duration of 'PROCESSES AND THREADS' ------\n",
        ]
    parts.append("------ DUMPSYS (/system/bin/dumpsys) ------\n")
    parts += services
    parts.append("------ 10.021s was the duration of 'DUMPSYS' ------\n")
    return "".join(parts)


def dumpsys_txt(services: list[str]) -> str:
    """androidqf's dumpsys.txt: the output of a bare `adb shell dumpsys`."""
    return "Currently running services:\n  accessibility\n  package\n" + "".join(services)


PIXEL_PROPS = {
    "ro.product.manufacturer": "Google",
    "ro.product.brand": "google",
    "ro.product.model": "Pixel 7",
    "ro.product.device": "panther",
    "ro.build.version.release": "14",
    "ro.build.version.sdk": "34",
    "ro.build.id": "UP1A.231005.007",
    "ro.build.display.id": "UP1A.231005.007",
    "ro.build.fingerprint": "google/panther/panther:14/UP1A.231005.007/10754064:user/release-keys",
    "ro.build.type": "user",
    "ro.build.tags": "release-keys",
    "ro.build.version.security_patch": "2023-10-05",
    "ro.build.date.utc": "1694563200",
    "persist.sys.timezone": "Europe/Berlin",
    "ro.serialno": "28021FDH2000XY",
    "ro.boot.verifiedbootstate": "green",
    "ro.boot.flash.locked": "1",
    "ro.debuggable": "0",
    "ro.secure": "1",
}


@dataclass
class Pkg:
    """One package as dumpsys package prints it."""

    name: str
    version_code: int = 1
    version_name: str = "1.0"
    system: bool = False
    installer: str | None = "com.android.vending"
    initiating: str | None = None
    originating: str | None = None
    source: int = 2
    first_install: str = "2024-04-01 09:30:00"
    last_update: str = "2024-04-01 09:30:00"
    requested: list[str] = field(default_factory=list)
    install_granted: list[str] = field(default_factory=list)
    runtime_granted: list[str] = field(default_factory=list)
    app_id: int = 10234


def package_dump_android10(packages: list[Pkg]) -> str:
    """dumpsys package of Android 10: userId=, package-level firstInstallTime."""
    lines = ["Verifiers:", "  Required: com.android.vending (uid=10019)", "", "Packages:"]
    for p in packages:
        flags = "[ SYSTEM HAS_CODE ALLOW_CLEAR_USER_DATA ]" if p.system else \
            "[ HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP ]"  # fmt: skip
        code = f"/system/app/{p.name}" if p.system else f"/data/app/{p.name}-1A2b==/"
        lines += [
            f"  Package [{p.name}] (5d6e7f8):",
            f"    userId={p.app_id}",
            f"    pkg=Package{{254559d {p.name}}}",
            f"    codePath={code.rstrip('/')}",
            f"    resourcePath={code.rstrip('/')}",
            "    primaryCpuAbi=armeabi-v7a",
            f"    versionCode={p.version_code} minSdk=21 targetSdk=29",
            f"    versionName={p.version_name}",
            "    splits=[base]",
            "    apkSigningVersion=2",
            f"    applicationInfo=ApplicationInfo{{46c7a12 {p.name}}}",
            f"    flags={flags}",
            f"    dataDir=/data/user/0/{p.name}",
            f"    timeStamp={p.last_update}",
            f"    firstInstallTime={p.first_install}",
            f"    lastUpdateTime={p.last_update}",
        ]
        if p.installer:
            lines.append(f"    installerPackageName={p.installer}")
        lines += [
            "    signatures=PackageSignatures{b4da5e3 version:2, signatures:[b378e95c], "
            "past signatures:[]}",
            "    installPermissionsFixed=true",
            f"    pkgFlags={flags}",
        ]
        if p.requested:
            lines.append("    requested permissions:")
            lines += [f"      {perm}" for perm in p.requested]
        if p.install_granted:
            lines.append("    install permissions:")
            lines += [f"      {perm}: granted=true" for perm in p.install_granted]
        lines.append(
            "    User 0: ceDataInode=-4294835694 installed=true hidden=false suspended=false "
            "stopped=false notLaunched=false enabled=0 instant=false virtual=false"
        )
        lines.append("      gids=[3002, 1023, 3003]")
        if p.runtime_granted:
            lines.append("      runtime permissions:")
            lines += [
                f"        {perm}: granted=true, flags=[ USER_SET|USER_SENSITIVE_WHEN_GRANTED]"
                for perm in p.runtime_granted
            ]
    return "\n".join(lines) + "\n"


def package_dump_android14(
    packages: list[Pkg], receivers: dict[str, list[str]] | None = None
) -> str:
    """dumpsys package of Android 14/15: appId=, installer triple, per-user firstInstallTime,
    with a Receiver Resolver Table before the package list."""
    lines = ["Receiver Resolver Table:", "  Non-Data Actions:"]
    for action, components in (receivers or {}).items():
        lines.append(f"      {action}:")
        lines += [f"        3b5e1d7 {c} filter 8a9b0c1" for c in components]
    lines += ["", "Packages:"]
    for p in packages:
        flags = "[ SYSTEM HAS_CODE ALLOW_CLEAR_USER_DATA ]" if p.system else \
            "[ HAS_CODE ALLOW_CLEAR_USER_DATA ]"  # fmt: skip
        code = f"/system/priv-app/{p.name}" if p.system else \
            f"/data/app/~~l6tHbjufc==/{p.name}-6UZto2rQ=="  # fmt: skip
        lines += [
            f"  Package [{p.name}] (a5cb7e0):",
            f"    appId={p.app_id}",
            f"    pkg=Package{{6e2f1a8 {p.name}}}",
            f"    codePath={code}",
            f"    resourcePath={code}",
            "    extractNativeLibs=false",
            "    primaryCpuAbi=arm64-v8a",
            f"    versionCode={p.version_code} minSdk=26 targetSdk=34",
            "    minExtensionVersions=[]",
            f"    versionName={p.version_name}",
            "    usesNonSdkApi=false",
            "    splits=[base]",
            "    apkSigningVersion=2",
            f"    flags={flags}",
            "    privateFlags=[ PRIVATE_FLAG_ACTIVITIES_RESIZE_MODE_RESIZEABLE_VIA_SDK_VERSION ]",
            "    forceQueryable=false",
            f"    dataDir=/data/user/0/{p.name}",
            "    supportsScreens=[small, medium, large, xlarge, resizeable, anyDensity]",
            f"    timeStamp={p.last_update}",
            f"    lastUpdateTime={p.last_update}",
            f"    installerPackageName={p.installer or 'null'}",
            f"    installerPackageUid={'10078' if p.installer else '-1'}",
            f"    initiatingPackageName={p.initiating or p.installer or 'null'}",
            f"    originatingPackageName={p.originating or 'null'}",
            f"    packageSource={p.source}",
            "    appMetadataFilePath=null",
            "    signatures=PackageSignatures{4885d69 version:2, signatures:[9cff67fe], "
            "past signatures:[]}",
            "    installPermissionsFixed=true",
            f"    pkgFlags={flags}",
            "    apexModuleName=null",
        ]
        if p.requested:
            lines.append("    requested permissions:")
            lines += [f"      {perm}" for perm in p.requested]
        if p.install_granted:
            lines.append("    install permissions:")
            lines += [f"      {perm}: granted=true" for perm in p.install_granted]
        lines += [
            "    User 0: ceDataInode=16302 deDataInode=0 installed=true hidden=false "
            "suspended=false distractionFlags=0 stopped=false notLaunched=false enabled=0 "
            "instant=false virtual=false quarantined=false",
            "      installReason=0",
            f"      firstInstallTime={p.first_install}",
            "      uninstallReason=0",
            f"      dataDir=/data/user/0/{p.name}",
            "      gids=[3003]",
            "      runtime permissions:",
        ]
        lines += [
            f"        {perm}: granted=true, flags=[ USER_SET|USER_SENSITIVE_WHEN_GRANTED]"
            for perm in p.runtime_granted
        ]
        lines += [
            "        android.permission.CAMERA: granted=false, flags=[ USER_SENSITIVE_WHEN_GRANTED]"
        ]
    lines += ["", "Hidden system packages:", "  Package [com.google.android.youtube] (e1f3c2a):",
              "    appId=10150", "    codePath=/product/app/YouTube", ""]  # fmt: skip
    return "\n".join(lines) + "\n"


def accessibility_android10(installed: list[str], enabled: list[str]) -> str:
    """Up to Android 13: multi-line `installed services: {` blocks."""
    lines = ["ACCESSIBILITY MANAGER (dumpsys accessibility)", "",
             "User state[attributes:{id=0, currentUser=true", "  mIsAutoclickEnabled = false",
             "  }", "  installed services: {"]  # fmt: skip
    lines += [f"    {i} : {c}" for i, c in enumerate(installed)]
    lines += ["  }", "  enabled services: {"]
    lines += [f"    {i} : {c}" for i, c in enumerate(enabled)]
    lines += ["  }", "  binding services: {", "  }", "  bound services:{", "  }",
              "  AccessibilityInputFilter:{", "  }]", ""]  # fmt: skip
    return "\n".join(lines)


def accessibility_android14(enabled: list[str], installed_count: int) -> str:
    """Android 14 and later: one-line `Enabled services:{{...}}`, `installedServiceCount=`."""
    components = ", ".join("{" + c + "}" for c in enabled)
    return "\n".join([
        "ACCESSIBILITY MANAGER (dumpsys accessibility)", "", "currentUserId=0",
        "User state[",
        "     attributes:{id=0, touchExplorationEnabled=false, serviceHandlesDoubleTap=false, "
        f"nonInteractiveUiTimeout=0, interactiveUiTimeout=0, installedServiceCount={installed_count}, "
        "magnificationCapabilities=3}",
        "     shortcut key:{}",
        "     Bound services:{Service[label=Accessibility service, feedbackType[FEEDBACK_SPOKEN], "
        "capabilities=11, eventTypes=TYPES_ALL_MASK, notificationTimeout=1000]}",
        f"     Enabled services:{{{components}}}",
        "     Binding services:{}",
        "     Crashed services:{}",
        "",
    ])  # fmt: skip


APPOPS = """Current AppOps Service state:
  Settings:
    top_state_settle_time=+30s0ms

  Uid 1000:
    state=pers
    Package com.android.settings:
      READ_EXTERNAL_STORAGE (allow):
  Uid u0a234:
    state=cch
      COARSE_LOCATION: mode=ignore
    Package com.example.tracker:
      READ_SMS (allow):
          Access: [fg-s] 2024-04-28 18:05:34.325 (-22d4h22m19s762ms)
          Access: [bg-s] 2024-05-01 22:10:00.000 (-4h50m0s0ms) duration=+33ms
      REQUEST_INSTALL_PACKAGES (allow):
      WRITE_SMS (ignore):
          Reject: [fg-s]2024-04-30 22:02:52.054 (-1d1h25m2s33ms)
"""

BATTERY = """Battery History (0% used, 2720 used of 4096KB, 31 strings using 2694):
                    0 (19) RESET:TIME: 2024-04-30-17-30-01
                    0 (2) 100 status=discharging health=good plug=none top=u0a44:"com.google.android.apps.nexuslauncher"
            +47s645ms (2) 100 +job=u0a234:"com.example.tracker/.SyncJob"
            +48s000ms (2) 100 -job=u0a234:"com.example.tracker/.SyncJob"
       +1h26m18s315ms (2) 095 +top=u0a280:"com.whatsapp"
       +1h30m00s000ms (2) 095 pkgunin=u0a301:"com.example.gone"

Per-PID Stats:
  PID 1234 wake time: +1s0ms

Daily stats:
  Current start time: 2024-05-02-03-00-00
  Next min deadline: 2024-05-03-01-00-00
  Next max deadline: 2024-05-03-03-00-00
  Current daily steps:
    Discharge total time: 17h 22m 21s 0ms  (from 31 steps)
    Package changes:
      Update com.example.tracker vers=12
  Daily from 2024-04-30-03-00-00 to 2024-05-01-03-00-00:
    Discharge total time: 1d 1h 0m 0s 0ms  (from 12 steps)
    Package changes:
      Update com.example.tracker vers=15
      Uninstall com.example.gone
      Update com.whatsapp vers=0
"""

DBINFO = """Applications Database Info:

** Database info for pid 8817 [com.example.tracker] **

  Attached db: false
Connection pool for /data/user/0/com.example.tracker/databases/upload.db:
  Open: true
  Max connections: 1
  Available primary connection:
    Connection #0:
      isPrimaryConnection: true
      Most recently executed operations:
        0: [2024-05-01 21:44:10.097] [Pid:(8817)]executeForCursorWindow took 2ms - succeeded, sql="SELECT body FROM queue", path=/data/user/0/com.example.tracker/databases/upload.db
        1: [2024-05-01 21:44:09.096] [Pid:(0)]executeForLong took 0ms - succeeded, sql="PRAGMA page_size;", path=/data/user/0/com.example.tracker/databases/upload.db
"""

PLATFORM_COMPAT = """ChangeId(180326845; name=OVERRIDE_MIN_ASPECT_RATIO_MEDIUM; disabled; overridable)
ChangeId(168419799; name=DOWNSCALED; disabled; packageOverrides={com.example.tracker=false, org.torproject.torbrowser=false}; rawOverrides={org.torproject.torbrowser=false}; overridable)
"""


def device_policy(admins: list[tuple[str, list[str]]], owner: str | None = None) -> str:
    lines = [
        "Current Device Policy Manager state:",
        "  Immutable state:",
        "    mHasFeature=true",
        "",
    ]
    if owner:
        lines += ["  Device Owner:", f"    admin=ComponentInfo{{{owner}}}", "    name=",
                  f"    package={owner.split('/')[0]}", "    isOrganizationOwnedDevice=true",
                  "    User ID: 0", ""]  # fmt: skip
    lines.append("  Enabled Device Admins (User 0, provisioningState: 3):")
    for component, policies in admins:
        lines += [
            f"    {component}:",
            "      uid=10234",
            "      testOnlyAdmin=false",
            "      policies:",
        ]
        lines += [f"        {p}" for p in policies]
    lines += ["    mPasswordOwner=-1", "    mPasswordTokenHandle=0", ""]
    return "\n".join(lines)


def notification_listeners(enabled: list[str], live_system: list[str]) -> str:
    lines = ["Current Notification Manager state:", "  Notification List:", "",
             "  Notification listeners:", "    Allowed notification listeners:"]  # fmt: skip
    lines += [f"      ComponentInfo{{{c}}}" for c in enabled]
    lines.append(f"    All notification listeners ({len(enabled)}) enabled for current profiles:")
    lines += [f"      ComponentInfo{{{c}}}" for c in enabled]
    lines.append(f"    Live notification listeners ({len(enabled) + len(live_system)}):")
    lines += [
        f"      ComponentInfo{{{c}}} (user -1): android.service.notification."
        "INotificationListener$Stub$Proxy@c1d4d0f SYSTEM"
        for c in live_system
    ]
    lines += [
        f"      ComponentInfo{{{c}}} (user 0): android.service.notification."
        "INotificationListener$Stub$Proxy@ca5a77a"
        for c in enabled
    ]
    lines += ["", "  Notification assistant services:", ""]
    return "\n".join(lines)


SETTINGS_DUMP = """GLOBAL SETTINGS (user 0)
_id:2070 name:adb_wifi_enabled pkg:android value:0 default:0 defaultSystemSet:true
_id:9631 name:package_verifier_enable pkg:com.android.vending value:0 default:1 defaultSystemSet:true
\tHistory (package_verifier_enable)
\t\ttime:04-29 11:21:22.212 mode:update oldValue:1 newValue:0 package:com.android.vending
_id:771 name:widget_instance_data pkg:com.android.systemui value:{
  "version": 1,
  "data": []
} defaultSystemSet:true
_id:778 name:global_http_proxy_host pkg:android value:proxy.evil.example

SECURE SETTINGS (user 0)
_id:240 name:accessibility_enabled pkg:android value:1 default:0 defaultSystemSet:true
_id:241 name:enabled_accessibility_services pkg:com.android.settings value:com.example.tracker/com.example.tracker.Watcher
_id:242 name:enabled_notification_listeners pkg:com.android.settings value:com.example.tracker/.NotifyListener:com.google.android.apps.nexuslauncher/com.android.launcher3.notification.NotificationListener

SYSTEM SETTINGS (user 0)
_id:12 name:screen_brightness pkg:android value:102 default:102 defaultSystemSet:true notPreservedInRestore
"""

ALARM_WITH_CLOCK = """Current Alarm Manager state:
  Settings:
    min_futurity=+5s0ms

  nowRTC=1714644005712=2024-05-02 12:00:05.712 nowELAPSED=+5d3h0m0s0ms
"""


# -- Android Binary XML ------------------------------------------------------------------


def abx(elements: list[tuple[str, dict[str, object]]]) -> bytes:
    """An ABX document (BinaryXmlSerializer) with these elements, each closed at once."""
    out = bytearray(b"ABX\x00")
    pool: list[str] = []

    def interned(text: str) -> None:
        if text in pool:
            out.extend(struct.pack(">H", pool.index(text)))
        else:
            pool.append(text)
            raw = text.encode()
            out.extend(struct.pack(">HH", 0xFFFF, len(raw)) + raw)

    out.append(0x10 | 0)  # START_DOCUMENT, null
    out.append(0x30 | 2)  # START_TAG keyStore
    interned("keyStore")
    out.append(0x60 | 15)
    interned("version")
    out.extend(struct.pack(">i", 1))
    for tag, attributes in elements:
        out.append(0x30 | 2)
        interned(tag)
        for name, value in attributes.items():
            if isinstance(value, int):
                out.append(0x80 | 15)  # long
                interned(name)
                out.extend(struct.pack(">q", value))
            else:
                raw = str(value).encode()
                out.append(0x20 | 15)  # string
                interned(name)
                out.extend(struct.pack(">H", len(raw)) + raw)
        out.append(0x30 | 3)
        interned(tag)
    out.append(0x30 | 3)
    interned("keyStore")
    out.append(0x10 | 1)  # END_DOCUMENT
    return bytes(out)


def adb_dump(keys: list[tuple[str, str, int]], *, binary: bool) -> bytes:
    """dumpsys adb of Android 11+ (DualDumpOutputStream text): user_keys then keystore."""
    user_keys = "\n".join(f"{k} {c}" for k, c, _ in keys)
    head = (
        "ADB MANAGER STATE (dumpsys adb):\n{\n  debugging_manager={\n    connected_to_adb=true\n"
        f"    user_keys={user_keys}\n\n    keystore="
    ).encode()
    if binary:
        store = abx([("adbKey", {"key": f"{k} {c}", "lastConnection": t}) for k, c, t in keys])
    else:
        store = (
            "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<keyStore version=\"1\">\n"
            + "".join(f'<adbKey key="{k} {c}" lastConnection="{t}" />\n' for k, c, t in keys)
            + "</keyStore>\n"
        ).encode()
    return head + store + b"\n  }\n}\n"


def adb_key(seed: str) -> str:
    """A syntactically real adb public key: base64 of a 524-byte RSA key structure."""
    import base64

    body = struct.pack("<I", 64) + hashlib.sha256(seed.encode()).digest() * 16 + b"\x00" * 8
    return base64.b64encode(body[:524].ljust(524, b"\x01")).decode()


# -- bugreport -----------------------------------------------------------------------------

BUGREPORT_ENTRY = "bugreport-panther-UP1A.231005.007-2024-05-02-10-00-00.txt"

TOMBSTONE_TEXT = """*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***
Build fingerprint: 'google/panther/panther:14/UP1A.231005.007/10754064:user/release-keys'
Revision: 'MP1.0'
ABI: 'arm64'
Timestamp: 2024-05-01 23:43:49.123456789+0200
Process uptime: 12s
Cmdline: /system/bin/mediaserver
pid: 9850, tid: 9893, name: Binder:9850_2  >>> /system/bin/mediaserver <<<
uid: 1013
signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0000000000000010
Cause: null pointer dereference
    x0  0000000000000000  x1  0000007fc1f2e8a0  x2  0000000000000010  x3  0000000000000000

backtrace:
      #00 pc 00000000000a1b2c  /system/lib64/libstagefright.so (BuildId: 3645b175977ae210c156a57b25dfa599)
"""


def protobuf_tombstone(*, pid: int, tid: int, uid: int, command: list[str], thread: str,
                       timestamp: str, signal: tuple[int, str]) -> bytes:  # fmt: skip
    """A Tombstone message (debuggerd tombstone.proto) in protobuf wire format."""

    def varint(value: int) -> bytes:
        out = bytearray()
        while True:
            byte = value & 0x7F
            value >>= 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                return bytes(out)

    def field_bytes(number: int, data: bytes) -> bytes:
        return varint(number << 3 | 2) + varint(len(data)) + data

    def field_int(number: int, value: int) -> bytes:
        return varint(number << 3) + varint(value)

    message = field_int(1, 3)  # arch ARM64
    message += field_bytes(
        2, b"google/panther/panther:14/UP1A.231005.007/10754064:user/release-keys"
    )
    message += field_bytes(4, timestamp.encode())
    message += field_int(5, pid) + field_int(6, tid) + field_int(7, uid)
    message += field_bytes(8, b"u:r:untrusted_app:s0:c512,c768")
    for part in command:
        message += field_bytes(9, part.encode())
    message += field_bytes(10, field_int(1, signal[0]) + field_bytes(2, signal[1].encode()))
    thread_message = field_int(1, tid) + field_bytes(2, thread.encode())
    message += field_bytes(16, field_int(1, tid) + field_bytes(2, thread_message))
    return message


def write_bugreport(
    path: Path,
    dumpstate_text: str,
    extra: dict[str, bytes] | None = None,
    *,
    folder: bool = False,
    entry: str = BUGREPORT_ENTRY,
) -> Path:
    members = {
        "main_entry.txt": entry.encode(),
        "version.txt": b"2.0",
        entry: dumpstate_text.encode(),
    }
    members.update(extra or {})
    return write_tree(path, members, folder=folder)


def write_tree(path: Path, members: dict[str, bytes], *, folder: bool, top: str = "") -> Path:
    """Members as a folder, or as a zip (optionally all under one top folder)."""
    if folder:
        for name, data in members.items():
            target = path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return path
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(top + name, data)
    return path


# -- androidqf -------------------------------------------------------------------------------


def apk_file(
    path: str, sha256: str, cert_sha1: str, cert_sha256: str = "", md5: str = ""
) -> dict[str, Any]:
    """One entry of a package's `files` in packages.json (adb/packages.go PackageFile)."""
    return {
        "path": path, "local_name": "", "md5": md5 or "5870bd06e642de410c54705226ecfa9a",
        "sha1": "6cb06e9ab5619345f930c2b2096b4dd013a10ec9", "sha256": sha256,
        "sha512": "", "error": "", "verified_certificate": True,
        "certificate": {
            "Md5": "556c6019249bbc0cab70495178d3a9d1", "Sha1": cert_sha1,
            "Sha256": cert_sha256 or "3987d043d10aefaf5a8710b3671418fe57e0e19b653c9df82558feb5ffce5d44",
            "ValidFrom": "2010-06-25T23:07:16Z", "ValidTo": "2044-02-15T23:07:16Z",
            "Issuer": "C=US, O=Example, CN=Example", "Subject": "C=US, O=Example, CN=Example",
            "SignatureAlgorithm": "SHA256-RSA", "SerialNumber": 955466096586930338769951715633687128507538251257,
        },
        "certificate_error": "", "trusted_certificate": False,
    }  # fmt: skip


def package_entry(name: str, files: list[dict[str, Any]], *, installer: str = "com.android.vending",
                  system: bool = False, disabled: bool = False, uid: int = 10234) -> dict[str, Any]:  # fmt: skip
    return {"name": name, "files": files, "installer": installer, "uid": uid,
            "disabled": disabled, "system": system, "third_party": not system}  # fmt: skip


def file_entry(path: str, *, sha256: str = "", mode: str = "-rw-rw----", modified: int = 1714600000) -> dict[str, Any]:  # fmt: skip
    """One files.json entry as adb/collector.go FileInfo marshals it."""
    return {"path": path, "size": 36, "mode": mode, "user_id": 0, "user_name": "",
            "group_id": 1015, "group_name": "", "changed_time": 1550155672,
            "modified_time": modified, "access_time": 1714600100, "error": "",
            "context": "u:object_r:sdcardfs:s0", "sha1": "", "sha256": sha256, "sha512": "",
            "md5": ""}  # fmt: skip


def files_json(entries: list[dict[str, Any]], *, ndjson: bool = False) -> bytes:
    if ndjson:
        return b"".join(json.dumps(e, separators=(",", ":")).encode() + b"\n" for e in entries)
    return json.dumps(entries, separators=(",", ":")).encode()


def acquisition_json(host_key: str = "", started: str = "2024-05-02T10:00:00.123456789Z") -> bytes:
    data = {"uuid": "7b1a5c2e-3f4d-4e5f-8a9b-0c1d2e3f4a5b", "androidqf_version": "1.8.0",
            "storage_path": "/home/analyst/androidqf/7b1a5c2e", "started": started,
            "completed": "2024-05-02T10:12:00.5Z", "collector": None,
            "tmp_dir": "/data/local/tmp/", "sdcard": "/sdcard/", "cpu": "arm64-v8a",
            "streaming_mode": True}  # fmt: skip
    if host_key:
        data["adb_host_public_key"] = host_key
    return json.dumps(data, indent=1).encode()


PS_TXT = """USER           PID  PPID     VSZ    RSS WCHAN            ADDR S NAME
root             1     0   57912   2084 0                   0 S init
root             2     0       0      0 0                   0 S [kthreadd]
u0_a234       4321   612 1234567  89012 0                   0 S com.example.tracker:remote
root           777     1   12345   2345 0                   0 S magiskd
"""


# -- adb backup (.ab) ------------------------------------------------------------------------


def tar_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1714600000
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sms_backup(messages: list[dict[str, Any]]) -> bytes:
    """A telephony provider backup file: a deflated JSON array (TelephonyBackupAgent)."""
    return zlib.compress(json.dumps(messages).encode())


def write_ab(
    path: Path,
    members: dict[str, bytes],
    *,
    compressed: bool = True,
    password: str | None = None,
    version: int = 5,
    rounds: int = 10000,
    master_key: bytes | None = None,
) -> Path:
    """An .ab file as `adb backup` writes it (BackupManagerService / PerformAdbBackupTask)."""
    data = tar_bytes(members)
    if compressed:
        data = zlib.compress(data)
    header = f"ANDROID BACKUP\n{version}\n{1 if compressed else 0}\n".encode()
    if password is None:
        path.write_bytes(header + b"none\n" + data)
        return path
    user_salt, ck_salt = os.urandom(64), os.urandom(64)
    user_iv, master_iv = os.urandom(16), os.urandom(16)
    key = master_key or os.urandom(32)
    user_key = hashlib.pbkdf2_hmac("sha1", password_bytes(password, version), user_salt, rounds, 32)
    checksum = hashlib.pbkdf2_hmac("sha1", checksum_input(key, version), ck_salt, rounds, 32)
    blob = bytes([16]) + master_iv + bytes([32]) + key + bytes([len(checksum)]) + checksum
    encrypted_blob = _encrypt(user_key, user_iv, blob)
    header += b"AES-256\n" + "\n".join(
        [user_salt.hex().upper(), ck_salt.hex().upper(), str(rounds), user_iv.hex().upper(),
         encrypted_blob.hex().upper()]
    ).encode() + b"\n"  # fmt: skip
    path.write_bytes(header + _encrypt(key, master_iv, data))
    return path


def _encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


SMS_MEMBER = "apps/com.android.providers.telephony/d_f/000000_sms_backup"
MMS_MEMBER = "apps/com.android.providers.telephony/d_f/000001_mms_backup"
