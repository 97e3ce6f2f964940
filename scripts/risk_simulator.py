"""A seeded, deterministic fraud simulator for paygate's risk model (docs/risk-model.md).

It produces a time-ordered stream of creates (POST /v1/payments) with a fraud label, and computes
each create's model features exactly as the runtime does: from sliding-window counters that
include the create itself (Sources/PaygateCore/Risk/RiskCounters.swift) and from the facts of
the create (Sources/PaygateCore/Risk/RiskFacts.swift). The feature code mirrors
Sources/PaygateCore/Risk/Model/RiskFeatures.swift; a change to one is a change to both, and the
vectors test (Tests/PaygateCoreTests/RiskModelScoreTests.swift) fails when they drift apart.

Only the standard library is used, and only `math.log` / `math.log1p` (the C library's, as in
Swift) for the features, so the same facts give bit-identical features on both sides.
"""

import bisect
import math
import random
from collections import defaultdict

# 2026-10-01 00:00 China time (UTC+8), in milliseconds since the epoch.
START_MS = 1_759_248_000_000
DAY_MS = 86_400_000
MINUTE_MS = 60_000

# Honest traffic.
USERS = 2500
OFFICE_IPS = 150          # shared by a few colleagues each
CARRIER_IPS = 40          # carrier-grade NAT: many unrelated users behind one address
USER_RATE_MEDIAN_PER_DAY = 0.4
USER_AMOUNT_MEDIAN_CNY = 60.0
HONEST_NEW_DEVICE_PROBABILITY = 0.01
HONEST_BIG_PURCHASE_PROBABILITY = 0.02
# China-time hour weights: quiet nights, a lunch peak and an evening peak.
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 4, 6, 8, 9, 10, 11, 12, 11, 10, 10, 10, 11, 12, 14, 15, 15, 12, 6]

# Fraud sessions per day, per pattern.
CARD_TESTING_PER_DAY = 3
AMOUNT_SPIKE_PER_DAY = 4
NEW_DEVICE_LARGE_PER_DAY = 4
NIGHT_BURST_PER_DAY = 2
IP_MANY_USERS_PER_DAY = 1

# Payer keys a merchant did not send, and creates whose counters were unreachable.
IP_ABSENT_PROBABILITY = 0.05
DEVICE_ABSENT_PROBABILITY = 0.10
USER_ABSENT_PROBABILITY = 0.15
COUNTERS_UNREACHABLE_PROBABILITY = 0.01

# The counters the model reads: (subject, measure, window seconds), as RiskFeatures.counterKeys.
DEVICE_COUNT_10M = ("payer.device_id", "count", 600)
IP_COUNT_10M = ("payer.ip", "count", 600)
IP_USERS_24H = ("payer.ip", "distinct_users", 86_400)
USER_COUNT_24H = ("payer.user_id", "count", 86_400)
USER_COUNT_7D = ("payer.user_id", "count", 604_800)
USER_SUM_7D = ("payer.user_id", "sum", 604_800)
COUNTER_KEYS = [DEVICE_COUNT_10M, IP_COUNT_10M, IP_USERS_24H, USER_COUNT_24H, USER_COUNT_7D, USER_SUM_7D]

FEATURES = [
    "amount_log", "night",
    "device_unknown", "device_count_10m_log",
    "ip_unknown", "ip_count_10m_log", "ip_users_24h_log",
    "user_unknown", "user_count_24h_log", "user_count_7d_log", "user_amount_ratio_log",
    "device_new", "device_seen",
]


def hour_china(ms):
    """As RiskFacts.hourChina(at:): China time is UTC+8 all year."""
    seconds = ms // 1000 + 8 * 3600
    return (seconds % 86_400) // 3600


