"""Key rotation on the running stack: after a channel's key is rotated and the
pool reloaded, callbacks signed with the previous key are still accepted during the grace period,
and callbacks signed with the new key are accepted once the channel (the sandbox) uses it."""
import subprocess

import pytest

from test_channels import create_processing, events_of, pay, wait_for


def stack_command(stack, *arguments):
    result = subprocess.run(["bash", stack.stack_script, *arguments], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.disruptive
@pytest.mark.parametrize("channel", ["alipay", "wechatpay", "unionpay"])
def test_rotation_keeps_the_previous_key_for_its_grace_then_the_new_one(stack, client, slots, channel):
    stack_command(stack, "channel-rotate", stack.root, channel)
    stack_command(stack, "reload", stack.root)
    # The pool now knows two keys; the sandbox still signs with the previous one.
    before = create_processing(client, channel)
    pay(stack, before)
    settled = wait_for(client, before["payment_id"], lambda p: p["status"] == "succeeded")
    assert settled["status"] == "succeeded", settled
    assert events_of(stack, slots, before) == [["payment.succeeded"]]

    # The channel switches to the new key: its callbacks verify with it.
    stack_command(stack, "sandbox-restart", stack.root)
    after = create_processing(client, channel)
    pay(stack, after)
    settled = wait_for(client, after["payment_id"], lambda p: p["status"] == "succeeded")
    assert settled["status"] == "succeeded", settled
