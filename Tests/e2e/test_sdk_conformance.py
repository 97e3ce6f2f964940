"""The sandbox and the channels' own published SDKs agree (docs/API.md section 9).

paygate's connectors and the sandbox were both written here, so their round trips cannot show where
both differ from the real channels. These tests put the channels' own SDKs from PyPI on one side:
python-alipay-sdk 3.4.0 and wechatpayv3 2.0.4 (Tests/e2e/sdk-requirements.txt, run in the venv by
sdk_probe.py) with the stack root's keys, against the running stack's sandbox:
- the SDKs accept the sandbox's answers (each SDK verifies every answer it reads) and callbacks
  (Alipay `verify`; wechatpayv3 verifies the signature, its type and serial, then decrypts);
- the sandbox accepts requests the SDKs sign in their own layouts, and refuses what the channel
  would refuse in the form the SDK reads.
UnionPay publishes no SDK on PyPI: its ACP 5.1 rules are checked with fixed vectors in
Tests/SandboxTests/UnionPayVectorTests.swift.
"""
import urllib.parse

import pytest

from sdk_support import CallbackReceiver, accounts, order_reference, run_sdk, sdk_error

TIMEOUT_SECONDS = 30
SUBJECT = "Tea 茶"


@pytest.fixture
def receiver(stack):
    receiver = CallbackReceiver(stack)
    yield receiver
    receiver.close()


def pay(stack, pay_url):
    """The payer pays at the sandbox (docs/API.md section 9)."""
    session = stack.session()
    try:
        response = session.post(pay_url, data={"result": "success"}, timeout=TIMEOUT_SECONDS)
    finally:
        session.close()
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "paid", response.text


def alipay_fields(callback):
    assert callback.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"), callback.headers
    return dict(urllib.parse.parse_qsl(callback.body.decode(), keep_blank_values=True, strict_parsing=True))


# ---------------------------------------------------------------------------------------------
# Alipay: python-alipay-sdk 3.4.0

def test_alipay_sdk_get_layout_answers_and_notifications(stack, receiver):
    number = order_reference()
    # GET with every parameter in the query; the SDK verifies the signed answer before returning it.
    answer = run_sdk(stack, "alipay.precreate", subject=SUBJECT, out_trade_no=number, total_amount="12.30",
                     notify_url=receiver.url + "/alipay")
    assert answer["code"] == "10000" and answer["out_trade_no"] == number, answer
    assert run_sdk(stack, "alipay.query", out_trade_no=number)["trade_status"] == "WAIT_BUYER_PAY"

    # qr_code is Alipay's QR content; the sandbox names its payer page besides (docs/API.md section 9).
    assert answer["qr_code"].startswith("https://qr.alipay.com/"), answer
    pay(stack, answer["sandbox_pay_url"])
    [notice] = receiver.wait_for("/alipay")
    fields = alipay_fields(notice)
    assert (fields["trade_status"], fields["out_trade_no"], fields["total_amount"]) == ("TRADE_SUCCESS", number, "12.30")
    assert fields["subject"] == SUBJECT and fields["sign_type"] == "RSA2", fields
    assert run_sdk(stack, "alipay.verify", fields=fields) is True
    # The check can fail: the same notice with another amount does not verify.
    assert run_sdk(stack, "alipay.verify", fields={**fields, "total_amount": "1230.00"}) is False

    paid = run_sdk(stack, "alipay.query", out_trade_no=number)
    assert (paid["trade_status"], paid["total_amount"], paid["trade_no"]) == ("TRADE_SUCCESS", "12.30", fields["trade_no"])

    refund_number = order_reference()
    refund = run_sdk(stack, "alipay.refund", out_trade_no=number, refund_amount="2.30", out_request_no=refund_number)
    assert (refund["code"], refund["fund_change"], refund["refund_fee"]) == ("10000", "Y", "2.30"), refund
    [_, refund_notice] = receiver.wait_for("/alipay", count=2)
    refund_fields = alipay_fields(refund_notice)
    assert (refund_fields["out_biz_no"], refund_fields["refund_fee"]) == (refund_number, "2.30"), refund_fields
    assert run_sdk(stack, "alipay.verify", fields=refund_fields) is True
    settled = run_sdk(stack, "alipay.refund_query", out_trade_no=number, out_request_no=refund_number)
    assert (settled["refund_status"], settled["refund_amount"]) == ("REFUND_SUCCESS", "2.30"), settled
    # A paid trade cannot be closed: Alipay's business failure, signed like any answer.
    assert run_sdk(stack, "alipay.close", out_trade_no=number)["sub_code"] == "ACQ.TRADE_STATUS_ERROR"


def test_alipay_official_layout_common_parameters_in_the_query_biz_content_in_the_body(stack):
    number = order_reference()
    answer = run_sdk(stack, "alipay.official_precreate", out_trade_no=number, total_amount="0.01", subject=SUBJECT)
    assert answer["code"] == "10000" and answer["qr_code"].startswith("https://qr.alipay.com/"), answer
    assert answer["sandbox_pay_url"].startswith(stack.sandbox_url + "/pay/alipay/"), answer
    # The same order, asked for and closed in python-alipay-sdk's layout.
    assert run_sdk(stack, "alipay.query", out_trade_no=number)["trade_status"] == "WAIT_BUYER_PAY"
    assert run_sdk(stack, "alipay.close", out_trade_no=number)["code"] == "10000"
    assert run_sdk(stack, "alipay.query", out_trade_no=number)["trade_status"] == "TRADE_CLOSED"


