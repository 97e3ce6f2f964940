"""Pure helpers for the end-to-end suite: request signing, the slot router, MariaDB queries and the
assertions every test repeats. Only conftest.py touches the environment; everything here is given
its inputs, so `python3 Tests/e2e/paygate_support.py` can self-check without a stack.
"""
import base64
import datetime
import hashlib
import hmac
import json
import re
import secrets
import string
import subprocess
import time
import uuid

import requests

NONCE_ALPHABET = string.ascii_letters + string.digits
NONCE_LENGTH = 32
REQUEST_TIMEOUT_SECONDS = 30
QUERY_TIMEOUT_SECONDS = 30

FNV_OFFSET_BASIS = 0xCBF29CE484222325
FNV_PRIME = 0x00000100000001B3
FNV_PART_SEPARATOR = 0x1F
UINT64_MASK = (1 << 64) - 1

PAYMENT_ID_PATTERN = re.compile(r"^pay_[0-9a-f]{32}$")
RFC3339_UTC_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|\+00:00)$")
PAYMENT_FIELDS = {
    "payment_id", "merchant_id", "merchant_order_no", "amount", "currency", "channel", "status",
    "refunded_amount", "subject", "notify_url", "metadata", "channel_payload", "channel_txn_id",
    "failure_code", "created_at", "paid_at", "expires_at", "risk",
}
NOTIFY_URL = "http://127.0.0.1:9/paygate-e2e/notify"

# The channels whose order numbers are an id's hex digits without its prefix (docs/API.md section 9).
HEX_ORDER_NUMBERS = {"pay_": {"wechatpay", "unionpay"}, "ref_": {"unionpay"}}


def channel_reference(channel, object_id):
    """The order number `channel` knows a payment or refund id by (docs/API.md section 9)."""
    prefix = object_id[:4]
    return object_id[4:] if channel in HEX_ORDER_NUMBERS.get(prefix, set()) else object_id


# ---------------------------------------------------------------------------------------------
# Signing (docs/API.md section 2)

def new_nonce():
    return "".join(secrets.choice(NONCE_ALPHABET) for _ in range(NONCE_LENGTH))


def sign(secret, method, request_uri, timestamp, nonce, body):
    """base64(HMAC-SHA256(secret, METHOD\\nREQUEST_URI\\ntimestamp\\nnonce\\nBODY\\n)); body is bytes."""
    message = f"{method}\n{request_uri}\n{timestamp}\n{nonce}\n".encode("utf-8") + body + b"\n"
    return base64.b64encode(hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()).decode("ascii")


def authorization_header(merchant_id, timestamp, nonce, signature):
    return (f'PAYGATE-HMAC-SHA256 merchant_id="{merchant_id}",timestamp="{timestamp}",'
            f'nonce="{nonce}",signature="{signature}"')


def encode_body(body):
    """None -> no body; dict/list -> compact JSON; str -> UTF-8; bytes as they are."""
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class Client:
    """A signed HTTPS client for one merchant over one keep-alive session (not shared by threads:
    each thread makes its own with `clone()`)."""

    def __init__(self, base_url, ca, merchant_id, secret):
        self.base_url = base_url.rstrip("/")
        self.ca = ca
        self.merchant_id = merchant_id
        self.secret = secret
        self.session = requests.Session()
        self.session.verify = ca
        self.session.trust_env = False

    def clone(self):
        return Client(self.base_url, self.ca, self.merchant_id, self.secret)

    def close(self):
        self.session.close()

    def signed_headers(self, method, request_uri, body_bytes, *, timestamp=None, nonce=None,
                       secret=None, merchant_id=None, signed_uri=None, signed_body=None, signed_method=None):
        """Headers for a request; the keyword overrides build deliberately wrong signatures."""
        timestamp = str(int(time.time())) if timestamp is None else str(timestamp)
        nonce = new_nonce() if nonce is None else nonce
        signature = sign(secret if secret is not None else self.secret,
                         signed_method or method,
                         signed_uri if signed_uri is not None else request_uri,
                         timestamp, nonce,
                         signed_body if signed_body is not None else (body_bytes or b""))
        return {"Authorization": authorization_header(merchant_id or self.merchant_id, timestamp, nonce, signature)}

    def send(self, method, request_uri, body_bytes=None, headers=None):
        """Sends exactly these bytes and headers (used for replays and hand-made headers)."""
        return self.session.request(method, self.base_url + request_uri, data=body_bytes,
                                    headers=headers or {}, timeout=REQUEST_TIMEOUT_SECONDS, allow_redirects=False)

    def request(self, method, request_uri, body=None, *, idempotency_key=None, content_type="application/json",
                extra_headers=None, **signing):
        body_bytes = encode_body(body)
        headers = self.signed_headers(method, request_uri, body_bytes, **signing)
        if body_bytes is not None and content_type is not None:
            headers["Content-Type"] = content_type
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        headers.update(extra_headers or {})
        return self.send(method, request_uri, body_bytes, headers)

    def get(self, request_uri, **options):
        return self.request("GET", request_uri, **options)

    def post(self, request_uri, body=None, **options):
        return self.request("POST", request_uri, body, **options)

    def create_payment(self, body, **options):
        return self.post("/v1/payments", body, **options)


