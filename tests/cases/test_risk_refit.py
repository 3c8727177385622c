"""Refitting the risk points from outcomes: a fact that doubles the odds of the bad outcome
earns about 20 points, one that changes nothing earns about none, and the result is proposed
for a second administrator, never put in force by the command."""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cases.models import NegotiationPolicy, PolicyChange
from cases.risk_refit import COLUMNS, RefitRefused, logistic_fit, refit


def _rows(count: int, seed: int = 7) -> tuple[list[list[float]], list[float]]:
    """Cash use quadruples the odds (40 points); nothing else matters."""
    rng = random.Random(seed)
    features, outcomes = [], []
    for _ in range(count):
        row = [float(rng.random() < 0.3) for _column in COLUMNS]
        odds = 0.1 * (4 if row[list(COLUMNS).index("cash")] else 1)
        outcomes.append(float(rng.random() < odds / (1 + odds)))
        features.append(row)
    return features, outcomes


def test_a_fact_that_quadruples_the_odds_earns_about_forty_points():
    features, outcomes = _rows(6000)
    fit = refit(features, outcomes)
    assert 30 <= fit.points["risk_points_cash"] <= 50
    assert fit.points["risk_points_spending_rise"] <= 8
    assert math.isclose(fit.coefficients["cash"], math.log(4), abs_tol=0.35)


def test_too_little_or_one_sided_data_is_refused():
    features, outcomes = _rows(50)
    with pytest.raises(RefitRefused, match="100 rows"):
        refit(features, outcomes)
    features, _ = _rows(200)
    with pytest.raises(RefitRefused, match="both good"):
        refit(features, [0.0] * 200)


def test_the_fit_recovers_a_known_intercept():
    # One bad outcome in five, and a fact nobody has: the intercept is the log-odds, 1 to 4.
    beta = logistic_fit([[0.0]] * 300, [0.0] * 240 + [1.0] * 60)
    assert math.isclose(beta[0], math.log(60 / 240), abs_tol=1e-6)
    assert beta[1] == 0.0


@pytest.mark.django_db
def test_the_command_proposes_and_changes_nothing_in_force(tmp_path: Path, admin):
    features, outcomes = _rows(3000)
    path = tmp_path / "outcomes.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*COLUMNS, "outcome"])
        for row, outcome in zip(features, outcomes, strict=True):
            writer.writerow([int(v) for v in row] + [int(outcome)])
    before = NegotiationPolicy.objects.get(pk=1).risk_points_cash
    call_command("refit_risk_points", str(path), "--proposer", admin.email, stdout=None)
    change = PolicyChange.objects.get()
    assert change.proposed_by == admin
    assert "risk_points_cash" in change.changes["policy"]
    assert NegotiationPolicy.objects.get(pk=1).risk_points_cash == before
    bad = tmp_path / "bad.csv"
    bad.write_text("dpd_1,outcome\n1,0\n")
    with pytest.raises(CommandError, match="missing columns"):
        call_command("refit_risk_points", str(bad), "--proposer", admin.email)
