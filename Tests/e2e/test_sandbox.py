"""The channel sandbox as the stack serves it (docs/API.md section 9): paygate-sandbox behind its own
nginx TLS server on PAYGATE_SANDBOX_URL, with the stack's certificate, reachable by the paygate
config's channel base URLs. The answers asserted here are the ones Sources/Sandbox makes."""
import json
import subprocess
import uuid

import pytest

ALIPAY_APP_ID = "2021000000000001"  # Sources/Setup LocalChannelAccounts.alipayAppId
FAULTS_OFF = {"channel": None, "latency_ms": 0, "timeout_ms": 0, "status_5xx": 0, "duplicate_callbacks": 0,
              "out_of_order_callbacks": False, "callback_amount_delta": 0, "drop_callbacks": False,
              "pay_closed_orders": False, "refund_result": "success", "misdirected_query": None,
              "misdirected_refund": None, "statement": None}
BODY_TOO_LARGE_BYTES = 100 * 1024
TIMEOUT_SECONDS = 30


@pytest.fixture
def sandbox(stack):
    session = stack.session()  # verifies against the stack's CA: the same certificate as the API
    yield session
    session.close()


def sandbox_get(stack, sandbox, path):
    return sandbox.get(stack.sandbox_url + path, timeout=TIMEOUT_SECONDS)


def set_faults(stack, sandbox, knobs):
    return sandbox.post(stack.sandbox_url + "/sandbox/faults", data=json.dumps(knobs),
                        headers={"Content-Type": "application/json"}, timeout=TIMEOUT_SECONDS)


def assert_json(response, status):
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers.get("Content-Type", "").startswith("application/json"), dict(response.headers)
    assert response.headers.get("X-Request-Id"), dict(response.headers)  # nginx's id on every answer
    return response.json()


def test_sandbox_health(stack, sandbox):
    assert assert_json(sandbox_get(stack, sandbox, "/sandbox/health"), 200) == {"status": "ok"}


def test_paygate_channel_base_urls_point_at_the_sandbox(stack):
    channels = stack.config["channels"]
    assert channels["alipay"]["base_url"] == stack.sandbox_url + "/alipay/gateway.do"
    assert channels["wechatpay"]["base_url"] == stack.sandbox_url + "/wechatpay"
    assert channels["unionpay"]["base_url"] == stack.sandbox_url + "/unionpay/gateway/api"


def test_fault_knobs_set_shown_and_reset(stack, sandbox):
    knobs = {"channel": "unionpay", "duplicate_callbacks": 2, "drop_callbacks": True}
    try:
        assert assert_json(set_faults(stack, sandbox, knobs), 200) == {**FAULTS_OFF, **knobs}
        assert assert_json(sandbox_get(stack, sandbox, "/sandbox/faults"), 200) == {**FAULTS_OFF, **knobs}
        # An unknown knob is refused, never ignored, and leaves the knobs in force as they were.
        refused = assert_json(set_faults(stack, sandbox, {"no_such_knob": 1}), 400)
        assert "no_such_knob" in refused["error"], refused
        assert assert_json(sandbox_get(stack, sandbox, "/sandbox/faults"), 200) == {**FAULTS_OFF, **knobs}
    finally:
        reset = set_faults(stack, sandbox, {})
    # A POST replaces the whole set: {} turns every knob off.
    assert assert_json(reset, 200) == FAULTS_OFF
    assert assert_json(sandbox_get(stack, sandbox, "/sandbox/faults"), 200) == FAULTS_OFF


def alipay_gateway(stack, sandbox, form):
    return sandbox.post(stack.sandbox_url + "/alipay/gateway.do", data=form, timeout=TIMEOUT_SECONDS)


