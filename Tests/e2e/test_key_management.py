"""Keys that rotate and data sealed at rest, on the running stack.

Covered: payer data and stored Idempotency-Key answers are not readable in the tables (SQL shows
hex of a sealed value, no plaintext ip); a merchant's API secret rotated with an overlap (the old
and the new secret both authenticate during it, the old one is refused after it); a webhook
secret rotated with an overlap (two v1 signatures, the new first, each verifying with its own
secret); our channel private keys and the APIv3 key are sealed under the master key on disk
(not plain PEM or text), a plain one (an older stack) still loads and `keys seal-files` seals it;
`paygate-admin keys rotate-master` while clients create payments and
replay them, with zero failed requests, every sealed value and key file under the new key
afterwards, the old key retired, and the pool reloading with the re-sealed channel keys.
"""
import json
import os
import subprocess
import threading
import time
import uuid

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from paygate_support import assert_error, payment_body, sql_string
from test_webhooks import create_processing, pay
from webhook_receiver import signature_parts, signatures_valid_for, webhook_receiver  # noqa: F401 (a fixture)

ADMIN_TIMEOUT_SECONDS = 180
PAYER_IP = "198.51.100.77"
# Long enough for the new secret to reach every process (merchant_cache_seconds, 5 s) with room.
OVERLAP_SECONDS = 20
SETTLE_SECONDS_MAX = 15
LOAD_THREADS = 4
# Enough requests that several pool workers (each with its own merchant cache) answer some.
REQUESTS_ACROSS_WORKERS = 8


def admin(stack, *arguments):
    command = [stack.admin, "--config", stack.config_path, *arguments]
    result = subprocess.run(command, capture_output=True, text=True, timeout=ADMIN_TIMEOUT_SECONDS)
    assert result.returncode == 0, f"{' '.join(arguments)} exited {result.returncode}: {result.stderr.strip()}"
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def on_every_shard(stack, sql):
    """Rows of `sql` ({db} = each shard's database) from every shard."""
    rows = []
    for shard, _, _ in stack.database.shards:
        rows.extend(stack.database.rows_on_shard(shard, sql))
    return rows


def until(probe, what, timeout=SETTLE_SECONDS_MAX):
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() >= deadline:
            assert value, f"timed out waiting for {what}"
            return value
        time.sleep(0.2)


def test_payer_and_stored_answers_are_sealed_in_the_tables(stack, client, slots):
    body = payment_body(payer={"ip": PAYER_IP, "device_id": "dev-e2e-1", "user_id": "user-e2e-1"})
    key = f"idem-{uuid.uuid4().hex}"
    created = client.create_payment(body, idempotency_key=key)
    assert created.status_code == 201, created.text
    payment = created.json()
    assert "payer" not in payment

    shard = slots.shard_of_order(client.merchant_id, body["merchant_order_no"])
    [[stored]] = stack.database.rows_on_shard(
        shard, f"SELECT payer FROM {{db}}.payments WHERE payment_id = {sql_string(payment['payment_id'])}")
    assert PAYER_IP not in stored and "dev-e2e-1" not in stored and "user-e2e-1" not in stored
    assert stored.startswith("02"), stored[:12]  # hex of a sealed value, version 2 with its key id
    assert all(character in "0123456789abcdef" for character in stored)
    assert not on_every_shard(stack, f"SELECT payment_id FROM {{db}}.payments WHERE payer LIKE '%{PAYER_IP}%'")

    [[answer]] = on_every_shard(
        stack, f"SELECT response_body FROM {{db}}.idempotency_keys WHERE merchant_id = {sql_string(client.merchant_id)} "
               f"AND idempotency_key = {sql_string(key)}")
    assert payment["payment_id"] not in answer and answer.startswith("02"), answer[:12]
    replay = client.create_payment(body, idempotency_key=key)
    assert replay.status_code == 201 and replay.headers.get("Idempotent-Replayed") == "true", replay.text
    assert replay.json() == payment


