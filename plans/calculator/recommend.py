"""Recommend plans: enumerate candidates, keep the permitted and affordable, rank them.

Ranking (see docs/calculator.md) puts the cardholder first: among the plans that
leave the safety buffer of their monthly surplus, cheapest in total first, then
the shortest; a plan another plan beats on every count (total cost, months,
largest payment, first payment) is never shown.  When the hardship is temporary,
with a date things should improve, a plan with lower or no payments until then
(a deferral or a step-up) is always among those shown.

What the bank may expect to recover is worked out for every plan, for staff, and
compared with what it may expect with no plan at all.  Expected recovery of a
plan with payments p_1..p_n is

    sum_k  p_k x keep_k / (1 + d / 1200)^k

where d is the policy's annual discount rate (percent) and keep_k, the chance
the plan is still being kept at payment k, is

    keep_k = first_payment x (1 - hazard)^(k - 1),
    hazard = monthly_hazard + burden_hazard x min(1, burden / disposable income)

with ``first_payment`` and ``monthly_hazard`` set by the risk band and
``burden`` the largest monthly payment that has to come from income.  So
longer plans and heavier payments are less likely to be kept.  With no plan, the
card's own minimum payments m_k run on while the account has not rolled on to
charge-off, which it does each month with the risk band's roll rate r; what is
left when it does is recovered at the policy's charge-off recovery share c:

    sum_k  (1 - r)^k x m_k / (1 + d / 1200)^k
         + sum_k  (1 - r)^(k - 1) x r x c x balance_(k-1) / (1 + d / 1200)^k
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from types import MappingProxyType

from .affordability import (
    DEFAULT_AFFORDABILITY_POLICY,
    DEFAULT_GUIDELINES,
    Affordability,
    AffordabilityPolicy,
    SpendingGuidelines,
    Statement,
    assess_affordability,
)
from .dates import add_months
from .errors import CalculatorError
from .messages import Message
from .money import (
    CENT,
    HUNDRED,
    ONE,
    ZERO,
    check_amount,
    check_count,
    check_rate,
    format_money,
    to_money,
)
from .no_plan import (
    DEFAULT_HORIZON_MONTHS,
    DEFAULT_MINIMUM_PAYMENT_RULE,
    MinimumPaymentRule,
    NoPlanOutcome,
    compare_no_plan,
    minimum_payments,
)
from .rates import level_payment
from .schedule import DEFAULT_POLICY, Schedule, build_schedule
from .terms import MAX_APR, PlanTerms, PlanType, Policy

_PLAN_ORDER = tuple(PlanType)
# Candidates that tiny balances cannot support; they are skipped, not reported.
_UNQUOTABLE = frozenset({"payment_too_small", "settlement_too_small"})
_APR_PLAN_TYPES = frozenset(
    {PlanType.INSTALMENT, PlanType.INTEREST_FREE, PlanType.DEFERRAL, PlanType.STEP_UP}
)
#: Plans with lower or no payments at first: what a temporary hardship needs.
RELIEF_PLAN_TYPES = frozenset({PlanType.DEFERRAL, PlanType.STEP_UP})


class RiskBand(StrEnum):
    """How likely the cardholder is to keep to a plan, from the bank's risk model."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


@dataclass(frozen=True)
class KeepRate:
    """``first_payment``: chance the first payment is made; ``monthly_hazard``: chance, each
    later month, that a plan still being kept breaks (before the payment-burden add-on)."""

    first_payment: Decimal
    monthly_hazard: Decimal

    def __post_init__(self) -> None:
        check_rate(self.first_payment, "first_payment", minimum=ZERO, maximum=ONE)
        check_rate(self.monthly_hazard, "monthly_hazard", minimum=ZERO, maximum=ONE)


