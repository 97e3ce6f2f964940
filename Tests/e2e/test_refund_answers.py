"""A channel's refund answer is read only for the refund it answers (docs/API.md section 6): the
sandbox's `misdirected_refund` knob makes every refund and refund-query answer of one channel,
correctly signed, about another refund (of another payment), as a channel that mixed up two
requests would. paygate must apply none of them: the refund stays `processing`, the worker keeps
asking, and once the channel answers about the right refund it succeeds with its own amount."""
import os

import pytest

from paygate_support import channel_reference
from refund_support import (CHANNELS, create_refund, get_payment, get_refund, paid_payment, refund_history,
                            sandbox_faults, wait_refund_final, wait_until)  # noqa: F401 (a fixture)
from test_refunds import make_due


def log_mentions(stack, name, *needles):
    with open(os.path.join(stack.root, "log", name), encoding="utf-8", errors="replace") as handle:
        return any(all(needle in line for needle in needles) for line in handle)


def settle(stack, client, slots, payment, refund_id):
    """Makes the refund due until the worker has its final answer (a resend, then a query)."""
    def probe():
        refund = get_refund(client, refund_id)
        if refund["status"] in ("succeeded", "failed"):
            return refund
        make_due(stack, slots, payment, refund_id)
        return None
    return wait_until(probe, f"refund {refund_id} to settle")


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_refund_answer_about_another_refund_is_never_applied(stack, client, slots, sandbox_faults, channel):  # noqa: F811
    other_payment = paid_payment(stack, client, channel, amount="10.00")
    created = create_refund(client, other_payment["payment_id"], "1.00")
    assert created.status_code == 201, created.text
    other = wait_refund_final(client, created.json()["refund_id"])
    assert other["status"] == "succeeded", other

    payment = paid_payment(stack, client, channel, amount="10.00")
    # Callbacks off: only the answers could settle the refund.
    sandbox_faults({"channel": channel, "misdirected_refund": channel_reference(channel, other["refund_id"]), "drop_callbacks": True})
    response = create_refund(client, payment["payment_id"], "2.00")
    assert response.status_code == 201, response.text
    refund = response.json()
    assert refund["status"] == "processing", refund
    # Every misdirection reason starts "the answer ... " (about refund X / order Y / transaction Z).
    wait_until(lambda: log_mentions(stack, "paygate.log", f"refund {refund['refund_id']}", "no answer from", "(the answer "),
               "the pool to log the misdirected answer")

    # The worker asks again and is answered about the other refund again: still nothing applied.
    make_due(stack, slots, payment, refund["refund_id"])
    wait_until(lambda: log_mentions(stack, "worker.log", f"refund {refund['refund_id']}", "no answer from", "(the answer "),
               "the worker to ask about the refund")
    assert get_refund(client, refund["refund_id"])["status"] == "processing"
    unchanged = get_payment(client, payment["payment_id"])
    assert (unchanged["status"], unchanged["refunded_amount"]) == ("succeeded", "0.00"), unchanged
    assert get_refund(client, other["refund_id"]) == other
    assert get_payment(client, other_payment["payment_id"])["refunded_amount"] == "1.00"

    # The channel answers about the right refund again: it succeeds, with its own amount.
    sandbox_faults({})
    final = settle(stack, client, slots, payment, refund["refund_id"])
    assert final["status"] == "succeeded" and final["amount"] == "2.00", final
    settled = get_payment(client, payment["payment_id"])
    assert (settled["status"], settled["refunded_amount"]) == ("partially_refunded", "2.00"), settled
    assert refund_history(stack, slots, payment, refund["refund_id"]) == [["NULL", "processing"], ["processing", "succeeded"]]