def verify_alipay_signature(stack, raw_body, member, tmp_path):
    """Alipay signs the exact text of `<method>_response`: check it with the stack's platform key,
    the key paygate verifies Alipay's answers with (openssl, not our own crypto)."""
    prefix = '{"' + member + '":'
    assert raw_body.startswith(prefix), raw_body
    signed_text, separator, rest = raw_body[len(prefix):].rpartition(',"sign":"')
    assert separator and rest.endswith('"}'), raw_body
    signature = json.loads('"' + rest[:-2] + '"')
    (tmp_path / "signed").write_bytes(signed_text.encode())
    (tmp_path / "signature.b64").write_text(signature)
    subprocess.run(["openssl", "base64", "-d", "-A", "-in", str(tmp_path / "signature.b64"),
                    "-out", str(tmp_path / "signature")], check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
    result = subprocess.run(["openssl", "dgst", "-sha256", "-verify", f"{stack.root}/channels/alipay/platform.pub",
                             "-signature", str(tmp_path / "signature"), str(tmp_path / "signed")],
                            capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    assert result.returncode == 0, (result.stdout, result.stderr)


@pytest.mark.parametrize("form, sub_code", [
    # Just the method: Alipay cannot tell whose request it is.
    ({"method": "alipay.trade.query"}, "isv.invalid-app-id"),
    # The right app, but no signature.
    ({"method": "alipay.trade.query", "app_id": ALIPAY_APP_ID, "charset": "utf-8",
      "biz_content": '{"out_trade_no":"o-1"}'}, "isv.invalid-signature"),
])
def test_unsigned_alipay_call_is_refused_in_alipays_form(stack, sandbox, tmp_path, form, sub_code):
    response = alipay_gateway(stack, sandbox, form)
    # Alipay answers HTTP 200 and puts the failure in the signed `<method>_response` object.
    document = assert_json(response, 200)
    assert set(document) == {"alipay_trade_query_response", "sign"}, document
    assert document["alipay_trade_query_response"] == {
        "code": "40002", "msg": "Invalid Arguments", "sub_code": sub_code, "sub_msg": sub_code}
    verify_alipay_signature(stack, response.text, "alipay_trade_query_response", tmp_path)


def test_alipay_call_without_a_method_gets_the_unsigned_error_response(stack, sandbox):
    document = assert_json(alipay_gateway(stack, sandbox, {"app_id": ALIPAY_APP_ID}), 200)
    assert document == {"error_response": {"code": "40001", "msg": "Missing Required Arguments",
                                           "sub_code": "isv.missing-method", "sub_msg": "isv.missing-method"}}


@pytest.mark.parametrize("channel", ["alipay", "wechatpay", "unionpay"])
def test_unknown_pay_url_is_404(stack, sandbox, channel):
    token = uuid.uuid4().hex
    response = sandbox_get(stack, sandbox, f"/pay/{channel}/{token}")
    # The sandbox's own answer (plain text), passed through by nginx unchanged.
    assert response.status_code == 404, response.text
    assert response.headers.get("Content-Type", "").startswith("text/plain"), dict(response.headers)
    assert response.text == "no such pay URL"
    # Paying it changes nothing and queues no callback.
    paid = sandbox.post(f"{stack.sandbox_url}/pay/{channel}/{token}", data={"result": "success"},
                        timeout=TIMEOUT_SECONDS)
    assert paid.status_code == 404, paid.text
    queued = assert_json(sandbox_get(stack, sandbox, "/sandbox/callbacks"), 200)["callbacks"]
    assert all(token not in callback["url"] for callback in queued), queued


def test_nginx_errors_on_the_sandbox_port_are_json(stack, sandbox):
    # Bodies above 64 KiB never reach the sandbox.
    too_large = sandbox.post(stack.sandbox_url + "/alipay/gateway.do", data=b"m" * BODY_TOO_LARGE_BYTES,
                             headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=TIMEOUT_SECONDS)
    error = assert_json(too_large, 413)["error"]
    assert error["code"] == "body_too_large"
    assert error["request_id"] == too_large.headers["X-Request-Id"]
    # nginx's own error pages are internal: asked for directly, they are a JSON 404.
    direct = sandbox_get(stack, sandbox, "/_sandbox/error/unreachable")
    assert assert_json(direct, 404)["error"]["code"] == "not_found"
