"""A bootstrapped distribution of Krippendorff's alpha: confidence interval and q.

Hayes, A. F. & Krippendorff, K. (2007), "Answering the call for a standard
reliability measure for coding data", Communication Methods and Measures
1(1), 77-89, and the algorithm of their KALPHA macro (Krippendorff,
"Algorithm for bootstrapping a distribution of alpha", 2006, revised
2011). The bootstrap does not resample units: it resamples pairs of values
from the observed coincidences and keeps the expected disagreement D_e of
the data fixed. Exactly what this module does:

1. p_ck = o_ck / n.. for every ordered cell (c, k) of the coincidence
   matrix (Krippendorff's first step: the unit interval cut into segments
   p_ck, each carrying the metric difference delta^2_ck of its cell).
2. M = the number of pairable value pairs, sum over units of
   m_u (m_u - 1) / 2 ("a random sample of 239 pairs of judgments" in Hayes
   & Krippendorff's example, which has 239 such pairs).
3. Each of the X resamples draws M cells independently with probabilities
   p_ck and sets alpha* = 1 - D_o* / D_e, D_o* the mean delta^2 of the M
   cells drawn. The M draws are taken as one multinomial count of the cells,
   which has exactly the distribution of M separate draws and costs the
   same for any M.
4. A resample whose M draws all fall in one diagonal cell holds a single
   value, for which alpha is undefined; it is dropped (Krippendorff's
   manuscript removes such resamples, in expectation, from the count of
   alpha* = 1). ``kept`` says how many resamples remain.
5. The confidence interval is the percentile interval of the kept alpha*:
   the (1 - confidence)/2 and (1 + confidence)/2 quantiles, interpolated
   linearly between order statistics (numpy's default, Hyndman & Fan type
   7). q for each alpha_min is the share of kept alpha* below alpha_min, the
   probability of failing to reach it (alpha_min = .667 and .800 by
   default, Krippendorff's thresholds for tentative and firm conclusions).

Krippendorff's manuscript also caps M at a "practical limit"; no cap is
applied here because the multinomial draw does not get slower with M, so
for large data the interval can be narrower than a capped run's. The
resampled alpha* are not clipped. Gwet (2015, "Standard error of
Krippendorff's alpha coefficient", K. Gwet's Inter-Rater Reliability Blog)
and Zapf et al. (2016, BMC Medical Research Methodology 16:93) criticise
this bootstrap for understating the sampling error of alpha, since units
are not resampled; it is implemented because it is what KALPHA reports and
reviewers ask for it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from framing_app.core.agreement.alpha import krippendorff_alpha
from framing_app.core.agreement.metrics import check_level, metric_differences
from framing_app.core.agreement.reliability_data import BoolArray, FloatArray, ReliabilityData
from framing_app.core.agreement.results import AlphaBootstrap, Level

DEFAULT_RESAMPLES = 1000
DEFAULT_ALPHA_MINS = (0.667, 0.800)
_CHUNK_CELLS = 4_000_000  # resamples x drawn cells held in memory at once


def bootstrap_alpha(
    data: ReliabilityData,
    level: Level | str = Level.NOMINAL,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    rng: np.random.Generator | int | None = None,
    confidence: float = 0.95,
    alpha_mins: Sequence[float] = DEFAULT_ALPHA_MINS,
) -> AlphaBootstrap:
    """Bootstrap alpha of *data* at *level* as Hayes & Krippendorff (2007) do (module docstring).

    *rng* is a ``numpy.random.Generator`` or a seed for one; the same seed
    gives the same result. Undefined (``None``, with the reason) where
    alpha itself is undefined. Raises ``ValueError`` for fewer than one
    resample or a confidence outside (0, 1).
    """
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, not {resamples}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, not {confidence}")
    checked = check_level(data, level)
    seed = rng if isinstance(rng, int) else None
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    alpha = krippendorff_alpha(data, checked)
    coincidences = data.coincidences
    draws = coincidences.pairs
    mins = tuple(float(m) for m in alpha_mins)

    def none(reason: str, kept: int = 0) -> AlphaBootstrap:
        return AlphaBootstrap(
            None, reason, checked, None, confidence, (), draws, resamples, kept, seed
        )

    if alpha.value is None:
        assert alpha.reason is not None
        return none(alpha.reason)
    assert alpha.expected_disagreement is not None
    matrix = coincidences.matrix
    delta2 = metric_differences(data, checked, coincidences.marginals)
    cells = np.flatnonzero(matrix.ravel() > 0.0)
    probabilities = matrix.ravel()[cells] / matrix.sum()
    cell_delta2 = delta2.ravel()[cells]
    size = data.n_categories
    diagonal = (cells // size) == (cells % size)
    alphas = _resampled_alphas(
        generator,
        draws,
        probabilities,
        cell_delta2,
        diagonal,
        alpha.expected_disagreement,
        resamples,
    )
    if alphas.size == 0:
        return none("every resample held a single value, so no resampled alpha is defined")
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(alphas, [tail, 1.0 - tail])
    q = tuple((m, float(np.mean(alphas < m))) for m in mins)
    return AlphaBootstrap(
        value=alpha.value,
        reason=None,
        level=checked,
        ci=(float(low), float(high)),
        confidence=confidence,
        q=q,
        draws=draws,
        resamples=resamples,
        kept=int(alphas.size),
        seed=seed,
    )


def _resampled_alphas(
    generator: np.random.Generator,
    draws: int,
    probabilities: FloatArray,
    cell_delta2: FloatArray,
    diagonal: BoolArray,
    expected: float,
    resamples: int,
) -> FloatArray:
    """alpha* of each resample that holds more than one value (steps 3 and 4)."""
    chunk = max(1, _CHUNK_CELLS // max(1, probabilities.size))
    kept: list[FloatArray] = []
    done = 0
    while done < resamples:
        batch = min(chunk, resamples - done)
        counts = generator.multinomial(draws, probabilities, size=batch)
        observed = (counts @ cell_delta2) / draws
        single_value = (
            counts[:, diagonal].max(axis=1) == draws
            if diagonal.any()
            else np.zeros(batch, dtype=bool)
        )
        kept.append(1.0 - observed[~single_value] / expected)
        done += batch
    return np.concatenate(kept)