def test_a_rotated_api_secret_overlaps_then_expires(stack, client, merchant):
    assert client.get("/v1/payments?limit=1").status_code == 200  # the pool now caches the old secret
    [rotated] = admin(stack, "merchant", "rotate-secret", "--id", merchant["merchant_id"],
                      "--overlap-seconds", str(OVERLAP_SECONDS))
    assert set(rotated) == {"merchant_id", "secret", "previous_valid_until"}, rotated
    assert rotated["secret"].startswith("sk_") and rotated["secret"] != merchant["secret"]
    renewed = stack.client(dict(merchant, secret=rotated["secret"]))
    # Every process knows the new secret once its cached copy of the merchant has aged out
    # (merchant_cache_seconds, docs/API.md section 2); both secrets work on every one of them.
    time.sleep(stack.config.get("merchant_cache_seconds", 5) + 1)
    for _ in range(REQUESTS_ACROSS_WORKERS):
        assert renewed.get("/v1/payments?limit=1").status_code == 200, "the new secret is accepted"
        assert client.get("/v1/payments?limit=1").status_code == 200, "the old secret works during the overlap"
    assert client.create_payment(payment_body()).status_code == 201
    assert renewed.create_payment(payment_body()).status_code == 201

    until(lambda: client.get("/v1/payments?limit=1").status_code == 401, "the overlap to end",
          timeout=OVERLAP_SECONDS + SETTLE_SECONDS_MAX)
    assert_error(client.get("/v1/payments?limit=1"), 401, "invalid_signature")
    assert renewed.get("/v1/payments?limit=1").status_code == 200
    renewed.close()


def test_a_rotated_webhook_secret_signs_twice_during_its_overlap(stack, client, merchant, webhook_receiver):  # noqa: F811
    [rotated] = admin(stack, "merchant", "rotate-webhook-secret", "--id", merchant["merchant_id"],
                      "--overlap-seconds", "600")
    new_secret = rotated["webhook_secret"]
    assert new_secret.startswith("whsec_") and new_secret != merchant["webhook_secret"]
    payment = create_processing(client, webhook_receiver)
    pay(stack, payment)
    [delivery] = webhook_receiver.wait_for(lambda d: d.event_type == "payment.succeeded")
    timestamp, signatures = signature_parts(delivery)
    assert timestamp is not None and len(signatures) == 2, delivery.headers.get("paygate-signature")
    assert signatures_valid_for(new_secret, delivery) == [True, False]
    assert signatures_valid_for(merchant["webhook_secret"], delivery) == [False, True]


SEALED_FILE_PREFIX = "paygate-sealed:"


def private_key_files(stack):
    """Our private key files and the APIv3 key, as the configuration names them."""
    channels = stack.config["channels"]
    return [channels["alipay"]["private_key_file"], channels["wechatpay"]["private_key_file"],
            channels["wechatpay"]["api_v3_key_file"], channels["unionpay"]["private_key_file"]]


def test_channel_private_keys_and_the_apiv3_key_are_sealed_on_disk(stack, client):
    for path in private_key_files(stack):
        with open(path, encoding="ascii") as handle:
            text = handle.read()
        assert text.startswith(SEALED_FILE_PREFIX + "02"), (path, text[:20])
        assert "BEGIN" not in text and "PRIVATE KEY" not in text, path
        assert os.stat(path).st_mode & 0o077 == 0, path
    # The pool opened them: a channel call signed with our key is accepted by the sandbox.
    for channel in ("alipay", "wechatpay", "unionpay"):
        response = client.create_payment(payment_body(channel=channel))
        assert response.status_code == 201 and response.json()["status"] == "processing", response.text


def open_sealed_file(stack, path):
    """The plain text of a sealed key file, opened as paygate opens it (SealedKeyFile.swift):
    hex of 0x02 | key id | nonce | ciphertext | tag, associated data the header and a fixed text."""
    with open(path, encoding="ascii") as handle:
        sealed = bytes.fromhex(handle.read()[len(SEALED_FILE_PREFIX):].strip())
    key_id = int.from_bytes(sealed[1:5], "big")
    key_path = (stack.config["master_key_file"] if key_id == 0 else
                os.path.join(stack.config["master_key_directory"], f"master-{key_id}.key"))
    with open(key_path, "rb") as handle:
        key = handle.read()
    return AESGCM(key).decrypt(sealed[5:17], sealed[17:], sealed[:5] + b"paygate channel key file").decode()


