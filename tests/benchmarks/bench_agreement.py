"""Benchmark: the agreement statistics of issue 8 against the `krippendorff` package.

Run from the repository root (not collected by pytest)::

    python tests/benchmarks/bench_agreement.py                 # 20,000 units x 3 coders x 15 labels
    python tests/benchmarks/bench_agreement.py --units 2000    # quicker

The script makes one deterministic reliability matrix per label
(``numpy.random.default_rng(seed)``): 0/1 codes for 20,000 units (about the
paragraphs of a large study) by 3 coders, each label with its own prevalence
(2% to 50%) and its own coder error rate (1% to 15%), and 1% of the codes
missing. On the same matrices it times, in the same run:

* every statistic (``reliability_data`` then ``summarise``: percent
  agreement, Krippendorff's alpha, Cohen's kappa and Scott's pi (undefined
  for three coders, and so cheap), Fleiss' kappa with its null test, Gwet's
  AC1, the prevalence index and the kappa-paradox check) for all labels,
  bootstrap excluded;
* Krippendorff's alpha alone, framing-app (``reliability_data`` then
  ``krippendorff_alpha``) and the baseline ``krippendorff.alpha`` of the PyPI
  package (nominal, from the same raw matrix);
* the bootstrap of alpha, 1,000 resamples for every label.

Each job runs ``--repeat`` times; the median and the worst are printed, and the
ratios use the medians. Goals: every statistic for all labels under 2 s, alpha
no slower than the package (ratio <= 1), the bootstraps under 2 s. The script
exits 0 whatever the figures and 1 when a check fails (framing-app's alpha
differs from the package's by more than 1e-9).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from framing_app.core.agreement import (
    bootstrap_alpha,
    krippendorff_alpha,
    reliability_data,
    summarise,
)

try:
    import krippendorff
except ImportError:  # pragma: no cover - the test extra installs it
    sys.exit("the baseline needs the krippendorff package: pip install -e '.[test]'")

GOAL_SECONDS = 2.0

Matrix = npt.NDArray[np.float64]


def make_matrices(units: int, coders: int, labels: int, seed: int) -> list[Matrix]:
    """One units x coders matrix of 0/1 (NaN missing) per label."""
    rng = np.random.default_rng(seed)
    matrices = []
    for label in range(labels):
        prevalence = 0.02 + 0.48 * label / max(labels - 1, 1)
        error = 0.01 + 0.14 * ((label * 7) % labels) / max(labels - 1, 1)
        truth = (rng.random(units) < prevalence).astype(np.float64)
        flips = rng.random((units, coders)) < error
        matrix = np.where(flips, 1.0 - truth[:, None], truth[:, None])
        matrix[rng.random(matrix.shape) < 0.01] = np.nan
        matrices.append(matrix)
    return matrices


def timed(job: Callable[[], object], repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        began = time.perf_counter()
        job()
        seconds.append(time.perf_counter() - began)
    return seconds


def every_statistic(matrices: Sequence[Matrix]) -> None:
    for matrix in matrices:
        summarise(reliability_data(matrix, categories=(0, 1)))


def framing_app_alpha(matrices: Sequence[Matrix]) -> list[float | None]:
    return [
        krippendorff_alpha(reliability_data(matrix, categories=(0, 1))).value for matrix in matrices
    ]


def package_alpha(matrices: Sequence[Matrix]) -> list[float]:
    return [
        float(krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="nominal"))
        for matrix in matrices
    ]


def bootstraps(matrices: Sequence[Matrix], resamples: int, seed: int) -> None:
    for label, matrix in enumerate(matrices):
        data = reliability_data(matrix, categories=(0, 1))
        bootstrap_alpha(data, resamples=resamples, rng=seed + label)


def load_average() -> str:
    """1, 5 and 15 minute load averages: other work on the machine skews the figures."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:  # not available on Windows
        return "unknown"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--coders", type=int, default=3)
    parser.add_argument("--labels", type=int, default=15)
    parser.add_argument("--resamples", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=8)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(
        f"machine: Python {platform.python_version()}, numpy {np.__version__}, "
        f"krippendorff {importlib.metadata.version('krippendorff')}, {platform.platform()}, "
        f"{os.cpu_count()} CPUs; load average {load_average()}"
    )
    matrices = make_matrices(args.units, args.coders, args.labels, args.seed)
    print(
        f"data: {args.labels} labels x {args.units:,} units x {args.coders} coders "
        f"(0/1, 1% missing); bootstrap {args.resamples:,} resamples per label"
    )

    ours = framing_app_alpha(matrices)
    theirs = package_alpha(matrices)
    worst_difference = max(
        abs(a - b) if a is not None else float("inf") for a, b in zip(ours, theirs, strict=True)
    )

    jobs = {
        "every statistic, all labels": timed(lambda: every_statistic(matrices), args.repeat),
        "alpha, framing-app": timed(lambda: framing_app_alpha(matrices), args.repeat),
        "alpha, krippendorff package": timed(lambda: package_alpha(matrices), args.repeat),
        "bootstrap, all labels": timed(
            lambda: bootstraps(matrices, args.resamples, args.seed), args.repeat
        ),
    }
    median = {name: statistics.median(seconds) for name, seconds in jobs.items()}
    print(f"{'job':<30}{'median ms':>11}{'worst ms':>10}")
    for name, seconds in jobs.items():
        print(f"{name:<30}{median[name] * 1000:>11.1f}{max(seconds) * 1000:>10.1f}")

    baseline = median["alpha, krippendorff package"]
    alpha_ratio = median["alpha, framing-app"] / baseline
    all_ratio = median["every statistic, all labels"] / baseline
    verdict = {True: "met", False: "NOT met"}
    print(
        f"ratios to the package's alpha: alpha {alpha_ratio:.2f}x "
        f"(goal <= 1: {verdict[alpha_ratio <= 1.0]}), every statistic {all_ratio:.2f}x"
    )
    every_worst = max(jobs["every statistic, all labels"])
    boot_worst = max(jobs["bootstrap, all labels"])
    print(
        f"goal: every statistic under {GOAL_SECONDS:g} s: {verdict[every_worst < GOAL_SECONDS]}; "
        f"bootstrap under {GOAL_SECONDS:g} s: {verdict[boot_worst < GOAL_SECONDS]} (worst runs)"
    )
    print(f"alpha values: largest difference from the package {worst_difference:.1e}")
    print(f"load average after: {load_average()}")
    print(f"RESULT every_statistic_seconds={median['every statistic, all labels']:.4f}")
    print(f"RESULT alpha_seconds={median['alpha, framing-app']:.4f}")
    print(f"RESULT alpha_package_seconds={baseline:.4f}")
    print(f"RESULT alpha_ratio={alpha_ratio:.2f}")
    print(f"RESULT every_statistic_ratio={all_ratio:.2f}")
    print(f"RESULT bootstrap_seconds={median['bootstrap, all labels']:.4f}")
    if worst_difference > 1e-9:
        print("RESULT checks=failed")
        return 1
    print("RESULT checks=ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