def features(amount_minor, minor_digits, hour, counters, device_new_to_user):
    """The model's inputs from one create's facts; mirrors RiskFeatures.swift line by line.

    A group of counters (device, ip, user) is known only when all its keys are present; an
    unknown group reads 0 with its `_unknown` flag set, so "absent" is never mistaken for "few".
    """
    def get(key):
        return counters.get(key)

    # Amounts are positive on a create (docs/API.md section 5); the clamps keep logs finite anyway.
    major = max(amount_minor, 0) / (10 ** minor_digits)
    row = {"amount_log": math.log1p(major), "night": 1.0 if hour < 6 else 0.0}
    device = get(DEVICE_COUNT_10M)
    row["device_unknown"] = 0.0 if device is not None else 1.0
    row["device_count_10m_log"] = math.log(max(device, 1)) if device is not None else 0.0
    ip_count, ip_users = get(IP_COUNT_10M), get(IP_USERS_24H)
    ip_known = ip_count is not None and ip_users is not None
    row["ip_unknown"] = 0.0 if ip_known else 1.0
    row["ip_count_10m_log"] = math.log(max(ip_count, 1)) if ip_known else 0.0
    row["ip_users_24h_log"] = math.log1p(max(ip_users, 0)) if ip_known else 0.0
    day, week, week_sum = get(USER_COUNT_24H), get(USER_COUNT_7D), get(USER_SUM_7D)
    user_known = day is not None and week is not None and week_sum is not None and week_sum > 0
    row["user_unknown"] = 0.0 if user_known else 1.0
    row["user_count_24h_log"] = math.log(max(day, 1)) if user_known else 0.0
    row["user_count_7d_log"] = math.log(max(week, 1)) if user_known else 0.0
    # The amount against the user's 7-day mean (this create included): log 1 = 0 for a first create.
    ratio = float(max(amount_minor, 1)) * float(max(week, 1)) / float(week_sum) if user_known else 1.0
    row["user_amount_ratio_log"] = math.log(ratio) if user_known else 0.0
    row["device_new"] = 1.0 if device_new_to_user is True else 0.0
    row["device_seen"] = 1.0 if device_new_to_user is False else 0.0
    return [row[name] for name in FEATURES]


class Counters:
    """Sliding windows as the runtime keeps them: an event at t counts in a window of w seconds
    at `now` when now - w*1000 < t <= now, and the create being evaluated is recorded first."""

    def __init__(self):
        self.times = defaultdict(list)    # (subject, value) -> event times, ascending
        self.amounts = defaultdict(list)  # (subject, value) -> running sums of amounts
        self.users = defaultdict(list)    # ("payer.ip", value) -> (time, user) with a user id
        self.devices_of_user = defaultdict(set)

    def observe(self, ms, subjects, amount_minor):
        for subject, value in subjects.items():
            if value is None:
                continue
            times, sums = self.times[(subject, value)], self.amounts[(subject, value)]
            times.append(ms)
            sums.append((sums[-1] if sums else 0) + amount_minor)
            if subject == "payer.ip" and subjects["payer.user_id"] is not None:
                self.users[value].append((ms, subjects["payer.user_id"]))
        user, device = subjects["payer.user_id"], subjects["payer.device_id"]
        new_to_user = None
        if user is not None and device is not None:
            new_to_user = device not in self.devices_of_user[user]
            self.devices_of_user[user].add(device)
        return new_to_user

    def read(self, ms, key, value):
        subject, measure, window = key
        times = self.times[(subject, value)]
        first = bisect.bisect_right(times, ms - window * 1000)
        if measure == "count":
            return len(times) - first
        if measure == "sum":
            sums = self.amounts[(subject, value)]
            return sums[-1] - (sums[first - 1] if first > 0 else 0)
        users = set()
        for time, user in reversed(self.users[value]):
            if time <= ms - window * 1000:
                break
            users.add(user)
        return len(users)


def _honest(rng, days):
    offices = [f"10.{i // 250}.{i % 250}.9" for i in range(OFFICE_IPS)]
    carriers = [f"100.64.{i}.1" for i in range(CARRIER_IPS)]
    events, users = [], []
    for index in range(USERS):
        user = {
            "id": f"u{index}", "devices": [f"d{index}a"] + ([f"d{index}b"] if rng.random() < 0.4 else []),
            "ips": [f"192.168.{index // 250}.{index % 250}"],
            "median": USER_AMOUNT_MEDIAN_CNY * math.exp(rng.gauss(0, 0.8)),
            "rate": USER_RATE_MEDIAN_PER_DAY * math.exp(rng.gauss(0, 0.7)),
        }
        user["ips"].append(rng.choice(offices) if rng.random() < 0.5 else rng.choice(carriers))
        users.append(user)
    for day in range(days):
        for user in users:
            for _ in range(_poisson(rng, user["rate"])):
                hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
                ms = START_MS + day * DAY_MS + hour * 3_600_000 + rng.randrange(3_600_000)
                if rng.random() < HONEST_NEW_DEVICE_PROBABILITY:
                    user["devices"].append(f"{user['id']}n{len(user['devices'])}")
                    device = user["devices"][-1]
                else:
                    device = rng.choice(user["devices"])
                amount = user["median"] * math.exp(rng.gauss(0, 0.5))
                if rng.random() < HONEST_BIG_PURCHASE_PROBABILITY:
                    amount *= rng.uniform(4, 10)
                events.append(_event(ms, rng.choice(user["ips"]), device, user["id"], amount, 0, "honest"))
    return events, users


