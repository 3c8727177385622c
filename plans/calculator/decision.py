"""The automatic decision: does a requested plan fall inside the bank's self-service band?

Pure functions over plain inputs (no Django), like the rest of the calculator. The engine only
ever **approves** or **refers to a person**: a machine never declines, never counters with
worse terms and never closes a case. Every rule is evaluated (none short-circuits), and each
comes back with its outcome, the value it compared and the limit it compared it with, so that
a decision can be shown, stored and reproduced: the same inputs under the same band always
give the same result.

Promises (proved by tests/calculator/test_decision.py):

* ``decide`` approves only when every rule passes, and an approved request lies inside the
  band on every measure (type, term, deferral, rate, waivers, no principal reduction, balance,
  share of disposable income, risk band) with no exclusion present;
* a paused band, or any exclusion, always refers;
* the result depends on nothing but the three inputs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Any

from .money import CENT, ZERO

#: Engine version, stored with each decision: a change to the rules below is a new version.
ENGINE_VERSION = 2


class Outcome(StrEnum):
    APPROVE = "approve"
    REFER = "refer"


class RuleKind(StrEnum):
    """Whether a rule is about what the cardholder chose (they may change it and be agreed at
    once) or about their circumstances (a person looks at those)."""

    CHOICE = "choice"
    CIRCUMSTANCE = "circumstance"


#: Circumstances that always send a request to a person, in the order they are shown.
EXCLUSIONS: tuple[str, ...] = (
    "broken_plan",
    "dispute",
    "complaint",
    "vulnerability",
    "special_circumstance",
    "bereavement",
    "serious_illness",
    "insolvency",
    "third_party",
    "identity",
    "evidence",
    "asked_for_person",
    "wrote_to_us",
)

#: The flags an account can carry that are exclusions (the rest come from other facts).
FLAG_EXCLUSIONS = frozenset(
    {
        "dispute",
        "complaint",
        "vulnerability",
        "special_circumstance",
        "bereavement",
        "serious_illness",
        "insolvency",
        "third_party",
    }
)


@dataclass(frozen=True)
class Band:
    """The self-service band: what may be agreed without a person (the policy's values).

    Shares are fractions (0.5 = half). ``paused``: an administrator stopped automatic
    decisions; every request then goes to a person.
    """

    plan_types: frozenset[str]
    max_term_months: int
    max_deferral_months: int
    min_apr: Decimal
    max_interest_waiver_share: Decimal
    max_fee_waiver_share: Decimal
    max_balance: Decimal
    max_income_share: Decimal
    risk_bands: frozenset[str]
    evidence_above: Decimal
    paused: bool = False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["plan_types"] = sorted(self.plan_types)
        data["risk_bands"] = sorted(self.risk_bands)
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Band:
        return cls(
            plan_types=frozenset(data["plan_types"]),
            max_term_months=int(data["max_term_months"]),
            max_deferral_months=int(data["max_deferral_months"]),
            min_apr=Decimal(data["min_apr"]),
            max_interest_waiver_share=Decimal(data["max_interest_waiver_share"]),
            max_fee_waiver_share=Decimal(data["max_fee_waiver_share"]),
            max_balance=Decimal(data["max_balance"]),
            max_income_share=Decimal(data["max_income_share"]),
            risk_bands=frozenset(data["risk_bands"]),
            evidence_above=Decimal(data["evidence_above"]),
            paused=bool(data.get("paused", False)),
        )


@dataclass(frozen=True)
class PlanRequest:
    """The plan asked for, as the calculator quoted it."""

    plan_type: str
    months: int
    deferral_months: int
    apr: Decimal | None  # None: a plan without a rate (a settlement)
    accrued_interest: Decimal
    interest_waived: Decimal
    fees: Decimal
    fees_waived: Decimal
    forgiven: Decimal
    largest_payment: Decimal

    def as_json(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanRequest:
        return cls(
            plan_type=data["plan_type"],
            months=int(data["months"]),
            deferral_months=int(data["deferral_months"]),
            apr=None if data["apr"] is None else Decimal(data["apr"]),
            accrued_interest=Decimal(data["accrued_interest"]),
            interest_waived=Decimal(data["interest_waived"]),
            fees=Decimal(data["fees"]),
            fees_waived=Decimal(data["fees_waived"]),
            forgiven=Decimal(data["forgiven"]),
            largest_payment=Decimal(data["largest_payment"]),
        )


@dataclass(frozen=True)
class CaseFacts:
    """What the bank knows of the case when it decides.

    ``flags``: the account's open flags (a subset of `FLAG_EXCLUSIONS`).
    ``evidence_reviewed``: every document given has been reviewed and at least one accepted.
    ``wrote_to_us``: the cardholder sent a note with the request (a person reads it).
    """

    balance: Decimal
    risk_band: str
    disposable_income: Decimal
    broken_plan_12_months: bool
    flags: frozenset[str] = field(default_factory=frozenset)
    identity_verified: bool = True
    evidence_reviewed: bool = False
    asked_for_person: bool = False
    wrote_to_us: bool = False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["flags"] = sorted(self.flags)
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CaseFacts:
        return cls(
            balance=Decimal(data["balance"]),
            risk_band=data["risk_band"],
            disposable_income=Decimal(data["disposable_income"]),
            broken_plan_12_months=bool(data["broken_plan_12_months"]),
            flags=frozenset(data["flags"]),
            identity_verified=bool(data["identity_verified"]),
            evidence_reviewed=bool(data["evidence_reviewed"]),
            asked_for_person=bool(data["asked_for_person"]),
            wrote_to_us=bool(data.get("wrote_to_us", False)),
        )


@dataclass(frozen=True)
class RuleResult:
    """One rule: passed or not, the value compared and the limit (both as plain text)."""

    code: str
    kind: RuleKind
    passed: bool
    value: str
    limit: str

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind.value,
            "passed": self.passed,
            "value": self.value,
            "limit": self.limit,
        }


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    rules: tuple[RuleResult, ...]

    @property
    def failed(self) -> tuple[RuleResult, ...]:
        return tuple(rule for rule in self.rules if not rule.passed)

    @property
    def failed_choices(self) -> tuple[RuleResult, ...]:
        """What the cardholder chose that sent it to a person (they may choose otherwise)."""
        return tuple(rule for rule in self.failed if rule.kind == RuleKind.CHOICE)

    def as_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "engine": ENGINE_VERSION,
            "rules": [rule.as_json() for rule in self.rules],
        }


def _text(value: Decimal | int | str | bool) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _cents_down(amount: Decimal) -> Decimal:
    """A limit in whole cents, never above the exact share."""
    return amount.quantize(CENT, rounding=ROUND_DOWN)


def _rule(code: str, kind: RuleKind, passed: bool, value: Any, limit: Any) -> RuleResult:
    return RuleResult(code, kind, passed, _text(value), _text(limit))


def _choice_rules(request: PlanRequest, facts: CaseFacts, band: Band) -> list[RuleResult]:
    choice = RuleKind.CHOICE
    allowed_interest = _cents_down(request.accrued_interest * band.max_interest_waiver_share)
    allowed_fees = _cents_down(request.fees * band.max_fee_waiver_share)
    affordable = _cents_down(facts.disposable_income * band.max_income_share)
    return [
        _rule(
            "plan_type",
            choice,
            request.plan_type in band.plan_types,
            request.plan_type,
            ",".join(sorted(band.plan_types)) or "-",
        ),
        _rule(
            "term",
            choice,
            request.months <= band.max_term_months,
            request.months,
            band.max_term_months,
        ),
        _rule(
            "deferral",
            choice,
            request.deferral_months <= band.max_deferral_months,
            request.deferral_months,
            band.max_deferral_months,
        ),
        _rule(
            "rate",
            choice,
            # A plan without a rate (a settlement) is judged by the other rules.
            request.apr is None or request.apr >= band.min_apr,
            "-" if request.apr is None else request.apr,
            band.min_apr,
        ),
        _rule(
            "interest_waiver",
            choice,
            request.interest_waived <= allowed_interest,
            request.interest_waived,
            allowed_interest,
        ),
        _rule(
            "fee_waiver",
            choice,
            request.fees_waived <= allowed_fees,
            request.fees_waived,
            allowed_fees,
        ),
        _rule("principal", choice, request.forgiven <= ZERO, request.forgiven, ZERO),
        _rule(
            "affordability",
            choice,
            facts.disposable_income > ZERO and request.largest_payment <= affordable,
            request.largest_payment,
            max(affordable, ZERO),
        ),
    ]


def _circumstance_rules(facts: CaseFacts, band: Band) -> list[RuleResult]:
    circumstance = RuleKind.CIRCUMSTANCE
    rules = [
        _rule("paused", circumstance, not band.paused, band.paused, False),
        _rule(
            "balance",
            circumstance,
            facts.balance <= band.max_balance,
            facts.balance,
            band.max_balance,
        ),
        _rule(
            "risk_band",
            circumstance,
            facts.risk_band in band.risk_bands,
            facts.risk_band or "-",
            ",".join(sorted(band.risk_bands)) or "-",
        ),
        _rule(
            "broken_plan",
            circumstance,
            not facts.broken_plan_12_months,
            facts.broken_plan_12_months,
            False,
        ),
    ]
    for flag in sorted(FLAG_EXCLUSIONS, key=EXCLUSIONS.index):
        present = flag in facts.flags
        rules.append(_rule(flag, circumstance, not present, present, False))
    rules.append(
        _rule("identity", circumstance, facts.identity_verified, facts.identity_verified, True)
    )
    evidence_needed = facts.balance > band.evidence_above
    rules.append(
        _rule(
            "evidence",
            circumstance,
            not evidence_needed or facts.evidence_reviewed,
            facts.evidence_reviewed if evidence_needed else "not needed",
            band.evidence_above,
        )
    )
    rules.append(
        _rule(
            "asked_for_person",
            circumstance,
            not facts.asked_for_person,
            facts.asked_for_person,
            False,
        )
    )
    # What a cardholder writes to the bank with their request is read by a person before
    # anything is agreed: it may tell of a circumstance no rule can see.
    rules.append(
        _rule("wrote_to_us", circumstance, not facts.wrote_to_us, facts.wrote_to_us, False)
    )
    return rules


def decide(facts: CaseFacts, request: PlanRequest, band: Band) -> Decision:
    """Approve `request` if every rule of `band` passes for it and `facts`; else refer."""
    rules = tuple(_choice_rules(request, facts, band) + _circumstance_rules(facts, band))
    outcome = Outcome.APPROVE if all(rule.passed for rule in rules) else Outcome.REFER
    return Decision(outcome=outcome, rules=rules)


def is_sampled(roll: float, share: Decimal) -> bool:
    """Whether an approval goes to quality review: `roll` is uniform in [0, 1)."""
    return Decimal(str(roll)) < share