DEFAULT_KEEP_RATES: Mapping[RiskBand, KeepRate] = MappingProxyType(
    {
        RiskBand.LOW: KeepRate(Decimal("0.95"), Decimal("0.005")),
        RiskBand.MEDIUM: KeepRate(Decimal("0.85"), Decimal("0.01")),
        RiskBand.HIGH: KeepRate(Decimal("0.70"), Decimal("0.02")),
        RiskBand.VERY_HIGH: KeepRate(Decimal("0.50"), Decimal("0.035")),
    }
)

#: Monthly chance that an account left with no plan rolls on towards charge-off and stops
#: paying, by risk band.
DEFAULT_ROLL_RATES: Mapping[RiskBand, Decimal] = MappingProxyType(
    {
        RiskBand.LOW: Decimal("0.05"),
        RiskBand.MEDIUM: Decimal("0.15"),
        RiskBand.HIGH: Decimal("0.30"),
        RiskBand.VERY_HIGH: Decimal("0.50"),
    }
)


@dataclass(frozen=True)
class AuthorityLimits:
    """What the person asking may agree to.

    ``max_interest_waiver_share``: share (0 to 1) of the accrued interest they may
    waive.  ``max_fee_waiver_share``: share (0 to 1) of the outstanding fees they
    may waive.  ``max_settlement_discount``: percent of the financed amount they may
    forgive in a settlement.  ``max_term_months``: longest plan (all rows).
    ``min_apr``: lowest APR they may set (for a fee instalment plan, its annualised
    rate must reach it).  The defaults permit no concession at all.
    """

    max_interest_waiver_share: Decimal = ZERO
    max_fee_waiver_share: Decimal = ZERO
    max_settlement_discount: Decimal = ZERO
    max_term_months: int = DEFAULT_POLICY.max_term_months
    min_apr: Decimal = ZERO

    def __post_init__(self) -> None:
        check_rate(
            self.max_interest_waiver_share, "max_interest_waiver_share", minimum=ZERO, maximum=ONE
        )
        check_rate(self.max_fee_waiver_share, "max_fee_waiver_share", minimum=ZERO, maximum=ONE)
        check_rate(
            self.max_settlement_discount, "max_settlement_discount", minimum=ZERO, maximum=HUNDRED
        )
        check_count(self.max_term_months, "max_term_months", minimum=1)
        check_rate(self.min_apr, "min_apr", minimum=ZERO, maximum=MAX_APR)

    def max_interest_waiver(self, accrued_interest: Decimal) -> Decimal:
        """The largest whole-cent interest waiver permitted."""
        return (accrued_interest * self.max_interest_waiver_share).quantize(CENT, ROUND_DOWN)

    def max_fee_waiver(self, fees: Decimal) -> Decimal:
        """The largest whole-cent fee waiver permitted."""
        return (fees * self.max_fee_waiver_share).quantize(CENT, ROUND_DOWN)

    def permits(self, schedule: Schedule, current_apr: Decimal | None = None) -> bool:
        """Whether every concession and the term of ``schedule`` are within these limits.

        With ``current_apr`` (the account's rate), a plan charging at least that rate
        is within the APR limit whatever ``min_apr`` says: it reduces nothing.
        """
        terms = schedule.terms
        if terms.interest_waived > terms.accrued_interest * self.max_interest_waiver_share:
            return False
        if terms.fees_waived > terms.fees * self.max_fee_waiver_share:
            return False
        if len(schedule.rows) > self.max_term_months or terms.term_months > self.max_term_months:
            return False
        if terms.plan_type is PlanType.SETTLEMENT:
            discount = HUNDRED - (terms.settlement_percent or HUNDRED)
            return discount <= self.max_settlement_discount
        floor = self.min_apr if current_apr is None else min(self.min_apr, current_apr)
        if terms.plan_type is PlanType.FEE_INSTALMENT:
            rate = schedule.annualised_rate
            return rate is not None and rate >= floor
        return terms.plan_apr >= floor


