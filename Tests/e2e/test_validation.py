"""docs/API.md sections 3-5: every validation error of POST /v1/payments, with its exact code and field,
and nothing written for any of them (checked in MariaDB on every shard)."""
import uuid

import pytest

from paygate_support import assert_error, assert_payment, payment_body

NOTHING = {"payments": 0, "request_nonces": 0, "idempotency_keys": 0}


@pytest.fixture(scope="module")
def rejected_client(stack):
    """One merchant that only ever sends rejected requests, so its footprint must stay empty."""
    client = stack.client(stack.create_merchant())
    yield client
    client.close()


def without(name):
    body = payment_body()
    del body[name]
    return body


def metadata_of(count):
    return {f"k{index}": f"v{index}" for index in range(count)}


# (id, body, code, field). Bodies are built at import time; each carries a fresh merchant_order_no.
CASES = [
    ("json-truncated", b'{"merchant_order_no": "x"', "invalid_json", None),
    ("json-garbage", b"not json", "invalid_json", None),
    ("json-empty", b"", "invalid_json", None),
    ("json-array", b"[]", "invalid_json", None),
    ("json-string", b'"x"', "invalid_json", None),
    ("json-number", b"42", "invalid_json", None),
    ("json-null", b"null", "invalid_json", None),
] + [
    (f"missing-{name}", without(name), "missing_field", name)
    for name in ("merchant_order_no", "amount", "currency", "channel", "subject", "notify_url")
] + [
    ("order-no-space", payment_body(merchant_order_no="ab c"), "invalid_field", "merchant_order_no"),
    ("order-no-dot", payment_body(merchant_order_no="a.b"), "invalid_field", "merchant_order_no"),
    ("order-no-non-ascii", payment_body(merchant_order_no="order\u00e9"), "invalid_field", "merchant_order_no"),
    ("order-no-65", payment_body(merchant_order_no="a" * 65), "invalid_field", "merchant_order_no"),
    ("order-no-empty", payment_body(merchant_order_no=""), "invalid_field", "merchant_order_no"),
    ("order-no-number", payment_body(merchant_order_no=12345), "invalid_field", "merchant_order_no"),
    ("amount-number", payment_body(amount=12.3), "invalid_field", "amount"),
    ("amount-zero", payment_body(amount="0"), "invalid_field", "amount"),
    ("amount-zero-fraction", payment_body(amount="0.00"), "invalid_field", "amount"),
    ("amount-negative", payment_body(amount="-1"), "invalid_field", "amount"),
    ("amount-3-digits-cny", payment_body(amount="1.234"), "invalid_field", "amount"),
    ("amount-fraction-jpy", payment_body(amount="1.5", currency="JPY"), "invalid_field", "amount"),
    ("amount-over-max", payment_body(amount="100000000.01"), "invalid_field", "amount"),
    ("amount-letters", payment_body(amount="abc"), "invalid_field", "amount"),
    ("amount-exponent", payment_body(amount="1e3"), "invalid_field", "amount"),
    ("amount-leading-space", payment_body(amount=" 1"), "invalid_field", "amount"),
    ("amount-leading-zero", payment_body(amount="01.00"), "invalid_field", "amount"),
    ("amount-plus-sign", payment_body(amount="+1"), "invalid_field", "amount"),
    ("amount-empty", payment_body(amount=""), "invalid_field", "amount"),
    ("currency-unknown", payment_body(currency="XXX"), "unsupported_currency", "currency"),
    ("channel-unknown", payment_body(channel="paypal"), "unsupported_channel", "channel"),
    ("subject-empty", payment_body(subject=""), "invalid_field", "subject"),
    ("subject-129", payment_body(subject="s" * 129), "invalid_field", "subject"),
    # Each channel's own rules on what the payer sees (docs/API.md section 5).
    ("subject-alipay-ampersand", payment_body(subject="tea & cake"), "invalid_field", "subject"),
    ("subject-alipay-equals", payment_body(subject="size=L"), "invalid_field", "subject"),
    ("subject-wechatpay-128-bytes", payment_body(channel="wechatpay", subject="\u652f" * 42 + "xx"), "invalid_field", "subject"),
    ("notify-url-ftp", payment_body(notify_url="ftp://127.0.0.1/notify"), "invalid_field", "notify_url"),
    ("notify-url-not-url", payment_body(notify_url="not a url"), "invalid_field", "notify_url"),
    ("notify-url-bad-bracket", payment_body(notify_url="http://[127.0.0.1/notify"), "invalid_field", "notify_url"),
    ("notify-url-credentials", payment_body(notify_url="http://user@127.0.0.1:9/notify"), "invalid_field", "notify_url"),
    ("notify-url-port-too-big", payment_body(notify_url="http://127.0.0.1:65536/notify"), "invalid_field", "notify_url"),
    ("notify-url-513", payment_body(notify_url="http://127.0.0.1:9/" + "a" * (513 - len("http://127.0.0.1:9/"))),
     "invalid_field", "notify_url"),
    ("expire-59", payment_body(expire_seconds=59), "invalid_field", "expire_seconds"),
    ("expire-86401", payment_body(expire_seconds=86401), "invalid_field", "expire_seconds"),
    ("expire-string", payment_body(expire_seconds="900"), "invalid_field", "expire_seconds"),
    ("expire-fraction", payment_body(expire_seconds=900.5), "invalid_field", "expire_seconds"),
    ("metadata-21-keys", payment_body(metadata=metadata_of(21)), "invalid_field", "metadata"),
    ("metadata-number-value", payment_body(metadata={"a": 1}), "invalid_field", "metadata"),
    ("metadata-not-object", payment_body(metadata="x"), "invalid_field", "metadata"),
    ("payer-not-object", payment_body(payer="x"), "invalid_field", "payer"),
    ("payer-array", payment_body(payer=["x"]), "invalid_field", "payer"),
    # docs/API.md section 5: a member the body does not define is refused by name, a misspelt
    # optional one included (it would otherwise be dropped and its default used).
    ("unknown-field", payment_body(description="Tea"), "invalid_field", "description"),
    ("unknown-field-null", payment_body(extra=None), "invalid_field", "extra"),
    ("misspelt-optional-field", payment_body(expire_second=3600), "invalid_field", "expire_second"),
]


