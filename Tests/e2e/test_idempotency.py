"""docs/API.md section 7: the Idempotency-Key header on POST.

`idempotency_in_progress` is not tested: provoking a request that is still running when its twin
arrives cannot be done reliably from outside without timing, and a test that only sometimes
exercises it would prove nothing.
"""
import uuid

from paygate_support import assert_error, payment_body, sql_string


def new_key():
    return f"idem-{uuid.uuid4().hex}"


def test_same_key_same_request_replays_first_answer(client, database):
    key = new_key()
    body = payment_body()
    first = client.create_payment(body, idempotency_key=key)
    assert first.status_code == 201, first.text
    assert first.headers.get("Idempotent-Replayed") is None

    replay = client.create_payment(body, idempotency_key=key)
    # Without the key this would be 200 (existing order); with it, the first answer exactly.
    assert replay.status_code == 201, replay.text
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == first.json()
    assert database.count_total("payments", f"merchant_id = {sql_string(client.merchant_id)}") == 1
    assert database.count_total("idempotency_keys", f"merchant_id = {sql_string(client.merchant_id)}") == 1


def test_same_key_different_body_is_rejected(client, database):
    key = new_key()
    first = client.create_payment(payment_body(), idempotency_key=key)
    assert first.status_code == 201, first.text
    reused = client.create_payment(payment_body(), idempotency_key=key)
    assert_error(reused, 422, "idempotency_key_reused")
    assert database.count_total("payments", f"merchant_id = {sql_string(client.merchant_id)}") == 1


def test_same_key_different_path_is_rejected(client):
    key = new_key()
    created = client.create_payment(payment_body(), idempotency_key=key)
    assert created.status_code == 201, created.text
    reused = client.post(f"/v1/payments/{created.json()['payment_id']}/close", idempotency_key=key)
    assert_error(reused, 422, "idempotency_key_reused")
    assert client.get(f"/v1/payments/{created.json()['payment_id']}").json()["status"] == "processing"


def test_rejected_request_stores_nothing_under_key(client, database):
    key = new_key()
    rejected = client.create_payment(payment_body(amount="abc"), idempotency_key=key)
    assert_error(rejected, 400, "invalid_field", "amount")
    assert database.count_total("idempotency_keys", f"merchant_id = {sql_string(client.merchant_id)}") == 0
    accepted = client.create_payment(payment_body(), idempotency_key=key)
    assert accepted.status_code == 201, accepted.text
    assert accepted.headers.get("Idempotent-Replayed") is None


def test_an_error_after_the_key_was_taken_releases_it(client, database):
    """Validation refuses before the key is looked at; a conflict is found only after the key was
    taken (the action ran and failed): it must be released too, storing nothing under it."""
    first = payment_body()
    assert client.create_payment(first).status_code == 201
    key = new_key()
    where = f"merchant_id = {sql_string(client.merchant_id)} AND idempotency_key = {sql_string(key)}"
    conflict = client.create_payment(dict(first, amount="99.99"), idempotency_key=key)
    assert_error(conflict, 409, "order_conflict", "merchant_order_no")
    assert database.count_total("idempotency_keys", where) == 0
    accepted = client.create_payment(payment_body(), idempotency_key=key)
    assert accepted.status_code == 201, accepted.text
    assert accepted.headers.get("Idempotent-Replayed") is None
    assert database.count_total("idempotency_keys", where) == 1


def test_the_key_header_is_validated(client, database):
    """1 to 255 printable ASCII characters (docs/API.md section 7); anything else is 400 invalid_field
    naming the header, and nothing is written."""
    for bad in ("k" * 256, "with space", "tab\there"):
        body = payment_body()
        answer = client.create_payment(body, idempotency_key=bad)
        assert_error(answer, 400, "invalid_field", "Idempotency-Key")
        assert database.count_total(
            "payments", f"merchant_id = {sql_string(client.merchant_id)} AND merchant_order_no = "
            f"{sql_string(body['merchant_order_no'])}") == 0
    longest = client.create_payment(payment_body(), idempotency_key="k" * 255)
    assert longest.status_code == 201, longest.text
    shortest = client.create_payment(payment_body(), idempotency_key="~")
    assert shortest.status_code == 201, shortest.text


def test_keys_belong_to_one_merchant(client, other_client):
    key = new_key()
    mine = client.create_payment(payment_body(), idempotency_key=key)
    theirs = other_client.create_payment(payment_body(), idempotency_key=key)
    assert mine.status_code == 201, mine.text
    assert theirs.status_code == 201, theirs.text
    assert theirs.headers.get("Idempotent-Replayed") is None
    assert theirs.json()["merchant_id"] == other_client.merchant_id


def test_close_with_key_replays(client):
    created = client.create_payment(payment_body())
    assert created.status_code == 201, created.text
    uri = f"/v1/payments/{created.json()['payment_id']}/close"
    key = new_key()
    first = client.post(uri, idempotency_key=key)
    assert first.status_code == 200 and first.json()["status"] == "closed", first.text
    replay = client.post(uri, idempotency_key=key)
    assert replay.status_code == 200
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == first.json()
