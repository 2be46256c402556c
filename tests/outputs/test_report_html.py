"""report.html: made from real scans (a Pegasus-like backup, and a scan full of hostile text)."""

import base64
import gzip
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from spytrace import api
from spytrace.errors import EvidenceError, UserError
from spytrace.iocs.loader import load_feeds
from spytrace.model import (
    Artifact,
    Check,
    EvidenceFile,
    Finding,
    Observable,
    Record,
    Severity,
)
from spytrace.outputs.files import prepare_output
from spytrace.outputs.report_html import (
    defang,
    read_outputs,
    render,
    write_report,
)
from spytrace.outputs.timeline import TimelineWriter
from spytrace.outputs.verdict import verdict
from spytrace.scan import scan
from spytrace.testkit.fake_source import FolderSource
from spytrace.testkit.scenarios import pegasus_backup
from tests.cli_helpers import spytrace

VOID = {"meta", "link", "br", "input", "img", "hr", "area", "base", "col", "source", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []
        self.texts = []

    def text(self):
        parts = list(self.texts)
        for child in self.children:
            parts.append(child.text())
        return " ".join(p for p in parts if p.strip())

    def walk(self) -> Iterator["Node"]:
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, **attrs):
        return [n for n in self.walk() if all(n.attrs.get(k) == v for k, v in attrs.items())]

    def by_id(self, element_id):
        [node] = self.find(id=element_id)
        return node


class Tree(HTMLParser):
    """A small DOM: enough to check tags, attributes and the text each element shows."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.texts.append(data)


def parse(html):
    return Tree(html).root


def static_text(root):
    """What a reader without JavaScript sees: everything but scripts, styles and hidden parts."""
    parts = []

    def visit(node):
        if node.tag in ("script", "style", "template") or "hidden" in node.attrs:
            return
        parts.extend(t for t in node.texts if t.strip())
        for child in node.children:
            visit(child)

    visit(root)
    return " ".join(" ".join(parts).split())


def chunks_of(root):
    """The embedded timeline, unpacked as the report's script does."""
    index = json.loads(root.by_id("timeline-index").text())
    rows = []
    blocks = [n for n in root.walk() if n.tag == "script" and n.attrs.get("class") == "tl-chunk"]
    assert len(blocks) == len(index["chunks"])
    for meta, block in zip(index["chunks"], blocks, strict=True):
        data = json.loads(gzip.decompress(base64.b64decode(block.text())))
        at = meta["t0"]
        for k, delta in enumerate(data["t"]):
            at += delta
            rows.append(
                {
                    "ms": at,
                    "artifact": data["A"][data["a"][k]],
                    "desc": data["D"][data["d"][k]],
                    "message": data["m"][k],
                    "source": data["S"][data["s"][k]],
                    "locator": data["l"][k],
                    "ioc": data["I"][data["i"][k]],
                }
            )
    return index, rows


# ---------------------------------------------------------------------------------------------
# A Pegasus-like backup scanned through the library, as the CLI does


@pytest.fixture(scope="module")
def pegasus(tmp_path_factory):
    root = tmp_path_factory.mktemp("pegasus")
    scenario = pegasus_backup(root / "acq", messages=300, link_every=100, visits=30)
    request = api.ScanRequest(
        path=scenario.path, output=root / "out", iocs=[scenario.indicators], use_cache=False
    )
    _, result = api.scan_path(request)
    return scenario, result, root / "out"


@pytest.fixture(scope="module")
def pegasus_report(pegasus):
    _, _, out = pegasus
    html = (out / "report.html").read_text(encoding="utf-8")
    return html, parse(html), json.loads((out / "findings.json").read_text())


def test_every_scan_writes_a_private_report(pegasus):
    _, _, out = pegasus
    report = out / "report.html"
    assert report.is_file()
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert not list(out.glob(".*partial"))


def test_every_finding_is_shown_with_its_evidence(pegasus_report):
    _, root, document = pegasus_report
    assert len(document["findings"]) == 15
    for finding in document["findings"]:
        text = root.by_id(f"finding-{finding['id']}").text()
        evidence = finding["evidence"]
        for value in (
            finding["artifact"],
            evidence["file"],
            evidence["locator"],
            evidence["sha256"],
        ):
            assert value in text, (finding["id"], value)
        assert defang(finding["message"].split(" ")[0]) in text
        if finding["time"]:
            moment = datetime.fromisoformat(finding["time"])
            assert moment.strftime("%Y-%m-%d %H:%M:%S UTC") in text
        if finding["indicator"]:
            indicator = finding["indicator"]
            assert indicator["malware"] in text
            assert indicator["feed"] in text
            assert indicator["sha256"] in text
            value = indicator["value"]
            assert (
                value.replace(".", "[.]") if indicator["kind"] in ("domain", "email") else value
            ) in text
        else:
            assert finding["rule"] in text
        assert "What it means:" in text and "What it does not mean:" in text


