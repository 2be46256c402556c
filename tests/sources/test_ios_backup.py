import contextlib
import hashlib
import os
import plistlib
import shutil
import sqlite3
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

from spytrace.artifacts.sqlite import rows
from spytrace.errors import (
    EvidenceError,
    OutputExists,
    PasswordRequired,
    UnsupportedAcquisition,
    UserError,
    WrongPassword,
)
from spytrace.model import EvidenceFile
from spytrace.sources.base import Source, SourceOptions
from spytrace.sources.ios_backup import find_backups, open_ios_backup
from spytrace.sources.ios_backup_decrypt import decrypt_backup
from spytrace.testkit.ios_backup import BackupBuilder, file_id, wal_pair

PASSWORD = "correct horse battery"
SMS = "HomeDomain/Library/SMS/sms.db"
CONTENT = {
    "HomeDomain/Library/Preferences/com.apple.Preferences.plist": plistlib.dumps({"a": 1}),
    "HomeDomain/Library/Safari/History.db": b"SQLite format 3\x00" + bytes(range(256)) * 20,
    "AppDomain-com.example.app/Documents/notes.txt": "héllo".encode(),
    "WirelessDomain/Library/Databases/DataUsage.sqlite": os.urandom(70_000),
    "RootDomain/Library/empty.log": b"",
}


def build(tmp_path, password=None, *, name="backups", udid=None, device_name="Test iPhone"):
    kwargs = {"udid": udid} if udid else {}
    builder = BackupBuilder(tmp_path / name, password=password, device_name=device_name, **kwargs)
    for logical, data in CONTENT.items():
        domain, _, relative = logical.partition("/")
        builder.add_file(domain, relative, data)
    builder.add_directory("HomeDomain", "Library")
    builder.add_symlink("HomeDomain", "Library/Caches/link", "/private/var/tmp")
    return builder


def open_backup(path, tmp_path, password=None, **kwargs):
    scratch = tmp_path / "scratch"
    scratch.mkdir(mode=0o700, parents=True, exist_ok=True)
    return open_ios_backup(path, SourceOptions(password=password), scratch, **kwargs)


def tree_state(root):
    """Every path under root with its size, mtime and content hash."""
    return {
        str(p.relative_to(root)): (
            p.stat().st_size,
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None,
        )
        for p in sorted(root.rglob("*"))
    }


def sms_with_wal(tmp_path):
    """sms.db whose second message exists only in its -wal."""
    path = tmp_path / "wal-src" / "sms.db"
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT)")
    conn.execute("INSERT INTO message (text) VALUES ('in the database')")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("INSERT INTO message (text) VALUES ('only in the wal')")
    db, wal = wal_pair(conn, path)
    conn.close()
    return db, wal


@pytest.mark.parametrize("password", [None, PASSWORD], ids=["plain", "encrypted"])
def test_lists_metadata_then_every_file_row(tmp_path, password):
    root = build(tmp_path, password).build()

    with open_backup(root, tmp_path, password) as backup:
        assert list(backup.files()) == [
            "Manifest.db",
            "Info.plist",
            "Manifest.plist",
            "Status.plist",
            "AppDomain-com.example.app/Documents/notes.txt",
            "HomeDomain/Library/Preferences/com.apple.Preferences.plist",
            "HomeDomain/Library/Safari/History.db",
            "RootDomain/Library/empty.log",
            "WirelessDomain/Library/Databases/DataUsage.sqlite",
        ]
        assert (backup.type, backup.platform, backup.encrypted) == (
            "ios_backup",
            "ios",
            password is not None,
        )


@pytest.mark.parametrize("password", [None, PASSWORD], ids=["plain", "encrypted"])
def test_every_file_reads_back_as_it_was_stored(tmp_path, password):
    builder = build(tmp_path, password)
    root = builder.build()

    with open_backup(root, tmp_path, password) as backup:
        for logical, data in CONTENT.items():
            evidence = backup.open(logical)
            stored = root / builder.file_ids[logical][:2] / builder.file_ids[logical]

            assert evidence.path.read_bytes() == data
            assert evidence.logical_path == logical
            # The chain-of-custody hash is of the bytes in the backup, encrypted or not: the
            # source computes it where it decrypts; a file read in place is hashed by its run.
            if password is None:
                assert evidence.sha256 is None and evidence.path == stored
            else:
                assert evidence.sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()
            assert evidence.private_copy is (password is not None)
            assert evidence.notes == []


