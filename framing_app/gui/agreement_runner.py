"""The Agreement window's work off the GUI thread, one background ``Job`` at a time.

:func:`report_work` and :func:`breakdown_work` are the service calls the
window runs (they capture plain values only, never a widget);
:class:`~framing_app.gui.job_runner.JobRunner` runs one of them at a time
(no modal dialog: the window shows the progress and its own Cancel, and
stays usable meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from framing_app.gui.agreement_controls import AgreementRequest
from framing_app.services.agreement_breakdown import ArticleBreakdown, article_breakdown
from framing_app.services.agreement_report import (
    AgreementReport,
    project_report,
    report_from_items,
)
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel
from framing_app.services.project import Project
from framing_app.services.reliability_units import (
    OverlapRule,
    ReliabilityItems,
    Unit,
    build_items,
)

Work = Callable[[ProgressCallback, CancelCheck], object]


@dataclass(frozen=True)
class Computed:
    """What one Compute produced: the request, the reliability data and the report.

    *items* is None at the span unit, which has no units x coders matrix.
    """

    request: AgreementRequest
    items: ReliabilityItems | None
    report: AgreementReport


def report_work(project: Project, request: AgreementRequest) -> Work:
    """The reliability data and report of *request* (``build_items``, ``report_from_items``)."""

    def work(progress: ProgressCallback, should_cancel: CancelCheck) -> Computed:
        progress(0, 0, "reading the coders' work")
        check_cancel(should_cancel, "agreement report")
        if request.unit == Unit.SPAN:
            report = project_report(
                project,
                request.coders,
                request.unit,
                labels=request.labels,
                questions=request.questions,
                articles=request.articles,
                bootstrap=request.bootstrap,
                seed=request.seed,
                progress=progress,
                should_cancel=should_cancel,
            )
            return Computed(request, None, report)
        items = build_items(
            project,
            request.coders,
            Unit(request.unit),
            labels=request.labels,
            questions=request.questions,
            articles=request.articles,
            overlap=OverlapRule(request.overlap),
        )
        check_cancel(should_cancel, "agreement report")
        report = report_from_items(
            items,
            bootstrap=request.bootstrap,
            seed=request.seed,
            progress=progress,
            should_cancel=should_cancel,
        )
        return Computed(request, items, report)

    return work


def breakdown_work(project: Project, items: ReliabilityItems, item: str) -> Work:
    """Agreement per article on *item* (service ``article_breakdown``)."""

    def work(progress: ProgressCallback, should_cancel: CancelCheck) -> ArticleBreakdown:
        return article_breakdown(
            project, items, item, progress=progress, should_cancel=should_cancel
        )

    return work
