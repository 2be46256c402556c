from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from spytrace.artifacts.android import user_ca
from spytrace.testkit.android import evidence


def _certificate() -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Interception CA")])
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(7)
        .not_valid_before(start).not_valid_after(start + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )  # fmt: skip


def test_a_user_ca_in_pem(tmp_path):
    cert = _certificate()
    pem = cert.public_bytes(serialization.Encoding.PEM)
    file = evidence(tmp_path, "bugreport/FS/data/misc/user/0/cacerts-added/3f9a1b2c.0", pem)

    [record] = user_ca.parse(file)

    assert record.locator == "3f9a1b2c.0"
    assert record.fields == {
        "subject": "CN=Interception CA",
        "issuer": "CN=Interception CA",
        "not_before": "2024-01-01T00:00:00Z",
        "not_after": "2024-12-31T00:00:00Z",
        "sha256": cert.fingerprint(hashes.SHA256()).hex(),
        "user": 0,
    }
