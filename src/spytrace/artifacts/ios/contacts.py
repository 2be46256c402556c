"""AddressBook.sqlitedb: each contact with their phone numbers, email addresses and web links."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.ios import paths
from spytrace.artifacts.sqlite import rows
from spytrace.artifacts.times import cocoa_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "contacts"
PATHS = paths.home("Library/AddressBook/AddressBook.sqlitedb")
PEOPLE_SQL = """
SELECT ROWID, First, Middle, Last, Organization, Nickname, JobTitle, CreationDate,
       ModificationDate
FROM ABPerson ORDER BY ROWID
"""
VALUES_SQL = """
SELECT record_id, property, value FROM ABMultiValue
WHERE property IN (3, 4, 22) ORDER BY record_id, UID
"""
# ABPropertyID of the multi-value properties (AddressBook's ABPerson.h): kABPersonPhoneProperty,
# kABPersonEmailProperty, kABPersonURLProperty.
KINDS = {3: "phones", 4: "emails", 22: "urls"}


def parse(file: EvidenceFile) -> Iterator[Record]:
    # An address book is thousands of values at most: gather them per person first.
    values: defaultdict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows(file, VALUES_SQL):
        if isinstance(row["value"], str) and row["value"].strip():
            values[row["record_id"]][KINDS[row["property"]]].append(row["value"].strip())
    for row in rows(file, PEOPLE_SQL):
        yield _record(file, row, values.get(row["ROWID"], {}))


def _record(file: EvidenceFile, row: Any, values: dict[str, list[str]]) -> Record:
    name = " ".join(p for p in (row["First"], row["Middle"], row["Last"]) if p)
    name = name or row["Organization"] or row["Nickname"] or "unnamed"
    phones, emails, urls = (values.get(k, []) for k in ("phones", "emails", "urls"))
    counts = ", ".join(
        f"{len(found)} {label[:-1] if len(found) == 1 else label}"
        for label, found in (("phones", phones), ("emails", emails), ("links", urls))
        if found
    )
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"ABPerson.ROWID={row['ROWID']}",
        time=cocoa_time(row["CreationDate"]),
        message=f"Contact {name}" + (f": {counts}" if counts else ""),
        fields=fields_of(
            {
                "first": row["First"],
                "middle": row["Middle"],
                "last": row["Last"],
                "organization": row["Organization"],
                "nickname": row["Nickname"],
                "job_title": row["JobTitle"],
                "phones": phones or None,
                "emails": emails or None,
                "urls": urls or None,
                "modified": iso(cocoa_time(row["ModificationDate"])),
            }
        ),
        observables=Observable.of(email=emails, phone=phones, url=urls),
        time_desc="Contact created",
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
