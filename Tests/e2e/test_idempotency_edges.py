"""docs/API.md section 7 edges that need the database's view: a key still in progress, a key whose
holder died (lease over), a key whose payment shard is down, and replays that carry a key."""
import hashlib
import json
import uuid

import pytest

from paygate_support import assert_error, encode_body, fnv1a64, payment_body, sql_string

IDEMPOTENCY_SLOT_PREFIX = "idem"


def new_key():
    return f"idem-{uuid.uuid4().hex}"


def key_location(stack, merchant_id, key):
    """(server, database) of an Idempotency-Key record: the slot of ("idem", merchant, key)."""
    slot = fnv1a64([IDEMPOTENCY_SLOT_PREFIX, merchant_id, key]) % stack.slots.slot_count
    shard = stack.slots.shard_of_slot(slot)
    return slot, stack.slots.server_of_shard(shard), stack.slots.shards[shard]["database"]


def request_hash(method, path, body_bytes):
    return hashlib.sha256(f"{method}\n{path}\n".encode() + body_bytes).hexdigest()


def plant_in_progress(stack, merchant_id, key, body_bytes, locked_until_sql):
    """A record as a worker that is still running (or died) would have left it."""
    slot, server, database = key_location(stack, merchant_id, key)
    stack.database.query(server, f"""
        INSERT INTO {database}.idempotency_keys
          (merchant_id, idempotency_key, slot, request_hash, state, locked_until, lease_token, created_at, expires_at)
        VALUES ({sql_string(merchant_id)}, {sql_string(key)}, {slot},
                {sql_string(request_hash("POST", "/v1/payments", body_bytes))}, 'in_progress',
                {locked_until_sql}, 'ffffffffffffffffffffffffffffffff', UTC_TIMESTAMP(3),
                UTC_TIMESTAMP(3) + INTERVAL 1 DAY)""")


def test_key_in_progress_answers_409_then_dead_holder_is_taken_over(stack, client, database):
    key = new_key()
    body = payment_body()
    body_bytes = encode_body(body)
    plant_in_progress(stack, client.merchant_id, key, body_bytes, "UTC_TIMESTAMP(3) + INTERVAL 1 HOUR")

    running = client.create_payment(body, idempotency_key=key)
    assert_error(running, 409, "idempotency_in_progress")
    assert database.count_total("payments", f"merchant_id = {sql_string(client.merchant_id)}") == 0

    # The holder's lease runs out (its worker died): the same request takes the key over.
    _, server, name = key_location(stack, client.merchant_id, key)
    database.query(server, f"UPDATE {name}.idempotency_keys SET locked_until = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND "
                           f"WHERE merchant_id = {sql_string(client.merchant_id)} AND idempotency_key = {sql_string(key)}")
    taken_over = client.create_payment(body, idempotency_key=key)
    assert taken_over.status_code == 201, taken_over.text
    replay = client.create_payment(body, idempotency_key=key)
    assert replay.status_code == 201 and replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == taken_over.json()


def test_key_in_progress_for_another_request_is_still_key_reused(stack, client):
    key = new_key()
    plant_in_progress(stack, client.merchant_id, key, b"{}", "UTC_TIMESTAMP(3) - INTERVAL 1 SECOND")
    # A different request never takes over someone else's key, even after the lease.
    assert_error(client.create_payment(payment_body(), idempotency_key=key), 422, "idempotency_key_reused")


def test_replayed_request_with_key_is_nonce_reused(client, database):
    key = new_key()
    body = encode_body(payment_body())
    headers = client.signed_headers("POST", "/v1/payments", body)
    headers["Idempotency-Key"] = key
    headers["Content-Type"] = "application/json"
    first = client.send("POST", "/v1/payments", body, headers)
    assert first.status_code == 201, first.text
    replay = client.send("POST", "/v1/payments", body, headers)
    assert_error(replay, 401, "nonce_reused")
    where = f"merchant_id = {sql_string(client.merchant_id)}"
    assert database.count_total("payments", where) == 1
    assert database.count_total("request_nonces", where) == 1


@pytest.mark.disruptive
def test_key_on_live_shard_payment_on_dead_shard_writes_nothing(stack, client, database):
    slots = stack.slots
    directory_server = stack.config["database"]["directory"]["server"]
    down_server = next(name for name in slots.servers if name != directory_server)
    down_shards = slots.shards_on_server(down_server)
    # A key whose record lives on the server that stays up, and an order that lives on the other.
    key = next(k for k in (new_key() for _ in range(10_000)) if key_location(stack, client.merchant_id, k)[1] != down_server)
    body = payment_body(merchant_order_no=slots.order_no_on_shard(client.merchant_id, down_shards[0]))
    stack.run_stack_command("db-stop", down_server)
    try:
        refused = client.create_payment(body, idempotency_key=key)
        assert_error(refused, 503, "service_unavailable")
        where = f"merchant_id = {sql_string(client.merchant_id)}"
        _, server, name = key_location(stack, client.merchant_id, key)
        assert database.query(server, f"SELECT COUNT(*) FROM {name}.idempotency_keys WHERE {where}") == [["0"]]
    finally:
        stack.run_stack_command("db-start", down_server)
    # Nothing was kept under the key: once the shard is back the same request is created anew.
    from test_resilience import retry_until
    attempts = retry_until(lambda: client.create_payment(body, idempotency_key=key),
                           lambda response: response.status_code == 201, 20)
    assert attempts[-1].status_code == 201, attempts[-1].text
    assert attempts[-1].headers.get("Idempotent-Replayed") is None
    assert database.count_total("payments", f"merchant_id = {sql_string(client.merchant_id)}") == 1
    assert database.count_total("request_nonces", f"merchant_id = {sql_string(client.merchant_id)}") == 1