# ---------------------------------------------------------------------------------------------
# Slot router (common.md; Sources/PaygateCore/Routing/SlotRouter.swift)

def fnv1a64(parts):
    """FNV-1a 64 over the UTF-8 bytes of each part, with 0x1F hashed in between parts."""
    value = FNV_OFFSET_BASIS
    for index, part in enumerate(parts):
        if index > 0:
            value ^= FNV_PART_SEPARATOR
            value = (value * FNV_PRIME) & UINT64_MASK
        for byte in part.encode("utf-8"):
            value ^= byte
            value = (value * FNV_PRIME) & UINT64_MASK
    return value


class SlotMap:
    """slot -> shard -> server, exactly as the configuration file maps them."""

    def __init__(self, config):
        database = config["database"]
        self.slot_count = database.get("slot_count", 1024)
        self.shards = {shard["name"]: shard for shard in database["shards"]}
        self.shard_names = [shard["name"] for shard in database["shards"]]
        self.servers = {server["name"]: server for server in database["servers"]}
        self.owner = [None] * self.slot_count
        for entry in database["slot_map"]:
            for slot in range(entry["first"], entry["last"] + 1):
                assert self.owner[slot] is None, f"slot {slot} mapped twice"
                self.owner[slot] = entry["shard"]
        assert None not in self.owner, "slot_map leaves a slot unmapped"

    def payment_slot(self, merchant_id, merchant_order_no):
        return fnv1a64([merchant_id, merchant_order_no]) % self.slot_count

    def shard_of_slot(self, slot):
        return self.owner[slot]

    def shard_of_order(self, merchant_id, merchant_order_no):
        return self.shard_of_slot(self.payment_slot(merchant_id, merchant_order_no))

    def server_of_shard(self, shard):
        return self.shards[shard]["server"]

    def shards_on_server(self, server):
        return [name for name in self.shard_names if self.shards[name]["server"] == server]

    def order_no_on_shard(self, merchant_id, shard, prefix="o"):
        """A fresh unique merchant_order_no whose slot lands on `shard` (a few tries on average)."""
        for _ in range(100_000):
            candidate = f"{prefix}-{uuid.uuid4().hex}"
            if self.shard_of_order(merchant_id, candidate) == shard:
                return candidate
        raise AssertionError(f"no order number found for shard {shard}")


def slot_of_payment_id(payment_id):
    return int(payment_id[16:20], 16)


# ---------------------------------------------------------------------------------------------
# MariaDB (what was or was not written)

def sql_string(value):
    """A quoted SQL literal for the test's own values (uuids, ids the server returned)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


class Database:
    def __init__(self, config):
        database = config["database"]
        self.servers = {server["name"]: server for server in database["servers"]}
        self.shards = [(shard["name"], shard["server"], shard["database"]) for shard in database["shards"]]

    def query(self, server, sql):
        """Rows (lists of strings; NULL prints as "NULL") from the `mariadb` client."""
        socket = self.servers[server]["socket"]
        # MariaDB's root, as a DBA: the tests plant and age rows the application account may not
        # change (its rights are Grants.swift's; test_privilege.py checks them).
        result = subprocess.run(["mariadb", f"--socket={socket}", "-uroot", "-N", "-B", "-e", sql],
                                capture_output=True, text=True, timeout=QUERY_TIMEOUT_SECONDS)
        assert result.returncode == 0, f"mariadb on {server} failed: {result.stderr.strip()}"
        return [line.split("\t") for line in result.stdout.splitlines()]

    def count_per_shard(self, table, where):
        """{shard: COUNT(*) of table WHERE where} on every shard, one client call per server."""
        counts = {}
        by_server = {}
        for shard, server, database in self.shards:
            by_server.setdefault(server, []).append((shard, database))
        for server, shards in by_server.items():
            selects = ", ".join(f"(SELECT COUNT(*) FROM `{database}`.`{table}` WHERE {where})"
                                for _, database in shards)
            row = self.query(server, f"SELECT {selects}")[0]
            for (shard, _), value in zip(shards, row):
                counts[shard] = int(value)
        return counts

    def count_total(self, table, where):
        return sum(self.count_per_shard(table, where).values())

    def merchant_footprint(self, merchant_id):
        """Everything a merchant's requests may have written, summed over all shards."""
        where = f"merchant_id = {sql_string(merchant_id)}"
        return {table: self.count_total(table, where)
                for table in ("payments", "request_nonces", "idempotency_keys")}

    def shard_database(self, shard):
        for name, server, database in self.shards:
            if name == shard:
                return server, database
        raise KeyError(shard)

    def rows_on_shard(self, shard, sql_from_where):
        server, database = self.shard_database(shard)
        return self.query(server, sql_from_where.replace("{db}", f"`{database}`"))


# ---------------------------------------------------------------------------------------------
# Requests and assertions

def new_order_no(prefix="o"):
    return f"{prefix}-{uuid.uuid4().hex}"


