"""TLS to a MariaDB server reached over TCP (README "Database accounts", TLS to a remote server):
a server of its own on 127.0.0.1 that refuses any connection without TLS, with the stack's server
certificate (127.0.0.1, localhost). `paygate-admin migrate` through a configuration naming it with
`tls.ca_file` succeeds (the tables and the grants land over TLS, the grants to a non-local host
part); with a CA that did not sign the server's certificate it is refused and nothing is made."""
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time

import pytest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
import datetime

START_SECONDS_MAX = 60
COMMAND_TIMEOUT_SECONDS = 120
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATABASES = ("tls_directory", "tls_shard_0")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def other_ca(path):
    """A CA certificate that signed nothing the server holds."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "not the stack's CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    with open(path, "wb") as handle:
        handle.write(certificate.public_bytes(serialization.Encoding.PEM))


class TLSServer:
    """mariadbd with --require-secure-transport on a free port, data under the stack root."""

    def __init__(self, stack):
        self.dir = os.path.join(stack.root, "tlsdb")
        self.socket = os.path.join(self.dir, "s.sock")
        self.port = free_port()
        self.process = None
        self.as_root = os.geteuid() == 0

    def start(self, stack):
        os.makedirs(self.dir)
        for name in ("server.pem", "server.key"):
            shutil.copy(os.path.join(stack.root, "tls", name), os.path.join(self.dir, name))
        os.chmod(os.path.join(self.dir, "server.key"), 0o600)
        user = ["--user=mysql"] if self.as_root else []
        if self.as_root:
            mysql = pwd.getpwnam("mysql")
            for path in (self.dir, os.path.join(self.dir, "server.pem"), os.path.join(self.dir, "server.key")):
                os.chown(path, mysql.pw_uid, mysql.pw_gid)
        subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={self.dir}/data", *user,
                        "--auth-root-authentication-method=" + ("socket" if self.as_root else "normal"),
                        "--skip-test-db"], check=True, capture_output=True, timeout=COMMAND_TIMEOUT_SECONDS)
        self.process = subprocess.Popen(
            ["mariadbd", "--no-defaults", *user, f"--datadir={self.dir}/data", f"--socket={self.socket}",
             f"--port={self.port}", "--bind-address=127.0.0.1", f"--pid-file={self.dir}/p.pid",
             f"--log-error={self.dir}/error.log", "--innodb-buffer-pool-size=32M",
             f"--ssl-cert={self.dir}/server.pem", f"--ssl-key={self.dir}/server.key",
             "--require-secure-transport=ON"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_SECONDS_MAX
        while self.root_sql("SELECT 1").returncode != 0:
            assert self.process.poll() is None, f"mariadbd exited: {open(self.dir + '/error.log').read()[-2000:]}"
            assert time.monotonic() < deadline, "the TLS MariaDB server did not come up"
            time.sleep(0.2)

    def root_sql(self, sql):
        return subprocess.run(["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-N", "-B", "-e", sql],
                              capture_output=True, text=True, timeout=COMMAND_TIMEOUT_SECONDS)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=COMMAND_TIMEOUT_SECONDS)


@pytest.fixture
def tls_server(stack):
    server = TLSServer(stack)
    try:
        server.start(stack)
        yield server
    finally:
        server.stop()


def configuration(stack, server, ca_file, path):
    """The stack's configuration with one TCP server holding a directory and one shard."""
    config = json.loads(json.dumps(stack.config))
    database = config["database"]
    database["servers"] = [{"name": "t0", "host": "127.0.0.1", "port": server.port, "user": "paygate_app",
                            "password_file": database["servers"][0]["password_file"],
                            "tls": {"ca_file": ca_file}}]
    database["directory"] = {"server": "t0", "database": DATABASES[0]}
    database["shards"] = [{"name": "shard0", "server": "t0", "database": DATABASES[1]}]
    database["slot_map"] = [{"first": 0, "last": database.get("slot_count", 1024) - 1, "shard": "shard0"}]
    database["accounts"]["host"] = "127.0.0.1"
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(config, handle)
    os.chmod(path, 0o600)
    return path


def create_accounts(stack, server):
    database = stack.config["database"]
    files = {"paygate_app": database["servers"][0]["password_file"],
             "paygate_migrate": database["accounts"]["migration"]["password_file"],
             "paygate_read": database["accounts"]["read_only"]["password_file"]}
    statements = []
    for user, path in files.items():
        with open(path, encoding="ascii") as handle:
            statements.append(f"CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY '{handle.read().strip()}'")
    statements += [f"GRANT ALL PRIVILEGES ON `{name}`.* TO 'paygate_migrate'@'127.0.0.1' WITH GRANT OPTION"
                   for name in DATABASES]
    result = server.root_sql("; ".join(statements))
    assert result.returncode == 0, result.stderr


def migrate(stack, config_path):
    return subprocess.run([stack.admin, "--config", config_path, "migrate", "--sql-dir", os.path.join(REPO, "sql")],
                          capture_output=True, text=True, timeout=COMMAND_TIMEOUT_SECONDS)


def test_migrate_over_tls_checks_the_server_certificate(stack, tls_server):
    create_accounts(stack, tls_server)
    wrong_ca = os.path.join(tls_server.dir, "other-ca.pem")
    other_ca(wrong_ca)
    refused = migrate(stack, configuration(stack, tls_server, wrong_ca, os.path.join(tls_server.dir, "wrong.json")))
    assert refused.returncode != 0, refused.stdout
    assert tls_server.root_sql("SHOW DATABASES LIKE 'tls\\_%'").stdout.strip() == "", "a refused connection made something"

    result = migrate(stack, configuration(stack, tls_server, stack.ca, os.path.join(tls_server.dir, "right.json")))
    assert result.returncode == 0, result.stderr[-2000:]
    tables = tls_server.root_sql(f"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{DATABASES[1]}'")
    assert int(tables.stdout.strip()) > 5
    # The migration granted the application account over TLS too, to the configured host part.
    grants = tls_server.root_sql("SHOW GRANTS FOR 'paygate_app'@'127.0.0.1'").stdout
    assert f"GRANT SELECT, INSERT ON `{DATABASES[1]}`.`journal_lines`" in grants, grants
    # Every connection the server took was encrypted: it refuses any other (require_secure_transport).
    assert tls_server.root_sql("SELECT @@require_secure_transport").stdout.strip() == "1"
