from datetime import UTC, datetime

from spytrace.artifacts.ios import contacts
from spytrace.model import Observable
from spytrace.testkit.ios_comms import EMAIL, PHONE, URL, AddressBookDb, cocoa_seconds

CREATED = datetime(2022, 6, 1, 10, 0, tzinfo=UTC)
MODIFIED = datetime(2023, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_one_record_per_person_with_their_numbers_addresses_and_links(tmp_path):
    db = AddressBookDb(tmp_path)
    db.add_person(
        First="Ada",
        Last="Lovelace",
        Organization="Analytical",
        JobTitle="Engineer",
        CreationDate=int(cocoa_seconds(CREATED)),
        ModificationDate=int(cocoa_seconds(MODIFIED)),
        values=[
            (PHONE, "+44 20 7946 0000", "_$!<Mobile>!$_"),
            (EMAIL, "ada@example.com", "_$!<Home>!$_"),
            (PHONE, " +44 20 7946 0001 ", "_$!<Work>!$_"),
            (URL, "https://ada.example/", "_$!<HomePage>!$_"),
            (5, "a postal address entry", None),
        ],
    )
    db.add_person(Organization="Pizza Place")
    file = db.build()

    ada, pizza = contacts.parse(file)

    assert ada.artifact == "contacts"
    assert ada.source == "HomeDomain/Library/AddressBook/AddressBook.sqlitedb"
    assert ada.locator == "ABPerson.ROWID=1"
    assert ada.time == CREATED
    assert ada.time_desc == "Contact created"
    assert ada.message == "Contact Ada Lovelace: 2 phones, 1 email, 1 link"
    assert ada.fields == {
        "first": "Ada",
        "last": "Lovelace",
        "organization": "Analytical",
        "job_title": "Engineer",
        "phones": ["+44 20 7946 0000", "+44 20 7946 0001"],
        "emails": ["ada@example.com"],
        "urls": ["https://ada.example/"],
        "modified": "2023-01-02T03:04:05Z",
    }
    assert ada.observables == Observable.of(
        email="ada@example.com",
        phone=["+44 20 7946 0000", "+44 20 7946 0001"],
        url="https://ada.example/",
    )
    assert pizza.locator == "ABPerson.ROWID=2"
    assert pizza.message == "Contact Pizza Place"
    assert pizza.time is None
    assert pizza.observables == ()
    assert file.notes == []
