"""What Tests/e2e/test_sdk_conformance.py needs beside its tests: the channels' SDKs run in the venv
(sdk_probe.py), the stack root's channel accounts they use, and an HTTPS receiver that records the
callbacks the sandbox sends to a merchant's notify_url.

    run_sdk(stack, "wechat.query", out_trade_no=...)  -> what the SDK returned (fails the test when
                                                          the SDK raised, with its error)
    sdk_error(stack, op, **args)                      -> the SDK's error text (fails when it did not raise)
    CallbackReceiver(stack)                           -> .url, .wait_for(path) -> Callback(headers, body)
"""
import http.server
import json
import os
import pathlib
import secrets
import ssl
import subprocess
import threading
import time

PROBE = pathlib.Path(__file__).resolve().parent / "sdk_probe.py"
SDK_TIMEOUT_SECONDS = 90
CALLBACK_WAIT_SECONDS = 20
POLL_PAUSE_SECONDS = 0.05
BODY_BYTES_MAX = 1 << 16
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


def order_reference():
    """A channel order (or refund) number as paygate sends one: 32 lower-case hex digits."""
    return secrets.token_hex(16)


def accounts(stack):
    """The channel accounts of the stack root, as paygate's own configuration names their files."""
    channels = stack.config["channels"]
    alipay, wechatpay = channels["alipay"], channels["wechatpay"]
    return {
        "sandbox_url": stack.sandbox_url,
        # Our private keys and APIv3 key are sealed under these (sdk_probe.py opens them).
        "master_keys": {"first_key_file": stack.config["master_key_file"],
                        "directory": stack.config.get("master_key_directory", "")},
        "alipay": {"app_id": alipay["app_id"], "private_key_file": alipay["private_key_file"],
                   "public_key_file": alipay["verification_keys"][0]["file"]},
        "wechatpay": {"mchid": wechatpay["merchant_id"], "appid": wechatpay["app_id"],
                      "private_key_file": wechatpay["private_key_file"], "certificate_file": wechatpay["certificate_file"],
                      "platform_certificate_file": wechatpay["verification_keys"][0]["file"],
                      "apiv3_key_file": wechatpay["api_v3_key_file"]},
    }


def probe_environment(stack):
    """Trust the stack's CA (urllib reads SSL_CERT_FILE, requests REQUESTS_CA_BUNDLE); no proxy."""
    environment = {name: value for name, value in os.environ.items() if name not in PROXY_VARIABLES}
    environment.update({"SSL_CERT_FILE": stack.ca, "REQUESTS_CA_BUNDLE": stack.ca, "NO_PROXY": "*"})
    return environment


def call_sdk(stack, op, accounts_override=None, **args):
    venv = os.environ.get("PAYGATE_VENV")
    assert venv, "PAYGATE_VENV is not set (run through scripts/e2e.sh)"
    python = pathlib.Path(venv) / "bin" / "python"
    assert python.exists(), f"{python} is missing: scripts/stack.sh contract-deps builds the venv"
    request = {"op": op, "accounts": accounts_override or accounts(stack), "args": args}
    result = subprocess.run([str(python), str(PROBE)], input=json.dumps(request), capture_output=True, text=True,
                            timeout=SDK_TIMEOUT_SECONDS, env=probe_environment(stack))
    assert result.returncode == 0, f"sdk_probe.py {op} exited {result.returncode}: {result.stderr[-3000:]}"
    return json.loads(result.stdout)


def run_sdk(stack, op, **args):
    answer = call_sdk(stack, op, **args)
    assert answer["ok"], f"the SDK refused {op}: {answer['error']}"
    return answer["result"]


def sdk_error(stack, op, accounts_override=None, **args):
    answer = call_sdk(stack, op, accounts_override, **args)
    assert not answer["ok"], f"the SDK accepted {op}: {answer['result']}"
    return answer["error"]


class Callback:
    def __init__(self, path, headers, body):
        self.path = path
        self.headers = headers  # names as sent
        self.body = body  # bytes as received

    def __repr__(self):
        return f"Callback({self.path} {len(self.body)} bytes)"


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 (the stdlib's naming)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, BODY_BYTES_MAX))
        self.server.receiver.record(Callback(self.path, dict(self.headers.items()), body))
        # Alipay stops on the exact body "success"; WeChat Pay and UnionPay on any 200.
        answer = b"success"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *arguments):
        pass


class CallbackReceiver:
    """A merchant's notify_url over HTTPS with the stack's server certificate (WeChat Pay accepts
    only https), on a free loopback port; the sandbox trusts the stack's CA."""

    def __init__(self, stack):
        self._condition = threading.Condition()
        self._callbacks = []
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.receiver = self
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(f"{stack.root}/tls/server.pem", f"{stack.root}/tls/server.key")
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def record(self, callback):
        with self._condition:
            self._callbacks.append(callback)
            self._condition.notify_all()

    def wait_for(self, path, count=1):
        """The first `count` callbacks posted to `path`, waiting for them (fails when they never come)."""
        deadline = time.monotonic() + CALLBACK_WAIT_SECONDS
        with self._condition:
            while True:
                matching = [callback for callback in self._callbacks if callback.path == path]
                if len(matching) >= count:
                    return matching[:count]
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"{count} callback(s) to {path} never came; got {self._callbacks}"
                self._condition.wait(min(remaining, POLL_PAUSE_SECONDS * 20))

    def close(self):
        self._server.shutdown()
        self._server.server_close()
