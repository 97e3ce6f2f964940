"""The request id nginx generates reaches the client (X-Request-Id), nginx's access log and the
pool's log, and no secret is ever written to either log."""
import os
import time

from paygate_support import payment_body

LOG_WAIT_SECONDS_MAX = 5


def log_text(stack, name):
    with open(os.path.join(stack.root, "log", name), encoding="utf-8", errors="replace") as handle:
        return handle.read()


def wait_for_line(stack, name, needle):
    deadline = time.monotonic() + LOG_WAIT_SECONDS_MAX
    while True:
        lines = [line for line in log_text(stack, name).splitlines() if needle in line]
        if lines or time.monotonic() >= deadline:
            return lines
        time.sleep(0.1)


def test_request_id_is_echoed_and_in_both_logs(stack, client):
    response = client.create_payment(payment_body())
    assert response.status_code == 201, response.text
    request_id = response.headers["X-Request-Id"]
    assert len(request_id) == 32 and all(c in "0123456789abcdef" for c in request_id), request_id

    access = wait_for_line(stack, "nginx-access.log", f"request_id={request_id}")
    assert len(access) == 1 and '"POST /v1/payments' in access[0] and " 201 " in access[0], access
    pool = wait_for_line(stack, "paygate.log", f"request_id={request_id}")
    assert len(pool) == 1 and "POST /v1/payments 201" in pool[0], pool


def test_error_answers_carry_the_same_request_id(stack, client):
    response = client.get("/v1/payments/pay_doesnotexist")
    assert response.status_code == 404
    request_id = response.headers["X-Request-Id"]
    assert response.json()["error"]["request_id"] == request_id
    assert wait_for_line(stack, "paygate.log", f"request_id={request_id}"), "pool did not log the request"


def test_no_secret_in_logs(stack, merchant, client):
    # Exercise success and failure paths with this merchant, then search every log for its secrets.
    assert client.create_payment(payment_body()).status_code == 201
    assert client.create_payment(payment_body(amount="abc")).status_code == 400
    time.sleep(0.2)
    for name in os.listdir(os.path.join(stack.root, "log")):
        text = log_text(stack, name)
        assert merchant["secret"] not in text, name
        assert merchant["webhook_secret"] not in text, name
