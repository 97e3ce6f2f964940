"""Least privilege (README "Process users" and "Database accounts"): who each process of the stack
runs as, the FastCGI socket's mode and group, and what each MariaDB account may do.

Run as root (CI), every part runs as its own user (scripts/stack-users.sh); run by an ordinary
user, everything runs as that user. Both are asserted, whichever this run is."""
import grp
import os
import pwd
import stat
import subprocess

STACK_USERS = {"pool": "paygate", "worker": "paygate", "nginx": "paygate-nginx", "sandbox": "paygate-sandbox",
               "mariadb": "mysql"}
QUERY_TIMEOUT_SECONDS = 30


def read_pid(path):
    with open(path, encoding="ascii") as handle:
        return int(handle.read().split()[0])


def children(pid):
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
            found += [int(child) for child in handle.read().split()]
    return found


def process_users(pid):
    """(real, effective, saved, filesystem) uids, and the gids, from /proc/PID/status."""
    uids = gids = None
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("Uid:"):
                uids = [int(value) for value in line.split()[1:]]
            elif line.startswith("Gid:"):
                gids = [int(value) for value in line.split()[1:]]
    return uids, gids


def expected_uid(part):
    return pwd.getpwnam(STACK_USERS[part]).pw_uid if os.geteuid() == 0 else os.geteuid()


def stack_processes(stack):
    """{part: [pids]}: the pool's master and workers, the worker, nginx's workers, each MariaDB
    server, the sandbox's master and worker; from the stack's pid files, never by name."""
    run = os.path.join(stack.root, "run")
    pool = read_pid(os.path.join(run, "paygate.pid"))
    nginx = read_pid(os.path.join(run, "nginx.pid"))
    sandbox = read_pid(os.path.join(stack.root, "sandbox", "sandbox.pid"))
    servers = [read_pid(os.path.join(stack.root, "mariadb", name, "mysqld.pid")) for name in ("s0", "s1")]
    parts = {"pool": [pool] + children(pool), "worker": [read_pid(os.path.join(run, "worker.pid"))],
             "nginx": children(nginx), "sandbox": [sandbox] + children(sandbox), "mariadb": servers}
    for part, pids in parts.items():
        assert pids, f"no {part} process found"
    return parts


def test_each_part_runs_as_its_own_user(stack):
    for part, pids in stack_processes(stack).items():
        uid = expected_uid(part)
        for pid in pids:
            uids, gids = process_users(pid)
            assert uids == [uid] * 4, f"{part} pid {pid} runs with uids {uids}, expected {uid} ({STACK_USERS[part]})"
            if os.geteuid() == 0:
                assert 0 not in gids, f"{part} pid {pid} kept group root: {gids}"


def test_nginx_master_alone_keeps_root(stack):
    """The master binds the port and reads the TLS key; it serves nothing itself."""
    master = read_pid(os.path.join(stack.root, "run", "nginx.pid"))
    uids, _ = process_users(master)
    assert uids[1] == os.geteuid()


def test_fastcgi_sockets_admit_nginx_alone(stack):
    for path in (stack.config["pool"]["socket_path"], os.path.join(stack.root, "sandbox", "sandbox.sock")):
        status = os.stat(path)
        assert stat.S_ISSOCK(status.st_mode)
        assert stat.S_IMODE(status.st_mode) == 0o660, f"{path} has mode {oct(stat.S_IMODE(status.st_mode))}"
        if os.geteuid() == 0:
            assert grp.getgrgid(status.st_gid).gr_name == "paygate-nginx", path
            # The group has no other member: the pool's own user reaches it as the owner.
            assert grp.getgrnam("paygate-nginx").gr_mem == []
            directory = os.stat(os.path.dirname(path))
            assert stat.S_IMODE(directory.st_mode) & 0o007 == 0, f"{os.path.dirname(path)} is open to others"


def test_keys_belong_to_the_pool_user_alone(stack):
    if os.geteuid() != 0:
        uid = os.geteuid()
    else:
        uid = pwd.getpwnam("paygate").pw_uid
    database = stack.config["database"]
    for path in (stack.config["master_key_file"], database["servers"][0]["password_file"],
                 os.path.join(stack.root, "channels", "alipay", "merchant.key")):
        status = os.stat(path)
        assert status.st_uid == uid and stat.S_IMODE(status.st_mode) == 0o600, path
    for account in ("migration", "read_only"):
        status = os.stat(database["accounts"][account]["password_file"])
        assert status.st_uid == os.geteuid() and stat.S_IMODE(status.st_mode) == 0o600, account


