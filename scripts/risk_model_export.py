"""Export of a trained model to paygate's JSON (docs/risk-model.md, "The file") and the fixed
vectors the Swift scorer is tested against. Used by scripts/train-risk-model."""

import json
import math
import os
import random

import numpy as np

FORMAT = "paygate-risk-model"
VECTORS_FORMAT = "paygate-risk-model-vectors"


def model_json(kind, model, names):
    head = {"format": FORMAT, "version": "", "kind": kind, "features": list(names)}
    if kind == "logistic_regression":
        head["intercept"] = float(model.intercept_[0])
        head["coefficients"] = [float(c) for c in model.coef_[0]]
    else:
        # sklearn adds learning_rate × leaf value to the prior's log-odds, tree by tree.
        head["learning_rate"] = float(model.learning_rate)
        head["initial_log_odds"] = float(model._raw_predict_init(np.zeros((1, len(names))))[0, 0])
        head["trees"] = [_tree(estimator[0].tree_) for estimator in model.estimators_]
    _check_replica(head, model)
    return head


def _tree(tree):
    leaf = tree.children_left == -1
    return {
        "feature": [-1 if leaf[i] else int(tree.feature[i]) for i in range(tree.node_count)],
        "threshold": [0.0 if leaf[i] else float(tree.threshold[i]) for i in range(tree.node_count)],
        "left": [int(v) for v in tree.children_left],
        "right": [int(v) for v in tree.children_right],
        "value": [float(tree.value[i, 0, 0]) for i in range(tree.node_count)],
    }


def probability(head, features):
    """The exported model evaluated as Swift evaluates it (RiskModel.probability)."""
    if head["kind"] == "logistic_regression":
        z = head["intercept"]
        for weight, value in zip(head["coefficients"], features):
            z += weight * value
    else:
        z = head["initial_log_odds"]
        for tree in head["trees"]:
            node = 0
            while tree["feature"][node] >= 0:
                # sklearn's trees compare the input as float32 against a float64 threshold.
                value = float(np.float32(features[tree["feature"][node]]))
                node = tree["left"][node] if value <= tree["threshold"][node] else tree["right"][node]
            z += head["learning_rate"] * tree["value"][node]
    return 1.0 / (1.0 + math.exp(-z))


def _check_replica(head, model):
    """The export is only right if evaluating it gives sklearn's predict_proba."""
    rng = np.random.default_rng(7)
    sample = rng.uniform(0, 6, size=(300, len(head["features"])))
    sample[:, [1, 2, 4, 7, 11, 12]] = rng.integers(0, 2, size=(300, 6))
    expected = model.predict_proba(sample)[:, 1]
    for row, want in zip(sample, expected):
        got = probability(head, list(row))
        assert abs(got - want) <= 1e-12, (head["kind"], got, want)


def next_version(path, head, today):
    """Unchanged parameters keep the committed version; otherwise today's date, numbered on."""
    prefix, number = today.isoformat(), 1
    if os.path.exists(path):
        committed = json.load(open(path))
        if {k: v for k, v in committed.items() if k != "version"} == {k: v for k, v in head.items() if k != "version"}:
            return committed["version"]
        date, _, n = committed.get("version", "").partition(".")
        if date == prefix and n.isdigit():
            number = int(n) + 1
    return f"{prefix}.{number}"


def _pick(held, seed, count):
    """About `count` creates of the held-out days: every fraud pattern, honest ones, creates
    with payer keys absent and with the counters unreachable, deterministically."""
    rng = random.Random(seed)
    groups = {}
    for event in held:
        if not event["counters"]:
            group = "unreachable" if event["device_new_to_user"] is None and all(event["subjects"].values()) else "absent"
        elif None in event["subjects"].values():
            group = "absent"
        else:
            group = event["pattern"]
        groups.setdefault(group, []).append(event)
    share = {"honest": 14, "absent": 8, "unreachable": 3}
    chosen = []
    for group in sorted(groups):
        want = share.get(group, 5)
        chosen += rng.sample(groups[group], min(want, len(groups[group])))
    return sorted(chosen, key=lambda e: e["ms"])[:count]


def vectors_json(held, models, kind, alternate, alternate_head, seed, count):
    chosen = _pick(held, seed, count)
    x = np.array([e["features"] for e in chosen])
    probability_main = models[kind].predict_proba(x)[:, 1]
    probability_alternate = models[alternate].predict_proba(x)[:, 1]
    channels = ["alipay", "wechatpay", "unionpay"]
    vectors = []
    for index, (event, p, q) in enumerate(zip(chosen, probability_main, probability_alternate)):
        vectors.append({
            "name": f"{index:02d}-{event['pattern']}",
            "amount_minor": event["amount_minor"], "currency": "CNY", "channel": channels[index % 3],
            "hour_china": event["hour_china"],
            "subjects": {**event["subjects"], "merchant": "m-sim"},
            "counters": [{"subject": k[0], "measure": k[1], "window_seconds": k[2], "value": v}
                         for k, v in sorted(event["counters"].items())],
            "device_new_to_user": event["device_new_to_user"],
            "features": event["features"],
            "probability": float(p), "alternate_probability": float(q),
        })
    return {"format": VECTORS_FORMAT, "kind": kind, "alternate_model": alternate_head, "vectors": vectors}


def dump_model(head):
    """One member per line and one tree per line, so a retraining diffs readably."""
    lines = []
    for key, value in head.items():
        if key == "trees":
            trees = ",\n".join("  " + json.dumps(t, allow_nan=False) for t in value)
            lines.append(f'"trees": [\n{trees}\n]')
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value, allow_nan=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def dump_vectors(document):
    vectors = ",\n".join("  " + json.dumps(v, allow_nan=False) for v in document["vectors"])
    head = {k: v for k, v in document.items() if k != "vectors"}
    members = [f"{json.dumps(k)}: {json.dumps(v, allow_nan=False)}" for k, v in head.items()]
    return "{\n" + ",\n".join(members) + f',\n"vectors": [\n{vectors}\n]\n' + "}\n"
