import io
import os
import stat
import tarfile
import warnings
import zipfile

import pytest

from spytrace.errors import EvidenceError, UnsafeArchiveMember, UserError
from spytrace.sources.archive import Archive, Limits, archive_kind


def make_zip(path, members):
    """members: (name, data) or (ZipInfo, data)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point of one test
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                zf.writestr(name, data)
    return path


def unix_entry(name, mode):
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = mode << 16
    return info


def make_tar(path, members, mode="w:gz"):
    """members: TarInfo with data (bytes or None)."""
    with tarfile.open(path, mode) as tf:
        for info, data in members:
            if data is not None:
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
            else:
                tf.addfile(info)
    return path


def tar_entry(name, kind=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info


def test_lists_safe_members_and_extracts_only_what_is_asked(tmp_path):
    path = make_zip(tmp_path / "a.zip", [("b/Manifest.db", b"db"), ("b/00/0011", b"file")])

    with Archive.open(path, tmp_path / "out") as archive:
        assert archive.names() == ["b/Manifest.db", "b/00/0011"]
        extracted = archive.extract("b/00/0011")

        assert extracted.read_bytes() == b"file"
        assert not (tmp_path / "out" / "b" / "Manifest.db").exists()
        assert stat.S_IMODE(extracted.stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / "out" / "b" / "00").stat().st_mode) == 0o700
        assert archive.skipped == []


def test_traversal_and_absolute_names_are_skipped_with_a_reason(tmp_path):
    path = make_zip(
        tmp_path / "evil.zip",
        [
            ("../escape.txt", b"x"),
            ("ok/../../escape2.txt", b"x"),
            ("/etc/cron.d/evil", b"x"),
            ("C:\\Windows\\evil.dll", b"x"),
            ("a\\..\\..\\win.txt", b"x"),
            ("fine.txt", b"ok"),
        ],
    )

    with Archive.open(path, tmp_path / "out") as archive:
        assert archive.names() == ["fine.txt"]
        assert archive.skipped == [
            "../escape.txt: path traversal (..)",
            "ok/../../escape2.txt: path traversal (..)",
            "/etc/cron.d/evil: absolute path",
            "C:\\Windows\\evil.dll: absolute path",
            "a\\..\\..\\win.txt: path traversal (..)",
        ]
        archive.extract_all()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["evil.zip", "fine.txt", "out"]


def test_zip_symlinks_out_are_skipped_and_links_in_read_as_their_target(tmp_path):
    path = make_zip(
        tmp_path / "links.zip",
        [
            ("dir/real.txt", b"real"),
            (unix_entry("dir/inside", stat.S_IFLNK | 0o777), b"real.txt"),
            (unix_entry("dir/outside", stat.S_IFLNK | 0o777), b"../../etc/passwd"),
            (unix_entry("dir/absolute", stat.S_IFLNK | 0o777), b"/etc/passwd"),
        ],
    )

    with Archive.open(path, tmp_path / "out") as archive:
        assert archive.extract("dir/inside").read_bytes() == b"real"
        assert not archive.extract("dir/inside").is_symlink()
        assert archive.skipped == [
            "dir/outside: symbolic link pointing outside the archive (../../etc/passwd)",
            "dir/absolute: symbolic link pointing outside the archive (/etc/passwd)",
        ]


def test_zip_device_and_fifo_members_are_skipped(tmp_path):
    path = make_zip(
        tmp_path / "dev.zip",
        [
            (unix_entry("dev/sda", stat.S_IFBLK | 0o600), b""),
            (unix_entry("dev/tty", stat.S_IFCHR | 0o600), b""),
            (unix_entry("pipe", stat.S_IFIFO | 0o600), b""),
        ],
    )

    with Archive.open(path, tmp_path / "out") as archive:
        assert archive.names() == []
        assert archive.skipped == [
            "dev/sda: device, fifo or socket member",
            "dev/tty: device, fifo or socket member",
            "pipe: device, fifo or socket member",
        ]


def test_a_duplicate_name_keeps_the_first_member(tmp_path):
    path = make_zip(tmp_path / "dup.zip", [("a.txt", b"first"), ("a.txt", b"second")])

    with Archive.open(path, tmp_path / "out") as archive:
        assert archive.extract("a.txt").read_bytes() == b"first"
        assert archive.skipped == ["a.txt: duplicate of an earlier member (the first is kept)"]


def test_tar_hostile_members_are_skipped(tmp_path):
    path = make_tar(
        tmp_path / "evil.tar.gz",
        [
            (tar_entry("ok/real.txt"), b"real"),
            (tar_entry("ok/hard", tarfile.LNKTYPE, "ok/real.txt"), None),
            (tar_entry("ok/soft", tarfile.SYMTYPE, "real.txt"), None),
            (tar_entry("ok/hard-out", tarfile.LNKTYPE, "../outside"), None),
            (tar_entry("ok/soft-out", tarfile.SYMTYPE, "../../outside"), None),
            (tar_entry("ok/soft-abs", tarfile.SYMTYPE, "/etc/shadow"), None),
            (tar_entry("ok/tty", tarfile.CHRTYPE), None),
            (tar_entry("ok/disk", tarfile.BLKTYPE), None),
            (tar_entry("ok/fifo", tarfile.FIFOTYPE), None),
            (tar_entry("../up.txt"), b"x"),
            (tar_entry("/abs.txt"), b"x"),
        ],
    )

    with Archive.open(path, tmp_path / "out") as archive:
        assert archive.names() == ["ok/real.txt", "ok/hard", "ok/soft"]
        assert archive.extract("ok/hard").read_bytes() == b"real"
        assert archive.extract("ok/soft").read_bytes() == b"real"
        assert archive.skipped == [
            "ok/hard-out: hard link pointing outside the archive (../outside)",
            "ok/soft-out: symbolic link pointing outside the archive (../../outside)",
            "ok/soft-abs: symbolic link pointing outside the archive (/etc/shadow)",
            "ok/tty: device or fifo member",
            "ok/disk: device or fifo member",
            "ok/fifo: device or fifo member",
            "../up.txt: path traversal (..)",
            "/abs.txt: absolute path",
        ]
    assert not any(p.is_symlink() for p in (tmp_path / "out").rglob("*"))


def test_a_member_declaring_more_than_the_cap_is_skipped_at_listing(tmp_path):
    path = make_zip(tmp_path / "big.zip", [("big.bin", b"\0" * 5000), ("small", b"s")])

    with Archive.open(path, tmp_path / "out", Limits(max_member_bytes=4096)) as archive:
        assert archive.names() == ["small"]
        assert archive.skipped == ["big.bin: declares 5000 bytes, over the 4096-byte cap"]


def test_a_zip_bomb_is_stopped_by_the_bytes_really_written(tmp_path):
    path = make_zip(tmp_path / "bomb.zip", [("bomb.bin", b"\0" * (4 << 20))])
    limits = Limits(max_ratio=100, ratio_floor=1 << 20)

    with Archive.open(path, tmp_path / "out", limits) as archive:
        with pytest.raises(UnsafeArchiveMember, match="zip bomb"):
            archive.extract("bomb.bin")
        assert archive.skipped == ["bomb.bin: expands more than 100:1 (zip bomb?)"]
    assert not (tmp_path / "out" / "bomb.bin").exists()


def test_the_total_cap_counts_every_member_extracted(tmp_path):
    members = [(f"m{i}", os.urandom(600_000)) for i in range(3)]
    path = make_zip(tmp_path / "many.zip", members)

    with Archive.open(path, tmp_path / "out", Limits(max_total_bytes=1_000_000)) as archive:
        archive.extract("m0")
        with pytest.raises(UnsafeArchiveMember, match="total cap"):
            archive.extract("m1")
        with pytest.raises(UnsafeArchiveMember, match="stopped at the total cap"):
            archive.extract("m2")


def test_a_truncated_zip_is_one_user_error_naming_the_file(tmp_path):
    path = make_zip(tmp_path / "cut.zip", [("a", os.urandom(10_000))])
    path.write_bytes(path.read_bytes()[:5000])

    with pytest.raises(UserError, match=r"^cut\.zip: truncated or corrupt zip archive"):
        Archive.open(path, tmp_path / "out")


def test_a_truncated_tar_gz_is_one_user_error_naming_the_file(tmp_path):
    path = make_tar(
        tmp_path / "cut.tar.gz", [(tar_entry(f"f{i}"), os.urandom(20_000)) for i in range(5)]
    )
    path.write_bytes(path.read_bytes()[:50_000])

    with pytest.raises(UserError, match=r"^cut\.tar\.gz: truncated or corrupt tar archive"):
        Archive.open(path, tmp_path / "out")


def test_a_damaged_member_is_an_evidence_error_naming_it(tmp_path):
    data = b"".join(i.to_bytes(4, "big") for i in range(5000))
    path = make_zip(tmp_path / "bad.zip", [("a.bin", data)])
    raw = bytearray(path.read_bytes())
    raw[100] ^= 0xFF  # inside the compressed data
    path.write_bytes(bytes(raw))

    archive = Archive.open(path, tmp_path / "out")
    with archive, pytest.raises(EvidenceError, match=r"^bad\.zip: a\.bin: truncated or corrupt"):
        archive.extract("a.bin")
    assert not (tmp_path / "out" / "a.bin").exists()


def test_extract_all_writes_every_safe_member(tmp_path):
    path = make_tar(
        tmp_path / "all.tar",
        [(tar_entry("x/1.txt"), b"1"), (tar_entry("x/2.txt"), b"2"), (tar_entry("../no"), b"!")],
        mode="w",
    )

    with Archive.open(path, tmp_path / "out") as archive:
        paths = archive.extract_all()

    assert sorted(p.read_bytes() for p in paths) == [b"1", b"2"]
    assert archive.skipped == ["../no: path traversal (..)"]


def test_what_is_not_an_archive_is_told_apart(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")

    assert archive_kind(path) is None
    with pytest.raises(UserError, match=r"notes\.txt: not a zip or tar archive"):
        Archive.open(path, tmp_path / "out")


def test_extract_many_gives_what_it_can_in_archive_order(tmp_path):
    path = make_tar(tmp_path / "some.tar.gz", [(tar_entry(f"f{i}"), bytes([i])) for i in range(5)])

    with Archive.open(path, tmp_path / "out") as archive:
        found = archive.extract_many(["f3", "f1", "missing"])

    assert {name: p.read_bytes() for name, p in found.items()} == {"f1": b"\x01", "f3": b"\x03"}
    assert archive.skipped == ["missing: some.tar.gz: no member 'missing'"]
