import plistlib
import stat
import struct
from datetime import UTC, datetime
from plistlib import UID

import pytest

from spytrace.errors import EvidenceError
from spytrace.formats.mbfile import decode_mbfile
from spytrace.testkit.ios_backup import mbfile_blob

WRAPPED = bytes(range(40))


def _row(path="Library/SMS/sms.db", **values):
    """An MBFile as BackupAgent2 writes it, with ordinary values unless given."""
    fields = {
        "inode": 7, "uid": 501, "gid": 501, "modified": 1700000000, "status_changed": 1700000001,
        "birth": 1600000000, "size": 1234, "protection_class": 3, "mode": 0o100644,
    }  # fmt: skip
    fields.update(values)
    return mbfile_blob(path, **fields)


# The record shapes a backup holds: encrypted with attributes, a symlink, a plain file.
SHAPES = [
    {"encryption_key": bytes(range(44)), "xattrs": {"com.apple.x": b"\x01\x02"}},
    {"target": "../elsewhere", "mode": 0o120755},
    {},
]


def real_shaped_record():
    """The object layout of a real encrypted-backup record (ChatStorage.sqlite, iOS 15),
    with this test's own values."""
    return plistlib.dumps(
        {
            "$archiver": "NSKeyedArchiver",
            "$objects": [
                "$null",
                {
                    "$class": UID(5),
                    "Birth": 1617036196,
                    "EncryptionKey": UID(3),
                    "Flags": 0,
                    "GroupID": 501,
                    "InodeNumber": 45839007,
                    "LastModified": 1650483880,
                    "LastStatusChange": 1650481761,
                    "Mode": 33188,
                    "ProtectionClass": 3,
                    "RelativePath": UID(2),
                    "Size": 22056960,
                    "UserID": 501,
                },
                "ChatStorage.sqlite",
                {"$class": UID(4), "NS.data": struct.pack("<I", 3) + WRAPPED},
                {
                    "$classes": ["NSMutableData", "NSData", "NSObject"],
                    "$classname": "NSMutableData",
                },
                {"$classes": ["MBFile", "NSObject"], "$classname": "MBFile"},
            ],
            "$top": {"root": UID(1)},
            "$version": 100000,
        },
        fmt=plistlib.FMT_BINARY,
    )


def test_decodes_every_field_of_a_real_shaped_record():
    record = decode_mbfile(real_shaped_record())

    assert record.relative_path == "ChatStorage.sqlite"
    assert record.size == 22056960
    assert record.mode == 0o100644 and record.is_file
    assert (record.uid, record.gid, record.inode) == (501, 501, 45839007)
    assert record.birth == datetime(2021, 3, 29, 16, 43, 16, tzinfo=UTC)
    assert record.modified == datetime(2022, 4, 20, 19, 44, 40, tzinfo=UTC)
    assert record.status_changed == datetime(2022, 4, 20, 19, 9, 21, tzinfo=UTC)
    assert record.protection_class == 3
    assert record.encryption_key == WRAPPED  # the 4-byte class prefix is cut off
    assert record.key_class == 3
    assert record.target is None
    assert dict(record.extended_attributes) == {}


def test_symbolic_link_keeps_its_target():
    blob = _row(
        "Library/Preferences/link", mode=stat.S_IFLNK | 0o755, target="/private/var/mobile/x"
    )

    record = decode_mbfile(blob)

    assert record.is_symlink
    assert record.target == "/private/var/mobile/x"
    assert record.encryption_key is None


def test_extended_attributes_are_unpacked_from_their_nested_plist():
    blob = _row("Media/DCIM/100APPLE/IMG_0001.HEIC", xattrs={"com.apple.assetsd.UUID": b"ABCD"})

    record = decode_mbfile(blob)

    assert dict(record.extended_attributes) == {"com.apple.assetsd.UUID": b"ABCD"}


def test_unset_times_are_none():
    blob = _row("Library", mode=stat.S_IFDIR | 0o755, modified=0, status_changed=0, birth=0)

    record = decode_mbfile(blob)

    assert record.is_directory
    assert (record.birth, record.modified, record.status_changed) == (None, None, None)


def test_an_archive_of_another_class_is_refused():
    blob = plistlib.dumps(
        {
            "$archiver": "NSKeyedArchiver",
            "$objects": [
                "$null",
                {"$class": UID(2)},
                {"$classname": "MBFileInfo", "$classes": ["MBFileInfo"]},
            ],
            "$top": {"root": UID(1)},
            "$version": 100000,
        },
        fmt=plistlib.FMT_BINARY,
    )

    with pytest.raises(EvidenceError, match="is a MBFileInfo, not an MBFile"):
        decode_mbfile(blob)


def test_garbage_is_an_evidence_error():
    with pytest.raises(EvidenceError):
        decode_mbfile(b"\x00" * 10)


def test_the_builder_writes_the_object_layout_of_a_real_record():
    blob = mbfile_blob(
        "ChatStorage.sqlite",
        mode=33188,
        inode=45839007,
        uid=501,
        gid=501,
        modified=1650483880,
        status_changed=1650481761,
        birth=1617036196,
        size=22056960,
        protection_class=3,
        encryption_key=struct.pack("<I", 3) + WRAPPED,
    )

    assert blob.startswith(b"bplist00")
    assert plistlib.loads(blob) == plistlib.loads(real_shaped_record())