def as_account(stack, role, sql, database_name):
    """Runs SQL on s0 as one of the configured accounts (not root); returns the completed process."""
    database = stack.config["database"]
    server = database["servers"][0]
    account = server if role == "application" else database["accounts"][role]
    with open(account["password_file"], encoding="ascii") as handle:
        password = handle.read().strip()
    return subprocess.run(["mariadb", "--no-defaults", f"--socket={server['socket']}", f"-u{account['user']}",
                           f"-p{password}", "-N", "-B", database_name, "-e", sql],
                          capture_output=True, text=True, timeout=QUERY_TIMEOUT_SECONDS)


def test_no_paygate_account_is_root(stack):
    database = stack.config["database"]
    users = {server["user"] for server in database["servers"]}
    users |= {database["accounts"][role]["user"] for role in ("migration", "read_only")}
    assert "root" not in users and len(users) == 3, users


def shard0_database(stack):
    return next(shard["database"] for shard in stack.config["database"]["shards"]
                if shard["server"] == "s0")


def test_application_account_cannot_change_history_or_journal(stack):
    shard = shard0_database(stack)
    for sql in ("UPDATE payment_status_history SET to_status = to_status",
                "DELETE FROM payment_status_history",
                "UPDATE journal_lines SET amount = amount",
                "DELETE FROM journal_entries",
                "UPDATE refund_status_history SET to_status = to_status",
                "UPDATE webhook_attempts SET response_status = response_status"):
        result = as_account(stack, "application", sql, shard)
        assert result.returncode != 0, f"{sql} was allowed"
        assert "ERROR 1142" in result.stderr and "command denied" in result.stderr, result.stderr
    # It still reads them and writes what it must.
    assert as_account(stack, "application", "SELECT COUNT(*) FROM journal_lines", shard).returncode == 0
    result = as_account(stack, "application", "UPDATE payments SET version = version WHERE payment_id = ''", shard)
    assert result.returncode == 0, result.stderr


def test_application_account_cannot_change_the_schema(stack):
    shard = shard0_database(stack)
    for sql in ("CREATE TABLE privilege_probe (id INT PRIMARY KEY)", "ALTER TABLE payments ADD COLUMN probe INT",
                "DROP TABLE request_nonces", "DELETE FROM schema_migrations"):
        result = as_account(stack, "application", sql, shard)
        assert result.returncode != 0 and "denied" in result.stderr, f"{sql}: {result.stderr}"


def test_read_only_account_cannot_write(stack):
    shard = shard0_database(stack)
    assert as_account(stack, "read_only", "SELECT COUNT(*) FROM payments", shard).returncode == 0
    for sql in ("INSERT INTO request_nonces (merchant_id, nonce, signature, slot, created_at) VALUES ('m', 'n', 's', 0, NOW())",
                "UPDATE payments SET version = version", "DELETE FROM idempotency_keys"):
        result = as_account(stack, "read_only", sql, shard)
        assert result.returncode != 0 and "command denied" in result.stderr, f"{sql}: {result.stderr}"


def test_mariadb_root_admits_the_os_root_user_alone(stack):
    """As root, the pool's user reaches the server's socket; MariaDB's root must not let it in."""
    if os.geteuid() != 0:
        return _assert_socket_folder_private(stack)
    socket = stack.config["database"]["servers"][0]["socket"]
    result = subprocess.run(["setpriv", "--reuid=paygate", "--regid=paygate", "--init-groups", "--",
                             "mariadb", "--no-defaults", f"--socket={socket}", "-uroot", "-e", "SELECT 1"],
                            capture_output=True, text=True, timeout=QUERY_TIMEOUT_SECONDS)
    assert result.returncode != 0 and "Access denied" in result.stderr, result.stderr


def _assert_socket_folder_private(stack):
    status = os.stat(os.path.join(stack.root, "mariadb"))
    assert stat.S_IMODE(status.st_mode) & 0o077 == 0
