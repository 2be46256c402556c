from datetime import UTC, datetime

from spytrace.artifacts.ios import shortcuts
from spytrace.model import Observable
from spytrace.testkit.ios_system import (
    ShortcutsDb,
    ShortcutsDbWithoutActionsTable,
    shortcut_action,
)

CREATED = datetime(2022, 1, 10, 12, 0, tzinfo=UTC)
MODIFIED = datetime(2022, 2, 11, 13, 30, tzinfo=UTC)


def test_a_shortcut_with_its_actions_and_the_links_they_use(tmp_path):
    db = ShortcutsDb(tmp_path)
    db.add_shortcut(
        "Backup photos",
        [
            shortcut_action("is.workflow.actions.getlatestphotos", WFGetLatestPhotoCount=5),
            shortcut_action(
                "is.workflow.actions.downloadurl",
                WFURL="https://upload.example.net/drop?id=1",
                WFHTTPMethod="POST",
            ),
            shortcut_action(
                "is.workflow.actions.gettext",
                WFTextActionText={
                    "Value": {"string": "then visit www.example.org/landing now"},
                    "WFSerializationType": "WFTextTokenString",
                },
            ),
        ],
        created=CREATED,
        modified=MODIFIED,
    )
    evidence = db.build()

    [record] = shortcuts.parse(evidence)

    assert record.source == "HomeDomain/Library/Shortcuts/Shortcuts.sqlite"
    assert record.locator == "ZSHORTCUT.Z_PK=1"
    assert record.time == CREATED
    assert record.time_desc == "Shortcut created"
    assert record.message == "Shortcut 'Backup photos', 3 actions"
    assert record.fields == {
        "name": "Backup photos",
        "workflow_id": "8F2A7C3E-1D4B-4E5F-9A6B-7C8D9E0F1A2B",
        "description": "3 actions",
        "modified": "2022-02-11T13:30:00Z",
        "actions": [
            "is.workflow.actions.getlatestphotos",
            "is.workflow.actions.downloadurl",
            "is.workflow.actions.gettext",
        ],
        "urls": ["https://upload.example.net/drop?id=1", "www.example.org/landing"],
    }
    assert record.observables == Observable.of(
        url=["https://upload.example.net/drop?id=1", "www.example.org/landing"]
    )
    assert evidence.notes == []


def test_actions_wrapped_in_a_workflow_dictionary_and_deleted_shortcuts(tmp_path):
    db = ShortcutsDb(tmp_path)
    db.add_shortcut(
        "Old",
        [shortcut_action("is.workflow.actions.openurl", WFInput="http://old.example.com/")],
        created=CREATED,
        tombstoned=True,
        wrapped=True,
    )

    [record] = shortcuts.parse(db.build())

    assert record.message == "Shortcut 'Old', 1 action (deleted)"
    assert record.fields["deleted"] is True
    assert record.observables == Observable.of(url="http://old.example.com/")


def test_a_shortcut_without_actions_and_an_unreadable_blob(tmp_path):
    db = ShortcutsDb(tmp_path)
    db.add_shortcut("Empty", created=CREATED)
    db.add_shortcut("Broken", created=CREATED, data=b"not a plist")
    evidence = db.build()

    empty, broken = shortcuts.parse(evidence)

    assert empty.message == "Shortcut 'Empty', 0 actions"
    assert "actions" not in empty.fields
    assert broken.observables == ()
    assert evidence.notes == ["ZSHORTCUT.Z_PK=2: actions are not a readable property list"]


def test_a_store_without_the_actions_table_still_lists_shortcuts(tmp_path):
    db = ShortcutsDbWithoutActionsTable(tmp_path)
    db.add_shortcut("Morning", created=CREATED)
    evidence = db.build()

    [record] = shortcuts.parse(evidence)

    assert record.fields == {"name": "Morning"}
    assert record.time == CREATED
    assert evidence.notes == ["table ZSHORTCUTACTIONS missing: actions not read"]
