"""Stopping and starting the stack: SIGTERM lets the pool finish what it has accepted, and the
data survives a full stop and start (`make down` / `make up`)."""
import os
import signal
import subprocess
import threading
import time
import urllib.parse

import pytest

from paygate_support import payment_body, sql_string
from test_resilience import master_pid_of, retry_until

LOAD_THREADS = 4
SECONDS_BEFORE_TERM = 1.0
SECONDS_AFTER_TERM = 1.0
POOL_EXIT_SECONDS_MAX = 45


def stack_command(stack, *arguments):
    result = subprocess.run(["bash", stack.stack_script, *arguments], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]


def port_of(stack):
    return str(urllib.parse.urlparse(stack.url).port)


def process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.disruptive
def test_sigterm_finishes_accepted_requests_and_refuses_the_rest_cleanly(stack):
    clients = [stack.client(stack.create_merchant()) for _ in range(LOAD_THREADS)]
    stop = threading.Event()
    outcomes = [[] for _ in range(LOAD_THREADS)]

    def load(index):
        while not stop.is_set():
            body = payment_body()
            try:
                status = clients[index].create_payment(body).status_code
            except Exception as error:  # recorded and asserted below
                status = f"exception: {error!r}"
            outcomes[index].append((status, body["merchant_order_no"]))

    threads = [threading.Thread(target=load, args=(index,)) for index in range(LOAD_THREADS)]
    for thread in threads:
        thread.start()
    master = master_pid_of(stack)
    try:
        time.sleep(SECONDS_BEFORE_TERM)
        os.kill(master, signal.SIGTERM)
        time.sleep(SECONDS_AFTER_TERM)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    exited = retry_until(lambda: process_alive(master), lambda alive: not alive, POOL_EXIT_SECONDS_MAX)
    assert exited[-1] is False, "the pool master did not exit after SIGTERM"

    # Every request the pool accepted was answered 201 and is stored; every other one was
    # refused by nginx (no pool: 503 JSON) and wrote nothing. No 500, no half-written order.
    everything = [(index, status, order_no) for index, per_thread in enumerate(outcomes)
                  for status, order_no in per_thread]
    assert any(status == 201 for _, status, _ in everything), "no request was served before SIGTERM"
    assert any(status == 503 for _, status, _ in everything), "no request arrived after SIGTERM"
    assert all(status in (201, 503) for _, status, _ in everything), \
        sorted({str(status) for _, status, _ in everything})
    for index, status, order_no in everything:
        where = (f"merchant_id = {sql_string(clients[index].merchant_id)} AND "
                 f"merchant_order_no = {sql_string(order_no)}")
        assert stack.database.count_total("payments", where) == (1 if status == 201 else 0), (status, order_no)

    # `up` is idempotent: it starts only what is missing (the pool) and the stack answers again.
    stack_command(stack, "up", stack.root, port_of(stack))
    assert clients[0].create_payment(payment_body()).status_code == 201
    for client in clients:
        client.close()


@pytest.mark.disruptive
def test_data_survives_a_full_stop_and_start(stack, client):
    created = client.create_payment(payment_body())
    assert created.status_code == 201, created.text
    stack_command(stack, "down", stack.root)
    # Really down: nothing listens on the port any more.
    import requests
    with pytest.raises(requests.exceptions.ConnectionError):
        stack.session().get(stack.url + "/healthz/nginx", timeout=5)
    stack_command(stack, "up", stack.root, port_of(stack))
    fetched = client.get(f"/v1/payments/{created.json()['payment_id']}")
    assert fetched.status_code == 200 and fetched.json() == created.json(), fetched.text
    by_order = client.get(f"/v1/payments?merchant_order_no={created.json()['merchant_order_no']}")
    assert by_order.status_code == 200 and by_order.json() == created.json()
