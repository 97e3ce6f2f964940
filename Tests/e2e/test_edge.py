"""What nginx answers itself (docs/API.md sections 3 and 10): JSON errors with the request id, HSTS, and
the health endpoints."""
import pytest

from paygate_support import assert_error, payment_body

BODY_TOO_LARGE_BYTES = 100 * 1024


def test_healthz_ok(stack):
    response = stack.session().get(stack.url + "/healthz", timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize("path", ["/healthz/live", "/healthz/nginx"])
def test_other_health_endpoints(stack, path):
    response = stack.session().get(stack.url + path, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ok"


def test_unknown_path_outside_routes_is_json_404(stack):
    response = stack.session().get(stack.url + "/nope", timeout=30)
    assert_error(response, 404, "not_found")


def test_body_too_large_is_json_413(client, database):
    # A valid JSON document, signed, just too big: only the size can be the reason.
    body = payment_body(subject="s", metadata={"padding": "p" * BODY_TOO_LARGE_BYTES})
    response = client.create_payment(body)
    assert_error(response, 413, "body_too_large")
    assert database.merchant_footprint(client.merchant_id)["payments"] == 0


@pytest.mark.parametrize("path", ["/healthz", "/nope", "/v1/payments"])
def test_hsts_on_every_response(stack, client, path):
    # Success, an nginx error and an API answer (here a signed 200) all carry HSTS.
    response = client.get(path) if path.startswith("/v1/") else stack.session().get(stack.url + path, timeout=30)
    value = response.headers.get("Strict-Transport-Security", "")
    assert "max-age=" in value, dict(response.headers)
    assert int(value.split("max-age=")[1].split(";")[0].strip()) > 0


def test_hsts_on_api_error(client):
    response = client.send("GET", "/v1/payments")
    assert_error(response, 401, "unauthenticated")
    assert "max-age=" in response.headers.get("Strict-Transport-Security", "")


def test_request_id_is_unique_per_request(client):
    first = assert_error(client.send("GET", "/v1/payments"), 401, "unauthenticated")
    second = assert_error(client.send("GET", "/v1/payments"), 401, "unauthenticated")
    assert first["request_id"] != second["request_id"]



# Every route and the methods it serves (docs/API.md section 3: a 405 carries `Allow`). The pool
# answers the 405s of methods it receives; nginx answers TRACE itself, and any method but GET and
# HEAD on /healthz/nginx, from nginx/allowed-methods.conf. Both must give the same list.
ALLOWED_METHODS = [
    ("/v1/payments", "GET, POST"),
    ("/v1/payments?limit=5", "GET, POST"),
    (f"/v1/payments/pay_{'0' * 32}", "GET"),
    (f"/v1/payments/pay_{'0' * 32}/close", "POST"),
    ("/v1/refunds", "POST"),
    (f"/v1/refunds/ref_{'0' * 32}", "GET"),
    ("/callbacks/alipay", "POST"),
    ("/callbacks/unionpay", "POST"),
    ("/healthz", "GET, HEAD"),
    ("/healthz/live", "GET, HEAD"),
    ("/healthz/nginx", "GET, HEAD"),
]


@pytest.mark.parametrize("method", ["PATCH", "OPTIONS", "TRACE", "DELETE"])
@pytest.mark.parametrize("path,allowed", ALLOWED_METHODS, ids=[path for path, _ in ALLOWED_METHODS])
def test_method_not_allowed_names_the_allowed_methods(stack, path, allowed, method):
    response = stack.session().request(method, stack.url + path, timeout=30)
    assert_error(response, 405, "method_not_allowed")
    assert response.headers.get("Allow") == allowed, dict(response.headers)
    # nginx's own 405 sets its headers in its error location: the server-wide ones must survive.
    assert "max-age=" in response.headers.get("Strict-Transport-Security", ""), dict(response.headers)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", dict(response.headers)


@pytest.mark.parametrize("path", ["/healthz", "/healthz/live", "/healthz/nginx"])
def test_health_answers_head(stack, path):
    response = stack.session().head(stack.url + path, timeout=30)
    assert response.status_code == 200, dict(response.headers)


@pytest.mark.parametrize("path", ["/nope", "/v1/nothing-here", "/callbacks/paypal"])
def test_trace_on_no_route_is_404(stack, path):
    # nginx refuses TRACE before any location; a path that is no route is still 404, as for any
    # other method.
    assert_error(stack.session().request("TRACE", stack.url + path, timeout=30), 404, "not_found")
