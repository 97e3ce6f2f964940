"""One call of a channel's own published SDK, for Tests/e2e/test_sdk_conformance.py.

Runs inside the venv that holds the SDKs (python-alipay-sdk 3.4.0 and wechatpayv3 2.0.4, pinned in
Tests/e2e/sdk-requirements.txt and installed by `scripts/stack.sh contract-deps`); the suite's own
python has neither. Reads one JSON request on stdin and writes one JSON answer on stdout:

    {"op": "alipay.precreate", "accounts": {...}, "args": {...}}
        -> {"ok": true, "result": <what the SDK returned>}
        -> {"ok": false, "error": "<exception type>: <text>"}   (a signature the SDK refused, say)

`accounts` names the sandbox's URL and the key files of the stack root (never the repository's):
    {"sandbox_url": ..., "alipay": {"app_id", "private_key_file", "public_key_file"},
     "wechatpay": {"mchid", "appid", "private_key_file", "certificate_file",
                   "platform_certificate_file", "apiv3_key_file"}}
The SDKs are pointed at the sandbox the way their own attributes allow: `AliPay._gateway` and
`Core._gate_way` (wechatpayv3 takes the platform certificate from `cert_dir`, so it downloads
nothing). TLS trust comes from SSL_CERT_FILE and REQUESTS_CA_BUNDLE, set by the caller.
"""
import json
import os
import shutil
import sys
import tempfile
import urllib.parse
import urllib.request

from alipay import AliPay
from cryptography import x509
from wechatpayv3 import WeChatPay, WeChatPayType

TIMEOUT_SECONDS = 30
# Alipay's official SDKs send these in the query beside the common parameters, signed like them.
OFFICIAL_SDK_PARAMETERS = {"format": "json", "alipay_sdk": "alipay-sdk-java-dynamicVersionNo"}


SEALED_FILE_PREFIX = "paygate-sealed:"
SEALED_FILE_ASSOCIATED_DATA = b"paygate channel key file"
# Where the stack's master keys are (paygate.json's master_key_file and master_key_directory).
MASTER_KEYS = {}