def test_plain_files_are_read_in_place(tmp_path):
    builder = build(tmp_path)
    root = builder.build()

    with open_backup(root, tmp_path) as backup:
        evidence = backup.open("HomeDomain/Library/Safari/History.db")

    fid = builder.file_ids["HomeDomain/Library/Safari/History.db"]
    assert evidence.path == root / fid[:2] / fid


def test_encrypted_files_are_decrypted_only_when_opened(tmp_path):
    root = build(tmp_path, PASSWORD).build()

    with open_backup(root, tmp_path, PASSWORD) as backup:
        backup.open("AppDomain-com.example.app/Documents/notes.txt")
        decrypted = sorted(
            p.name for p in (tmp_path / "scratch" / "files").rglob("*") if p.is_file()
        )

    assert decrypted == ["notes.txt"]


def test_decrypted_copies_are_private(tmp_path):
    root = build(tmp_path, PASSWORD).build()

    with open_backup(root, tmp_path, PASSWORD) as backup:
        evidence = backup.open("AppDomain-com.example.app/Documents/notes.txt")

    assert stat.S_IMODE(evidence.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(evidence.path.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("password", [None, PASSWORD], ids=["plain", "encrypted"])
def test_manifest_db_opens_as_a_readable_database(tmp_path, password):
    root = build(tmp_path, password).build()

    with open_backup(root, tmp_path, password) as backup:
        manifest = backup.open("Manifest.db")
        names = [
            r["relativePath"]
            for r in rows(manifest, "SELECT relativePath FROM Files WHERE flags = 2")
        ]

    assert names == ["Library"]
    assert manifest.sha256 == hashlib.sha256((root / "Manifest.db").read_bytes()).hexdigest()
    assert manifest.private_copy is (password is not None)


def test_folders_and_links_are_not_files(tmp_path):
    root = build(tmp_path).build()

    with open_backup(root, tmp_path) as backup:
        with pytest.raises(EvidenceError, match="HomeDomain/Library: is a folder"):
            backup.open("HomeDomain/Library")
        with pytest.raises(EvidenceError, match="is a symbolic link"):
            backup.open("HomeDomain/Library/Caches/link")
        with pytest.raises(EvidenceError, match="not in this backup"):
            backup.open("HomeDomain/nothing/here")


def test_wrong_password_fails_before_anything_is_decrypted(tmp_path):
    root = build(tmp_path, PASSWORD).build()

    with pytest.raises(WrongPassword, match="does not unlock"):
        open_backup(root, tmp_path, "not it")
    assert list((tmp_path / "scratch").iterdir()) == []


def test_missing_password_without_a_prompt_is_password_required(tmp_path):
    root = build(tmp_path, PASSWORD).build()

    with pytest.raises(PasswordRequired, match="encrypted"):
        open_backup(root, tmp_path)


def test_missing_password_is_asked_through_the_prompt(tmp_path):
    root = build(tmp_path, PASSWORD, device_name="Ana's iPhone").build()
    asked = []

    def prompt(message):
        asked.append(message)
        return PASSWORD

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with open_ios_backup(root, SourceOptions(prompt=prompt), scratch) as backup:
        assert backup.open("RootDomain/Library/empty.log").path.read_bytes() == b""

    assert asked == [
        "the encrypted backup 00008110-001A2B3C4D5E801E (Ana's iPhone, 2024-06-01 12:00 UTC)"
    ]


@pytest.mark.parametrize("password", [None, PASSWORD], ids=["plain", "encrypted"])
def test_a_missing_stored_file_is_counted_not_fatal(tmp_path, password):
    builder = build(tmp_path, password)
    builder.add_file("HomeDomain", "Library/Gone/gone.db", b"never stored", stored=False)
    root = builder.build()

    with open_backup(root, tmp_path, password) as backup:
        assert "HomeDomain/Library/Gone/gone.db" in list(backup.files())
        with pytest.raises(EvidenceError, match=r"listed in Manifest\.db but not stored"):
            backup.open("HomeDomain/Library/Gone/gone.db")
        assert backup.problems() == [
            "1 file(s) listed in Manifest.db are not stored in the backup: "
            "HomeDomain/Library/Gone/gone.db"
        ]
        assert backup.open("HomeDomain/Library/Safari/History.db").path.exists()


@pytest.mark.parametrize("password", [None, PASSWORD], ids=["plain", "encrypted"])
def test_a_database_is_read_with_its_wal(tmp_path, password):
    db, wal = sms_with_wal(tmp_path)
    builder = build(tmp_path, password)
    builder.add_file("HomeDomain", "Library/SMS/sms.db", db)
    builder.add_file("HomeDomain", "Library/SMS/sms.db-wal", wal)
    root = builder.build()
    before = tree_state(root)

    with open_backup(root, tmp_path, password) as backup:
        evidence = backup.open(SMS)
        texts = [r["text"] for r in rows(evidence, "SELECT text FROM message ORDER BY ROWID")]

    assert texts == ["in the database", "only in the wal"]
    assert evidence.private_copy
    assert evidence.path.is_relative_to(tmp_path / "scratch")
    stored = root / builder.file_ids[SMS][:2] / builder.file_ids[SMS]
    assert evidence.sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert tree_state(root) == before


def test_without_its_wal_the_database_lacks_the_newest_row(tmp_path):
    db, _ = sms_with_wal(tmp_path)
    builder = build(tmp_path)
    builder.add_file("HomeDomain", "Library/SMS/sms.db", db)
    root = builder.build()

    with open_backup(root, tmp_path) as backup:
        evidence = backup.open(SMS)
        texts = [r["text"] for r in rows(evidence, "SELECT text FROM message")]

    assert texts == ["in the database"]
    assert not evidence.private_copy


def test_add_evidence_takes_another_builders_file_under_its_logical_path(tmp_path):
    made = tmp_path / "made.db"
    with sqlite3.connect(made) as conn:
        conn.execute("CREATE TABLE t (x)")
    builder = build(tmp_path)
    builder.add_evidence(EvidenceFile(SMS, made))
    root = builder.build()

    with open_backup(root, tmp_path) as backup:
        assert backup.open(SMS).path.read_bytes() == made.read_bytes()


def test_a_corrupt_manifest_db_is_one_clear_user_error(tmp_path):
    root = build(tmp_path).build()
    (root / "Manifest.db").write_bytes(b"this is not sqlite" * 100)

    with pytest.raises(UserError) as raised:
        open_backup(root, tmp_path)

    message = str(raised.value)
    assert message.startswith(f"{root}/Manifest.db: not a readable backup index (")
    assert "\n" not in message


def test_a_corrupt_manifest_plist_is_one_clear_user_error(tmp_path):
    root = build(tmp_path).build()
    (root / "Manifest.plist").write_bytes(b"bplist00 broken")

    with pytest.raises(UserError, match=rf"^{root}/Manifest.plist: not a readable property list"):
        open_backup(root, tmp_path)


def test_a_corrupt_info_plist_is_a_problem_not_a_failure(tmp_path):
    root = build(tmp_path).build()
    (root / "Info.plist").write_bytes(b"<plist><dict><key>")

    with open_backup(root, tmp_path) as backup:
        [problem] = backup.problems()
        assert problem.startswith("Info.plist: not a readable property list")
    # The device can still be named, from Manifest.plist's Lockdown.
    assert find_backups(root)[0].device_name == "Test iPhone"


def test_input_hash_of_a_folder_is_the_stored_manifest_db(tmp_path):
    root = build(tmp_path, PASSWORD).build()

    with open_backup(root, tmp_path, PASSWORD) as backup:
        assert (
            backup.input_sha256() == hashlib.sha256((root / "Manifest.db").read_bytes()).hexdigest()
        )


def test_the_mobilesync_parent_with_one_backup_opens_it(tmp_path):
    root = build(tmp_path, name="MobileSync/Backup").build()

    with open_backup(root.parent, tmp_path) as backup:
        assert backup.path == root.parent
        assert (
            backup.open("AppDomain-com.example.app/Documents/notes.txt").path.read_bytes()
            == "héllo".encode()
        )


def test_a_parent_with_two_backups_asks_which(tmp_path):
    build(
        tmp_path, name="Backup", udid="00008030-000A11112222802E", device_name="Work phone"
    ).build()
    build(
        tmp_path, name="Backup", udid="00008110-001A2B3C4D5E801E", device_name="Home phone"
    ).build()
    parent = tmp_path / "Backup"

    with pytest.raises(UserError) as raised:
        open_backup(parent, tmp_path)

    assert str(raised.value) == (
        f"{parent} holds 2 backups, choose one: "
        "00008030-000A11112222802E (Work phone, 2024-06-01 12:00 UTC); "
        "00008110-001A2B3C4D5E801E (Home phone, 2024-06-01 12:00 UTC)"
    )
    assert [(b.udid, b.device_name) for b in find_backups(parent)] == [
        ("00008030-000A11112222802E", "Work phone"),
        ("00008110-001A2B3C4D5E801E", "Home phone"),
    ]
    with open_backup(parent, tmp_path, udid="00008110-001A2B3C4D5E801E") as backup:
        assert backup.info["Device Name"] == "Home phone"


def test_a_folder_without_a_backup_is_unsupported(tmp_path):
    (tmp_path / "empty").mkdir()

    with pytest.raises(UnsupportedAcquisition, match="no iOS backup"):
        open_backup(tmp_path / "empty", tmp_path)


def test_an_ios_9_backup_is_named_as_unsupported(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "Manifest.mbdb").write_bytes(b"mbdb\x05\x00")

    with pytest.raises(UnsupportedAcquisition, match=r"Manifest\.mbdb"):
        open_backup(old, tmp_path)


def zip_tree(source: Path, target: Path, base: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(source.rglob("*")):
            zf.write(path, path.relative_to(base))
    return target


@pytest.mark.parametrize("password", [None, PASSWORD], ids=["plain", "encrypted"])
@pytest.mark.parametrize("level", ["backup", "parent", "contents"])
def test_a_zip_of_a_backup_opens_lazily(tmp_path, password, level):
    root = build(tmp_path, password, name="MobileSync/Backup").build()
    source, base = {
        "backup": (root, root.parent),
        "parent": (root.parent, root.parent.parent),
        "contents": (root, root),
    }[level]
    archive = zip_tree(source, tmp_path / "backup.zip", base)

    with open_backup(archive, tmp_path, password) as backup:
        evidence = backup.open("HomeDomain/Library/Safari/History.db")
        assert evidence.path.read_bytes() == CONTENT["HomeDomain/Library/Safari/History.db"]
        assert evidence.private_copy
        assert backup.input_sha256() == hashlib.sha256(archive.read_bytes()).hexdigest()
        assert len(list(backup.files())) == 9
        extracted = {p.name for p in (tmp_path / "scratch" / "archive").rglob("*") if p.is_file()}

    fid = file_id("HomeDomain", "Library/Safari/History.db")
    assert extracted == {"Manifest.db", "Info.plist", "Manifest.plist", "Status.plist", fid}


def test_hostile_members_of_a_backup_zip_are_reported(tmp_path):
    root = build(tmp_path).build()
    archive = zip_tree(root, tmp_path / "backup.zip", root.parent)
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("../../escape", b"x")

    with open_backup(archive, tmp_path) as backup:
        assert backup.problems() == ["archive member skipped: ../../escape: path traversal (..)"]
    assert not (tmp_path / "escape").exists()


def test_a_zip_with_two_backups_asks_which(tmp_path):
    build(tmp_path, name="Backup", udid="00008030-000A11112222802E", device_name="Work").build()
    build(tmp_path, name="Backup", udid="00008110-001A2B3C4D5E801E", device_name="Home").build()
    archive = zip_tree(tmp_path / "Backup", tmp_path / "two.zip", tmp_path)

    with pytest.raises(
        UserError, match=r"holds 2 backups, choose one: 00008030-000A11112222802E \(Work"
    ):
        open_backup(archive, tmp_path)
    assert [b.device_name for b in find_backups(archive)] == ["Work", "Home"]


def test_a_malformed_file_id_never_reaches_the_filesystem(tmp_path):
    builder = build(tmp_path)
    good = builder.file_ids["HomeDomain/Library/Safari/History.db"]
    root = builder.build()
    with sqlite3.connect(root / "Manifest.db") as conn:
        record = conn.execute("SELECT file FROM Files WHERE fileID = ?", (good,)).fetchone()[0]
        conn.execute(
            "INSERT INTO Files VALUES (?, ?, ?, ?, ?)",
            ("../../../../etc/passwd", "HomeDomain", "evil", 1, record),
        )

    with (
        open_backup(root, tmp_path) as backup,
        pytest.raises(EvidenceError, match="malformed fileID"),
    ):
        backup.open("HomeDomain/evil")


def test_a_stored_file_that_is_a_symlink_is_not_followed(tmp_path):
    builder = build(tmp_path)
    root = builder.build()
    secret = tmp_path / "outside-secret"
    secret.write_bytes(b"host file")
    fid = builder.file_ids["HomeDomain/Library/Safari/History.db"]
    stored = root / fid[:2] / fid
    stored.unlink()
    stored.symlink_to(secret)

    with open_backup(root, tmp_path) as backup, pytest.raises(EvidenceError, match="not stored"):
        backup.open("HomeDomain/Library/Safari/History.db")


def test_a_scan_of_every_file_writes_nothing_into_the_input(tmp_path):
    db, wal = sms_with_wal(tmp_path)
    builder = build(tmp_path)
    builder.add_file("HomeDomain", "Library/SMS/sms.db", db)
    builder.add_file("HomeDomain", "Library/SMS/sms.db-wal", wal)
    root = builder.build()
    before = tree_state(root)

    with open_backup(root, tmp_path) as backup:
        for logical in backup.files():
            evidence = backup.open(logical)
            if logical.endswith((".db", ".sqlite")):
                with contextlib.suppress(EvidenceError):  # some test files are not SQLite
                    list(rows(evidence, "SELECT name FROM sqlite_master"))
        backup.problems()
        backup.input_sha256()

    assert tree_state(root) == before


def test_it_is_a_source(tmp_path):
    root = build(tmp_path).build()

    with open_backup(root, tmp_path) as backup:
        source: Source = backup
        assert source.problems() == []


def test_decrypt_backup_writes_a_plain_backup_with_the_same_files(tmp_path):
    db, wal = sms_with_wal(tmp_path)
    builder = build(tmp_path, PASSWORD)
    builder.add_file("HomeDomain", "Library/SMS/sms.db", db)
    builder.add_file("HomeDomain", "Library/SMS/sms.db-wal", wal)
    root = builder.build()
    out = tmp_path / "decrypted"

    result = decrypt_backup(root, out, PASSWORD)

    assert (result.path, result.files, result.problems) == (out, 7, [])
    manifest = plistlib.loads((out / "Manifest.plist").read_bytes())
    assert manifest["IsEncrypted"] is False
    assert "BackupKeyBag" not in manifest and "ManifestKey" not in manifest
    assert (out / "Info.plist").read_bytes() == (root / "Info.plist").read_bytes()
    modes = {stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*")}
    assert modes == {0o600, 0o700}
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    with (
        open_backup(out, tmp_path / "second") as plain,
        open_backup(root, tmp_path, PASSWORD) as enc,
    ):
        assert not plain.encrypted
        assert list(plain.files()) == list(enc.files())
        for logical in [*CONTENT, SMS, SMS + "-wal"]:
            assert plain.open(logical).path.read_bytes() == enc.open(logical).path.read_bytes()
        texts = [r["text"] for r in rows(plain.open(SMS), "SELECT text FROM message")]
        assert texts == ["in the database", "only in the wal"]


def test_decrypt_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    root = build(tmp_path, PASSWORD).build()
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")

    with pytest.raises(OutputExists, match="not an empty folder"):
        decrypt_backup(root, out, PASSWORD)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_decrypt_backup_with_a_wrong_password_writes_nothing(tmp_path):
    root = build(tmp_path, PASSWORD).build()

    with pytest.raises(WrongPassword):
        decrypt_backup(root, tmp_path / "out", "nope")
    assert not (tmp_path / "out").exists()


def test_decrypt_backup_of_a_plain_backup_is_refused(tmp_path):
    root = build(tmp_path).build()

    with pytest.raises(UserError, match="not encrypted"):
        decrypt_backup(root, tmp_path / "out", "x")


def test_a_realistic_keybag_unlocks(tmp_path):
    # Real iOS counts are 10,000,000 + 10,000 rounds; a tenth of that keeps the test short
    # while still exercising both rounds at scale.
    builder = BackupBuilder(tmp_path / "real", password=PASSWORD, dpic=1_000_000, iterations=1_000)
    builder.add_file("HomeDomain", "a.txt", b"a")
    root = builder.build()

    with open_backup(root, tmp_path, PASSWORD) as backup:
        assert backup.open("HomeDomain/a.txt").path.read_bytes() == b"a"


def test_copying_a_backup_elsewhere_keeps_it_openable(tmp_path):
    root = build(tmp_path, PASSWORD).build()
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)

    with open_backup(copy, tmp_path, PASSWORD) as backup:
        assert backup.info["Unique Identifier"] == "00008110-001A2B3C4D5E801E"


def test_a_relative_path_ending_in_dot_dot_stays_in_its_private_folder(tmp_path):
    builder = build(tmp_path, PASSWORD)
    builder.add_file("HomeDomain", "Library/..", b"odd name")
    root = builder.build()

    with open_backup(root, tmp_path, PASSWORD) as backup:
        evidence = backup.open("HomeDomain/Library/..")

    assert evidence.path.read_bytes() == b"odd name"
    assert evidence.path.parent.name == evidence.path.name == file_id("HomeDomain", "Library/..")


def test_a_tar_gz_of_an_encrypted_backup_opens(tmp_path):
    root = build(tmp_path, PASSWORD).build()
    archive = tmp_path / "backup.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(root, arcname=root.name)

    with open_backup(archive, tmp_path, PASSWORD) as backup:
        assert backup.open("AppDomain-com.example.app/Documents/notes.txt").path.read_bytes() == (
            "héllo".encode()
        )


def test_a_truncated_zip_of_a_backup_is_one_user_error(tmp_path):
    root = build(tmp_path).build()
    archive = zip_tree(root, tmp_path / "backup.zip", root.parent)
    archive.write_bytes(archive.read_bytes()[:2000])

    with pytest.raises(UserError, match=r"^backup\.zip: truncated or corrupt zip archive"):
        open_backup(archive, tmp_path)


@pytest.mark.parametrize("packed", [False, True], ids=["folder", "zip"])
def test_many_missing_files_are_counted_with_ten_examples(tmp_path, packed):
    builder = build(tmp_path, None)
    for n in range(12):
        builder.add_file("HomeDomain", f"Library/Gone/{n:02d}.db", b"never stored", stored=False)
    root = builder.build()
    target = zip_tree(root, tmp_path / "backup.zip", root.parent) if packed else root

    with open_backup(target, tmp_path, None) as backup:
        [problem] = [p for p in backup.problems() if "not stored" in p]

    assert problem.startswith("12 file(s) listed in Manifest.db are not stored in the backup: ")
    assert problem.endswith(" and 2 more")
    assert problem.count("HomeDomain/Library/Gone/") == 10
    assert "Safari" not in problem  # stored files are found in their fileID folders


def test_missing_files_are_found_whatever_their_fileid_looks_like(tmp_path):
    builder = build(tmp_path, None)
    builder.add_file("HomeDomain", "Library/Gone/a.db", b"never stored", stored=False)
    builder.add_file("HomeDomain", "Library/Odd/old.db", b"stored at the top")
    builder.add_file("HomeDomain", "Library/Odd/lost.db", b"never stored", stored=False)
    for name in ("no-id", "number-id", "blob-id"):
        builder.add_file("HomeDomain", f"Library/Odd/{name}.db", b"never stored", stored=False)
    root = builder.build()
    old, lost = (
        file_id("HomeDomain", "Library/Odd/old.db"),
        file_id("HomeDomain", "Library/Odd/lost.db"),
    )
    # Not hex, so in no 00-ff folder (even one that sorts between two: "3:..." after "39..."):
    # one stored in the backup's top folder (the layout of old backups) is found there, one
    # stored nowhere is counted once, and so are those whose fileID is missing or not text (a
    # number, "12", would pass for a hex folder's); folders never are.
    (root / old[:2] / old).rename(root / "ZZ-old")
    with contextlib.closing(sqlite3.connect(root / "Manifest.db")) as conn, conn:
        conn.execute("UPDATE Files SET fileID = 'ZZ-old' WHERE fileID = ?", (old,))
        conn.execute("UPDATE Files SET fileID = ? WHERE fileID = ?", (lost[:1] + ":lost", lost))
        for name, value in (("no-id", None), ("number-id", 12), ("blob-id", b"\x12\x34")):
            conn.execute(
                "UPDATE Files SET fileID = ? WHERE fileID = ?",
                (value, file_id("HomeDomain", f"Library/Odd/{name}.db")),
            )

    with open_backup(root, tmp_path, None) as backup:
        [problem] = [p for p in backup.problems() if "not stored" in p]

    assert problem == (
        "5 file(s) listed in Manifest.db are not stored in the backup: "
        "HomeDomain/Library/Odd/blob-id.db, HomeDomain/Library/Odd/no-id.db, "
        "HomeDomain/Library/Odd/number-id.db, HomeDomain/Library/Gone/a.db, "
        "HomeDomain/Library/Odd/lost.db"
    )


def test_a_path_that_is_not_utf8_is_listed_with_the_bytes_replaced(tmp_path):
    root = build(tmp_path).build()
    with contextlib.closing(sqlite3.connect(root / "Manifest.db")) as conn, conn:
        conn.execute(
            "UPDATE Files SET relativePath = CAST(X'4c69627261727916ff2e6c6f67' AS TEXT)"
            " WHERE relativePath = 'Library/empty.log'"
        )

    with open_backup(root, tmp_path) as backup:
        listed = list(backup.files())

    assert "RootDomain/Library\x16\ufffd.log" in listed
    assert "HomeDomain/Library/Safari/History.db" in listed
    assert len(listed) == 4 + len(CONTENT)
    assert list(backup.problems()) == []


@pytest.mark.parametrize("password", [None, PASSWORD])
def test_the_index_finds_what_listing_every_file_finds_for_every_artifact(tmp_path, password):
    from spytrace.catalog import IOS_ARTIFACTS
    from spytrace.plan import plan_files

    builder = BackupBuilder(tmp_path / "b", password=password)
    # Every artifact path as a backup could hold it (wildcards filled in two ways), a near
    # miss of each, and files whose names hold GLOB's own special characters.
    for artifact in IOS_ARTIFACTS:
        for pattern in artifact.paths:
            for fill, extra in (("x", ""), ("A-b.c", "deep/er/")):
                logical = pattern.replace("**/", extra).replace("**", fill).replace("*", fill)
                domain, slash, relative = logical.partition("/")
                if slash and relative:
                    builder.add_file(domain, relative.replace("?", "q"), b"1")
                    builder.add_file(domain, relative + ".bak", b"2")
    builder.add_file("HomeDomain", "Library/SMS/[x]*?.db", b"3")
    builder.add_file("AppDomain-com.x", "Library/Safari/Profiles/p/History.db", b"4")
    builder.add_file("HomeDomain", "a/b/Library/x.plist", b"5")
    builder.add_directory("HomeDomain", "Library/SMS")
    with open_backup(builder.build(), tmp_path, password) as backup:
        patterns = [p for a in IOS_ARTIFACTS for p in a.paths]
        every_file = plan_files(IOS_ARTIFACTS, backup.files())
        indexed = plan_files(IOS_ARTIFACTS, backup.matching(patterns))
        assert indexed == every_file
        assert sum(map(len, indexed.values())) > 40
        assert set(backup.matching(patterns)) <= set(backup.files())
        # "[" is a literal in a logical-path pattern, a character class in GLOB.
        bracket = list(backup.matching(["HomeDomain/Library/SMS/[x]*"]))
        assert "HomeDomain/Library/SMS/[x]*?.db" in bracket
        # A `**` in the domain's place reaches into the relative path.
        reached = [p for p in backup.matching(["**/Library/x.plist"]) if "/" in p]
        assert reached == ["HomeDomain/a/b/Library/x.plist"]


def test_a_manifest_damaged_part_way_is_said_once_and_what_it_still_names_is_planned(tmp_path):
    from spytrace.catalog import IOS_ARTIFACTS
    from spytrace.plan import plan_files

    builder = BackupBuilder(tmp_path / "b")
    for n in range(3000):
        builder.add_file("HomeDomain", f"Library/x/{n:05d}/file{n}.plist", b"x")
    builder.add_file("HomeDomain", "Library/SMS/sms.db", b"1")
    root = builder.build()
    manifest = root / "Manifest.db"
    data = bytearray(manifest.read_bytes())
    data[len(data) // 3 : len(data) // 2] = b"\xff" * (len(data) // 2 - len(data) // 3)
    manifest.write_bytes(bytes(data))

    with open_backup(root, tmp_path) as backup:
        patterns = [p for a in IOS_ARTIFACTS for p in a.paths]
        planned = plan_files(IOS_ARTIFACTS, backup.matching(patterns))
        list(backup.files())
        problems = backup.problems()

    assert planned["manifest"] == ["Manifest.db"]
    damaged = [p for p in problems if "damaged part-way" in p]
    assert len(damaged) == 1, problems