@dataclass(frozen=True)
class Account:
    """The card account in arrears.

    ``balance``, ``accrued_interest`` and ``fees`` are what is owed; ``apr`` is the
    current (penalty) rate and ``monthly_fee`` the fees charged each month while
    there is no plan; ``minimum_payment`` is the card's minimum payment rule.
    """

    balance: Decimal
    apr: Decimal
    accrued_interest: Decimal = ZERO
    fees: Decimal = ZERO
    monthly_fee: Decimal = ZERO
    minimum_payment: MinimumPaymentRule = DEFAULT_MINIMUM_PAYMENT_RULE

    def __post_init__(self) -> None:
        check_amount(self.balance, "balance", positive=True)
        check_rate(self.apr, "apr", minimum=ZERO, maximum=MAX_APR)
        check_amount(self.accrued_interest, "accrued_interest")
        check_amount(self.fees, "fees")
        check_amount(self.monthly_fee, "monthly_fee")

    @property
    def total_owed(self) -> Decimal:
        """Balance + accrued interest + fees."""
        return self.balance + self.accrued_interest + self.fees


@dataclass(frozen=True)
class RecommendationPolicy:
    """The bank's settings for recommendations; every default is documented in docs/calculator.md.

    Candidates: every total term in ``term_options`` (plus the longest term
    permitted) up to the policy and authority maxima; APRs of the current APR x
    each of ``apr_factors`` (never below the authority's ``min_apr`` unless that
    is above the current APR); no concession, and the largest permitted waivers;
    deferrals of ``deferral_months_options`` inside the same total term; step-ups
    of ``step_up_options`` (months, ratio); fee instalments at ``fee_rates`` (none
    by default); settlements forgiving the largest permitted discount and half of
    it, in each of ``settlement_payment_options`` payments.
    """

    plan_policy: Policy = DEFAULT_POLICY
    affordability: AffordabilityPolicy = DEFAULT_AFFORDABILITY_POLICY
    guidelines: SpendingGuidelines = DEFAULT_GUIDELINES
    keep_rates: Mapping[RiskBand, KeepRate] = field(default_factory=lambda: DEFAULT_KEEP_RATES)
    burden_hazard: Decimal = Decimal("0.03")
    annual_discount_rate: Decimal = Decimal("8")
    term_options: tuple[int, ...] = (6, 12, 18, 24, 36, 48, 60)
    apr_factors: tuple[Decimal, ...] = (ONE, Decimal("0.5"), ZERO)
    deferral_months_options: tuple[int, ...] = (3,)
    step_up_options: tuple[tuple[int, Decimal], ...] = ((6, Decimal("0.5")),)
    fee_rates: tuple[Decimal, ...] = ()
    settlement_payment_options: tuple[int, ...] = (1, 2, 3)
    top_n: int = 3
    no_plan_horizon_months: int = DEFAULT_HORIZON_MONTHS
    roll_rates: Mapping[RiskBand, Decimal] = field(default_factory=lambda: DEFAULT_ROLL_RATES)
    charge_off_recovery: Decimal = Decimal("0.10")
    max_relief_months: int = 6
    relief_step_ratio: Decimal = Decimal("0.5")

    def __post_init__(self) -> None:
        missing = [band for band in RiskBand if band not in self.keep_rates]
        if missing:
            raise CalculatorError("missing_keep_rate", field="keep_rates", value=missing[0])
        missing = [band for band in RiskBand if band not in self.roll_rates]
        if missing:
            raise CalculatorError("missing_roll_rate", field="roll_rates", value=missing[0])
        for rate in self.roll_rates.values():
            check_rate(rate, "roll_rates", minimum=ZERO, maximum=ONE)
        check_rate(self.charge_off_recovery, "charge_off_recovery", minimum=ZERO, maximum=ONE)
        check_count(self.max_relief_months, "max_relief_months", minimum=1)
        check_rate(self.relief_step_ratio, "relief_step_ratio", minimum=ZERO, maximum=ONE)
        check_rate(self.burden_hazard, "burden_hazard", minimum=ZERO, maximum=ONE)
        check_rate(self.annual_discount_rate, "annual_discount_rate", minimum=ZERO, maximum=MAX_APR)
        for factor in self.apr_factors:
            check_rate(factor, "apr_factors", minimum=ZERO, maximum=ONE)
        check_count(self.top_n, "top_n", minimum=1)


