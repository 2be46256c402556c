from spytrace.checks.process_imitation import check, known_names
from spytrace.model import Observable, Severity
from spytrace.testkit.records import datausage_process


def test_a_near_miss_of_an_ios_daemon_is_low_and_names_the_real_one():
    records = [
        datausage_process(1, "CommsCenterRootHelper"),
        datausage_process(2, "CommCenterRootHelper"),
        datausage_process(3, "fmld"),
        datausage_process(4, "WhatsApp", bundle_id="net.whatsapp.WhatsApp"),
        datausage_process(5, "identityservice"),  # cut at 15 characters by iOS
        datausage_process(6, "Signal"),
    ]

    findings = list(check(records))

    assert [(f.observable, f.severity) for f in findings] == [
        (Observable("process", "CommsCenterRootHelper"), Severity.LOW),
        (Observable("process", "fmld"), Severity.LOW),
    ]
    assert findings[0].message == (
        "Process 'CommsCenterRootHelper' (datausage) is not an iOS process name but is 1 letter "
        "away from the iOS process 'CommCenterRootHelper', the way Pegasus disguised its "
        "processes; check it against the device's iOS version"
    )


def test_the_bundled_list_is_real_and_holds_no_indicator_names():
    names = known_names()
    assert {"launchd", "SpringBoard", "locationd", "CommCenterRootHelper", "BackupAgent2"} <= names
    assert len(names) > 350
    assert not names & {"bh", "roleaccountd", "stagingd", "msgacntd", "fmld", "BackupAgent"}