@pytest.mark.parametrize("out_trade_no, total_amount, sub_code", [
    ("pay_" + "0" * 61, "12.30", "ACQ.INVALID_PARAMETER"),   # 65 characters
    ("order-1", "12.30", "ACQ.INVALID_PARAMETER"),          # a hyphen
    (None, 0.001, "ACQ.INVALID_PARAMETER"),                 # a float, as the SDK's users pass one
    (None, "100000000.01", "ACQ.TOTAL_FEE_EXCEED"),
])
def test_alipay_limits_reach_the_sdk_as_alipays_business_failure(stack, out_trade_no, total_amount, sub_code):
    answer = run_sdk(stack, "alipay.precreate", subject=SUBJECT, out_trade_no=out_trade_no or order_reference(),
                     total_amount=total_amount)
    assert (answer["code"], answer["sub_code"]) == ("40004", sub_code), answer


def test_alipay_sdk_float_amount_within_the_limits_is_accepted(stack):
    answer = run_sdk(stack, "alipay.precreate", subject=SUBJECT, out_trade_no=order_reference(), total_amount=12.3)
    assert answer["code"] == "10000", answer


# ---------------------------------------------------------------------------------------------
# WeChat Pay: wechatpayv3 2.0.4

def wechat_callback(stack, callback):
    """The SDK's reading of a callback: the envelope with `resource` decrypted, or None."""
    return run_sdk(stack, "wechat.callback", headers=callback.headers, body=callback.body.decode())


def test_wechatpay_sdk_native_query_callbacks_and_refund(stack, receiver):
    number = order_reference()
    created = run_sdk(stack, "wechat.pay", description=SUBJECT, out_trade_no=number, total=1230,
                      notify_url=receiver.url + "/wechatpay")
    assert created["status"] == 200 and created["body"]["code_url"].startswith("weixin://wxpay/bizpayurl?pr="), created
    assert created["body"]["sandbox_pay_url"].startswith(stack.sandbox_url + "/pay/wechatpay/"), created
    assert run_sdk(stack, "wechat.query", out_trade_no=number)["body"]["trade_state"] == "NOTPAY"

    pay(stack, created["body"]["sandbox_pay_url"])
    [notice] = receiver.wait_for("/wechatpay")
    assert notice.headers["Wechatpay-Signature-Type"] == "WECHATPAY2-SHA256-RSA2048", notice.headers
    payment = wechat_callback(stack, notice)
    assert payment is not None, "the SDK did not verify the payment callback"
    assert payment["event_type"] == "TRANSACTION.SUCCESS", payment
    resource = payment["resource"]
    assert (resource["out_trade_no"], resource["trade_state"], resource["amount"]["total"]) == (number, "SUCCESS", 1230)
    assert resource["mchid"] == stack.config["channels"]["wechatpay"]["merchant_id"], resource
    # The check can fail: a changed body no longer verifies.
    tampered = notice.body.replace(b'"summary":"', b'"summary":"x', 1)
    assert tampered != notice.body
    assert run_sdk(stack, "wechat.callback", headers=notice.headers, body=tampered.decode()) is None

    queried = run_sdk(stack, "wechat.query", out_trade_no=number)["body"]
    assert (queried["trade_state"], queried["transaction_id"]) == ("SUCCESS", resource["transaction_id"]), queried

    refund_number = order_reference()
    refund = run_sdk(stack, "wechat.refund", out_trade_no=number, out_refund_no=refund_number, refund=500, total=1230,
                     notify_url=receiver.url + "/wechatpay-refund")
    assert (refund["status"], refund["body"]["status"]) == (200, "PROCESSING"), refund
    [refund_notice] = receiver.wait_for("/wechatpay-refund")
    refunded = wechat_callback(stack, refund_notice)
    assert refunded is not None, "the SDK did not verify the refund callback"
    assert refunded["event_type"] == "REFUND.SUCCESS", refunded
    assert (refunded["resource"]["out_refund_no"], refunded["resource"]["refund_status"]) == (refund_number, "SUCCESS")
    assert refunded["resource"]["amount"]["refund"] == 500, refunded
    assert run_sdk(stack, "wechat.query_refund", out_refund_no=refund_number)["body"]["status"] == "SUCCESS"


def test_wechatpay_sdk_close_and_param_error(stack, receiver):
    number = order_reference()
    created = run_sdk(stack, "wechat.pay", description=SUBJECT, out_trade_no=number, total=1,
                      notify_url=receiver.url + "/wechatpay", time_expire="2099-01-01T00:00:00+08:00")
    assert created["status"] == 200, created
    assert run_sdk(stack, "wechat.close", out_trade_no=number) == {"status": 204, "body": None}
    assert run_sdk(stack, "wechat.query", out_trade_no=number)["body"]["trade_state"] == "CLOSED"
    # paygate's old order numbers (a 36-character payment id) are over WeChat Pay's 32.
    refused = run_sdk(stack, "wechat.pay", description=SUBJECT, out_trade_no="pay_" + order_reference(), total=1,
                      notify_url=receiver.url + "/wechatpay")
    assert refused["status"] == 400 and refused["body"]["code"] == "PARAM_ERROR", refused
    assert refused["body"]["message"].startswith("out_trade_no "), refused


def test_wechatpay_sdk_refuses_answers_under_another_platform_certificate(stack, receiver):
    """The SDK really checks: with the merchant's certificate in place of the platform's, the
    sandbox's signed 200 answer does not verify (the SDK checks only 2xx answers)."""
    wrong = accounts(stack)
    wrong["wechatpay"]["platform_certificate_file"] = wrong["wechatpay"]["certificate_file"]
    error = sdk_error(stack, "wechat.pay", accounts_override=wrong, description=SUBJECT, out_trade_no=order_reference(),
                      total=1, notify_url=receiver.url + "/wechatpay")
    assert "failed to verify the signature" in error, error
