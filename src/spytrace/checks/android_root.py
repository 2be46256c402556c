"""Signs the phone is rooted: root apps, su/Magisk/BusyBox binaries, root daemons running,
system partitions mounted read-write.

Root removes Android's sandbox: an implant (or a partner with the phone in hand) can read
every app's data. Mercenary implants gain root through exploits; stalkerware vendors sell
"rooted" editions that read WhatsApp and Signal databases. Rooting apps by package name
(Magisk, SuperSU, KingRoot...), the binaries androidqf looks for (root_binaries.go), Magisk's
files (/data/adb/magisk, /data/adb/modules) and daemons (magiskd, daemonsu).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Record, Severity

ROOT_PACKAGES = frozenset({
    "com.topjohnwu.magisk", "io.github.huskydg.magisk", "io.github.vvb2060.magisk",
    "com.koushikdutta.superuser", "com.noshufou.android.su", "com.noshufou.android.su.elite",
    "eu.chainfire.supersu", "eu.chainfire.supersu.pro", "com.thirdparty.superuser",
    "com.yellowes.su", "com.kingroot.kinguser", "com.kingo.root", "com.smedialink.oneclickroot",
    "com.zhiqupk.root.global", "com.alephzain.framaroot", "me.weishu.kernelsu",
    "me.bmax.apatch", "com.ramdroid.appquarantine", "com.devadvance.rootcloak",
    "com.devadvance.rootcloakplus", "de.robv.android.xposed.installer",
    "org.lsposed.manager", "com.saurik.substrate", "com.zachspong.temprootremovejb",
    "com.amphoras.hidemyroot", "com.amphoras.hidemyrootadfree", "com.formyhm.hiderootPremium",
    "com.formyhm.hideroot", "com.jrummy.root.browserfree", "stericson.busybox",
})  # fmt: skip
ROOT_FILES = ("/su/bin/su", "/sbin/su", "/system/bin/su", "/system/xbin/su", "/system/sbin/su",
              "/vendor/bin/su", "/system/xbin/daemonsu", "/system/app/Superuser.apk",
              "/system/app/SuperSU.apk", "/data/adb/magisk", "/data/adb/modules",
              "/data/adb/ksu", "/data/adb/ap", "/sbin/magisk", "/debug_ramdisk/magisk",
              "/system/xbin/busybox", "/system/bin/busybox")  # fmt: skip
ROOT_PROCESSES = frozenset({"magiskd", "daemonsu", "su", "magisk", "ksud", "apd", "supolicy"})
SYSTEM_PARTITIONS = ("/system", "/vendor", "/product", "/system_ext", "/odm", "/")
READS = ("androidqf_packages", "dumpsys_package", "android_root_binaries", "android_files",
         "android_processes", "android_mounts")  # fmt: skip


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        fields = record.fields
        if record.artifact in ("androidqf_packages", "dumpsys_package"):
            name = fields.get("package")
            if name in ROOT_PACKAGES:
                yield Finding.heuristic(
                    record, Severity.HIGH, f"Rooting or root-hiding app installed: {name}"
                )
        elif record.artifact == "android_root_binaries":
            yield Finding.heuristic(
                record, Severity.HIGH,
                f"Root tool {fields.get('binary')} found on the device at {fields.get('path')}",
            )  # fmt: skip
        elif record.artifact == "android_files":
            path = str(fields.get("path") or "")
            if any(path == p or path.startswith(p + "/") for p in ROOT_FILES):
                yield Finding.heuristic(record, Severity.HIGH, f"Root file present: {path}")
        elif record.artifact == "android_processes":
            name = str(fields.get("name") or "").rsplit("/", 1)[-1]
            if name in ROOT_PROCESSES:
                yield Finding.heuristic(
                    record, Severity.HIGH, f"Root daemon running: {name} (pid {fields.get('pid')})"
                )
        elif record.artifact == "android_mounts":
            point = fields.get("mount_point")
            if fields.get("read_write") and point in SYSTEM_PARTITIONS:
                yield Finding.heuristic(
                    record, Severity.HIGH,
                    f"System partition {point} is mounted read-write "
                    f"({','.join(fields.get('options') or [])}): the system was modified",
                )  # fmt: skip


# Of a file listing, only paths that could be root files reach the check.
CHECK = Check("android_root", reads=READS, run=check, select={"android_files": ROOT_FILES})