DEFAULT_RECOMMENDATION_POLICY = RecommendationPolicy()


@dataclass(frozen=True)
class Recommendation:
    """One recommended plan with the numbers behind its rank and its explanation.

    ``expected_recovery`` and ``completion_probability`` are for staff: what the bank may
    expect from the plan, and ``recovery_gain`` what it gains over no plan (negative when it
    concedes more than it gains).  ``monthly_burden``: the largest monthly payment that must
    come from income (settlement payments are first met from the lump sum).  ``payment_share``:
    that burden as a percentage of disposable income.  ``saving_vs_minimum``: what
    minimum payments at the current rate would cost in total less the plan's
    total payable (negative if the plan costs more); ``None`` when minimum
    payments never clear.  ``explanation``: translatable sentences; ``text`` is
    their English rendering.
    """

    rank: int
    schedule: Schedule
    expected_recovery: Decimal
    completion_probability: Decimal
    monthly_burden: Decimal
    payment_share: Decimal | None
    saving_vs_minimum: Decimal | None
    explanation: tuple[Message, ...]
    recovery_gain: Decimal = ZERO

    @property
    def relief(self) -> bool:
        """Whether the plan asks less (or nothing) at first: for a temporary hardship."""
        return self.schedule.plan_type in RELIEF_PLAN_TYPES

    @property
    def terms(self) -> PlanTerms:
        """The recommended plan's terms (feed them to :func:`build_schedule` to re-quote)."""
        return self.schedule.terms

    @property
    def text(self) -> str:
        """The explanation in English, one paragraph."""
        return " ".join(message.text for message in self.explanation)


@dataclass(frozen=True)
class RecommendationResult:
    """The best plans for the cardholder, best first (at most ``top_n``), with the context used
    to choose them.

    When ``recommendations`` is empty, ``reason`` says why; otherwise it is ``None``.
    ``no_plan_recovery`` is what the bank may expect with no plan (for staff);
    ``relief_months`` the months of lower payments a temporary hardship asks for (0 if none).
    """

    recommendations: tuple[Recommendation, ...]
    reason: Message | None
    affordability: Affordability
    no_plan: NoPlanOutcome
    candidates_considered: int
    no_plan_recovery: Decimal = ZERO
    relief_months: int = 0


def _term_options(policy: RecommendationPolicy, authority: AuthorityLimits) -> list[int]:
    cap = min(policy.plan_policy.max_term_months, authority.max_term_months)
    return sorted({term for term in policy.term_options if 1 <= term <= cap} | {cap})


def _apr_options(
    account: Account, policy: RecommendationPolicy, authority: AuthorityLimits
) -> list[Decimal]:
    floor = min(authority.min_apr, account.apr)
    aprs = {
        max(min(to_money(account.apr * factor), account.apr), floor)
        for factor in policy.apr_factors
    }
    return sorted(aprs, reverse=True)


