"""schemathesis hooks for the contract run (test_contract.py): signs every generated request as
docs/API.md section 2 says, and counts the requests sent per operation.

Loaded by the schemathesis CLI (SCHEMATHESIS_HOOKS=schemathesis_hooks, with Tests/e2e on
PYTHONPATH) inside the venv that scripts/stack-deps.sh builds; it reads:
  PAYGATE_CONTRACT_MERCHANT_ID, PAYGATE_CONTRACT_SECRET  the merchant to sign as
  PAYGATE_CONTRACT_COUNTS                                 a file that gets one line per request
  PAYGATE_CONTRACT_TRACE (optional)                       a file that gets every refused request
                                                          (URL, body, answer), to see why

How the signature gets onto the wire: the auth provider below only puts a placeholder into the
Authorization header, because the body is serialized later, by schemathesis. A `requests` auth
object, handed to every call by the before_call hook, runs on the prepared request (the exact
method, path, query and body bytes that go out) and replaces the placeholder with a signature
over them, with a fresh nonce each time, so no request is ever refused as a replay. A request
whose Authorization header is not the placeholder (one schemathesis stripped or replaced to
test that authentication is enforced) is sent as it is.
"""
import os
import threading
import time

import requests.auth
import schemathesis
from schemathesis.engine import observations as schemathesis_observations

from paygate_support import authorization_header, new_nonce, sign

PLACEHOLDER = "PAYGATE-HMAC-SHA256 to-be-signed"

# schemathesis (4.32.5, Tests/e2e/contract-requirements.txt) reads every string of every JSON
# answer to learn links back to the API, through urllib's urlsplit, which raises on some text that
# only looks like a URL ("http://[" and no closing bracket, in a subject or a metadata value the
# generator wrote and paygate echoes): the run then stops with an internal error. Text urlsplit
# refuses is no link, so it is skipped instead.
_same_origin_path = schemathesis_observations._same_origin_path


def _same_origin_path_or_none(value, origin):
    try:
        return _same_origin_path(value, origin)
    except ValueError:
        return None


schemathesis_observations._same_origin_path = _same_origin_path_or_none

_counts_lock = threading.Lock()


@schemathesis.auth()
class PaygateSignature:
    """Marks a request as one to sign (schemathesis then treats it as authenticated)."""

    def get(self, case, context):
        return PLACEHOLDER

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = data


class SignOnTheWire(requests.auth.AuthBase):
    """Signs the prepared request: what is signed is exactly what is sent."""

    def __init__(self, merchant_id, secret):
        self.merchant_id = merchant_id
        self.secret = secret
        # How every header this signer wrote begins (and no other does).
        self.prefix = authorization_header(merchant_id, "", "", "").split(",")[0]

    def __call__(self, request):
        if request.headers.get("Authorization") != PLACEHOLDER:
            return request
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        timestamp = str(int(time.time()))
        nonce = new_nonce()
        signature = sign(self.secret, request.method, request.path_url, timestamp, nonce, body)
        request.headers["Authorization"] = authorization_header(self.merchant_id, timestamp, nonce, signature)
        return request


_signer = SignOnTheWire(os.environ["PAYGATE_CONTRACT_MERCHANT_ID"], os.environ["PAYGATE_CONTRACT_SECRET"])


@schemathesis.hook
def before_call(context, case, kwargs):
    kwargs["auth"] = _signer


@schemathesis.hook
def after_call(context, case, response):
    # One line per request of a declared method: "METHOD PATH-TEMPLATE SIGNED STATUS ERROR-CODE"
    # (SIGNED is "signed" when this hook signed it, "probe" when schemathesis sent it without our
    # signature to see authentication enforced; ERROR-CODE is "-" for a success). Requests with a
    # method the operation does not declare (the 405 probes) are not the operation's cases.
    method = response.request.method
    if method.upper() != case.operation.method.upper():
        return
    signed = "signed" if response.request.headers.get("Authorization", "").startswith(_signer.prefix) else "probe"
    code = "-"
    if response.status_code >= 400:
        try:
            code = response.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = "unreadable"
    line = f"{case.operation.method.upper()} {case.operation.path} {signed} {response.status_code} {code}\n"
    with _counts_lock, open(os.environ["PAYGATE_CONTRACT_COUNTS"], "a", encoding="utf-8") as handle:
        handle.write(line)
    trace = os.environ.get("PAYGATE_CONTRACT_TRACE")
    if trace and response.status_code >= 400:
        mode = case.meta.generation.mode if case.meta else "?"
        with _counts_lock, open(trace, "a", encoding="utf-8") as handle:
            handle.write(f"{case.operation.label} [{mode}] {response.request.url} {response.request.body!r:.300}"
                         f" -> {response.status_code} {response.text[:200]}\n")

