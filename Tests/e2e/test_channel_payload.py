"""A created payment's `channel_payload` carries what its channel really hands a merchant
(docs/API.md section 5): WeChat Pay Native's `code_url`, Alipay precreate's `qr_code`, UnionPay's
`qr_code` and its signed front-end `form`, besides `pay_url` (the sandbox's payer page here). The
UnionPay form is checked with the channel's own rules: the sandbox takes a post of exactly those
fields (and sends the browser on to the payer page), and refuses it with one field changed."""
import urllib.parse

import pytest

from paygate_support import channel_reference, payment_body
from test_channels import create_processing, sandbox, wait_for

CODE_URL_PREFIX = "weixin://wxpay/bizpayurl?pr="
MEMBERS = {"wechatpay": {"pay_url", "code_url"}, "alipay": {"pay_url", "qr_code"},
           "unionpay": {"pay_url", "qr_code", "form"}}
QR_PREFIXES = {"alipay": "https://qr.alipay.com/", "unionpay": "https://qr.95516.com/"}


@pytest.mark.parametrize("channel", ["alipay", "wechatpay", "unionpay"])
def test_a_created_payment_carries_its_channels_payload(stack, client, channel):
    payment = create_processing(client, channel)
    payload = payment["channel_payload"]
    assert set(payload) == MEMBERS[channel], payload
    sandbox_url, _ = sandbox(stack)
    assert payload["pay_url"].startswith(sandbox_url + "/pay/" + channel + "/"), payload
    if channel == "wechatpay":
        assert payload["code_url"].startswith(CODE_URL_PREFIX) and len(payload["code_url"]) > len(CODE_URL_PREFIX), payload
    else:
        assert payload["qr_code"].startswith(QR_PREFIXES[channel]), payload
    # A lookup answers the same payload: it is stored with the payment.
    assert client.get(f"/v1/payments/{payment['payment_id']}").json()["channel_payload"] == payload


def post_form(stack, form, fields):
    _, session = sandbox(stack)
    return session.post(form["action"], data=urllib.parse.urlencode(list(fields.items())),
                         headers={"Content-Type": "application/x-www-form-urlencoded"}, allow_redirects=False, timeout=10)


def test_the_unionpay_form_verifies_with_the_channel_and_leads_to_payment(stack, client):
    body = payment_body(channel="unionpay", amount="12.30")
    response = client.create_payment(body)
    assert response.status_code == 201, response.text
    payment = response.json()
    form = payment["channel_payload"]["form"]
    sandbox_url, _ = sandbox(stack)
    assert form["action"] == sandbox_url + "/unionpay/gateway/api/frontTransReq.do", form
    assert form["method"] == "POST"
    fields = form["fields"]
    assert fields["orderId"] == channel_reference("unionpay", payment["payment_id"]), fields
    assert (fields["txnType"], fields["txnSubType"], fields["bizType"], fields["channelType"]) == ("01", "01", "000201", "07")
    assert (fields["txnAmt"], fields["currencyCode"]) == ("1230", "156"), fields
    assert fields["signature"] and fields["certId"], fields

    # One field changed, or left out: the channel refuses the post.
    assert post_form(stack, form, dict(fields, txnAmt="1")).status_code == 403
    assert post_form(stack, form, {k: v for k, v in fields.items() if k != "payTimeout"}).status_code == 403
    # Exactly the fields given: accepted, and the browser goes on to the payer page.
    accepted = post_form(stack, form, fields)
    assert accepted.status_code == 303, accepted.text
    assert accepted.headers["Location"] == payment["channel_payload"]["pay_url"]

    _, session = sandbox(stack)
    paid = session.post(accepted.headers["Location"], data={"result": "success"}, timeout=10)
    assert paid.status_code == 200, paid.text
    settled = wait_for(client, payment["payment_id"], lambda p: p["status"] == "succeeded")
    assert settled["status"] == "succeeded", settled