def _candidates(
    account: Account,
    authority: AuthorityLimits,
    policy: RecommendationPolicy,
    start_date: date,
    relief_months: int = 0,
) -> Iterator[PlanTerms]:
    """Every plan worth quoting, all within the authority limits by construction.

    With ``relief_months``, deferrals and step-ups of that many months are quoted too.
    """
    deferrals = sorted(set(policy.deferral_months_options) | ({relief_months} - {0}))
    step_ups = list(policy.step_up_options)
    if relief_months and relief_months not in {months for months, _ratio in step_ups}:
        step_ups.append((relief_months, policy.relief_step_ratio))
    interest_waiver = authority.max_interest_waiver(account.accrued_interest)
    fee_waiver = authority.max_fee_waiver(account.fees)
    concessions = [(ZERO, ZERO)]
    if interest_waiver or fee_waiver:
        concessions.append((interest_waiver, fee_waiver))
    terms_list = _term_options(policy, authority)
    aprs = _apr_options(account, policy, authority)
    half_discount = to_money(authority.max_settlement_discount / 2)
    discounts = sorted({authority.max_settlement_discount, half_discount} - {ZERO}, reverse=True)
    for waived_interest, waived_fees in concessions:
        template = PlanTerms(
            PlanType.INTEREST_FREE,
            balance=account.balance,
            start_date=start_date,
            months=1,
            accrued_interest=account.accrued_interest,
            interest_waived=waived_interest,
            fees=account.fees,
            fees_waived=waived_fees,
        )
        for term in terms_list:
            for apr in aprs:
                if apr:
                    yield replace(template, plan_type=PlanType.INSTALMENT, apr=apr, months=term)
                else:
                    yield replace(template, months=term)
                for deferral in deferrals:
                    if 1 <= deferral < term:
                        yield replace(
                            template,
                            plan_type=PlanType.DEFERRAL,
                            apr=apr,
                            months=term - deferral,
                            deferral_months=deferral,
                        )
                for step_months, ratio in step_ups:
                    if 1 <= step_months < term:
                        yield replace(
                            template,
                            plan_type=PlanType.STEP_UP,
                            apr=apr,
                            months=term,
                            step_months=step_months,
                            step_ratio=ratio,
                        )
            for fee_rate in policy.fee_rates:
                yield replace(
                    template, plan_type=PlanType.FEE_INSTALMENT, months=term, fee_rate=fee_rate
                )
        for discount in discounts:
            for payments in policy.settlement_payment_options:
                yield replace(
                    template,
                    plan_type=PlanType.SETTLEMENT,
                    months=None,
                    settlement_percent=HUNDRED - discount,
                    settlement_payments=payments,
                )


def _payment_floor(terms: PlanTerms) -> Decimal:
    """A cheap lower bound on the largest payment of ``terms`` (0 where none is cheap).

    A level plan's largest payment is at least its level payment, and a deferral's
    at least the level payment of the financed amount over its paying months
    (capitalised interest only raises it); should the first paying row clear
    everything, that row still pays at least the financed amount.
    """
    if terms.plan_type in (PlanType.INSTALMENT, PlanType.INTEREST_FREE, PlanType.DEFERRAL):
        financed = terms.financed_amount
        return min(level_payment(financed, terms.plan_apr, terms.months or 1), financed)
    return ZERO


def _monthly_burden(schedule: Schedule, lump_sum: Decimal) -> Decimal:
    """The largest monthly payment that has to come from income."""
    if schedule.plan_type is not PlanType.SETTLEMENT:
        return schedule.max_payment
    burden = ZERO
    remaining = lump_sum
    for row in schedule.rows:
        from_lump = min(remaining, row.payment)
        remaining -= from_lump
        burden = max(burden, row.payment - from_lump)
    return burden


def _expected_recovery(
    schedule: Schedule, keep: KeepRate, hazard: Decimal, discount: Decimal
) -> tuple[Decimal, Decimal]:
    """(expected recovery, chance of completing the plan) for one schedule."""
    survival = ONE - min(ONE, hazard)
    weight = keep.first_payment * discount
    step = survival * discount
    total = ZERO
    for row in schedule.rows:
        total += row.payment * weight
        weight *= step
    completion = keep.first_payment * survival ** (len(schedule.rows) - 1)
    return to_money(total), completion.quantize(Decimal("0.0001"))


