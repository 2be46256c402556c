"""`iocs update` against a loopback HTTP server that serves the shared feeds as GitHub would."""

import http.server
import json
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from spytrace.iocs import feeds
from spytrace.iocs.loader import load_feeds

# owner/repo/branch as the community index names them -> folder of the shared feeds.
REPOS = {
    "AmnestyTech/investigations/master": "amnesty",
    "mvt-project/mvt-indicators/main": "mvt-indicators",
}


class _Handler(http.server.SimpleHTTPRequestHandler):
    root: Path
    broken: ClassVar[set[str]] = set()

    def translate_path(self, path: str) -> str:
        parts = path.lstrip("/").split("/")
        repo, rest = "/".join(parts[:3]), parts[3:]
        if repo not in REPOS or ".." in rest:
            return str(self.root / "missing")
        return str(self.root / REPOS[repo] / "/".join(rest))

    def do_GET(self) -> None:
        if self.path in self.broken:
            self.send_error(500)
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(shared_iocs):
    handler = type("Handler", (_Handler,), {"root": shared_iocs, "broken": set()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", handler
    httpd.shutdown()


def test_update_downloads_every_feed_of_the_index(server, tmp_path, shared_iocs):
    base, _ = server
    index_url = f"{base}/mvt-project/mvt-indicators/main/indicators.yaml"
    results = feeds.update(index_url, base, target=tmp_path)
    by_name = {r.spec.name: r for r in results}
    assert by_name["NSO Group Pegasus Indicators of Compromise"].ok
    # The stalkerware feed lives in a repository the server does not hold.
    assert not by_name["Stalkerware Indicators of Compromise"].ok
    assert "HTTP 404" in by_name["Stalkerware Indicators of Compromise"].detail
    pegasus = tmp_path / "AmnestyTech/investigations/2021-07-18_nso/pegasus.stix2"
    original = shared_iocs / "amnesty/2021-07-18_nso/pegasus.stix2"
    assert pegasus.read_bytes() == original.read_bytes()
    provenance = json.loads((tmp_path / feeds.PROVENANCE).read_text())
    entry = provenance["AmnestyTech/investigations/2021-07-18_nso/pegasus.stix2"]
    assert entry["url"] == f"{base}/AmnestyTech/investigations/master/2021-07-18_nso/pegasus.stix2"
    assert entry["sha256"] == by_name["NSO Group Pegasus Indicators of Compromise"].detail
    assert entry["downloaded_at"].endswith("Z")
    loaded = load_feeds([tmp_path], feeds.installed_feed_names(tmp_path))
    names = {f.feed for f in loaded.files}
    assert "NSO Group Pegasus Indicators of Compromise" in names
    assert sum(r.ok for r in results) == len(loaded.files)


def test_a_failed_download_keeps_the_previous_copy(server, tmp_path):
    base, handler = server
    index_url = f"{base}/mvt-project/mvt-indicators/main/indicators.yaml"
    feeds.update(index_url, base, target=tmp_path)
    pegasus = tmp_path / "AmnestyTech/investigations/2021-07-18_nso/pegasus.stix2"
    before = pegasus.read_bytes()
    handler.broken.add("/AmnestyTech/investigations/master/2021-07-18_nso/pegasus.stix2")
    results = feeds.update(index_url, base, target=tmp_path)
    [failed] = [r for r in results if r.spec.name.startswith("NSO")]
    assert not failed.ok and "previous copy is kept" in failed.detail
    assert pegasus.read_bytes() == before


def test_unreachable_index_is_one_clear_error(tmp_path):
    from spytrace.errors import UserError

    with pytest.raises(UserError, match="cannot download"):
        feeds.update("http://127.0.0.1:9/indicators.yaml", target=tmp_path)


def test_index_entries_that_would_escape_the_feed_folder_are_ignored():
    index = b"""indicators:
  - type: github
    name: evil
    github: {owner: a, repo: b, branch: main, path: ../../etc/passwd}
  - type: github
    name: fine
    github: {owner: a, repo: b, branch: main, path: x/y.stix2}
"""
    assert [s.name for s in feeds.read_index(index)] == ["fine"]