@pytest.mark.parametrize("body,code,field", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_create_rejected(rejected_client, database, body, code, field):
    # Every rejected request also carries an Idempotency-Key: docs/API.md section 7 says nothing is
    # stored under it, which the footprint below checks.
    response = rejected_client.create_payment(body, idempotency_key=f"idem-{uuid.uuid4().hex}")
    assert_error(response, 400, code, field)
    assert database.merchant_footprint(rejected_client.merchant_id) == NOTHING


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None],
                         ids=["text-plain", "form", "absent"])
def test_wrong_content_type(rejected_client, database, content_type):
    response = rejected_client.create_payment(payment_body(), content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")
    assert database.merchant_footprint(rejected_client.merchant_id) == NOTHING


def test_unknown_route_under_v1(rejected_client):
    assert_error(rejected_client.get("/v1/nothing-here"), 404, "not_found")
    assert_error(rejected_client.get("/v1/payments/pay_0123/extra/segments"), 404, "not_found")


def test_wrong_method_on_known_route(rejected_client, database):
    assert_error(rejected_client.request("DELETE", "/v1/payments"), 405, "method_not_allowed")
    assert_error(rejected_client.request("PUT", "/v1/payments", payment_body()), 405, "method_not_allowed")
    assert_error(rejected_client.get(f"/v1/payments/pay_{'0' * 32}/close"), 405, "method_not_allowed")
    assert database.merchant_footprint(rejected_client.merchant_id) == NOTHING


# The edges of each rule are accepted: a validator that is off by one fails here.
VALID_EDGES = [
    ("order-no-64", {"merchant_order_no": "A-_" + uuid.uuid4().hex + "z" * 29}, {}),
    ("order-no-1", {"merchant_order_no": None}, {}),  # filled with one random character below
    ("amount-max", {"amount": "100000000"}, {"amount": "100000000.00"}),
    ("amount-max-fraction", {"amount": "100000000.00"}, {}),
    ("amount-min", {"amount": "0.01"}, {}),
    ("amount-one-digit", {"amount": "12.3"}, {"amount": "12.30"}),
    ("amount-integer", {"amount": "7"}, {"amount": "7.00"}),
    ("amount-leading-zero-fraction", {"amount": "0.50"}, {}),
    ("amount-unionpay", {"amount": "5.05", "channel": "unionpay"}, {}),
    ("amount-wechatpay", {"amount": "5", "channel": "wechatpay"}, {"amount": "5.00"}),
    ("subject-128-multibyte", {"subject": "\u652f\u4ed8" * 64}, {}),
    ("subject-wechatpay-127-bytes", {"channel": "wechatpay", "subject": "\u652f" * 42 + "x"}, {}),
    ("subject-unionpay-ampersand", {"channel": "unionpay", "subject": "tea & cake"}, {}),
    ("notify-url-512-https", {"notify_url": "https://127.0.0.1:9/" + "a" * (512 - len("https://127.0.0.1:9/"))}, {}),
    ("expire-60", {"expire_seconds": 60}, {"expire_seconds": 60}),
    ("expire-86400", {"expire_seconds": 86400}, {"expire_seconds": 86400}),
    ("metadata-20-keys", {"metadata": metadata_of(20)}, {}),
    ("payer-object", {"payer": {"ip": "203.0.113.7", "device_id": "d-1", "user_id": "u-1"}}, {}),
]


@pytest.mark.parametrize("overrides,expected", [case[1:] for case in VALID_EDGES], ids=[case[0] for case in VALID_EDGES])
def test_create_accepts_edges(client, overrides, expected):
    overrides = dict(overrides)
    if overrides.get("merchant_order_no", "") is None:
        overrides["merchant_order_no"] = uuid.uuid4().hex[0]
    body = payment_body(**overrides)
    response = client.create_payment(body)
    assert response.status_code == 201, response.text
    assert_payment(response.json(), body, client.merchant_id, amount=expected.get("amount"),
                   expire_seconds=expected.get("expire_seconds", 900))


def test_content_type_with_charset_is_accepted(client):
    response = client.create_payment(payment_body(), content_type="application/json; charset=utf-8")
    assert response.status_code == 201, response.text
