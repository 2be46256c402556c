"""An app that its own install metadata says did not come from the App Store or device management.

Every installed app carries iTunesMetadata naming the installer in `sourceApp`: the App Store
(com.apple.AppStore, or its ProductPageExtension when installed from a product page inside
another app) or MDM (com.apple.dmd, dmd). Anything else (TestFlight, an enterprise or
alternative-marketplace installer, a tool) put the app on the phone outside App Review, the
way stalkerware and some spyware deployments get installed. MVT's Applications module flags
exactly this (medium), treating a missing sourceApp as the App Store; so does this check.
Metadata without any softwareVersionBundleId is flagged too (MVT, medium): an installer that
writes metadata without the app's identity is not the App Store. Both stay medium: beta testers
and enterprise apps are common and harmless, so a person has to ask the owner.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Observable, Record, Severity

# MVT's KNOWN_APP_INSTALLERS.
KNOWN_INSTALLERS = frozenset(
    {"com.apple.AppStore", "com.apple.AppStore.ProductPageExtension", "com.apple.dmd", "dmd"}
)


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        fields = record.fields
        if not fields.get("has_metadata"):
            continue
        bundle_id = fields.get("bundle_id")
        label = _label(record)
        observable = Observable("app_id", bundle_id) if isinstance(bundle_id, str) else None
        installer = fields.get("source_app")
        if isinstance(installer, str) and installer not in KNOWN_INSTALLERS:
            distributor = fields.get("distributor")
            yield Finding.heuristic(
                record,
                Severity.MEDIUM,
                f"App {label} was installed by {installer}, not the App Store or device "
                "management"
                + (f" (distributor {distributor})" if isinstance(distributor, str) else ""),
                observable=observable,
            )
        elif not fields.get("metadata_bundle_id"):
            yield Finding.heuristic(
                record,
                Severity.MEDIUM,
                f"App {label} has install metadata without a bundle id "
                "(softwareVersionBundleId), which App Store installs carry",
                observable=observable,
            )


def _label(record: Record) -> str:
    bundle_id = record.fields.get("bundle_id") or "(no bundle id)"
    name = record.fields.get("name")
    return f"{bundle_id} ({name!r})" if isinstance(name, str) else str(bundle_id)


CHECK = Check("app_not_from_app_store", reads=("installed_apps",), run=check)
