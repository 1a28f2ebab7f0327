"""The soak's figures: requests per kind, statuses, latency, refusals, lost messages."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence

from soak_kit.load import Outcome, unexpected


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def kinds_table(outcomes: Sequence[Outcome]) -> list[str]:
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.kind].append(outcome)
    lines = [
        "| kind | requests | 2xx | 4xx (429) | 503 with reason | no answer | unexpected 5xx "
        "| p50 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind in sorted(by_kind):
        rows = by_kind[kind]
        answered = [o.seconds * 1000 for o in rows if 200 <= o.status < 300]
        statuses = Counter(o.status // 100 for o in rows)
        limited = sum(1 for o in rows if o.status == 429)
        refused = sum(1 for o in rows if o.status == 503 and not unexpected(o))
        lines.append(
            f"| {kind} | {len(rows)} | {statuses[2]} | {statuses[4]} ({limited}) | {refused} "
            f"| {sum(1 for o in rows if o.status == 0)} | {sum(map(unexpected, rows))} "
            f"| {percentile(answered, 0.5):.0f} | {percentile(answered, 0.99):.0f} |"
        )
    return lines


def reasons(outcomes: Sequence[Outcome]) -> list[str]:
    """The distinct refusal sentences, with how often each came back."""
    counted = Counter(o.detail for o in outcomes if o.status in (429, 503) and o.detail)
    return [f"  {count:5d} x {detail[:110]}" for detail, count in counted.most_common(6)]


def summary(outcomes: Sequence[Outcome], seconds: float) -> str:
    answered = [o for o in outcomes if o.status]
    rate = len(answered) / seconds if seconds else 0.0
    median = statistics.median(o.seconds for o in answered) * 1000 if answered else 0.0
    return f"{len(outcomes)} requests, {len(answered)} answered ({rate:.1f}/s), p50 {median:.0f} ms"
