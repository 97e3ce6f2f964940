"""A channel certificate outside its validity is refused when the channel keys load, naming the
certificate and its validity, so a process never starts verifying with it. Run against a copy of
the running stack's configuration whose WeChat Pay platform certificate is an expired one (the
stack itself keeps its valid keys: no other test is touched). paygate-worker loads the channel keys
first of all and exits 2 on a configuration it refuses, before it connects to anything."""
import json
import os
import subprocess

# Made once with Python's `cryptography` (a throwaway key, not kept): CN "paygate e2e expired
# platform", serial 0E2E0E2E, valid from 2001-09-09T01:46:40Z to 2001-10-09T01:46:40Z.
EXPIRED_CERTIFICATE = """-----BEGIN CERTIFICATE-----
MIICyjCCAbKgAwIBAgIEDi4OLjANBgkqhkiG9w0BAQsFADAnMSUwIwYDVQQDDBxw
YXlnYXRlIGUyZSBleHBpcmVkIHBsYXRmb3JtMB4XDTAxMDkwOTAxNDY0MFoXDTAx
MTAwOTAxNDY0MFowJzElMCMGA1UEAwwccGF5Z2F0ZSBlMmUgZXhwaXJlZCBwbGF0
Zm9ybTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAMI+mgPgYS21TnN/
j3lDECC8cQQ/QMxZskFJhsu53TTDyNzbdY3XezzNroH/QpAalGbtHepN6nCPbuDH
ZjdNmodhxDsA9XObYZFSxusbonZgR14BXli9bltsnutKoA+jbejTlCNst5aujPLt
prt+tDGEHSFn+xBTI3axs6yE+Ld1h/FXxY6uRH/GQLkE5IP47aRhZEsN64w09oKi
Ox6A9TuS5B6UF6dmqikp4uQgpzCUWfQrgFc7yTiRdyPL4nW0deHU6Yx4o1RE1we3
G0nlU7VNWnhJ9kp17yIHiQyKBoITZMxy4CkzB7dhXXU17Uc7oKF9YpeSIy5zlro1
13DTcesCAwEAATANBgkqhkiG9w0BAQsFAAOCAQEAcnWSowACbbtQNE3RZucUbcpi
JwbIF0i6lkijZgKl/nTze5iFEAer9Z6pOyI8khKGq0MR/XPj2LUo/+qgNd8OCyi/
/KsOdp0Y3N1wsnkg07te/N36hKKThk4dD8jOhwwZGZ9Z/qecXMOWd5QJaFmoHxvS
2NxNVyWThxzLPPvMuPlM1Vrpzlscf300CwJDj09mCh7DIsdyXrwBBGbbmJPL09dR
Rqd6RpIBzgexsaz+MNuDahIVxWGpVUPpYAzwtKXco1hTbi4+Lsh6GE8XBL6/Rly3
DOukd1vnF4AfkawUmA68/Pl5z1Je31K3M+ZqKJOEkeFJY7m+lV5dUHXi0RA5bg==
-----END CERTIFICATE-----
"""
WORKER_TIMEOUT_SECONDS = 60


def test_an_expired_platform_certificate_is_refused_naming_it_and_its_validity(stack, tmp_path):
    certificate = tmp_path / "expired-platform.pem"
    certificate.write_text(EXPIRED_CERTIFICATE, encoding="utf-8")
    configuration = json.loads(json.dumps(stack.config))
    configuration["channels"]["wechatpay"]["verification_keys"] = [{"file": str(certificate)}]
    path = tmp_path / "paygate.json"
    path.write_text(json.dumps(configuration), encoding="utf-8")
    os.chmod(path, 0o600)

    worker = os.path.join(os.path.dirname(stack.admin), "paygate-worker")
    result = subprocess.run([worker, "--config", str(path)], capture_output=True, text=True, timeout=WORKER_TIMEOUT_SECONDS)
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert f"channels.wechatpay.verification_keys: {certificate} (serial 0E2E0E2E) is expired at " in result.stderr, result.stderr
    assert "it is valid from 2001-09-09T01:46:40Z to 2001-10-09T01:46:40Z" in result.stderr, result.stderr

