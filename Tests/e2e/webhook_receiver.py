"""A merchant's webhook endpoint for the end-to-end suite: a threaded HTTP server on loopback that
records every request paygate sends it and answers as the test says.

    from webhook_receiver import WebhookReceiver, webhook_receiver, verify_signature  # fixture too

    def test_something(stack, client, merchant, webhook_receiver):
        response = client.create_payment(payment_body(notify_url=webhook_receiver.url))
        ...
        [delivery] = webhook_receiver.wait_for(lambda d: d.event_id == event_id)
        assert verify_signature(merchant["webhook_secret"], delivery)
        assert delivery.json()["type"] == "payment.succeeded"

API (all methods are thread-safe):
    WebhookReceiver()            binds 127.0.0.1 on a free port and starts serving; .close() stops it
                                 (also a context manager). The `webhook_receiver` fixture gives a
                                 fresh one per test and closes it afterwards.
    .url                         "http://127.0.0.1:<port>/webhook" (any path is accepted)
    .answer(status)              answer every following request with this HTTP status (default 200)
    .delay(seconds)              wait this long before answering each following request (0 = none)
    .down() / .up()              close the listening socket (connections are refused) / listen again
                                 on the same port
    .deliveries                  a copy of every request received so far, in arrival order
    .wait_for(match, count=1, timeout=...)
                                 waits until `count` deliveries satisfy `match` and returns them
                                 (fails the test with what did arrive when the time runs out)

Each recorded `Delivery` has: .received_at (time.time()), .path, .headers (dict with lower-case
names), .body (raw bytes exactly as received), .status (what the receiver answered), and helpers
.json(), .event_id (the Paygate-Event-Id header), .event_type.

verify_signature(webhook_secret, delivery) checks Paygate-Signature as docs/API.md section 8 defines it:
t=<unix seconds>,v1=<hex HMAC-SHA256(key = webhook_secret, "<t>.<raw body>")>.
"""
import hashlib
import hmac
import http.server
import json
import socket
import threading
import time

import pytest

WAIT_SECONDS_DEFAULT = 20
POLL_PAUSE_SECONDS = 0.05
BODY_BYTES_MAX = 1 << 20


class Delivery:
    """One request as the receiver got it."""

    def __init__(self, received_at, path, headers, body, status):
        self.received_at = received_at
        self.path = path
        self.headers = headers
        self.body = body
        self.status = status

    def json(self):
        return json.loads(self.body)

    @property
    def event_id(self):
        return self.headers.get("paygate-event-id")

    @property
    def event_type(self):
        try:
            return self.json().get("type")
        except ValueError:
            return None

    def __repr__(self):
        return f"Delivery({self.event_id} {self.event_type} -> {self.status} at {self.received_at:.3f})"


def signature_parts(delivery):
    """(t, [v1, ...]) of the delivery's Paygate-Signature; (None, []) when it is not of that form.
    Two v1 while a webhook secret's rotation overlap lasts (docs/API.md section 8), else one."""
    header = delivery.headers.get("paygate-signature", "")
    items = [part.split("=", 1) for part in header.split(",")]
    if any(len(item) != 2 for item in items) or [name for name, _ in items[:1]] != ["t"]:
        return None, []
    if any(name != "v1" for name, _ in items[1:]) or not items[0][1].isdigit():
        return None, []
    return items[0][1], [value for _, value in items[1:]]


def verify_signature(webhook_secret, delivery):
    """True when the delivery's Paygate-Signature carries a v1 valid for `webhook_secret`, and
    only one v1 (see `verify_rotation_signature` for the overlap of a rotation)."""
    timestamp, signatures = signature_parts(delivery)
    return len(signatures) == 1 and _signed_with(webhook_secret, delivery, timestamp, signatures[0])


def _signed_with(webhook_secret, delivery, timestamp, signature):
    expected = hmac.new(webhook_secret.encode(), timestamp.encode() + b"." + delivery.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def signatures_valid_for(webhook_secret, delivery):
    """For each v1 of the delivery, in order, whether it verifies with `webhook_secret`."""
    timestamp, signatures = signature_parts(delivery)
    return [_signed_with(webhook_secret, delivery, timestamp, signature) for signature in signatures]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real merchant server would

    def do_POST(self):  # noqa: N802 (the stdlib's naming)
        self.server.receiver._handle(self)

    do_GET = do_PUT = do_POST  # noqa: N815 (recorded too, so a wrong method shows up in a test)

    def log_message(self, *arguments):  # quiet: pytest shows failures, not every request
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler):
        super().__init__(address, handler)
        self._connections_lock = threading.Lock()
        self._connections = set()

    def process_request_thread(self, request, client_address):
        with self._connections_lock:
            self._connections.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.discard(request)

    def handle_error(self, request, client_address):
        pass  # a sender that hung up (timeout, stack stopping) is no test failure by itself

    def close_connections(self):
        """Ends kept-alive connections too, so `down` really means no answer at all."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class WebhookReceiver:
    def __init__(self, host="127.0.0.1"):
        self.host = host
        self._lock = threading.Condition()
        self._deliveries = []
        self._status = 200
        self._delay_seconds = 0.0
        self._server = None
        self._thread = None
        self.port = None
        self.up()

    # -- control -----------------------------------------------------------------------------

    @property
    def url(self):
        return f"http://{self.host}:{self.port}/webhook"

    def answer(self, status):
        with self._lock:
            self._status = int(status)

    def delay(self, seconds):
        with self._lock:
            self._delay_seconds = float(seconds)

    def up(self):
        """Listens (again) on the same port; the first call picks a free one."""
        with self._lock:
            if self._server is not None:
                return
            server = _Server((self.host, self.port or 0), _Handler)
            server.receiver = self
            self.port = server.server_address[1]
            self._server = server
            self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            self._thread.start()

    def down(self):
        """Stops listening: new connections are refused, kept-alive ones are closed."""
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_connections()
        thread.join(timeout=5)

    def close(self):
        self.down()

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()

    # -- what arrived --------------------------------------------------------------------------

    @property
    def deliveries(self):
        with self._lock:
            return list(self._deliveries)

    def wait_for(self, match=lambda delivery: True, count=1, timeout=WAIT_SECONDS_DEFAULT):
        """The first `count` deliveries satisfying `match`, once that many have arrived."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [delivery for delivery in self._deliveries if match(delivery)]
                if len(found) >= count:
                    return found[:count]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    pytest.fail(f"waited {timeout} s for {count} matching webhooks; got {len(found)} "
                                f"of {len(self._deliveries)} received: {self._deliveries}")
                self._lock.wait(min(remaining, POLL_PAUSE_SECONDS * 10))

    # -- serving -------------------------------------------------------------------------------

    def _handle(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(min(length, BODY_BYTES_MAX)) if length else b""
        with self._lock:
            status, delay_seconds = self._status, self._delay_seconds
        if delay_seconds:
            time.sleep(delay_seconds)
        delivery = Delivery(time.time(), handler.path, {name.lower(): value for name, value in handler.headers.items()},
                            body, status)
        with self._lock:
            self._deliveries.append(delivery)
            self._lock.notify_all()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "2")
            handler.end_headers()
            handler.wfile.write(b"{}")
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass  # the sender gave up (its timeout): recorded all the same


@pytest.fixture
def webhook_receiver():
    """A fresh receiver for one test, closed afterwards."""
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()