def test_findings_are_grouped_by_malware_then_heuristics(pegasus_report):
    _, root, _ = pegasus_report
    groups = [n for n in root.walk() if n.tag == "section" and n.attrs.get("class") == "group"]
    titles = [g.find(id=f"{g.attrs['id']}-h")[0].texts[0].strip() for g in groups]
    assert titles == ["Pegasus", "Predator", "Heuristic checks"]
    pegasus_group = groups[0].text()
    assert "10 findings, 2 critical, 7 high, 1 medium" in pegasus_group
    # Within a group, most severe first.
    severities = [n.attrs["class"].split()[-1] for n in groups[0].walk() if n.tag == "article"]
    assert severities == sorted(
        severities, key=["sev-border-critical", "sev-border-high", "sev-border-medium"].index
    )


def test_a_link_received_is_explained_as_targeting_not_infection(pegasus_report):
    _, root, document = pegasus_report
    [link] = [
        f
        for f in document["findings"]
        if f["artifact"] == "sms" and f["observable"]["kind"] == "url"
    ][:1]
    text = root.by_id(f"finding-{link['id']}").text()
    assert "A link received is targeting, not proof of infection" in text
    [process] = [
        f for f in document["findings"] if f["observable"] and f["observable"]["value"] == "bh"
    ]
    assert (
        "sign that the spyware was installed or ran"
        in root.by_id(f"finding-{process['id']}").text()
    )


def test_verdict_comes_first_in_plain_words_and_never_says_clean(pegasus, pegasus_report):
    _, result, _ = pegasus
    _, root, _ = pegasus_report
    [main] = [n for n in root.walk() if n.tag == "main"]
    assert main.children[0].attrs["id"] == "verdict"
    verdict_text = main.children[0].text()
    assert verdict(result.findings, result.coverage, 7) + "." in verdict_text
    assert "Traces matching Pegasus, Predator indicators in 6 artifacts" in verdict_text
    assert "Confidence: high." in verdict_text
    assert "can never prove that a device is free of spyware" in verdict_text
    assert "clean" not in static_text(root).lower()


def test_no_reference_leaves_the_file(pegasus_report):
    html, root, _ = pegasus_report
    for node in root.walk():
        for name in ("src", "href", "action", "formaction", "poster", "data", "srcset"):
            value = node.attrs.get(name)
            if value is not None:
                assert value.startswith("#") or value == "data:,", (node.tag, name, value)
        assert not any(a.startswith("on") for a in node.attrs), node.attrs
    assert not re.search(r"url\s*\(", html, re.IGNORECASE)
    assert "@import" not in html
    # Every address from the evidence is defanged or packed: none is written out as such.
    assert not re.search(r"(?i)\b(https?|ftp|file|wss?)://", html)
    assert "free247downloads[.]com" in html


def test_the_content_security_policy_allows_only_the_reports_own_style_and_script(pegasus_report):
    _, root, _ = pegasus_report
    [meta] = [n for n in root.walk() if n.attrs.get("http-equiv") == "Content-Security-Policy"]
    policy = meta.attrs["content"]
    assert "default-src 'none'" in policy
    scripts = [n for n in root.walk() if n.tag == "script"]
    code = [s for s in scripts if "type" not in s.attrs]
    assert len(code) == 1
    assert {s.attrs.get("type") for s in scripts} == {
        None,
        "application/json",
        "application/octet-stream",
    }
    [style] = [n for n in root.walk() if n.tag == "style"]
    for text in (code[0].text(), style.text()):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_the_static_parts_need_no_javascript(pegasus_report):
    _, root, document = pegasus_report
    text = static_text(root)
    for heading in (
        "Verdict",
        "Findings",
        "Timeline",
        "What was checked",
        "Chain of custody",
        "What to do next",
    ):
        assert heading in text
    assert "Keep the device as it is." in text
    assert "Do not reset it" in text
    assert "Lockdown Mode" in text
    assert "Amnesty International's Security Lab" in text
    assert "Access Now's Digital Security Helpline" in text
    assert document["acquisition"]["sha256"] in text
    for indicator in document["indicators"]:
        assert indicator["sha256"] in text
    # The chart is drawn in SVG for readers without JavaScript (and for the PDF).
    static_chart = root.by_id("chart-static")
    assert [n for n in static_chart.walk() if n.tag == "rect"]
    assert len([n for n in static_chart.walk() if n.tag == "path"]) >= 2


