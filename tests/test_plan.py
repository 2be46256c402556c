from spytrace.catalog import ANDROID_ARTIFACTS, IOS_ARTIFACTS
from spytrace.model import Artifact
from spytrace.pathglob import compile_globs
from spytrace.plan import plan_files


def _nothing(_):
    return iter(())


FILES = [
    "Manifest.db",
    "HomeDomain/Library/SMS/sms.db",
    "HomeDomain/Library/SMS/old/sms.db",
    "private/var/mobile/Library/Logs/CrashReporter/a/b/Panic-1.ips",
    "private/var/mobile/Library/Logs/CrashReporter/x.ips.synced",
    "private/var/db/diagnostics/shutdown.log",
    "private/var/db/diagnostics/shutdown.2024.log",
    "logs/MCState/Shared/profile-abc.stub",
    "private/var/mobile/Containers/Data/Application/U/Library/WebKit/WebsiteData/LocalStorage/https_evil.example_0.localstorage",
]


def test_each_artifact_gets_the_files_its_globs_match_and_no_other():
    artifacts = (
        Artifact("one", ("Manifest.db", "missing.db"), _nothing),
        Artifact("named", ("HomeDomain/Library/SMS/sms.db", "HomeDomain/**/sms.db"), _nothing),
        Artifact("wild", ("private/var/mobile/Library/Logs/CrashReporter/**/*.ips",), _nothing),
        Artifact(
            "both", ("private/var/db/diagnostics/shutdown.*.log", "**/shutdown.log"), _nothing
        ),
    )

    plan = plan_files(artifacts, iter(FILES))  # a listing is streamed: read once

    assert plan == {
        "one": ["Manifest.db"],
        "named": ["HomeDomain/Library/SMS/old/sms.db", "HomeDomain/Library/SMS/sms.db"],
        "wild": ["private/var/mobile/Library/Logs/CrashReporter/a/b/Panic-1.ips"],
        "both": [
            "private/var/db/diagnostics/shutdown.2024.log",
            "private/var/db/diagnostics/shutdown.log",
        ],
    }


def test_the_catalog_plans_as_testing_every_glob_against_every_file_would():
    for artifacts in (IOS_ARTIFACTS, ANDROID_ARTIFACTS):
        expected = {
            a.name: sorted(f for f in FILES if compile_globs(a.paths).match(f)) for a in artifacts
        }
        assert plan_files(artifacts, FILES) == expected