def test_a_plain_key_file_still_loads_and_keys_seal_files_seals_it(stack, client):
    path = stack.config["channels"]["alipay"]["private_key_file"]
    plain = open_sealed_file(stack, path)
    assert plain.startswith("-----BEGIN PRIVATE KEY-----"), plain[:30]
    owner = os.stat(path)
    temporary = path + ".e2e"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(plain)
    # Started as root, the stack's pool runs as its own user, the key's owner: it stays so.
    os.chown(temporary, owner.st_uid, owner.st_gid)
    os.replace(temporary, path)
    # A plain file (a stack from before sealing) is still read: the pool reloads with it.
    stack_command(stack, "reload", stack.root)
    response = client.create_payment(payment_body(channel="alipay"))
    assert response.status_code == 201 and response.json()["status"] == "processing", response.text

    assert admin(stack, "keys", "seal-files") == [{"file": path, "sealed": True}]
    with open(path, encoding="ascii") as handle:
        assert handle.read().startswith(SEALED_FILE_PREFIX), path
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert (os.stat(path).st_uid, os.stat(path).st_gid) == (owner.st_uid, owner.st_gid), "keys seal-files kept the owner"
    assert open_sealed_file(stack, path) == plain
    assert admin(stack, "keys", "seal-files") == [], "a second run has nothing to seal"
    stack_command(stack, "reload", stack.root)
    response = client.create_payment(payment_body(channel="alipay"))
    assert response.status_code == 201 and response.json()["status"] == "processing", response.text


def stack_command(stack, *arguments):
    result = subprocess.run(["bash", stack.stack_script, *arguments], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]


def load(client, stop, outcomes):
    """Creates payments (with payer data and an Idempotency-Key) and replays each, until `stop`."""
    client = client.clone()
    try:
        while not stop.is_set():
            body = payment_body(payer={"ip": PAYER_IP})
            key = f"rot-{uuid.uuid4().hex}"
            for attempt in ("create", "replay"):
                try:
                    response = client.create_payment(body, idempotency_key=key)
                    ok = response.status_code == 201 and (attempt == "create" or
                                                          response.headers.get("Idempotent-Replayed") == "true")
                    outcomes.append(("ok",) if ok else (attempt, response.status_code, response.text[:200]))
                except Exception as error:  # noqa: BLE001 (every failure is counted, none hidden)
                    outcomes.append((attempt, "exception", str(error)[:200]))
            authenticated = client.get("/v1/payments?limit=1")
            outcomes.append(("ok",) if authenticated.status_code == 200 else ("get", authenticated.status_code,
                                                                              authenticated.text[:200]))
    finally:
        client.close()


@pytest.mark.disruptive
def test_master_key_rotation_under_load_fails_no_request(stack, client):
    before = admin(stack, "keys", "status")[0]
    stop = threading.Event()
    outcomes = []
    threads = [threading.Thread(target=load, args=(client, stop, outcomes)) for _ in range(LOAD_THREADS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)
        lines = admin(stack, "keys", "rotate-master")
        time.sleep(3)  # the processes drop the retired key meanwhile: requests keep working
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    failures = [outcome for outcome in outcomes if outcome != ("ok",)]
    assert not failures, failures[:5]
    assert len(outcomes) > 20, "the load ran during the rotation"

    new_id = lines[0]["new_key_id"]
    assert new_id > before["current_key_id"]
    assert lines[-1] == {"current_key_id": new_id, "retired_key_ids": before["key_ids"]}, lines[-1]
    resealed = {line["column"]: line["resealed"] for line in lines if line.get("pass") == 1}
    assert resealed["merchants.secret_sealed"] >= 1 and resealed["payments.payer"] >= 1, resealed

    status = admin(stack, "keys", "status")
    assert status[0] == {"current_key_id": new_id, "key_ids": [new_id]}, status[0]
    assert all(line["not_under_current_key"] == 0 for line in status[1:]), status
    prefix = "02" + format(new_id, "08x")
    stale = on_every_shard(stack, f"SELECT COUNT(*) FROM {{db}}.payments WHERE payer IS NOT NULL "
                                  f"AND payer NOT LIKE '{prefix}%'")
    assert all(int(count) == 0 for [count] in stale), stale
    directory = stack.config["master_key_directory"]
    assert os.path.exists(os.path.join(directory, f"master-{new_id}.key"))
    for old in before["key_ids"]:
        assert not (os.path.exists(stack.config["master_key_file"]) if old == 0 else
                    os.path.exists(os.path.join(directory, f"master-{old}.key"))), f"key {old} not retired"
    # A merchant made before the rotation still authenticates: its secret was re-sealed.
    assert client.get("/v1/payments?limit=1").status_code == 200
    for path in private_key_files(stack):
        with open(path, encoding="ascii") as handle:
            assert handle.read().startswith(SEALED_FILE_PREFIX + prefix), path
    # A reload reads the channel keys again, under the new master key only.
    stack_command(stack, "reload", stack.root)
    for channel in ("alipay", "wechatpay", "unionpay"):
        response = client.create_payment(payment_body(channel=channel, payer={"ip": PAYER_IP}))
        assert response.status_code == 201 and response.json()["status"] == "processing", response.text