def no_plan_recovery(
    account: Account, band: RiskBand, policy: RecommendationPolicy = DEFAULT_RECOMMENDATION_POLICY
) -> Decimal:
    """What the bank may expect to recover with no plan: the card's minimum payments while the
    account has not rolled on to charge-off, and a share of what is left when it does."""
    roll = policy.roll_rates[band]
    discount = ONE / (ONE + policy.annual_discount_rate / Decimal(1200))
    staying = ONE
    weight = discount
    total = ZERO
    balance = account.total_owed
    for payment, _interest, _fee, after in minimum_payments(
        balance,
        account.apr,
        account.monthly_fee,
        account.minimum_payment,
        policy.no_plan_horizon_months,
    ):
        total += staying * weight * (roll * policy.charge_off_recovery * balance)
        staying *= ONE - roll
        total += staying * weight * payment
        weight *= discount
        balance = after
        if staying < Decimal("0.000001"):
            break
    return to_money(total)


def _plan_summary(schedule: Schedule) -> Message:
    terms = schedule.terms
    payment = format_money(schedule.monthly_payment)
    apr = format_money(terms.plan_apr)
    plan_type = terms.plan_type
    if plan_type is PlanType.SETTLEMENT:
        params = {
            "paid": format_money(schedule.total_payable),
            "percent": format_money(terms.settlement_percent or HUNDRED),
            "payments": str(len(schedule.rows)),
            "forgiven": format_money(schedule.forgiven),
        }
        code = "plan_settlement_single" if len(schedule.rows) == 1 else "plan_settlement_multiple"
        return Message(code, params)
    if plan_type is PlanType.DEFERRAL:
        return Message(
            "plan_deferral",
            {
                "deferral_months": str(terms.deferral_months),
                "months": str(terms.months),
                "payment": payment,
                "apr": apr,
            },
        )
    if plan_type is PlanType.STEP_UP:
        step_months = terms.step_months or 0
        return Message(
            "plan_step_up",
            {
                "step_months": str(step_months),
                "step_payment": format_money(schedule.rows[0].payment),
                "later_months": str((terms.months or 0) - step_months),
                "payment": payment,
                "apr": apr,
            },
        )
    if plan_type is PlanType.FEE_INSTALMENT:
        fee = format_money(schedule.rows[0].fee)
        return Message(
            "plan_fee_instalment", {"months": str(terms.months), "payment": payment, "fee": fee}
        )
    if plan_type is PlanType.INTEREST_FREE:
        return Message("plan_interest_free", {"months": str(terms.months), "payment": payment})
    return Message("plan_instalment", {"months": str(terms.months), "payment": payment, "apr": apr})


def _explain(
    schedule: Schedule,
    burden: Decimal,
    share: Decimal | None,
    affordability: Affordability,
    account: Account,
    no_plan: NoPlanOutcome,
    relief_months: int = 0,
) -> tuple[tuple[Message, ...], Decimal | None]:
    messages = [
        _plan_summary(schedule),
        Message(
            "payment_share",
            {
                "payment": format_money(burden),
                "share": format_money(share or ZERO),
                "disposable": format_money(affordability.disposable_income),
            },
        ),
        Message(
            "months_to_clear",
            {
                "months": str(schedule.months),
                "last_due_date": schedule.last_due_date.isoformat(),
            },
        ),
    ]
    apr = format_money(account.apr)
    saving: Decimal | None = None
    if no_plan.never_clears or no_plan.total_paid is None:
        messages.append(Message("minimum_never_clears", {"apr": apr}))
    else:
        saving = no_plan.total_paid - schedule.total_payable
        minimum_months = str(no_plan.months_to_clear)
        if saving >= 0:
            params = {"saving": format_money(saving), "apr": apr, "minimum_months": minimum_months}
            messages.append(Message("saving_vs_minimum", params))
        else:
            params = {"extra": format_money(-saving), "apr": apr, "minimum_months": minimum_months}
            messages.append(Message("extra_vs_minimum", params))
    if schedule.annualised_rate is not None:
        messages.append(
            Message("annualised_rate", {"rate": format_money(schedule.annualised_rate)})
        )
    if schedule.concession_total:
        messages.append(Message("concessions", {"amount": format_money(schedule.concession_total)}))
    if relief_months and _relief_of(schedule.terms) >= relief_months:
        relief_end = add_months(schedule.terms.start_date, relief_months)
        messages.append(
            Message(
                "relief_until_recovery",
                {"relief_months": str(relief_months), "relief_date": relief_end.isoformat()},
            )
        )
    return tuple(messages), saving


