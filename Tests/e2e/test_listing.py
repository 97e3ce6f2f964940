"""docs/API.md section 5: GET /v1/payments listing across all shards, newest first, with pagination and
filters. Each test uses a fresh merchant, so the expected set is exactly what the test created."""
import datetime
import time

import pytest

from paygate_support import assert_error, parse_rfc3339, payment_body, rfc3339_seconds, sql_string

PAYMENTS_PER_SHARD = 3
# Sleeping past a whole second lets the time filters use whole-second bounds strictly between two
# payments, so the test holds whether the server treats a bound as inclusive or exclusive.
# created_at prints whole seconds: a pause over 2 s guarantees a whole second strictly between.
SECOND_BOUNDARY_PAUSE_SECONDS = 2.1


def list_page(client, query):
    response = client.get("/v1/payments" + query)
    assert response.status_code == 200, response.text
    document = response.json()
    assert set(document) == {"data", "has_more"}, document
    assert isinstance(document["has_more"], bool)
    return document["data"], document["has_more"]


def assert_newest_first(payments):
    ids = [payment["payment_id"] for payment in payments]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids), ids
    created = [parse_rfc3339(payment["created_at"]) for payment in payments]
    assert created == sorted(created, reverse=True), [payment["created_at"] for payment in payments]


@pytest.fixture
def spread_payments(client, slots, database):
    """PAYMENTS_PER_SHARD payments on every shard, created round-robin over the shards."""
    created = []
    for _ in range(PAYMENTS_PER_SHARD):
        for shard in slots.shard_names:
            body = payment_body(merchant_order_no=slots.order_no_on_shard(client.merchant_id, shard))
            response = client.create_payment(body)
            assert response.status_code == 201, response.text
            created.append(response.json())
    counts = database.count_per_shard("payments", f"merchant_id = {sql_string(client.merchant_id)}")
    assert counts == {shard: PAYMENTS_PER_SHARD for shard in slots.shard_names}
    return sorted(created, key=lambda payment: payment["payment_id"], reverse=True)


def test_list_all_newest_first(client, spread_payments):
    data, has_more = list_page(client, "?limit=100")
    assert data == spread_payments
    assert has_more is False
    assert_newest_first(data)


def test_default_limit_is_ten(client, spread_payments):
    data, has_more = list_page(client, "")
    assert data == spread_payments[:10]
    assert has_more is True


def test_has_more_at_exact_fit(client, spread_payments):
    total = len(spread_payments)
    data, has_more = list_page(client, f"?limit={total}")
    assert data == spread_payments and has_more is False
    data, has_more = list_page(client, f"?limit={total - 1}")
    assert data == spread_payments[:-1] and has_more is True


def test_pagination_walks_every_payment_once(client, spread_payments, slots):
    page_size = 5
    seen = []
    pages = 0
    query = f"?limit={page_size}"
    while True:
        data, has_more = list_page(client, query)
        pages += 1
        assert len(data) == (page_size if has_more else len(spread_payments) - len(seen))
        seen.extend(data)
        if not has_more:
            break
        assert pages < 10, "pagination does not end"
        query = f"?limit={page_size}&starting_after={data[-1]['payment_id']}"
    assert seen == spread_payments
    assert pages == 3
    shards = {slots.shard_of_order(client.merchant_id, payment["merchant_order_no"]) for payment in seen}
    assert shards == set(slots.shard_names)


def test_limit_one_pages(client, spread_payments):
    data, has_more = list_page(client, f"?limit=1&starting_after={spread_payments[-2]['payment_id']}")
    assert data == [spread_payments[-1]] and has_more is False
    data, has_more = list_page(client, f"?limit=1&starting_after={spread_payments[-1]['payment_id']}")
    assert data == [] and has_more is False


def test_status_filter(client, spread_payments):
    to_close = spread_payments[1::4]  # a few, spread over the newest-first order
    for payment in to_close:
        response = client.post(f"/v1/payments/{payment['payment_id']}/close")
        assert response.status_code == 200, response.text
    closed_ids = {payment["payment_id"] for payment in to_close}

    data, has_more = list_page(client, "?status=closed&limit=100")
    assert [payment["payment_id"] for payment in data] == [p["payment_id"] for p in spread_payments if p["payment_id"] in closed_ids]
    assert all(payment["status"] == "closed" for payment in data) and has_more is False

    data, has_more = list_page(client, "?status=processing&limit=100")
    assert [payment["payment_id"] for payment in data] == [p["payment_id"] for p in spread_payments if p["payment_id"] not in closed_ids]
    assert all(payment["status"] == "processing" for payment in data) and has_more is False

    data, has_more = list_page(client, "?status=closed&limit=1")
    assert len(data) == 1 and has_more is True

    data, has_more = list_page(client, "?status=succeeded")
    assert data == [] and has_more is False


def test_created_time_filters(client):
    def create_one():
        response = client.create_payment(payment_body())
        assert response.status_code == 201, response.text
        return response.json()

    before = create_one()
    time.sleep(SECOND_BOUNDARY_PAUSE_SECONDS)
    inside = [create_one(), create_one()]
    time.sleep(SECOND_BOUNDARY_PAUSE_SECONDS)
    after = create_one()

    one_second = datetime.timedelta(seconds=1)
    # Whole seconds strictly after `before` and strictly before the first `inside`, and likewise
    # strictly after the last `inside` and before `after`.
    created_from = rfc3339_seconds(parse_rfc3339(before["created_at"]).replace(microsecond=0) + one_second)
    created_to = rfc3339_seconds(parse_rfc3339(inside[-1]["created_at"]).replace(microsecond=0) + one_second)
    assert parse_rfc3339(before["created_at"]) < parse_rfc3339(created_from) < parse_rfc3339(inside[0]["created_at"])
    assert parse_rfc3339(inside[-1]["created_at"]) < parse_rfc3339(created_to) < parse_rfc3339(after["created_at"])

    def ids(payments):
        return sorted((payment["payment_id"] for payment in payments), reverse=True)

    data, _ = list_page(client, f"?created_from={created_from}&created_to={created_to}&limit=100")
    assert [payment["payment_id"] for payment in data] == ids(inside)
    data, _ = list_page(client, f"?created_from={created_from}&limit=100")
    assert [payment["payment_id"] for payment in data] == ids(inside + [after])
    data, _ = list_page(client, f"?created_to={created_to}&limit=100")
    assert [payment["payment_id"] for payment in data] == ids([before] + inside)
    data, has_more = list_page(client, f"?created_from={created_from}&created_to={created_to}&limit=1")
    assert [payment["payment_id"] for payment in data] == ids(inside)[:1] and has_more is True


@pytest.mark.parametrize("limit", ["0", "101", "abc", "-1"], ids=["zero", "101", "letters", "negative"])
def test_bad_limit(client, limit):
    assert_error(client.get(f"/v1/payments?limit={limit}"), 400, "invalid_field", "limit")


def test_bad_status_filter(client):
    assert_error(client.get("/v1/payments?status=bogus"), 400, "invalid_field", "status")


def test_listing_shows_only_own_payments(client, other_client):
    response = client.create_payment(payment_body())
    assert response.status_code == 201, response.text
    data, has_more = list_page(other_client, "?limit=100")
    assert data == [] and has_more is False
    data, _ = list_page(client, "?limit=100")
    assert [payment["payment_id"] for payment in data] == [response.json()["payment_id"]]
