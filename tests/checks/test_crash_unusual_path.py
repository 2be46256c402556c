from spytrace.checks.crash_unusual_path import check
from spytrace.model import Record, Severity


def record(artifact: str, path: str, pid: int = 7, locator: str = "line 2") -> Record:
    return Record(
        artifact,
        "ps.txt",
        locator,
        None,
        "x",
        {"process_name": path.rpartition("/")[2], "process_path": path, "pid": pid},
    )


def test_staging_folder_is_high_other_odd_places_medium_and_ps_repeats_once():
    findings = list(
        check(
            [
                record(
                    "crash_reports",
                    "/private/var/db/com.apple.xpc.roleaccountd.staging/roleaccountd",
                ),
                record("ps", "/private/var/mobile/Media/x/agent", pid=9),
                record("ps", "/private/var/mobile/Media/x/agent", pid=9, locator="line 8"),
                record("ps", "/usr/libexec/locationd"),
                record(
                    "ps",
                    "/private/var/containers/Bundle/Application/9F8E7D6C-5B4A-4392-8170-6F5E4D3C2B1A/A.app/A",
                ),
                record("ps", "/private/preboot/Cryptexes/OS/System/Library/x"),
            ]
        )
    )
    assert [(f.severity, f.evidence.locator) for f in findings] == [
        (Severity.HIGH, "line 2"),
        (Severity.MEDIUM, "line 2"),
    ]
    assert findings[0].message == (
        "roleaccountd (pid 7) crashed from /private/var/db/com.apple.xpc.roleaccountd.staging/"
        "roleaccountd: /private/var/db/ is where Pegasus staged its binaries"
    )


def test_executable_files_of_a_dump_are_one_step_lower():
    listing = "spytrace:filesystem-listing.jsonl"
    staged = Record(
        "filesystem",
        listing,
        "entry private/var/db/x/bh",
        None,
        "m",
        {"path": "/private/var/db/x/bh", "kind": "file", "executable": True},
    )
    elsewhere = Record(
        "filesystem",
        listing,
        "entry private/var/mobile/y",
        None,
        "m",
        {"path": "/private/var/mobile/y", "kind": "file", "executable": True},
    )
    plain = Record(
        "filesystem",
        listing,
        "entry private/var/db/z",
        None,
        "m",
        {"path": "/private/var/db/z", "kind": "file"},
    )

    findings = list(check([staged, elsewhere, plain]))

    assert [(f.severity, f.evidence.locator) for f in findings] == [
        (Severity.MEDIUM, "entry private/var/db/x/bh"),
        (Severity.LOW, "entry private/var/mobile/y"),
    ]
    assert (
        findings[0].message
        == "bh is an executable file from /private/var/db/x/bh: /private/var/db/ is where Pegasus staged its binaries"
    )