def test_coverage_lists_every_artifact_with_its_status(pegasus_report):
    _, root, document = pegasus_report
    for name, entry in document["coverage"].items():
        row = root.by_id(f"cov-{name}")
        assert entry["status"] in row.text()
        assert f"{entry['records']:,}" in row.text()


@pytest.mark.parametrize("readers", [1, 2])
def test_the_embedded_timeline_holds_every_event_in_order(pegasus, monkeypatch, readers):
    from spytrace.outputs import report_timeline

    _, _, out = pegasus
    # Two readers (each packing every other chunk) whatever the timeline's size.
    monkeypatch.setattr(report_timeline, "SPLIT_BYTES", 0 if readers == 2 else 1 << 40)
    html = "".join(render(read_outputs(out), chunk_rows=97))
    index, rows = chunks_of(parse(html))
    expected = [json.loads(line) for line in (out / "timeline.jsonl").read_text().splitlines()]
    assert index["total"] == len(expected) == len(rows)
    assert len(index["chunks"]) == -(-len(expected) // 97)
    for row, want in zip(rows, expected, strict=True):
        assert row["ms"] == want["timestamp"] // 1000
        assert (row["artifact"], row["source"], row["locator"]) == (
            want["artifact"],
            want["source"],
            want["locator"],
        )
        assert (row["message"], row["desc"], row["ioc"]) == (
            want["message"],
            want["timestamp_desc"],
            want["ioc"],
        )
    assert sum(n for _, _, n in index["days"]) == len(expected)
    findings = json.loads((out / "findings.json").read_text())["findings"]
    assert [f["id"] for f in index["findings"]] == [f["id"] for f in findings]
    # The artifacts and indicator texts are numbered in the order they first appear.
    assert index["artifacts"] == list(dict.fromkeys(r["artifact"] for r in expected))
    assert index["iocs"] == list(dict.fromkeys(["", *(r["ioc"] for r in expected)]))
    assert any(index["iocs"][1:])
    for meta, start in zip(index["chunks"], range(0, len(expected), 97), strict=True):
        part = expected[start : start + 97]
        assert meta["n"] == len(part)
        assert meta["x"] == sum(1 for r in part if r["ioc"])
        assert meta["a"] == [sum(1 for r in part if r["artifact"] == a) for a in index["artifacts"]]


def test_one_reader_and_two_make_the_same_report(pegasus, monkeypatch):
    from spytrace.outputs import report_timeline

    _, _, out = pegasus
    made = []
    for split in (1 << 40, 0):
        monkeypatch.setattr(report_timeline, "SPLIT_BYTES", split)
        html = "".join(render(read_outputs(out), chunk_rows=50))
        made.append(re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", "", html))  # when it was made
    assert made[0] == made[1]


def test_a_timeline_chunk_that_cannot_be_packed_fails_the_report_and_leaves_none(
    pegasus, tmp_path, monkeypatch
):
    from spytrace.outputs import report_html, report_timeline

    _, _, out = pegasus

    def full_disk(chunk, spool):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report_timeline, "_pack", full_disk)
    with pytest.raises(OSError, match="No space left"):
        report_html.write_report(out, tmp_path / "report.html")
    assert list(tmp_path.iterdir()) == []


def test_report_command_remakes_the_report_and_refuses_a_folder_without_a_scan(pegasus, tmp_path):
    _, _, out = pegasus
    target = tmp_path / "again.html"
    result = spytrace("report", out, "--output", target, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert target.read_text().startswith("<!doctype html>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = spytrace("report", empty, home=tmp_path)
    assert refused.returncode == 2
    assert "no findings.json" in refused.stderr
    with pytest.raises(UserError):
        write_report(empty)
    assert not list(empty.iterdir())


def test_report_command_writes_a_pdf(pegasus, tmp_path):
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the package is there, Pango is not
        reason = (
            f"WeasyPrint cannot run here ({exc}): pip install 'spytrace[pdf]'; make system-deps"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    _, _, out = pegasus
    target = tmp_path / "report.pdf"
    result = spytrace("report", out, "--pdf", "--output", target, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Wrote {target}"
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    # What went into it: every finding, on several pages.
    laid_out = weasyprint.HTML(string="".join(render(read_outputs(out), for_print=True))).render()
    assert len(laid_out.pages) >= 5


def test_the_print_version_has_the_static_parts_and_no_script(pegasus):
    _, _, out = pegasus
    html = "".join(render(read_outputs(out), for_print=True))
    root = parse(html)
    assert not [n for n in root.walk() if n.tag == "script"]
    document = json.loads((out / "findings.json").read_text())
    for finding in document["findings"]:
        assert root.find(id=f"finding-{finding['id']}")
    assert "Access Now's Digital Security Helpline" in static_text(root)


# ---------------------------------------------------------------------------------------------
# A scan whose evidence is hostile text from end to end

HOSTILE_MESSAGE = "</script><script>alert(4)</script><!--"
HOSTILE_URL = 'https://x.evil.example/"><img src=x onerror=alert(5)>'
HOSTILE_LOCATOR = 'line 1"><script>alert(3)</script>'
HOSTILE_FILE = "Notes/<svg onload=alert(2)>.txt"
HOSTILE_REASON = "<marquee>unreadable</marquee>"
HOSTILE_CHECK_MESSAGE = '<iframe src="javascript:alert(6)"></iframe>'


def parse_hostile(file: EvidenceFile) -> Iterator[Record]:
    if file.logical_path.endswith("broken.txt"):
        raise EvidenceError(HOSTILE_REASON)
    yield Record(
        artifact="hostile",
        source=file.logical_path,
        locator=HOSTILE_LOCATOR,
        time=datetime(2023, 11, 14, 22, 0, tzinfo=UTC),
        message=HOSTILE_MESSAGE,
        fields={"text": HOSTILE_MESSAGE},
        observables=Observable.of(url=HOSTILE_URL),
        time_desc="<b>Written</b>",
    )


def flag_everything(records):
    for record in records:
        yield Finding.heuristic(record, Severity.HIGH, HOSTILE_CHECK_MESSAGE)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    acquisition = root / "acq"
    (acquisition / "Notes").mkdir(parents=True)
    (acquisition / HOSTILE_FILE).write_text("x")
    (acquisition / "Notes" / "broken.txt").write_text("x")
    feed = root / "iocs" / "<img src=x onerror=alert(7)>"
    feed.mkdir(parents=True)
    (feed / "domains.txt").write_text("evil.example\n")
    output = root / "out"
    prepare_output(output, force=False)
    (root / "scratch").mkdir()
    scan(
        FolderSource(acquisition, problems=["<script>alert(8)</script>"]),
        load_feeds([root / "iocs"]),
        output,
        root / "scratch",
        artifacts=(Artifact("hostile", ("Notes/*.txt",), parse_hostile),),
        checks=(Check("hostile_check", reads=("hostile",), run=flag_everything),),
    )
    write_report(output)
    return output, (output / "report.html").read_text(encoding="utf-8")


def test_hostile_evidence_is_shown_as_text_never_as_markup(hostile):
    output, html = hostile
    document = json.loads((output / "findings.json").read_text())
    assert len(document["findings"]) == 2  # the indicator match and the heuristic
    root = parse(html)
    tags = {n.tag for n in root.walk()}
    assert not tags & {"img", "iframe", "marquee", "b"}
    for node in root.walk():
        assert not any(a.startswith("on") for a in node.attrs), (node.tag, node.attrs)
    scripts = [n for n in root.walk() if n.tag == "script"]
    assert [s.attrs.get("type") for s in scripts] == [
        "application/json",
        "application/octet-stream",
        None,
    ]
    assert "alert(" not in scripts[2].text()
    # Shown, escaped, as the words they are.
    text = root.text()
    for finding in document["findings"]:
        shown = root.by_id(f"finding-{finding['id']}").text()
        assert HOSTILE_FILE in shown and HOSTILE_LOCATOR in shown
    assert HOSTILE_CHECK_MESSAGE in text
    assert HOSTILE_REASON in text
    assert "<script>alert(8)</script>" in text
    assert "&lt;img src=x onerror=alert(7)&gt;" in html
    # In the embedded JSON, markup characters are escaped, and the values round-trip.
    index_text = root.by_id("timeline-index").text()
    assert "<" not in index_text and ">" not in index_text
    index, rows = chunks_of(root)
    assert any(HOSTILE_CHECK_MESSAGE in f["label"] for f in index["findings"])
    assert [r["message"] for r in rows] == [HOSTILE_MESSAGE]
    assert rows[0]["locator"] == HOSTILE_LOCATOR and rows[0]["desc"] == "<b>Written</b>"


def test_hostile_addresses_are_defanged_where_they_are_written(hostile):
    _, html = hostile
    assert not re.search(r"(?i)\b(https?|ftp|file|wss?)://", html)
    assert "hxxps://x[.]evil[.]example/" in parse(html).text()


# ---------------------------------------------------------------------------------------------
# Large timelines


def test_a_large_timeline_stays_small_and_is_packed_in_chunks(tmp_path):
    output = tmp_path / "out"
    prepare_output(output, force=False)
    (output / "findings.json").write_text(
        json.dumps(
            {
                "spytrace_version": "test",
                "scanned_at": "2024-01-01T00:00:00Z",
                "acquisition": {},
                "indicators": [],
                "warnings": [],
                "findings": [],
                "coverage": {},
            }
        )
    )
    writer = TimelineWriter(tmp_path, run_rows=50_000)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    for n in range(120_000):
        writer.add(
            Record(
                "sms" if n % 3 else "safari_history",
                "HomeDomain/Library/SMS/sms.db",
                f"message.ROWID={n}",
                start + timedelta(seconds=37 * n),
                f"iMessage received from +1555{n % 9973:07d}, {n % 5} links",
                time_desc="Message received",
            )
        )
    writer.write(output / "timeline.csv", output / "timeline.jsonl")
    write_report(output)
    size = (output / "report.html").stat().st_size
    raw = (output / "timeline.jsonl").stat().st_size
    assert size < raw / 8, (size, raw)
    root = parse((output / "report.html").read_text())
    index = json.loads(root.by_id("timeline-index").text())
    assert index["total"] == 120_000
    assert len(index["chunks"]) == 6
    assert sum(c["n"] for c in index["chunks"]) == 120_000
    # 37 s apart: 2,336 events a day over 52 days.
    assert len({d for d, _, _ in index["days"]}) == 52


def test_compiled_templates_are_kept_private_in_the_cache_and_reused(tmp_path, monkeypatch):
    from jinja2 import Environment

    from spytrace.outputs import report_html

    monkeypatch.setenv("SPYTRACE_CACHE_DIR", str(tmp_path / "cache"))
    report_html._environment().get_template("report.html.j2")
    [compiled] = (tmp_path / "cache" / "templates").iterdir()
    compiles = []
    original = Environment.compile
    monkeypatch.setattr(
        Environment, "compile", lambda self, *a, **k: compiles.append(a) or original(self, *a, **k)
    )
    report_html._environment().get_template("report.html.j2")

    assert compiles == []  # the second report loads the compiled template
    assert (tmp_path / "cache" / "templates").stat().st_mode & 0o777 == 0o700
    assert compiled.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("readers", [1, 2])
def test_a_broken_timeline_row_is_one_clear_error_naming_the_file(
    pegasus, tmp_path, monkeypatch, readers
):
    import shutil

    from spytrace.outputs import report_timeline

    _, _, out = pegasus
    folder = tmp_path / "scan"
    shutil.copytree(out, folder)
    lines = (folder / "timeline.jsonl").read_text().splitlines(keepends=True)
    lines.insert(59, '{"artifact": "sms", "timestamp": \n')  # in the second chunk of 50
    (folder / "timeline.jsonl").write_text("".join(lines))
    # With two readers the second chunk is the forked reader's: its error reaches the caller.
    monkeypatch.setattr(report_timeline, "SPLIT_BYTES", 0 if readers == 2 else 1 << 40)

    with pytest.raises(UserError, match=r"timeline\.jsonl: lines 51-100 are not all timeline rows"):
        "".join(render(read_outputs(folder), chunk_rows=50))

    result = spytrace("report", folder, home=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "timeline.jsonl" in line and "Traceback" not in result.stderr


def test_a_broken_record_line_is_one_clear_error_naming_the_file(tmp_path):
    from spytrace.outputs import report_html

    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "sms.jsonl").write_text('{"artifact": "sms"}\n{"artifact": \n')

    with pytest.raises(UserError, match=r"records/sms\.jsonl: line 2 is not a record"):
        report_html._undated_records(tmp_path, {("sms", "sms.db", "message.ROWID=1")}, {})
