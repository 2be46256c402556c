import json
import sqlite3
import stat
import tarfile
from datetime import UTC, datetime

import pytest

from spytrace.artifacts.ios import datausage, filesystem, netusage, shutdown_log
from spytrace.artifacts.ios.filesystem import LISTING_PATH
from spytrace.checks import shutdown_sticky_process
from spytrace.errors import EvidenceError, UnsupportedAcquisition, UserError
from spytrace.outputs.files import prepare_output
from spytrace.scan import scan
from spytrace.sources.base import SourceOptions, sha256_file
from spytrace.sources.ios_fs import open_ios_fs
from spytrace.testkit.ios_fs import FsDump, NetUsageDb
from spytrace.testkit.ios_system import DataUsageDb
from spytrace.testkit.sysdiagnose import Reboot, add_member, shutdown_log_text

WHEN = datetime(2024, 2, 1, 7, 0, tzinfo=UTC)
STAGED = "/private/var/db/com.apple.xpc.roleaccountd.staging/bh"


def opened(tmp_path, path):
    scratch = tmp_path / "scratch"
    scratch.mkdir(mode=0o700, exist_ok=True)
    return open_ios_fs(path, SourceOptions(), scratch)


def test_a_folder_without_private_gets_the_filesystem_logical_paths(tmp_path):
    dump = FsDump(tmp_path, with_private=False)
    dump.place(datausage.PATHS[1], DataUsageDb(tmp_path).build())
    dump.add("System/Library/CoreServices/SystemVersion.plist", b"<plist/>")

    source = opened(tmp_path, dump.base)

    assert datausage.PATHS[1] == "private/var/wireless/Library/Databases/DataUsage.sqlite"
    assert list(source.files()) == [
        "System/Library/CoreServices/SystemVersion.plist",
        datausage.PATHS[1],
        LISTING_PATH,
    ]
    file = source.open(datausage.PATHS[1])
    assert file.path == dump.base / "var/wireless/Library/Databases/DataUsage.sqlite"
    assert file.private_copy is False
    assert file.sha256 is None  # the evidence itself: the run reading it hashes it
    assert source.type == "ios_fs" and source.platform == "ios"


def test_a_wrapped_zip_and_a_tar_give_the_same_paths_and_tar_keeps_modes_and_times(tmp_path):
    dump = FsDump(tmp_path, wrapper="filesystem1")
    dump.add("private/var/mobile/Library/SMS/sms.db", b"db", mtime=WHEN)
    dump.add(STAGED[1:], b"\xcf\xfa\xed\xfe", mode=0o755, mtime=WHEN)

    (tmp_path / "z").mkdir()
    (tmp_path / "t").mkdir()
    zipped = opened(tmp_path / "z", dump.zip())
    tarred = opened(tmp_path / "t", dump.tar("dump.tar.gz", "w:gz"))

    expected = [STAGED[1:], "private/var/mobile/Library/SMS/sms.db", LISTING_PATH]
    assert list(zipped.files()) == expected
    assert list(tarred.files()) == expected
    extracted = tarred.open("private/var/mobile/Library/SMS/sms.db")
    assert extracted.private_copy is True
    assert extracted.path.read_bytes() == b"db"
    assert str(extracted.path).startswith(str(tmp_path / "t" / "scratch"))
    [binary] = [
        r for r in filesystem.parse(tarred.open(LISTING_PATH)) if r.locator == f"entry {STAGED[1:]}"
    ]
    assert binary.time == WHEN
    assert binary.fields["mode"] == "0755"
    assert binary.fields["executable"] is True


def test_a_database_with_its_wal_is_read_from_a_private_copy(tmp_path):
    dump = FsDump(tmp_path)
    target = dump.physical(netusage.PATHS[0])
    target.parent.mkdir(parents=True)
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.executescript(NetUsageDb.SCHEMA)
    conn.execute("INSERT INTO ZPROCESS (Z_PK, ZPROCNAME) VALUES (1, 'BackupAgent')")
    conn.commit()
    before = sorted(p.name for p in target.parent.iterdir())
    source = opened(tmp_path, dump.base)

    file = source.open(netusage.PATHS[0])
    [process, _key_max] = netusage.parse(file)
    conn.close()

    assert before == ["netusage.sqlite", "netusage.sqlite-shm", "netusage.sqlite-wal"]
    assert file.private_copy is True
    assert str(file.path).startswith(str(tmp_path / "scratch"))
    assert process.fields["process_name"] == "BackupAgent"
    assert not (target.parent / "netusage.sqlite-journal").exists()


def test_links_in_a_folder_are_listed_never_followed(tmp_path):
    dump = FsDump(tmp_path)
    dump.add("private/var/mobile/a.txt", b"a")
    outside = tmp_path / "secret.txt"
    outside.write_text("host file")
    (dump.root / "private/var/mobile/link.txt").symlink_to(outside)
    source = opened(tmp_path, dump.base)

    assert "private/var/mobile/link.txt" not in list(source.files())
    with pytest.raises(EvidenceError):
        source.open("private/var/mobile/link.txt")
    listing = [json.loads(line) for line in source.open(LISTING_PATH).path.read_text().splitlines()]
    assert {
        "path": "private/var/mobile/link.txt",
        "kind": "link",
        "link": str(outside),
    }.items() <= next(e for e in listing if e["path"].endswith("link.txt")).items()


