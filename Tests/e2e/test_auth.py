"""docs/API.md section 2: every way a request can fail authentication, and the replay guard."""
import time
import uuid

import pytest

from paygate_support import assert_error, authorization_header, encode_body, payment_body, sign, sql_string

WINDOW_SECONDS = 300
# Far enough outside the window that a second of clock movement during the test cannot matter.
OUTSIDE_WINDOW_SECONDS = WINDOW_SECONDS + 60


def test_signed_get_is_accepted(client):
    # The positive control: without it every 401 below could come from a broken signer.
    response = client.get("/v1/payments?limit=1")
    assert response.status_code == 200, response.text
    assert response.json() == {"data": [], "has_more": False}


def test_missing_header_is_unauthenticated(client):
    assert_error(client.send("GET", "/v1/payments"), 401, "unauthenticated")
    body = encode_body(payment_body())
    assert_error(client.send("POST", "/v1/payments", body, {"Content-Type": "application/json"}), 401, "unauthenticated")


@pytest.mark.parametrize("make_header", [
    lambda c, good: "Bearer abcdef",
    lambda c, good: "PAYGATE-HMAC-SHA256",
    lambda c, good: "PAYGATE-HMAC-SHA256 garbage",
    lambda c, good: good.replace("PAYGATE-HMAC-SHA256", "PAYGATE-HMAC-SHA1"),
    lambda c, good: good.split(",signature=")[0],                      # no signature
    lambda c, good: good.replace(',nonce="', ',extra="x",nonce="'),     # unknown parameter
    lambda c, good: good.replace('timestamp="', 'timestamp="x'),        # timestamp not a number
    lambda c, good: good.replace('merchant_id="', 'merchant_id=').replace('",timestamp', ',timestamp', 1),  # unquoted
], ids=["other-scheme", "scheme-only", "no-parameters", "other-algorithm", "no-signature", "extra-parameter",
        "timestamp-not-number", "unquoted-value"])
def test_malformed_header_is_unauthenticated(client, make_header):
    good = client.signed_headers("GET", "/v1/payments", b"")["Authorization"]
    assert_error(client.send("GET", "/v1/payments", None, {"Authorization": make_header(client, good)}),
                 401, "unauthenticated")


@pytest.mark.parametrize("nonce", ["a" * 15, "abcdefgh-ijklmnop", "abcdefgh_ijklmnop", "abcdefghijklmno\u00e9", "a" * 65, ""],
                         ids=["too-short", "dash", "underscore", "non-ascii", "too-long", "empty"])
def test_bad_nonce_is_unauthenticated(client, nonce):
    response = client.get("/v1/payments", nonce=nonce)
    assert_error(response, 401, "unauthenticated")


def test_nonce_bounds_are_accepted(client):
    assert client.get("/v1/payments", nonce="A1" * 8).status_code == 200          # 16 characters
    assert client.get("/v1/payments", nonce="z9" * 32).status_code == 200         # 64 characters


def test_wrong_signature(client):
    response = client.get("/v1/payments", secret=client.secret + "x")
    assert_error(response, 401, "invalid_signature")


def test_unknown_merchant_looks_like_wrong_signature(client):
    wrong = assert_error(client.get("/v1/payments", secret="not-the-secret"), 401, "invalid_signature")
    unknown = assert_error(client.get("/v1/payments", merchant_id="mch_" + uuid.uuid4().hex[:24]), 401, "invalid_signature")
    # "Answered exactly like a wrong signature": nothing tells an attacker the merchant exists.
    assert {key for key in unknown if key != "request_id"} == {key for key in wrong if key != "request_id"}
    assert unknown["message"] == wrong["message"]


@pytest.mark.parametrize("offset_seconds", [-OUTSIDE_WINDOW_SECONDS, OUTSIDE_WINDOW_SECONDS], ids=["past", "future"])
def test_timestamp_outside_window(client, database, offset_seconds):
    timestamp = int(time.time()) + offset_seconds
    assert_error(client.get("/v1/payments", timestamp=timestamp), 401, "timestamp_out_of_window")
    response = client.create_payment(payment_body(), timestamp=timestamp)
    assert_error(response, 401, "timestamp_out_of_window")
    assert database.merchant_footprint(client.merchant_id) == {"payments": 0, "request_nonces": 0, "idempotency_keys": 0}


def test_timestamp_inside_window_is_accepted(client):
    assert client.get("/v1/payments", timestamp=int(time.time()) - (WINDOW_SECONDS - 60)).status_code == 200
    assert client.get("/v1/payments", timestamp=int(time.time()) + (WINDOW_SECONDS - 60)).status_code == 200