def _relief_of(terms: PlanTerms) -> int:
    """The months at the start of a plan with lower or no payments."""
    if terms.plan_type is PlanType.DEFERRAL:
        return terms.deferral_months or 0
    if terms.plan_type is PlanType.STEP_UP:
        return terms.step_months or 0
    return 0


def relief_months_until(start_date: date, recovery: date | None, limit: int) -> int:
    """How many monthly due dates from ``start_date`` fall before ``recovery`` (at most
    ``limit``); 0 when there is no recovery date or it comes before the first payment."""
    if recovery is None or recovery <= start_date:
        return 0
    months = 0
    while months < limit and add_months(start_date, months) < recovery:
        months += 1
    return months


@dataclass(frozen=True)
class Candidate:
    """A permitted, affordable plan with the figures both rankings use."""

    schedule: Schedule
    burden: Decimal
    expected_recovery: Decimal
    completion_probability: Decimal

    @property
    def cost_key(self) -> tuple[Decimal, int, Decimal, Decimal, int]:
        """The cardholder's order: cheapest in total, then shortest, then lightest."""
        schedule = self.schedule
        return (
            schedule.total_payable,
            schedule.months,
            self.burden,
            self.first_payment,
            _PLAN_ORDER.index(schedule.plan_type),
        )

    @property
    def first_payment(self) -> Decimal:
        return self.schedule.rows[0].payment

    @property
    def counts(self) -> tuple[Decimal, int, Decimal, Decimal]:
        """What the cardholder weighs: total cost, months, largest payment from income, first
        payment; less is better on each."""
        schedule = self.schedule
        return (schedule.total_payable, schedule.months, self.burden, self.first_payment)

    def dominates(self, other: Candidate) -> bool:
        """No worse for the cardholder on any count, and better on one."""
        return self.counts != other.counts and _no_worse(self.counts, other.counts)


def _no_worse(
    one: tuple[Decimal, int, Decimal, Decimal], other: tuple[Decimal, int, Decimal, Decimal]
) -> bool:
    return one[0] <= other[0] and one[1] <= other[1] and one[2] <= other[2] and one[3] <= other[3]