def read(path):
    """A key file's text; paygate's own private keys and APIv3 key are sealed under the master
    key on disk (Sources/PaygateCrypto/KeyRing/SealedKeyFile.swift): the SDK, playing the
    merchant, needs them plain, so they are opened here as paygate opens them."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if not text.startswith(SEALED_FILE_PREFIX):
        return text
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    sealed = bytes.fromhex(text[len(SEALED_FILE_PREFIX):].strip())
    assert sealed[0] == 2, "sealed key file of an unknown version"
    key_id = int.from_bytes(sealed[1:5], "big")
    key_path = (MASTER_KEYS["first_key_file"] if key_id == 0 else
                os.path.join(MASTER_KEYS["directory"], f"master-{key_id}.key"))
    with open(key_path, "rb") as handle:
        key = handle.read()
    return AESGCM(key).decrypt(sealed[5:17], sealed[17:], sealed[:5] + SEALED_FILE_ASSOCIATED_DATA).decode()


def alipay_client(accounts):
    account = accounts["alipay"]
    client = AliPay(appid=account["app_id"], app_private_key_string=read(account["private_key_file"]),
                    alipay_public_key_string=read(account["public_key_file"]), sign_type="RSA2")
    client._gateway = accounts["sandbox_url"] + "/alipay/gateway.do"
    return client


def alipay_official_layout(client, method, biz_content):
    """The official SDKs' layout, built with this SDK's own signer: the common parameters and `sign`
    in the URL query, `biz_content` alone in a form-encoded POST body; one signature over all."""
    common = client.build_body(method, None)
    common.pop("biz_content")
    common.update(OFFICIAL_SDK_PARAMETERS)
    body = {"biz_content": json.dumps(biz_content, separators=(",", ":"))}
    unsigned = "&".join(f"{key}={value}" for key, value in sorted({**common, **body}.items()))
    common["sign"] = client._sign(unsigned)
    request = urllib.request.Request(
        client._gateway + "?" + urllib.parse.urlencode(common), data=urllib.parse.urlencode(body).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"}, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        raw = response.read().decode()
    return client._verify_and_return_sync_response(raw, method.replace(".", "_") + "_response")


def alipay_op(op, accounts, args):
    client = alipay_client(accounts)
    if op == "alipay.precreate":
        return client.api_alipay_trade_precreate(**args)
    if op == "alipay.query":
        return client.api_alipay_trade_query(out_trade_no=args["out_trade_no"])
    if op == "alipay.refund":
        return client.api_alipay_trade_refund(**args)
    if op == "alipay.refund_query":
        return client.api_alipay_trade_fastpay_refund_query(args["out_request_no"], out_trade_no=args["out_trade_no"])
    if op == "alipay.close":
        return client.api_alipay_trade_close(out_trade_no=args["out_trade_no"])
    if op == "alipay.official_precreate":
        return alipay_official_layout(client, "alipay.trade.precreate", args)
    if op == "alipay.verify":
        # As the SDK's documentation says to check a notification: `sign` out, the rest verified.
        data = dict(args["fields"])
        signature = data.pop("sign")
        return client.verify(data, signature)
    raise ValueError(f"unknown operation {op}")


def wechat_client(accounts, cert_dir):
    account = accounts["wechatpay"]
    certificate = x509.load_pem_x509_certificate(read(account["certificate_file"]).encode())
    shutil.copy(account["platform_certificate_file"], os.path.join(cert_dir, "platform.pem"))
    client = WeChatPay(wechatpay_type=WeChatPayType.NATIVE, mchid=account["mchid"],
                       private_key=read(account["private_key_file"]), cert_serial_no=format(certificate.serial_number, "X"),
                       appid=account["appid"], apiv3_key=read(account["apiv3_key_file"]).strip(), cert_dir=cert_dir,
                       timeout=(TIMEOUT_SECONDS, TIMEOUT_SECONDS))
    client._core._gate_way = accounts["sandbox_url"] + "/wechatpay"
    return client


def wechat_answer(answer):
    status, message = answer
    text = message.decode() if isinstance(message, bytes) else message
    return {"status": status, "body": json.loads(text) if text else None}


def wechat_op(op, accounts, args):
    with tempfile.TemporaryDirectory() as cert_dir:
        client = wechat_client(accounts, cert_dir)
        if op == "wechat.pay":
            return wechat_answer(client.pay(description=args["description"], out_trade_no=args["out_trade_no"],
                                            amount={"total": args["total"], "currency": "CNY"},
                                            notify_url=args["notify_url"], time_expire=args.get("time_expire")))
        if op == "wechat.query":
            return wechat_answer(client.query(out_trade_no=args["out_trade_no"]))
        if op == "wechat.close":
            return wechat_answer(client.close(out_trade_no=args["out_trade_no"]))
        if op == "wechat.refund":
            return wechat_answer(client.refund(out_refund_no=args["out_refund_no"], out_trade_no=args["out_trade_no"],
                                               amount={"refund": args["refund"], "total": args["total"], "currency": "CNY"},
                                               notify_url=args["notify_url"]))
        if op == "wechat.query_refund":
            return wechat_answer(client.query_refund(out_refund_no=args["out_refund_no"]))
        if op == "wechat.callback":
            # The decrypted notification, or None when its signature does not verify.
            return client.callback(args["headers"], args["body"])
    raise ValueError(f"unknown operation {op}")


def main():
    request = json.load(sys.stdin)
    op, accounts, args = request["op"], request["accounts"], request.get("args", {})
    MASTER_KEYS.update(accounts.get("master_keys", {}))
    try:
        result = alipay_op(op, accounts, args) if op.startswith("alipay.") else wechat_op(op, accounts, args)
    except Exception as error:  # noqa: BLE001 (the SDKs raise bare Exception for a bad signature)
        json.dump({"ok": False, "error": f"{type(error).__name__}: {error}"}, sys.stdout)
        return
    json.dump({"ok": True, "result": result}, sys.stdout)


if __name__ == "__main__":
    main()
