"""netusage.sqlite: networkd's record of which processes used the network, first and last.

The same Core Data model as DataUsage.sqlite, kept by networkd outside any backup
(/private/var/networkd/netusage.sqlite, .../networkd/db/ on newer iOS; paths as MVT's
NetUsage module reads them), with wired counters besides Wi-Fi and cellular (schema as
plaso's ios_netusage plugin records it). Read by the DataUsage parser, so its records have
the same shape and the check for deleted process rows reads both.
"""

from __future__ import annotations

from spytrace.artifacts.ios.datausage import COUNTERS, usage_parser
from spytrace.model import Artifact

NAME = "netusage"
PATHS = ("private/var/networkd/netusage.sqlite", "private/var/networkd/db/netusage.sqlite")
WIRED = (("wired_in", "ZWIREDIN"), ("wired_out", "ZWIREDOUT"))

parse = usage_parser(NAME, COUNTERS + WIRED)
ARTIFACT = Artifact(NAME, PATHS, parse)
