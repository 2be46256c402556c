"""androidqf packages.json: every installed package with its installer, flags, APK files, APK
hashes and signing certificate.

adb/packages.go `Package`: `name`, `installer` (from `pm list packages -i`; the string "null"
when none), `uid`, `disabled`, `system`, `third_party`, `files`: per APK `path`,
`local_name`, `md5`, `sha1`, `sha256`, `sha512`, `error`, `verified_certificate`,
`certificate` (apkverifier CertInfo: `Md5`, `Sha1`, `Sha256`, `ValidFrom`, `ValidTo`,
`Issuer`, `Subject`, `SignatureAlgorithm`, `SerialNumber`), `certificate_error`,
`trusted_certificate`. Package name, APK hashes and certificate digests are observables, so
a renamed stalkerware app is still caught by its certificate or its APK hash.
"""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "androidqf_packages"
PATHS = ("packages.json",)


class Certificate(msgspec.Struct, rename="pascal"):
    md5: str = ""
    sha1: str = ""
    sha256: str = ""
    issuer: str = ""
    subject: str = ""
    valid_from: str = ""
    valid_to: str = ""


class PackageFile(msgspec.Struct):
    path: str = ""
    md5: str = ""
    sha1: str = ""
    sha256: str = ""
    sha512: str = ""
    error: str = ""
    verified_certificate: bool | None = None
    certificate: Certificate | None = None
    certificate_error: str = ""
    trusted_certificate: bool | None = None


class Package(msgspec.Struct):
    name: str = ""
    files: list[PackageFile] | None = None
    installer: str | None = None
    uid: int | None = None
    disabled: bool | None = None
    system: bool | None = None
    third_party: bool | None = None


def parse(file: EvidenceFile) -> Iterator[Record]:
    try:
        packages = msgspec.json.decode(file.path.read_bytes(), type=list[Package])
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise EvidenceError(f"{file.logical_path}: not an androidqf package list ({exc})") from exc
    for index, package in enumerate(packages):
        files = package.files or []
        certificates = [f.certificate for f in files if f.certificate is not None]
        installer = None if package.installer in (None, "", "null") else package.installer
        yield Record(
            artifact=NAME,
            source=file.logical_path,
            locator=f"[{index}]",
            time=None,
            message=f"Package {package.name}"
            + (f", installer {installer}" if installer else ", no installer recorded"),
            fields=fields_of(
                {
                    "package": package.name,
                    "installer": installer,
                    "uid": package.uid,
                    "system": package.system,
                    "third_party": package.third_party,
                    "disabled": package.disabled,
                    "files": [_file(f) for f in files] or None,
                }
            ),
            observables=Observable.of(
                app_id=package.name,
                file_path=[f.path for f in files],
                file_hash=[h for f in files for h in (f.sha256, f.sha1, f.md5, f.sha512)],
                cert_hash=[_hex(h) for c in certificates for h in (c.sha1, c.sha256, c.md5)],
            ),
        )


def _file(apk: PackageFile) -> dict[str, object]:
    cert = apk.certificate
    return fields_of(
        {
            "path": apk.path,
            "sha256": apk.sha256.lower(),
            "sha1": apk.sha1.lower(),
            "md5": apk.md5.lower(),
            "error": apk.error,
            "certificate_sha1": _hex(cert.sha1) if cert else None,
            "certificate_sha256": _hex(cert.sha256) if cert else None,
            "certificate_subject": cert.subject if cert else None,
            "certificate_issuer": cert.issuer if cert else None,
            "certificate_valid_from": cert.valid_from if cert else None,
            "certificate_verified": apk.verified_certificate,
            "certificate_trusted": apk.trusted_certificate,
            "certificate_error": apk.certificate_error,
        }
    )


def _hex(value: str) -> str:
    """Certificate digests as lower-case hex without separators."""
    return value.strip().replace(":", "").replace(" ", "").lower()


ARTIFACT = Artifact(NAME, PATHS, parse)
