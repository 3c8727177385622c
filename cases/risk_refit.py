"""Refitting the risk score's points from the bank's own outcomes (docs/risk.md), offline.

The input is one row per account and month: the scorecard's facts as 0/1 indicators (the
missed months as a count, 0 to 3) and whether the account went on to the bad outcome (1) or
not (0) within the horizon the bank chose. A logistic regression (Newton's method with a small
ridge, a handful of columns: no library earns its place for that) gives each fact's
coefficient; `points = round(beta * 20 / ln 2)`, so 20 points double the odds. A fact whose
coefficient says it lowers risk earns no points (the scorecard only adds). The result is
proposed as a policy change that a second administrator approves, never put in force here.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The indicator columns, and the policy field each one's points go to.
COLUMNS: dict[str, str] = {
    "dpd_1": "risk_points_dpd_1",
    "dpd_30": "risk_points_dpd_30",
    "dpd_60": "risk_points_dpd_60",
    "dpd_90": "risk_points_dpd_90",
    "dpd_180": "risk_points_dpd_180",
    "missed_months": "risk_points_missed_payment",
    "utilisation_90": "risk_points_utilisation_90",
    "over_limit": "risk_points_over_limit",
    "low_payments": "risk_points_low_payments",
    "cash": "risk_points_cash",
    "spending_rise": "risk_points_spending_rise",
    "income_shortfall": "risk_points_income_shortfall",
}
POINTS_TO_DOUBLE = 20
MAX_POINTS = 200


class RefitRefused(ValueError):
    """The file cannot be fitted; the message says why."""


@dataclass(frozen=True)
class Fit:
    rows: int
    bad_rate: float
    points: dict[str, int]  # policy field -> points
    coefficients: dict[str, float]  # column -> β


def read_rows(path: Path) -> tuple[list[list[float]], list[float]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS) | {"outcome"}
        missing -= set(reader.fieldnames or [])
        if missing:
            raise RefitRefused(f"missing columns: {', '.join(sorted(missing))}")
        features, outcomes = [], []
        for number, row in enumerate(reader, start=2):
            try:
                values = [float(row[column]) for column in COLUMNS]
                outcome = float(row["outcome"])
            except (TypeError, ValueError):
                raise RefitRefused(f"line {number}: every column must be a number") from None
            if outcome not in (0.0, 1.0) or any(v < 0 for v in values):
                raise RefitRefused(f"line {number}: outcome must be 0 or 1, facts not negative")
            features.append(values)
            outcomes.append(outcome)
    return features, outcomes


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the Newton step's linear system)."""
    size = len(vector)
    a = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-12:
            raise RefitRefused("the facts are not independent enough to fit")
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(col + 1, size):
            factor = a[r][col] / a[col][col]
            for c in range(col, size + 1):
                a[r][c] -= factor * a[col][c]
    solution = [0.0] * size
    for r in range(size - 1, -1, -1):
        solution[r] = (a[r][size] - sum(a[r][c] * solution[c] for c in range(r + 1, size))) / a[r][
            r
        ]
    return solution


def logistic_fit(
    features: Sequence[Sequence[float]], outcomes: Sequence[float], *, ridge: float = 1.0
) -> list[float]:
    """Intercept first, then one coefficient per column (L2 penalty on the columns)."""
    rows = [[1.0, *row] for row in features]
    size = len(rows[0])
    beta = [0.0] * size
    for _iteration in range(50):
        gradient = [0.0] * size
        hessian = [[0.0] * size for _ in range(size)]
        for x, y in zip(rows, outcomes, strict=True):
            z = sum(b * v for b, v in zip(beta, x, strict=True))
            p = 1 / (1 + math.exp(-max(min(z, 35), -35)))
            w = p * (1 - p)
            for i in range(size):
                gradient[i] += (y - p) * x[i]
                for j in range(i, size):
                    hessian[i][j] += w * x[i] * x[j]
        for i in range(1, size):
            gradient[i] -= ridge * beta[i]
            hessian[i][i] += ridge
        for i in range(size):
            for j in range(i):
                hessian[i][j] = hessian[j][i]
        step = _solve(hessian, gradient)
        beta = [b + s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-8:
            break
    return beta


def refit(features: Iterable[Sequence[float]], outcomes: Sequence[float]) -> Fit:
    features = list(features)
    if len(features) < 100:
        raise RefitRefused("at least 100 rows are needed for a fit worth proposing")
    bad = sum(outcomes)
    if bad == 0 or bad == len(outcomes):
        raise RefitRefused("the outcomes must include both good (0) and bad (1) rows")
    beta = logistic_fit(features, outcomes)
    coefficients = dict(zip(COLUMNS, beta[1:], strict=True))
    points = {
        COLUMNS[column]: max(0, min(MAX_POINTS, round(b * POINTS_TO_DOUBLE / math.log(2))))
        for column, b in coefficients.items()
    }
    return Fit(
        rows=len(features),
        bad_rate=bad / len(outcomes),
        points=points,
        coefficients=coefficients,
    )
