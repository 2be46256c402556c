"""CA certificates the user (or an app acting for them) added to the phone's trust store.

Android keeps them in /data/misc/user/<user>/cacerts-added/<subject hash>.<n>, PEM or DER
(TrustedCertificateStore). A bugreport copies them when it can; one record per file with the
certificate's subject, issuer, validity and SHA-256 fingerprint. A user CA lets whoever holds
its key read the phone's TLS traffic.
"""

from __future__ import annotations

from collections.abc import Iterator

from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Record, fields_of, iso

NAME = "android_user_ca"
PATHS = ("bugreport/FS/data/misc/user/*/cacerts-added/*",)
MAX_BYTES = 1 << 20


def parse(file: EvidenceFile) -> Iterator[Record]:
    # Imported here: X.509 support costs every scan start 40 ms, and few acquisitions hold
    # user certificates.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    data = file.path.read_bytes()[:MAX_BYTES]
    try:
        if b"-----BEGIN" in data:
            cert = x509.load_pem_x509_certificate(data)
        else:
            cert = x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise EvidenceError(f"{file.logical_path}: not an X.509 certificate ({exc})") from exc
    subject = cert.subject.rfc4514_string()
    parts = file.logical_path.split("/")
    user = parts[parts.index("user") + 1] if "user" in parts else ""
    yield Record(
        artifact=NAME,
        source=file.logical_path,
        locator=parts[-1],
        time=None,
        message=f"User-installed CA certificate {subject}",
        fields=fields_of(
            {
                "subject": subject,
                "issuer": cert.issuer.rfc4514_string(),
                "not_before": iso(cert.not_valid_before_utc),
                "not_after": iso(cert.not_valid_after_utc),
                "sha256": cert.fingerprint(hashes.SHA256()).hex(),
                "user": int(user) if user.isdigit() else None,
            }
        ),
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
