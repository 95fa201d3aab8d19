"""The run's chart (PNG, matplotlib): seconds per size, and each target against its limit.

Left: the median seconds of every load path per size, on a log scale (the DataPusher-style
figure is extrapolated from its smaller run, and hatched to say so). Right: each target as
measured / limit (limit / measured for the "at least" target), so 1 is the line to stay under;
green held, red missed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench.targets import Target

# (label, part, series) of the per-size medians, in the order they are drawn.
BARS = (
    ("limit: \\copy", "postgres", "limit"),
    ("SQL floor: \\copy + _full_text", "postgres", "floor"),
    ("normalize + gate + staging", "engine", "sum"),
    ("hub's loader", "loads", "hub_loader"),
    ("hub end to end", "hub", "full"),
    ("stock xloader", "loads", "xloader"),
    ("DataPusher-style (extrapolated)", "datapusher", "extrapolated"),
)


def _value(size: Mapping[str, Any], part: str, series: str) -> float | None:
    found = (size.get(part) or {}).get(series)
    if isinstance(found, Mapping):
        return found.get("median_s")
    return found if isinstance(found, int | float) else None


def write_chart(results: Mapping[str, Any], targets: list[Target], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted((int(n), part) for n, part in (results.get("sizes") or {}).items())
    fig, (left, right) = plt.subplots(1, 2, figsize=(15, 6), gridspec_kw={"width_ratios": [3, 2]})
    width = 0.8 / len(BARS)
    plotted = False
    for i, (label, part, series) in enumerate(BARS):
        xs, ys = [], []
        for j, (_, size) in enumerate(sizes):
            value = _value(size, part, series)
            if value is not None:
                xs.append(j + (i - len(BARS) / 2 + 0.5) * width)
                ys.append(value)
        left.bar(xs, ys, width, label=label, hatch="//" if part == "datapusher" else None)
        plotted = plotted or bool(ys)
    left.set_xticks(range(len(sizes)), [f"{n:,} rows" for n, _ in sizes])
    if plotted:  # a run of other parts only (--only dags) measured no load
        left.set_yscale("log")
    left.set_ylabel("seconds (median)")
    left.set_title("Loading the same file: medians per size")
    left.legend(fontsize=8)
    left.grid(axis="y", which="both", alpha=0.3)

    shown = [t for t in targets if t.value is not None]
    scores = [_score(t) for t in shown]
    colours = ["tab:green" if t.held else "tab:red" for t in shown]
    right.barh(range(len(shown)), scores, color=colours)
    right.axvline(1.0, color="black", linewidth=1)
    right.set_yticks(range(len(shown)), [t.text for t in shown], fontsize=8)
    right.invert_yaxis()
    right.set_xscale("symlog", linthresh=1)
    right.set_xlabel("measured / limit (under 1: held)")
    right.set_title("Targets")
    for k, (t, score) in enumerate(zip(shown, scores, strict=True)):
        right.text(score, k, f" {t.value:.3g}", va="center", fontsize=8)
    machine = results.get("machine") or {}
    fig.suptitle(
        f"make bench, {results.get('generated_at', '')}: {machine.get('cpus')} cores, "
        f"load {machine.get('load_avg_1m')} at start; ratios of one run",
        fontsize=10,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _score(target: Target) -> float:
    """measured / limit, or limit / measured for an "at least" target; 0 bytes scores 0."""
    value = target.value or 0.0
    if target.limit == 0:
        return 0.0 if value == 0 else 10.0
    return value / target.limit if target.at_most else target.limit / max(value, 1e-9)
