"""One artifact, both layouts: an iOS backup names files by domain, a filesystem dump by path.

Each helper gives the backup form and the filesystem form of the same file, so a parser lists
its file once. App containers sit under a random UUID on the filesystem, hence the `*`.
"""

from __future__ import annotations


def home(rel: str) -> tuple[str, ...]:
    return (f"HomeDomain/{rel}", f"private/var/mobile/{rel}")


def media(rel: str) -> tuple[str, ...]:
    # MediaDomain is rooted at the mobile home: MediaDomain/Media/DCIM, MediaDomain/Library/SMS.
    return (f"MediaDomain/{rel}", f"private/var/mobile/{rel}")


def wireless(rel: str) -> tuple[str, ...]:
    return (f"WirelessDomain/{rel}", f"private/var/wireless/{rel}")


def root(rel: str) -> tuple[str, ...]:
    return (f"RootDomain/{rel}", f"private/var/root/{rel}")


def system_preferences(rel: str) -> tuple[str, ...]:
    return (f"SystemPreferencesDomain/{rel}", f"private/var/preferences/{rel}")


def managed_preferences(rel: str) -> tuple[str, ...]:
    return (f"ManagedPreferencesDomain/{rel}", f"private/var/Managed Preferences/{rel}")


def database(rel: str) -> tuple[str, ...]:
    return (f"DatabaseDomain/{rel}", f"private/var/db/{rel}")


def protected(rel: str) -> tuple[str, ...]:
    return (f"ProtectedDomain/{rel}", f"private/var/protected/{rel}")


def app(bundle_id: str, rel: str) -> tuple[str, ...]:
    return (
        f"AppDomain-{bundle_id}/{rel}",
        f"private/var/mobile/Containers/Data/Application/*/{rel}",
    )


def app_group(group_id: str, rel: str) -> tuple[str, ...]:
    return (
        f"AppDomainGroup-{group_id}/{rel}",
        f"private/var/mobile/Containers/Shared/AppGroup/*/{rel}",
    )
