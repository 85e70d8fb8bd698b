"""Benchmark: agreement at the span unit (issue 8), against reading the annotations.

Run from the repository root (not collected by pytest)::

    python tests/benchmarks/bench_span_agreement.py                    # 20,000 articles
    python tests/benchmarks/bench_span_agreement.py --articles 2000    # quicker
    python tests/benchmarks/bench_span_agreement.py --workdir /tmp/rb  # keep the project

The project is the one of ``bench_reliability_units.py`` (same generator,
same ``--seed``, so a ``--workdir`` made by either is reused): ``--articles``
articles of about 4 KB, 15 labels, 3 coders tagging shared passages with
boundaries moved by up to 12 characters and some passages of their own;
every article done by every coder except one coder on 2%.

Then it times, ``--repeat`` times each, in the same run:

* **the job**: ``span_report`` as ``framing-app agreement --unit span`` runs
  it (open the project, read coders, labels, statuses and passages, then
  Krippendorff's u_alpha_c of every label and over all labels, and exact and
  overlap precision / recall / F1 of every ordered pair of coders per label
  and over all labels); nothing is bootstrapped at the span unit;
* its parts: the reading (``read_span_data``), u_alpha alone
  (``unitizing_alphas``), the span matches alone (``span_matches``);
* **the baseline**: ``SELECT article_id, coder_id, label_id, start_offset,
  end_offset FROM annotation`` through ``sqlite3`` into a list.

It prints the median and the worst of each and the ratio of the job to the
baseline. Goal (issue 8's, for the whole report): under 2 s. The script
exits 0 whatever the figures, and 1 when a check fails (not every excluded
article reported, a passage lost, a value not finite).
"""

from __future__ import annotations

import argparse
import math
import platform
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from bench_reliability_units import CODERS, load_average, make_project, plain_read, timed

from framing_app.core.agreement.span_match import span_matches
from framing_app.core.agreement.unitizing import unitizing_alphas
from framing_app.services.agreement_report import AgreementReport
from framing_app.services.project import Project
from framing_app.services.span_agreement import SpanData, read_span_data, span_report
from framing_app.services.span_counts import SpanCounts

GOAL_SECONDS = 2.0


def whole_job(path: Path) -> AgreementReport:
    with Project.open(path=path, create=False) as project:
        return span_report(project, CODERS)


def read(path: Path) -> SpanData:
    with Project.open(path=path, create=False) as project:
        return read_span_data(project, CODERS)


def used_passages(path: Path) -> int:
    """Distinct passages of the coders on the articles all of them marked done (plain SQL)."""
    with sqlite3.connect(path) as connection:
        (count,) = connection.execute(
            """
            SELECT count(*) FROM (
                SELECT DISTINCT a.article_id, a.coder_id, a.label_id, a.start_offset,
                                a.end_offset
                FROM annotation a
                WHERE a.article_id IN (
                    SELECT article_id FROM coding_status WHERE status = 'done'
                    GROUP BY article_id HAVING count(*) = ?
                )
            )
            """,
            (len(CODERS),),
        ).fetchone()
    connection.close()
    return int(count)


def check(report: AgreementReport, n_articles: int, not_done: int, passages: int) -> list[str]:
    problems = []
    if len(report.excluded or ()) != not_done or report.articles != n_articles - not_done:
        problems.append(
            f"{report.articles} articles used, {len(report.excluded or ())} excluded; "
            f"expected {n_articles - not_done} and {not_done}"
        )
    overall = report.rows[-1].counts
    if not isinstance(overall, SpanCounts) or sum(overall.passages) != passages:
        found = sum(overall.passages) if isinstance(overall, SpanCounts) else None
        problems.append(f"{found} passages counted; plain SQL finds {passages}")
    for row in report.rows:
        value = row.values()["alpha_u"]
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(f"{row.item}: alpha_u {value}")
    return problems


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--workdir", type=Path, help="make (or reuse) the project here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(
        f"machine: Python {platform.python_version()}, numpy {np.__version__}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.platform()}; "
        f"load average {load_average()}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-span-") as scratch:
        folder = args.workdir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path, not_done = make_project(folder, args.articles, args.seed)
        annotations = plain_read(path)
        passages = used_passages(path)
        report, job_s = timed(lambda: whole_job(path), args.repeat)
        data, read_s = timed(lambda: read(path), args.repeat)
        _, alpha_s = timed(lambda: unitizing_alphas(data.spans), args.repeat)
        _, match_s = timed(lambda: span_matches(data.spans), args.repeat)
        _, base_s = timed(lambda: plain_read(path), args.repeat)

    print(
        f"data: {args.articles:,} articles ({report.articles:,} used, "
        f"{len(report.excluded or ()):,} excluded), {len(CODERS)} coders, "
        f"{len(data.labels)} labels, {annotations:,} annotations ({passages:,} on the "
        f"articles used); {data.spans.total_length:,} characters"
    )
    jobs = {
        "span report (whole job)": job_s,
        "  reading alone": read_s,
        "  alpha_u alone": alpha_s,
        "  span matches alone": match_s,
        "baseline: SQL read": base_s,
    }
    print(f"{'job':<28}{'median ms':>11}{'worst ms':>10}")
    for name, seconds in jobs.items():
        print(f"{name:<28}{statistics.median(seconds) * 1000:>11.1f}{max(seconds) * 1000:>10.1f}")
    ratio = statistics.median(job_s) / statistics.median(base_s)
    verdict = "met" if max(job_s) < GOAL_SECONDS else "NOT met"
    print(f"ratio to the baseline (medians): {ratio:.1f}x")
    print(f"goal: the whole span report under {GOAL_SECONDS:g} s (worst run): {verdict}")
    pooled = report.rows[-1].values()["alpha_u"]
    print(f"alpha_u over all labels: {pooled}")
    print(f"load average after: {load_average()}")
    print(f"RESULT job_seconds={statistics.median(job_s):.4f}")
    print(f"RESULT job_worst_seconds={max(job_s):.4f}")
    print(f"RESULT read_seconds={statistics.median(read_s):.4f}")
    print(f"RESULT alpha_u_seconds={statistics.median(alpha_s):.4f}")
    print(f"RESULT matches_seconds={statistics.median(match_s):.4f}")
    print(f"RESULT baseline_seconds={statistics.median(base_s):.4f}")
    print(f"RESULT ratio={ratio:.2f}")
    problems = check(report, args.articles, not_done, passages)
    for problem in problems:
        print(f"check failed: {problem}")
    print(f"RESULT checks={'failed' if problems else 'ok'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
