#!/usr/bin/env python3
"""CPU time per request of each process group of one stack, for `make bench` (scripts/bench.sh).

    scripts/bench-cpu.py snapshot ROOT > FILE      utime+stime of every process of the stack
    scripts/bench-cpu.py report BEFORE AFTER COUNT [BEFORE AFTER COUNT ...]
                                                    microseconds per request for each group, over
                                                    one or more measured windows together

Only the processes of the stack under ROOT are counted, never those of another stack on the same
machine (an e2e run, `make run`): nginx is its master (ROOT/run/nginx.pid) and the master's
children (workers' command lines do not name ROOT); every other group is found by its command
name and a command line that contains ROOT (the pool's forked workers keep the master's).
Times are fields 14 and 15 of /proc/PID/stat (all threads of the process, in clock ticks). A
process that exits between the snapshots is lost (its time goes to its parent's cutime, which is
not read); one that starts in between counts from zero. Standard library only.
"""
import json
import os
import sys

# Group label by /proc/PID/comm (at most 15 characters: "paygate-sandbox" just fits).
GROUPS = {
    "paygate": "pool",
    "mariadbd": "mariadb",
    "paygate-worker": "worker",
    "paygate-sandbox": "sandbox",
    "redis-server": "redis",
}
ORDER = ["nginx", "pool", "mariadb", "worker", "sandbox", "redis"]
LABELS = {
    "nginx": "nginx (master + workers; also serves the sandbox's TLS)",
    "pool": "paygate pool (master + workers)",
    "mariadb": "MariaDB (mariadbd, every server)",
    "worker": "paygate-worker",
    "sandbox": "paygate-sandbox (the channels, apart)",
    "redis": "Redis (risk's counters)",
}
# Targets for one create, in microseconds: nginx + pool + MariaDB together, and MariaDB alone.
SERVING_MICROSECONDS_MAX = 1000
MARIADB_MICROSECONDS_MAX = 450


def read(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def stat_of(pid):
    """(ppid, utime + stime in ticks) of a live process, or None."""
    text = read(f"/proc/{pid}/stat")
    if text is None:
        return None
    fields = text[text.rfind(b")") + 2:].split()
    # fields[0] is field 3 (state): field n is fields[n - 3].
    return int(fields[1]), int(fields[11]) + int(fields[12])


def snapshot(root):
    nginx_master = None
    pid_text = read(os.path.join(root, "run", "nginx.pid"))
    if pid_text and pid_text.strip().isdigit():
        nginx_master = int(pid_text.strip())
    # With the slash: another root whose name merely starts with this one's must not match.
    marker = root.encode() + b"/"
    processes = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        comm = (read(f"/proc/{pid}/comm") or b"").strip().decode(errors="replace")
        cmdline = read(f"/proc/{pid}/cmdline") or b""
        stat = stat_of(pid)
        if stat is None:
            continue
        ppid, ticks = stat
        if comm == "nginx" and nginx_master is not None and nginx_master in (pid, ppid):
            group = "nginx"
        elif comm in GROUPS and marker in cmdline:
            group = GROUPS[comm]
        else:
            continue
        processes[str(pid)] = {"group": group, "ticks": ticks}
    return {"ticks_per_second": os.sysconf("SC_CLK_TCK"), "processes": processes}


def report(windows):
    """windows: (before, after, count) of each measured run, summed."""
    ticks_per_second = windows[-1][1]["ticks_per_second"]
    used = {group: 0 for group in ORDER}
    seen = {group: 0 for group in ORDER}
    count = 0
    for before, after, requests in windows:
        count += requests
        seen = {group: 0 for group in ORDER}
        for pid, process in after["processes"].items():
            start = before["processes"].get(pid, {}).get("ticks", 0)
            used[process["group"]] += process["ticks"] - start
            seen[process["group"]] += 1
    per = {group: used[group] / ticks_per_second * 1e6 / count if count > 0 else 0.0 for group in ORDER}
    lines = []
    for group in ORDER:
        lines.append(f"    {LABELS[group]:<56} {per[group]:8.0f} us  ({seen[group]} processes, {used[group] / ticks_per_second:.2f} s)")
    serving = per["nginx"] + per["pool"] + per["mariadb"]
    lines.append(f"    {'nginx + pool + MariaDB + worker':<56} {serving + per['worker']:8.0f} us")
    lines.append(f"nginx + pool + MariaDB = {serving:.0f} us per create   target <= {SERVING_MICROSECONDS_MAX} us; "
                 f"MariaDB = {per['mariadb']:.0f} us   target <= {MARIADB_MICROSECONDS_MAX} us")
    return "\n".join(lines)


def main(arguments):
    if len(arguments) == 2 and arguments[0] == "snapshot":
        json.dump(snapshot(os.path.realpath(arguments[1])), sys.stdout)
        return 0
    if len(arguments) >= 4 and arguments[0] == "report" and (len(arguments) - 1) % 3 == 0:
        windows = []
        for start in range(1, len(arguments), 3):
            with open(arguments[start]) as first, open(arguments[start + 1]) as second:
                windows.append((json.load(first), json.load(second), int(arguments[start + 2])))
        print(report(windows))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