@pytest.mark.parametrize("extra", SHAPES)
def test_the_lazy_reader_and_plistlib_agree_on_every_shape(extra):
    from spytrace.formats.mbfile import _decode_fully, _decode_lazily

    blob = _row(**extra)
    assert _decode_lazily(blob) == _decode_fully(blob)


def test_a_plist_written_by_plistlib_reads_the_same_both_ways():
    import plistlib

    from spytrace.formats.mbfile import _decode_fully, _decode_lazily

    archive = {
        "$version": 100000,
        "$archiver": "NSKeyedArchiver",
        "$top": {"root": plistlib.UID(1)},
        "$objects": [
            "$null",
            {
                "$class": plistlib.UID(3),
                "RelativePath": plistlib.UID(2),
                "Size": 2**40,
                "Mode": 0o100600,
                "LastModified": 1700000000,
                "ProtectionClass": 4,
            },
            "Library/a b/ünïcode.txt",
            {"$classname": "MBFile", "$classes": ["MBFile", "NSObject"]},
        ],
    }
    blob = plistlib.dumps(archive, fmt=plistlib.FMT_BINARY)
    assert _decode_lazily(blob) == _decode_fully(blob)
    assert _decode_lazily(blob).relative_path == "Library/a b/ünïcode.txt"


@pytest.mark.parametrize("extra", SHAPES)
def test_rows_of_one_layout_read_from_the_plan_give_each_row_its_own_values(extra):
    from spytrace.formats import mbfile

    mbfile._PLANS.clear()
    first = _row(**extra)
    decode_mbfile(first)
    assert len(mbfile._PLANS) == 1
    # Same layout (same widths, same offsets), other values and a path of the same length.
    changed = dict(extra, inode=9, modified=1700000999, size=4321, birth=1600000555)
    if "encryption_key" in changed:
        changed["encryption_key"] = bytes(range(1, 45))
    second = _row("Library/SMS/xyz.db", **changed)

    record = decode_mbfile(second)

    assert len(mbfile._PLANS) == 1  # read through the first row's plan
    assert record == mbfile._decode_fully(second)
    times = mbfile.decode_mbfile_times(second)
    assert (times.size, times.birth, times.modified) == (4321, record.birth, record.modified)
    assert (record.relative_path, record.inode, record.size) == ("Library/SMS/xyz.db", 9, 4321)


def test_a_row_differing_outside_its_values_is_walked_again():
    from spytrace.formats import mbfile

    mbfile._PLANS.clear()
    decode_mbfile(_row())
    # uid and gid equal are one integer object; apart they are two, so the layout differs.
    apart = _row(gid=20)
    renamed = _row().replace(b"ProtectionClass", b"ProtectionKlass")

    assert decode_mbfile(apart) == mbfile._decode_fully(apart)
    assert decode_mbfile(apart).gid == 20
    assert decode_mbfile(renamed).protection_class == 0  # not read as the known key


@pytest.mark.parametrize("extra", [*SHAPES, {"birth": 0}])
def test_the_times_alone_are_those_of_the_whole_record(extra):
    from spytrace.formats.mbfile import decode_mbfile_times

    blob = _row(**extra)
    whole = decode_mbfile(blob)

    times = decode_mbfile_times(blob)

    assert (times.size, times.mode, times.protection_class) == (
        whole.size, whole.mode, whole.protection_class
    )  # fmt: skip
    assert (times.birth, times.modified, times.status_changed) == (
        whole.birth, whole.modified, whole.status_changed
    )  # fmt: skip


def test_keys_an_archive_lacks_read_as_zero_and_unset_through_its_plan():
    import plistlib

    from spytrace.formats import mbfile

    def archive(modified: int) -> bytes:
        # Only Mode and LastModified: no Size, Birth, ProtectionClass or LastStatusChange.
        root = {"$class": plistlib.UID(2), "Mode": 0o100644, "LastModified": modified}
        classes = {"$classname": "MBFile", "$classes": ["MBFile", "NSObject"]}
        return plistlib.dumps(
            {"$version": 100000, "$archiver": "NSKeyedArchiver", "$top": {"root": plistlib.UID(1)},
             "$objects": ["$null", root, classes]},
            fmt=plistlib.FMT_BINARY,
        )  # fmt: skip

    mbfile._PLANS.clear()
    mbfile.decode_mbfile_times(archive(1700000000))
    assert len(mbfile._PLANS) == 1
    times = mbfile.decode_mbfile_times(archive(1700000999))  # through the plan

    assert len(mbfile._PLANS) == 1
    assert (times.size, times.mode, times.protection_class) == (0, 0o100644, 0)
    assert (times.birth, times.status_changed) == (None, None)
    assert times.modified == mbfile._decode_fully(archive(1700000999)).modified


def test_the_times_of_garbage_are_an_evidence_error():
    from spytrace.formats.mbfile import decode_mbfile_times

    with pytest.raises(EvidenceError):
        decode_mbfile_times(b"bplist00 not really")
