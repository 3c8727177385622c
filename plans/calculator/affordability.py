"""Affordability from an income and expenditure statement (UK Standard Financial Statement shape).

The statement has income lines, essential spending lines in the SFS categories
(:data:`ESSENTIAL_CATEGORIES`), other debt repayments and a household size.
Disposable income = income - essential spending - other debt repayments.

A payment is affordable when it is at most the disposable income less a safety
buffer of ``max(buffer_floor, buffer_share x disposable income)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from .errors import CalculatorError
from .messages import Message
from .money import HUNDRED, ONE, ZERO, check_amount, check_count, check_rate, format_money, to_money

#: Essential spending categories, as in the UK Standard Financial Statement.
ESSENTIAL_CATEGORIES: tuple[str, ...] = (
    "housing",
    "utilities",
    "food",
    "transport",
    "childcare",
    "health",
    "other_essentials",
)

#: Illustrative monthly guideline for a household of one, by category.  Each bank
#: configures its own figures (for instance from the SFS spending guidelines).
DEFAULT_SINGLE_PERSON_GUIDELINES: Mapping[str, Decimal] = MappingProxyType(
    {
        "housing": Decimal("900.00"),
        "utilities": Decimal("180.00"),
        "food": Decimal("300.00"),
        "transport": Decimal("200.00"),
        "childcare": Decimal("0.00"),
        "health": Decimal("40.00"),
        "other_essentials": Decimal("120.00"),
    }
)

#: Illustrative monthly increment of each guideline per additional household member.
DEFAULT_PER_ADDITIONAL_PERSON: Mapping[str, Decimal] = MappingProxyType(
    {
        "housing": Decimal("150.00"),
        "utilities": Decimal("40.00"),
        "food": Decimal("180.00"),
        "transport": Decimal("60.00"),
        "childcare": Decimal("300.00"),
        "health": Decimal("20.00"),
        "other_essentials": Decimal("50.00"),
    }
)

#: Households larger than this are refused as a likely typing mistake.
MAX_HOUSEHOLD_SIZE = 20


def _frozen_lines(lines: Mapping[str, Decimal], field_name: str) -> Mapping[str, Decimal]:
    for name, amount in lines.items():
        if not isinstance(name, str) or not name.strip():
            raise CalculatorError("empty_line_name", field=field_name)
        check_amount(amount, field_name)
    return MappingProxyType(dict(lines))


@dataclass(frozen=True)
class SpendingGuidelines:
    """Guideline monthly spending by category: ``single_person`` plus ``per_additional_person``
    for each member beyond the first.  A category without a guideline is never flagged."""

    single_person: Mapping[str, Decimal] = field(
        default_factory=lambda: DEFAULT_SINGLE_PERSON_GUIDELINES
    )
    per_additional_person: Mapping[str, Decimal] = field(
        default_factory=lambda: DEFAULT_PER_ADDITIONAL_PERSON
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "single_person", _frozen_lines(self.single_person, "essentials"))
        object.__setattr__(
            self,
            "per_additional_person",
            _frozen_lines(self.per_additional_person, "essentials"),
        )

    def guideline_for(self, category: str, household_size: int) -> Decimal | None:
        """The guideline for ``category`` and ``household_size``; ``None`` if there is none."""
        base = self.single_person.get(category)
        if base is None:
            return None
        step = self.per_additional_person.get(category, ZERO)
        return base + step * (household_size - 1)


@dataclass(frozen=True)
class AffordabilityPolicy:
    """The safety buffer kept back from disposable income before a plan payment.

    Defaults: 10% of disposable income, but at least 20.00 a month.
    """

    buffer_share: Decimal = Decimal("0.10")
    buffer_floor: Decimal = Decimal("20.00")

    def __post_init__(self) -> None:
        check_rate(self.buffer_share, "buffer_share", minimum=ZERO, maximum=ONE)
        check_amount(self.buffer_floor, "buffer_floor")


@dataclass(frozen=True)
class Statement:
    """A monthly income and expenditure statement.

    ``income``: name -> monthly amount (any names, e.g. "wages", "benefits").
    ``essentials``: category -> monthly amount; categories from
    :data:`ESSENTIAL_CATEGORIES`.  ``debt_repayments``: name -> monthly amount
    paid to other creditors.  ``household_size``: people in the household (1 to 20).
    All amounts are whole-cent, non-negative Decimals.
    """

    income: Mapping[str, Decimal]
    essentials: Mapping[str, Decimal]
    debt_repayments: Mapping[str, Decimal] = field(default_factory=dict)
    household_size: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "income", _frozen_lines(self.income, "income"))
        object.__setattr__(self, "essentials", _frozen_lines(self.essentials, "essentials"))
        object.__setattr__(
            self, "debt_repayments", _frozen_lines(self.debt_repayments, "debt_repayments")
        )
        for category in self.essentials:
            if category not in ESSENTIAL_CATEGORIES:
                raise CalculatorError(
                    "unknown_category",
                    field="essentials",
                    value=category,
                    choices=", ".join(ESSENTIAL_CATEGORIES),
                )
        check_count(self.household_size, "household_size", minimum=1, maximum=MAX_HOUSEHOLD_SIZE)


@dataclass(frozen=True)
class GuidelineFlag:
    """A spending line above its guideline for the household size."""

    category: str
    amount: Decimal
    guideline: Decimal
    household_size: int

    @property
    def excess(self) -> Decimal:
        """How far the line is above the guideline."""
        return self.amount - self.guideline

    @property
    def message(self) -> Message:
        """The translatable sentence describing the flag."""
        return Message(
            "above_guideline",
            {
                "category": self.category,
                "amount": format_money(self.amount),
                "guideline": format_money(self.guideline),
                "household_size": str(self.household_size),
            },
        )


@dataclass(frozen=True)
class Affordability:
    """The result of :func:`assess_affordability`.

    ``disposable_income`` may be negative.  ``available_for_plans`` is
    ``max(0, disposable_income - safety_buffer)``: the most a plan may take a month.
    """

    total_income: Decimal
    total_essentials: Decimal
    total_debt_repayments: Decimal
    disposable_income: Decimal
    safety_buffer: Decimal
    available_for_plans: Decimal
    flags: tuple[GuidelineFlag, ...]

    def payment_share(self, payment: Decimal) -> Decimal | None:
        """``payment`` as a percentage of disposable income (two decimals); ``None`` when
        there is no disposable income."""
        if self.disposable_income <= 0:
            return None
        return to_money(payment * HUNDRED / self.disposable_income)

    def is_affordable(self, payment: Decimal) -> bool:
        """Whether ``payment`` fits within disposable income after the safety buffer."""
        return self.disposable_income > 0 and payment <= self.available_for_plans


DEFAULT_GUIDELINES = SpendingGuidelines()
DEFAULT_AFFORDABILITY_POLICY = AffordabilityPolicy()


def assess_affordability(
    statement: Statement,
    guidelines: SpendingGuidelines = DEFAULT_GUIDELINES,
    policy: AffordabilityPolicy = DEFAULT_AFFORDABILITY_POLICY,
) -> Affordability:
    """Work out disposable income, the safety buffer and the spending flags of ``statement``.

    Flags list, in :data:`ESSENTIAL_CATEGORIES` order, every line strictly above
    its guideline for the statement's household size.
    """
    total_income = sum(statement.income.values(), ZERO)
    total_essentials = sum(statement.essentials.values(), ZERO)
    total_debts = sum(statement.debt_repayments.values(), ZERO)
    disposable = total_income - total_essentials - total_debts
    if disposable > 0:
        buffer = max(policy.buffer_floor, to_money(disposable * policy.buffer_share))
        available = max(ZERO, disposable - buffer)
    else:
        buffer = policy.buffer_floor
        available = ZERO
    flags = []
    for category in ESSENTIAL_CATEGORIES:
        amount = statement.essentials.get(category)
        guideline = guidelines.guideline_for(category, statement.household_size)
        if amount is not None and guideline is not None and amount > guideline:
            flags.append(GuidelineFlag(category, amount, guideline, statement.household_size))
    return Affordability(
        total_income=total_income,
        total_essentials=total_essentials,
        total_debt_repayments=total_debts,
        disposable_income=disposable,
        safety_buffer=buffer,
        available_for_plans=available,
        flags=tuple(flags),
    )