def test_replayed_post_has_no_second_effect(client, database):
    body = encode_body(payment_body())
    headers = client.signed_headers("POST", "/v1/payments", body)
    headers["Content-Type"] = "application/json"
    first = client.send("POST", "/v1/payments", body, headers)
    assert first.status_code == 201, first.text
    payment_id = first.json()["payment_id"]
    where = f"merchant_id = {sql_string(client.merchant_id)}"
    history_where = f"payment_id = {sql_string(payment_id)}"
    before = (database.count_total("payments", where), database.count_total("payment_status_history", history_where),
              database.count_total("request_nonces", where))

    replay = client.send("POST", "/v1/payments", body, headers)
    assert_error(replay, 401, "nonce_reused")

    after = (database.count_total("payments", where), database.count_total("payment_status_history", history_where),
             database.count_total("request_nonces", where))
    assert after == before
    assert before[0] == 1


def test_replayed_close_is_rejected(client):
    created = client.create_payment(payment_body())
    assert created.status_code == 201, created.text
    uri = f"/v1/payments/{created.json()['payment_id']}/close"
    headers = client.signed_headers("POST", uri, b"")
    assert client.send("POST", uri, None, headers).status_code == 200
    assert_error(client.send("POST", uri, None, headers), 401, "nonce_reused")


def test_signature_over_other_body(client, database):
    body = payment_body()
    other = encode_body(dict(body, amount="99.99"))
    assert_error(client.create_payment(body, signed_body=other), 401, "invalid_signature")
    assert database.merchant_footprint(client.merchant_id)["payments"] == 0


def test_signature_over_other_uri(client):
    assert_error(client.get("/v1/payments?limit=2", signed_uri="/v1/payments?limit=3"), 401, "invalid_signature")
    assert_error(client.create_payment(payment_body(), signed_uri="/v1/payments?x=1"), 401, "invalid_signature")


def test_signature_over_other_method(client):
    assert_error(client.get("/v1/payments", signed_method="POST"), 401, "invalid_signature")


def test_signature_over_other_timestamp(client):
    now = int(time.time())
    body = b""
    signature = sign(client.secret, "GET", "/v1/payments", str(now - 1), "N" * 20, body)
    header = authorization_header(client.merchant_id, str(now), "N" * 20, signature)
    assert_error(client.send("GET", "/v1/payments", None, {"Authorization": header}), 401, "invalid_signature")


def test_one_merchants_signature_does_not_open_another(client, other_client):
    # Signed with the other merchant's secret but claiming this merchant's id.
    assert_error(client.get("/v1/payments", secret=other_client.secret), 401, "invalid_signature")


def test_disabled_merchant_is_forbidden(stack, merchant, database):
    # Disabled before its first request, so no worker can hold a cached "active" copy.
    stack.set_merchant_active(merchant["merchant_id"], False)
    client = stack.client(merchant)
    try:
        assert_error(client.get("/v1/payments"), 403, "merchant_disabled")
        assert_error(client.create_payment(payment_body()), 403, "merchant_disabled")
        # A wrong signature is still a wrong signature: being disabled reveals nothing to a forger.
        assert_error(client.get("/v1/payments", secret="not-the-secret"), 401, "invalid_signature")
        assert database.merchant_footprint(client.merchant_id) == {"payments": 0, "request_nonces": 0, "idempotency_keys": 0}

        # Enabled again: workers may trust a cached copy for merchant_cache_seconds, no longer.
        stack.set_merchant_active(merchant["merchant_id"], True)
        cache_seconds = stack.config.get("merchant_cache_seconds", 5)
        deadline = time.monotonic() + cache_seconds + 15
        while True:
            response = client.create_payment(payment_body())
            if response.status_code != 403 or time.monotonic() >= deadline:
                break
            time.sleep(0.5)
        assert response.status_code == 201, response.text
    finally:
        client.close()


def test_rejected_authentication_stores_nothing_under_idempotency_key(client, database):
    key = f"idem-{uuid.uuid4().hex}"
    rejected = client.create_payment(payment_body(), idempotency_key=key, secret="wrong-secret")
    assert_error(rejected, 401, "invalid_signature")
    assert database.merchant_footprint(client.merchant_id) == {"payments": 0, "request_nonces": 0, "idempotency_keys": 0}
    accepted = client.create_payment(payment_body(), idempotency_key=key)
    assert accepted.status_code == 201, accepted.text
    assert accepted.headers.get("Idempotent-Replayed") is None