def undominated(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The candidates no other candidate dominates, in the cardholder's order; of plans equal
    on every count only the first is kept."""
    kept: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda item: item.cost_key):
        # A plan at least as good on every count is never dearer nor longer, so it sorts
        # earlier: only the kept ones need checking.
        if any(_no_worse(other.counts, candidate.counts) for other in kept):
            continue
        kept.append(candidate)
    return kept


def permitted_candidates(
    account: Account,
    affordability: Affordability,
    band: RiskBand,
    authority: AuthorityLimits,
    *,
    start_date: date,
    lump_sum_available: Decimal = ZERO,
    policy: RecommendationPolicy = DEFAULT_RECOMMENDATION_POLICY,
    relief_months: int = 0,
) -> tuple[list[Candidate], int]:
    """Every plan ``authority`` permits that leaves the safety buffer, with the bank's expected
    recovery from it; and how many plans were considered."""
    keep = policy.keep_rates[band]
    discount = ONE / (ONE + policy.annual_discount_rate / Decimal(1200))
    disposable = affordability.disposable_income
    considered = 0
    found = []
    for terms in _candidates(account, authority, policy, start_date, relief_months):
        considered += 1
        if disposable <= 0 or _payment_floor(terms) > affordability.available_for_plans:
            continue
        try:
            schedule = build_schedule(terms, policy.plan_policy)
        except CalculatorError as error:
            if error.code in _UNQUOTABLE:  # a few pence cannot be spread this way
                continue
            raise
        burden = _monthly_burden(schedule, lump_sum_available)
        if not affordability.is_affordable(burden) or not authority.permits(schedule, account.apr):
            continue
        hazard = keep.monthly_hazard + policy.burden_hazard * min(ONE, burden / disposable)
        recovery, completion = _expected_recovery(schedule, keep, hazard, discount)
        found.append(Candidate(schedule, burden, recovery, completion))
    return found, considered


def _choose(candidates: list[Candidate], top_n: int, relief_months: int) -> list[Candidate]:
    """The first ``top_n`` undominated plans, with a plan giving relief until recovery among
    them when the hardship is temporary (in place of the last if none is)."""
    best = undominated(candidates)
    chosen = best[:top_n]
    if relief_months and not any(_relief_of(item.schedule.terms) for item in chosen):
        relief = [item for item in best if _relief_of(item.schedule.terms) >= relief_months]
        relief = relief or [item for item in best if _relief_of(item.schedule.terms)]
        if relief:
            chosen = [*chosen[: top_n - 1], relief[0]]
    return chosen


def recommend_plans(
    account: Account,
    statement: Statement,
    risk_band: RiskBand | str,
    authority: AuthorityLimits,
    *,
    start_date: date,
    lump_sum_available: Decimal = ZERO,
    policy: RecommendationPolicy = DEFAULT_RECOMMENDATION_POLICY,
    recovery_date: date | None = None,
) -> RecommendationResult:
    """Recommend the plans best for the cardholder that ``authority`` permits and that leave
    the safety buffer of their monthly surplus, cheapest first.

    ``lump_sum_available`` is money the cardholder can put towards a settlement
    (savings, help from family); settlement payments are met from it first.
    ``recovery_date``: when a temporary hardship should end; a plan with lower or no
    payments until then is always among those recommended, if one is affordable.
    Returns no recommendations, with a ``reason``, when nothing is affordable.
    """
    try:
        band = RiskBand(risk_band)
    except ValueError:
        raise CalculatorError(
            "unknown_risk_band",
            field="risk_band",
            value=risk_band,
            choices=", ".join(RiskBand),
        ) from None
    check_amount(lump_sum_available, "lump_sum_available")
    affordability = assess_affordability(statement, policy.guidelines, policy.affordability)
    no_plan = compare_no_plan(
        account.total_owed,
        account.apr,
        account.monthly_fee,
        account.minimum_payment,
        policy.no_plan_horizon_months,
    )
    baseline = no_plan_recovery(account, band, policy)
    relief_months = relief_months_until(start_date, recovery_date, policy.max_relief_months)
    candidates, considered = permitted_candidates(
        account,
        affordability,
        band,
        authority,
        start_date=start_date,
        lump_sum_available=lump_sum_available,
        policy=policy,
        relief_months=relief_months,
    )
    best = []
    for rank, item in enumerate(_choose(candidates, policy.top_n, relief_months), start=1):
        share = affordability.payment_share(item.burden)
        explanation, saving = _explain(
            item.schedule, item.burden, share, affordability, account, no_plan, relief_months
        )
        best.append(
            Recommendation(
                rank=rank,
                schedule=item.schedule,
                expected_recovery=item.expected_recovery,
                completion_probability=item.completion_probability,
                monthly_burden=item.burden,
                payment_share=share,
                saving_vs_minimum=saving,
                explanation=explanation,
                recovery_gain=item.expected_recovery - baseline,
            )
        )
    disposable = affordability.disposable_income
    reason: Message | None = None
    if not best:
        if disposable <= 0:
            reason = Message("no_disposable_income", {"disposable": format_money(disposable)})
        else:
            reason = Message(
                "nothing_affordable",
                {
                    "available": format_money(affordability.available_for_plans),
                    "disposable": format_money(disposable),
                },
            )
    return RecommendationResult(
        recommendations=tuple(best),
        reason=reason,
        affordability=affordability,
        no_plan=no_plan,
        candidates_considered=considered,
        no_plan_recovery=baseline,
        relief_months=relief_months,
    )