def payment_body(**overrides):
    body = {
        "merchant_order_no": new_order_no(),
        "amount": "12.30",
        "currency": "CNY",
        "channel": "alipay",
        "subject": "paygate e2e order",
        "notify_url": NOTIFY_URL,
    }
    body.update(overrides)
    return body


def assert_error(response, status, code, field=None):
    """The exact error shape of docs/API.md section 3, with request_id equal to X-Request-Id."""
    assert response.status_code == status, f"expected {status} {code}, got {response.status_code}: {response.text[:500]}"
    assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers.get("Content-Type")
    document = response.json()
    assert set(document) == {"error"}, document
    error = document["error"]
    assert set(error) <= {"code", "message", "field", "request_id"}, error
    assert {"code", "message", "request_id"} <= set(error), error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    if field is not None:
        assert error.get("field") == field, error
    if "field" in error:
        assert isinstance(error["field"], str) and error["field"], error
    request_id = response.headers.get("X-Request-Id")
    assert request_id, "no X-Request-Id header"
    assert error["request_id"] == request_id, (error["request_id"], request_id)
    return error


def parse_rfc3339(text):
    assert isinstance(text, str) and RFC3339_UTC_PATTERN.match(text), f"not RFC 3339 UTC: {text!r}"
    normalized = text.replace("Z", "+00:00")
    match = re.match(r"^(.*T\d{2}:\d{2}:\d{2})(\.\d+)?(\+00:00)$", normalized)
    fraction = (match.group(2) or ".0")[1:7].ljust(6, "0")
    return datetime.datetime.fromisoformat(match.group(1) + "." + fraction + "+00:00")


def rfc3339_seconds(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def assert_payment(payment, body, merchant_id, *, status="processing", expire_seconds=900, amount=None):
    """Every field of the payment object (docs/API.md section 5), checked against the request."""
    assert set(payment) >= PAYMENT_FIELDS, sorted(PAYMENT_FIELDS - set(payment))
    assert PAYMENT_ID_PATTERN.match(payment["payment_id"]), payment["payment_id"]
    assert payment["merchant_id"] == merchant_id
    assert payment["merchant_order_no"] == body["merchant_order_no"]
    assert payment["amount"] == (amount if amount is not None else body["amount"])
    assert payment["currency"] == body["currency"]
    assert payment["channel"] == body["channel"]
    assert payment["status"] == status
    assert payment["refunded_amount"] == ("0" if body["currency"] == "JPY" else "0.00")
    assert payment["subject"] == body["subject"]
    assert payment["notify_url"] == body["notify_url"]
    assert payment["metadata"] == body.get("metadata", {})
    assert isinstance(payment["channel_payload"], dict)
    if status == "processing":
        # The channel took the order: the payer goes to its pay_url.
        assert payment["channel_payload"].get("pay_url", "").startswith("https://"), payment["channel_payload"]
    assert payment["channel_txn_id"] is None
    assert payment["failure_code"] is None
    assert payment["paid_at"] is None
    created = parse_rfc3339(payment["created_at"])
    expires = parse_rfc3339(payment["expires_at"])
    assert expires - created == datetime.timedelta(seconds=expire_seconds), (payment["created_at"], payment["expires_at"])


# ---------------------------------------------------------------------------------------------
# Self-check of the pure helpers: `python3 Tests/e2e/paygate_support.py`

def _self_check():
    # FNV-1a 64 reference vectors (Fowler/Noll/Vo): "" and "a".
    assert fnv1a64([""]) == 0xCBF29CE484222325
    assert fnv1a64(["a"]) == 0xAF63DC4C8601EC8C
    assert fnv1a64(["foobar"]) == 0x85944171F73967E8
    # The separator keeps ("ab","c") apart from ("a","bc") and is the byte 0x1F.
    assert fnv1a64(["ab", "c"]) != fnv1a64(["a", "bc"])
    assert fnv1a64(["m", "o"]) == fnv1a64(["m\x1fo"])
    # Values printed by the Swift SlotRouter.fnv1a64 (compiled from Sources/PaygateCore/Routing).
    assert fnv1a64(["m", "o"]) == 0x083F421917962A3E and fnv1a64(["m", "o"]) % 1024 == 574
    assert fnv1a64(["mch_abc", "order-1"]) == 0xBEFABF2CB2B4FD41
    assert fnv1a64(["\u5546\u6237", "\u8ba2\u5355"]) == 0x713D7B836CFFD7BE
    # HMAC-SHA256 known answer (RFC 4231 test case 2) through our signing layout.
    assert base64.b64decode(sign("Jefe", "", "", "", "", b"")) == hmac.new(b"Jefe", b"\n\n\n\n\n", hashlib.sha256).digest()
    digest = hmac.new(b"Jefe", b"what do ya want for nothing?", hashlib.sha256).hexdigest()
    assert digest == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    print("fnv1a64(['m','o']) =", hex(fnv1a64(["m", "o"])), "slot", fnv1a64(["m", "o"]) % 1024)
    print("self-check ok")


if __name__ == "__main__":
    _self_check()