def test_hostile_tar_members_are_skipped_and_reported(tmp_path):
    path = tmp_path / "evil.tar"
    with tarfile.open(path, "w") as archive:
        add_member(archive, tarfile.TarInfo("private/var/mobile/ok.txt"), b"ok")
        add_member(archive, tarfile.TarInfo("../../escape.txt"), b"x")
        add_member(archive, tarfile.TarInfo("/etc/passwd"), b"x")
        link = tarfile.TarInfo("private/var/mobile/out")
        link.type, link.linkname = tarfile.SYMTYPE, "../../../../etc/shadow"
        add_member(archive, link)
        device = tarfile.TarInfo("private/var/dev/disk0")
        device.type = tarfile.BLKTYPE
        add_member(archive, device)
    source = opened(tmp_path, path)

    assert list(source.files()) == ["private/var/mobile/ok.txt", LISTING_PATH]
    assert source.problems() == [
        "archive member skipped: ../../escape.txt: path traversal (..)",
        "archive member skipped: /etc/passwd: absolute path",
        "archive member skipped: private/var/mobile/out: symbolic link pointing outside the archive (../../../../etc/shadow)",
        "archive member skipped: private/var/dev/disk0: device or fifo member",
    ]
    source.open("private/var/mobile/ok.txt")
    assert not (tmp_path.parent / "escape.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.tar", "scratch"]


def test_a_tar_cut_between_members_keeps_what_was_read_and_says_it_is_cut(tmp_path):
    dump = FsDump(tmp_path)
    for i in range(3):
        dump.add(f"private/var/mobile/f{i}", bytes(512))
    packed = dump.tar("dump.tar")
    with tarfile.open(packed) as archive:
        cut = archive.getmember("private/var/mobile/f2").offset
    packed.write_bytes(packed.read_bytes()[:cut])

    source = opened(tmp_path, packed)

    assert list(source.files()) == ["private/var/mobile/f0", "private/var/mobile/f1", LISTING_PATH]
    assert source.open("private/var/mobile/f1").path.read_bytes() == bytes(512)
    assert source.problems() == [
        "archive ends early (no end-of-archive block); it is truncated or damaged and the "
        "members after private/var/mobile/f1 are missing"
    ]


def test_a_truncated_gzip_is_refused_with_one_line(tmp_path):
    dump = FsDump(tmp_path)
    for i in range(5):
        dump.add(f"private/var/mobile/f{i}", bytes(range(256)) * 40)
    packed = dump.tar("dump.tar.gz", "w:gz")
    packed.write_bytes(packed.read_bytes()[:600])

    with pytest.raises(UserError, match=r"dump\.tar\.gz: truncated or corrupt tar archive"):
        opened(tmp_path, packed)


def test_something_else_is_not_a_dump(tmp_path):
    (tmp_path / "folder" / "Documents").mkdir(parents=True)
    with pytest.raises(UnsupportedAcquisition, match="no iOS data partition"):
        opened(tmp_path, tmp_path / "folder")


def test_scan_of_a_dump_writes_the_contract_and_the_planted_process_is_named(tmp_path):
    dump = FsDump(tmp_path)
    text = shutdown_log_text([Reboot(WHEN, [[(412, STAGED), (70, "/usr/libexec/locationd")]])])
    dump.add("private/var/db/diagnostics/shutdown.log", text)
    dump.add(STAGED[1:], b"\xcf\xfa\xed\xfe", mode=0o755)
    source = opened(tmp_path, dump.base)
    output = tmp_path / "out"
    prepare_output(output, force=False)
    scratch = tmp_path / "scan-scratch"
    scratch.mkdir()

    result = scan(
        source,
        None,
        output,
        scratch,
        artifacts=[shutdown_log.ARTIFACT, filesystem.ARTIFACT],
        checks=[shutdown_sticky_process.CHECK],
    )

    [finding] = result.findings
    assert finding.evidence.file == "private/var/db/diagnostics/shutdown.log"
    assert finding.evidence.sha256 == sha256_file(
        dump.root / "private/var/db/diagnostics/shutdown.log"
    )
    assert STAGED in finding.message and "2024-02-01T07:00:00Z" in finding.message
    document = json.loads((output / "findings.json").read_text())
    assert document["acquisition"]["type"] == "ios_fs"
    assert document["coverage"]["filesystem"]["status"] == "parsed"
    assert document["coverage"]["shutdown_log"]["records"] == 3
    assert (output / "records" / "filesystem.jsonl").exists()
    assert (output / "timeline.csv").exists()
    mode = stat.S_IMODE((dump.root / STAGED[1:]).stat().st_mode)
    assert mode == 0o755  # the evidence is untouched


def test_the_folder_hash_is_stable_and_changes_with_the_tree(tmp_path):
    dump = FsDump(tmp_path)
    dump.add("private/var/mobile/a", b"a", mtime=WHEN)
    dump.touch_tree(WHEN)
    first = opened(tmp_path, dump.base).input_sha256()
    assert opened(tmp_path, dump.base).input_sha256() == first
    dump.add("private/var/mobile/b", b"b", mtime=WHEN)
    dump.touch_tree(WHEN)
    assert opened(tmp_path, dump.base).input_sha256() != first
