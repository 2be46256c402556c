"""com.apple.osanalytics.addaily.plist: a daily network-usage baseline per process.

Its `netUsageBaseline` dictionary maps a process name to [date, Wi-Fi bytes in, Wi-Fi bytes
out, cellular bytes in, cellular bytes out] (the layout MVT's OSAnalyticsADDaily module
reads). Process names here are what Pegasus-era indicators list, as in DataUsage.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from spytrace.artifacts.ios import paths
from spytrace.artifacts.plist import load_plist
from spytrace.artifacts.times import as_utc
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "os_analytics_ad_daily"
PATHS = paths.home("Library/Preferences/com.apple.osanalytics.addaily.plist")
_COUNTERS = ("wifi_in", "wifi_out", "wwan_in", "wwan_out")


def parse(file: EvidenceFile) -> Iterator[Record]:
    plist = load_plist(file)
    baseline = plist.get("netUsageBaseline", {}) if isinstance(plist, dict) else None
    if not isinstance(baseline, dict):
        file.notes.append("netUsageBaseline is not a dictionary")
        return
    for name, values in baseline.items():
        values = values if isinstance(values, list) else []
        when = values[0] if values and isinstance(values[0], datetime) else None
        counters = {
            key: int(value)
            for key, value in zip(_COUNTERS, values[1:], strict=False)
            if isinstance(value, int | float) and not isinstance(value, bool)
        }
        process = str(name).partition("/")[0]
        yield Record(
            artifact=NAME,
            source=file.logical_path,
            locator=f"netUsageBaseline/{name}",
            time=as_utc(when),
            message=f"{process} network usage baseline",
            fields=fields_of({"process_name": str(name), **counters}),
            observables=Observable.of(process=process),
            time_desc="Baseline recorded",
        )


ARTIFACT = Artifact(NAME, PATHS, parse)
