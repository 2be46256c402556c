import plistlib
import struct
from datetime import UTC, datetime
from plistlib import UID

import pytest

from spytrace.errors import EvidenceError
from spytrace.formats.nskeyedarchiver import Cycle, unarchive


def archive(objects, top=None):
    return plistlib.dumps(
        {
            "$version": 100000,
            "$archiver": "NSKeyedArchiver",
            "$top": top or {"root": UID(1)},
            "$objects": objects,
        },
        fmt=plistlib.FMT_BINARY,
    )


DICT_CLASS = {
    "$classname": "NSMutableDictionary",
    "$classes": ["NSMutableDictionary", "NSDictionary", "NSObject"],
}
ARRAY_CLASS = {"$classname": "NSArray", "$classes": ["NSArray", "NSObject"]}
DATA_CLASS = {"$classname": "NSMutableData", "$classes": ["NSMutableData", "NSData", "NSObject"]}
STRING_CLASS = {
    "$classname": "NSMutableString",
    "$classes": ["NSMutableString", "NSString", "NSObject"],
}
DATE_CLASS = {"$classname": "NSDate", "$classes": ["NSDate", "NSObject"]}


def test_foundation_objects_become_python_values():
    blob = archive(
        [
            "$null",
            {
                "NS.keys": [UID(2), UID(3), UID(4), UID(5)],
                "NS.objects": [UID(6), UID(7), UID(9), UID(0)],
                "$class": UID(11),
            },
            "list",
            "data",
            "when",
            "nothing",
            {"NS.objects": [UID(8), UID(8)], "$class": UID(12)},
            {"NS.data": b"\x00\x01", "$class": UID(13)},
            "same",
            {"NS.time": 86400.5, "$class": UID(14)},
            {"NS.string": "unused", "$class": UID(15)},
            DICT_CLASS,
            ARRAY_CLASS,
            DATA_CLASS,
            DATE_CLASS,
            STRING_CLASS,
        ]
    )

    assert unarchive(blob) == {
        "list": ["same", "same"],
        "data": b"\x00\x01",
        "when": datetime(2001, 1, 2, 0, 0, 0, 500000, tzinfo=UTC),
        "nothing": None,
    }


def test_mutable_string_and_other_classes_keep_their_class_name():
    blob = archive(
        [
            "$null",
            {"name": UID(2), "count": 3, "$class": UID(3)},
            {"NS.string": "bh", "$class": UID(4)},
            {"$classname": "MBFile", "$classes": ["MBFile", "NSObject"]},
            STRING_CLASS,
        ]
    )

    assert unarchive(blob) == {"name": "bh", "count": 3, "$class": "MBFile"}


def test_top_without_root_gives_every_named_entry():
    blob = archive(["$null", "first", "second"], top={"a": UID(1), "b": UID(2)})

    assert unarchive(blob) == {"a": "first", "b": "second"}


def test_a_cycle_becomes_a_marker_instead_of_endless_recursion():
    blob = archive(
        [
            "$null",
            {"NS.objects": [UID(2)], "$class": UID(3)},
            {"NS.objects": [UID(1)], "$class": UID(3)},
            ARRAY_CLASS,
        ]
    )

    assert unarchive(blob) == [[Cycle(1)]]


def test_shared_references_are_decoded_once_not_exponentially():
    # Each array holds the next one twice: 2**60 leaves if expanded naively.
    depth = 60
    objects = ["$null"]
    for i in range(depth):
        objects.append({"NS.objects": [UID(i + 2), UID(i + 2)], "$class": UID(depth + 2)})
    objects.append("leaf")
    objects.append(ARRAY_CLASS)

    root = unarchive(archive(objects), max_depth=1000)

    assert root[0] is root[1]


def test_nesting_deeper_than_the_limit_is_refused():
    objects = ["$null"]
    for i in range(100):
        objects.append({"NS.objects": [UID(i + 2)], "$class": UID(102)})
    objects.append("leaf")
    objects.append(ARRAY_CLASS)

    with pytest.raises(EvidenceError, match="nested deeper"):
        unarchive(archive(objects))


def test_a_reference_past_the_object_table_is_an_evidence_error():
    with pytest.raises(EvidenceError, match="object 9 of 3"):
        unarchive(archive(["$null", {"NS.objects": [UID(9)], "$class": UID(2)}, ARRAY_CLASS]))


def test_an_unreadable_class_reference_is_an_evidence_error():
    with pytest.raises(EvidenceError, match="unreadable \\$class"):
        unarchive(archive(["$null", {"NS.objects": [], "$class": UID(9)}]))


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"not a plist", "not a readable property list"),
        (plistlib.dumps({"a": 1}), r"\$objects or \$top missing"),
        (plistlib.dumps({"$archiver": "Other", "$top": {}, "$objects": []}), "archived by 'Other'"),
    ],
)
def test_what_is_not_an_archive_is_an_evidence_error(blob, message):
    with pytest.raises(EvidenceError, match=message):
        unarchive(blob)


def test_a_property_list_that_contains_itself_is_refused():
    # $objects is an array holding itself, and the root is that array: plistlib gives a
    # cyclic list, which must not send the decoder round for ever.
    objects = [
        bytes([0xD2, 1, 2, 5, 3]),  # 0: {"$objects": 5, "$top": 3}
        b"\x58$objects",  # 1
        b"\x54$top",  # 2
        bytes([0xD1, 4, 5]),  # 3: {"root": 5}
        b"\x54root",  # 4
        bytes([0xA1, 5]),  # 5: [5]
    ]
    offsets, body = [], b""
    for encoded in objects:
        offsets.append(8 + len(body))
        body += encoded
    trailer = struct.pack(">6xBBQQQ", 1, 1, len(objects), 0, 8 + len(body))
    blob = b"bplist00" + body + bytes(offsets) + trailer

    with pytest.raises(EvidenceError, match="nested deeper than 64 levels"):
        unarchive(blob)