def _fraud(rng, days, users):
    events, serial = [], [0]

    def fresh(prefix):
        serial[0] += 1
        return f"{prefix}{serial[0]}"

    for day in range(days):
        base = START_MS + day * DAY_MS
        for _ in range(CARD_TESTING_PER_DAY):
            ms, device, ip = base + rng.randrange(DAY_MS), fresh("fd"), fresh("f-ip-")
            user = fresh("fu") if rng.random() < 0.5 else None
            for _ in range(rng.randint(10, 40)):
                ms += rng.randrange(5_000, 40_000)
                who = fresh("fu") if user is None and rng.random() < 0.6 else user
                events.append(_event(ms, ip, device, who, rng.randint(1, 200) / 100, 1, "card_testing"))
        for _ in range(AMOUNT_SPIKE_PER_DAY):
            victim = rng.choice(users)
            device = rng.choice(victim["devices"]) if rng.random() < 0.5 else fresh("fd")
            ms = base + rng.randrange(DAY_MS)
            for _ in range(rng.randint(1, 2)):
                ms += rng.randrange(MINUTE_MS, 30 * MINUTE_MS)
                amount = victim["median"] * rng.uniform(10, 40)
                events.append(_event(ms, rng.choice(victim["ips"]), device, victim["id"], amount, 1, "amount_spike"))
        for _ in range(NEW_DEVICE_LARGE_PER_DAY):
            victim = rng.choice(users)
            amount = victim["median"] * rng.uniform(4, 15)
            events.append(_event(base + rng.randrange(DAY_MS), fresh("f-ip-"), fresh("fd"), victim["id"], amount, 1,
                                 "new_device_large"))
        for _ in range(NIGHT_BURST_PER_DAY):
            ms = base + rng.randint(1, 4) * 3_600_000 + rng.randrange(3_600_000)
            who = rng.choice(users)["id"] if rng.random() < 0.5 else fresh("fu")
            device, ip = fresh("fd"), fresh("f-ip-")
            for _ in range(rng.randint(3, 8)):
                ms += rng.randrange(MINUTE_MS, 6 * MINUTE_MS)
                events.append(_event(ms, ip, device, who, rng.uniform(100, 400), 1, "night_burst"))
        for _ in range(IP_MANY_USERS_PER_DAY):
            ms, ip = base + rng.randrange(DAY_MS), fresh("f-ip-")
            for _ in range(rng.randint(15, 50)):
                ms += rng.randrange(MINUTE_MS, 8 * MINUTE_MS)
                events.append(_event(ms, ip, fresh("fd"), fresh("fu"), rng.uniform(50, 300), 1, "ip_many_users"))
    return events


def _event(ms, ip, device, user, amount_cny, label, pattern):
    minor = max(1, int(round(amount_cny * 100)))
    return {"ms": ms, "ip": ip, "device": device, "user": user, "amount_minor": minor, "label": label, "pattern": pattern}


def _poisson(rng, rate):
    count, total = 0, rng.expovariate(1.0)
    while total < rate:
        count += 1
        total += rng.expovariate(1.0)
    return count


def simulate(seed=20261001, days=28):
    """The labelled stream, time-ordered, each create with its facts and features."""
    rng = random.Random(seed)
    honest, users = _honest(rng, days)
    stream = sorted(honest + _fraud(rng, days, users), key=lambda e: (e["ms"], e["pattern"], e["amount_minor"]))
    counters = Counters()
    for event in stream:
        subjects = {
            "payer.ip": None if rng.random() < IP_ABSENT_PROBABILITY else event["ip"],
            "payer.device_id": None if rng.random() < DEVICE_ABSENT_PROBABILITY else event["device"],
            "payer.user_id": None if event["user"] is None or rng.random() < USER_ABSENT_PROBABILITY else event["user"],
        }
        read, new_to_user = {}, None
        # An unreachable store neither records the create nor answers: every counter is unknown.
        if rng.random() >= COUNTERS_UNREACHABLE_PROBABILITY:
            new_to_user = counters.observe(event["ms"], subjects, event["amount_minor"])
            for key in COUNTER_KEYS:
                if subjects[key[0]] is not None:
                    read[key] = counters.read(event["ms"], key, subjects[key[0]])
        event["subjects"], event["counters"], event["device_new_to_user"] = subjects, read, new_to_user
        event["hour_china"] = hour_china(event["ms"])
        event["features"] = features(event["amount_minor"], 2, event["hour_china"], read, new_to_user)
    return stream
