"""Shared fixtures for the end-to-end suite: nginx over HTTPS -> pool -> real MariaDB shards.

The harness (scripts/e2e.sh) starts a stack and sets PAYGATE_URL, PAYGATE_SANDBOX_URL (the channel
sandbox behind the same nginx), PAYGATE_ROOT, PAYGATE_CA, PAYGATE_CONFIG, PAYGATE_ADMIN and
PAYGATE_STACK. A missing variable or a stack (or sandbox) that does not answer makes every test FAIL:
a suite that silently skips proves nothing.
"""
import json
import os
import subprocess
import uuid

import pytest
import requests

from paygate_support import Client, Database, SlotMap

REQUIRED_ENVIRONMENT = ("PAYGATE_URL", "PAYGATE_SANDBOX_URL", "PAYGATE_ROOT", "PAYGATE_CA", "PAYGATE_CONFIG",
                        "PAYGATE_ADMIN", "PAYGATE_STACK")
ADMIN_TIMEOUT_SECONDS = 60
PROBE_TIMEOUT_SECONDS = 10


class Stack:
    """Where the stack under test lives, read once from the environment."""

    def __init__(self, environment):
        self.url = environment["PAYGATE_URL"].rstrip("/")
        self.sandbox_url = environment["PAYGATE_SANDBOX_URL"].rstrip("/")
        self.root = environment["PAYGATE_ROOT"]
        self.ca = environment["PAYGATE_CA"]
        self.config_path = environment["PAYGATE_CONFIG"]
        self.admin = environment["PAYGATE_ADMIN"]
        self.stack_script = environment["PAYGATE_STACK"]
        with open(self.config_path, encoding="utf-8") as handle:
            self.config = json.load(handle)
        self.slots = SlotMap(self.config)
        self.database = Database(self.config)

    def session(self):
        session = requests.Session()
        session.verify = self.ca
        session.trust_env = False  # loopback only: never route through a proxy from the environment
        return session

    def client(self, merchant):
        return Client(self.url, self.ca, merchant["merchant_id"], merchant["secret"])

    def create_merchant(self, name=None):
        name = name or f"e2e-{uuid.uuid4().hex[:12]}"
        command = [self.admin, "--config", self.config_path, "merchant", "create", "--name", name]
        result = subprocess.run(command, capture_output=True, text=True, timeout=ADMIN_TIMEOUT_SECONDS)
        assert result.returncode == 0, f"merchant create exited {result.returncode}: {result.stderr.strip()}"
        merchant = json.loads(result.stdout.strip())  # exactly one JSON object, nothing else
        assert isinstance(merchant, dict)
        assert set(merchant) == {"merchant_id", "secret", "webhook_secret"}, sorted(merchant)
        assert all(isinstance(value, str) and value for value in merchant.values())
        return merchant

    def set_merchant_active(self, merchant_id, active):
        action = "enable" if active else "disable"
        command = [self.admin, "--config", self.config_path, "merchant", action, "--id", merchant_id]
        result = subprocess.run(command, capture_output=True, text=True, timeout=ADMIN_TIMEOUT_SECONDS)
        assert result.returncode == 0, f"merchant {action} exited {result.returncode}: {result.stderr.strip()}"

    def run_stack_command(self, action, server):
        result = subprocess.run(["bash", self.stack_script, action, self.root, server],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"stack.sh {action} {server} exited {result.returncode}: {result.stderr[-2000:]}"


@pytest.fixture(scope="session")
def stack():
    missing = [name for name in REQUIRED_ENVIRONMENT if not os.environ.get(name)]
    if missing:
        pytest.fail(f"environment variables not set: {', '.join(missing)} (run through scripts/e2e.sh)")
    stack = Stack(os.environ)
    try:
        answer = stack.session().get(stack.url + "/healthz/live", timeout=PROBE_TIMEOUT_SECONDS)
    except requests.RequestException as error:
        pytest.fail(f"stack at {stack.url} does not answer: {error}")
    if answer.status_code != 200:
        pytest.fail(f"stack at {stack.url} answered /healthz/live with {answer.status_code}")
    try:
        answer = stack.session().get(stack.sandbox_url + "/sandbox/health", timeout=PROBE_TIMEOUT_SECONDS)
    except requests.RequestException as error:
        pytest.fail(f"channel sandbox at {stack.sandbox_url} does not answer: {error}")
    if answer.status_code != 200:
        pytest.fail(f"channel sandbox at {stack.sandbox_url} answered /sandbox/health with {answer.status_code}")
    return stack


@pytest.fixture
def merchant(stack):
    """A fresh merchant, so a test sees only its own payments."""
    return stack.create_merchant()


@pytest.fixture
def client(stack, merchant):
    """A signed client (keep-alive session) for the fresh merchant."""
    client = stack.client(merchant)
    yield client
    client.close()


@pytest.fixture
def other_client(stack):
    """A second, unrelated merchant."""
    client = stack.client(stack.create_merchant())
    yield client
    client.close()


@pytest.fixture
def database(stack):
    return stack.database


@pytest.fixture
def slots(stack):
    return stack.slots


def pytest_collection_modifyitems(config, items):
    # Tests that stop a database server or kill a worker run last, so a failure to recover cannot
    # masquerade as failures in unrelated tests. Tests marked `first` run before any other test
    # has paid (the clean-day reconciliation looks at whole days).
    items.sort(key=lambda item: -1 if item.get_closest_marker("first") else 1 if item.get_closest_marker("disruptive") else 0)


def pytest_configure(config):
    config.addinivalue_line("markers", "disruptive: stops part of the stack; runs after the other tests")
    config.addinivalue_line("markers", "first: runs before any other test pays on the stack")


SESSION_CHECK_TIMEOUT_SECONDS = 300


def pytest_sessionfinish(session, exitstatus):
    """The suite ends with zero violations. After every test, `paygate-admin check`
    runs over the whole stack; any violation (exit 1) or an unreadable shard (exit 2) fails the
    session with the checker's output, even when every test passed."""
    missing = [name for name in ("PAYGATE_ADMIN", "PAYGATE_CONFIG") if not os.environ.get(name)]
    if missing:
        return  # not run through scripts/e2e.sh: the stack fixture has failed every test already
    command = [os.environ["PAYGATE_ADMIN"], "--config", os.environ["PAYGATE_CONFIG"], "check"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=SESSION_CHECK_TIMEOUT_SECONDS)
        output, failed = result.stdout + result.stderr, result.returncode != 0
        verdict = f"exited {result.returncode}"
    except (OSError, subprocess.TimeoutExpired) as error:
        output, failed, verdict = str(error), True, "could not run"
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    write = reporter.write_line if reporter else print
    if failed:
        write("")
        write(f"session-end invariant check {verdict}: the suite must end with zero violations")
        for line in output.splitlines():
            write("  " + line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        write("")
        write("session-end invariant check: " + (output.strip().splitlines() or ["clean"])[-1])
    _session_end_audit_verify(session, write)


def _session_end_audit_verify(session, write):
    """The audit log is whole after the suite (test_audit.py tampers and puts it back): every
    record the suite's admin actions and security events appended chains, and the latest
    checkpoint is in the chain (README "Audit log")."""
    command = [os.environ["PAYGATE_ADMIN"], "--config", os.environ["PAYGATE_CONFIG"], "audit", "verify"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=SESSION_CHECK_TIMEOUT_SECONDS)
        output, failed = result.stdout + result.stderr, result.returncode != 0
    except (OSError, subprocess.TimeoutExpired) as error:
        output, failed = str(error), True
    if failed:
        write("session-end audit verify failed: the suite must leave the audit log whole")
        for line in output.splitlines():
            write("  " + line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        write("session-end audit verify: " + (output.strip().splitlines() or ["clean"])[-1])
