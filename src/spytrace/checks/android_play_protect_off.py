"""Play Protect or install verification turned off, and security reporting disabled.

Google Play Protect scans installed apps and sideloaded APKs (`package_verifier_enable`,
`verifier_verify_adb_installs`, `package_verifier_user_consent`, `upload_apk_enable`);
stalkerware install guides tell the installer to switch it off. Xiaomi's
`adb_install_need_confirm` and Samsung's error/security reporting switches are weaker leads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Record, Severity

# setting -> (value that is unsafe, severity, what it means)
UNSAFE = {
    "package_verifier_enable": ("0", Severity.MEDIUM, "Play Protect app verification is off"),
    "verifier_verify_adb_installs": ("0", Severity.MEDIUM,
                                     "apps installed over adb are not verified"),
    "package_verifier_user_consent": ("-1", Severity.MEDIUM,
                                      "Play Protect scanning was declined"),
    "upload_apk_enable": ("0", Severity.LOW, "unknown apps are not sent to Google for checks"),
    "adb_install_need_confirm": ("0", Severity.LOW, "adb installs need no confirmation"),
    "send_security_reports": ("0", Severity.LOW, "security reports are not sent"),
    "samsung_errorlog_agree": ("0", Severity.LOW, "Samsung error logs are not sent"),
    "send_action_app_error": ("0", Severity.LOW, "app error reports are not sent"),
    "install_non_market_apps": ("1", Severity.LOW,
                                "installs from unknown sources are allowed (Android 7 and older)"),
}  # fmt: skip


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        rule = UNSAFE.get(str(record.fields.get("name") or ""))
        if rule is None:
            continue
        unsafe, severity, meaning = rule
        if str(record.fields.get("value", "")).strip() == unsafe:
            yield Finding.heuristic(
                record, severity,
                f"{meaning} ({record.fields.get('namespace')}/{record.fields.get('name')}"
                f"={unsafe})",
            )  # fmt: skip


CHECK = Check("android_play_protect_off", reads=("android_settings",), run=check)
