"""What a cardholder is shown before they accept an offer, and exactly that, as text to keep.

The disclosure covers what the personalised-instalment rules ask for: what is owed and how it
is made up, the amount financed, every instalment (date and amount, with its principal,
interest and fee), the number of payments, the total payable and the cost, the concessions,
the annualised rate and the effective annual rate, whether interest and fees keep accruing,
and what making only the card's minimum payments would cost instead.

The page draws it from `Disclosure`; `Disclosure.text` is the same content as plain text in
the reader's language, and its SHA-256 travels with the consent form, so that what is stored
on acceptance is provably what was on the screen.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts.formatting import day, money, money_in_text
from cases.core import terms_from_json
from cases.models import CardAccount, Offer
from plans.calculator import (
    CalculatorError,
    NoPlanOutcome,
    PlanTerms,
    PlanType,
    Schedule,
    ScheduleRow,
    build_schedule,
    compare_no_plan,
)


@dataclass(frozen=True)
class Line:
    label: str
    amount: Decimal
    subtract: bool = False


@dataclass(frozen=True)
class Disclosure:
    currency: str
    schedule: Schedule
    made_up_of: tuple[Line, ...]
    accrual: str
    comparison: str
    text: str

    @property
    def terms(self) -> PlanTerms:
        return self.schedule.terms

    @property
    def rows(self) -> tuple[ScheduleRow, ...]:
        return self.schedule.rows

    @property
    def zero_payment_months(self) -> int:
        return sum(1 for row in self.schedule.rows if not row.payment)

    @property
    def payments(self) -> int:
        """Instalments with something to pay (months of a pause are rows, not payments)."""
        return sum(1 for row in self.schedule.rows if row.payment)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def disclosure_for(offer: Offer, account: CardAccount) -> Disclosure:
    """The full disclosure of `offer`, from its stored terms, in the active language."""
    return disclosure_of(
        build_schedule(terms_from_json(offer.terms)),
        account,
        reference=offer.case.reference,
        rationale=offer.rationale,
        expires_at=offer.expires_at,
    )


def disclosure_of(
    schedule: Schedule,
    account: CardAccount,
    *,
    reference: str,
    rationale: str = "",
    expires_at: datetime | None = None,
) -> Disclosure:
    """The disclosure of a plan not yet offered: what staff see before they send it."""
    currency = account.currency
    made_up_of = _made_up_of(schedule)
    accrual = accrual_sentence(schedule, currency)
    comparison = _comparison(schedule, account, currency)
    text = _text(
        reference, rationale, expires_at, schedule, made_up_of, accrual, comparison, currency
    )
    return Disclosure(
        currency=currency,
        schedule=schedule,
        made_up_of=made_up_of,
        accrual=accrual,
        comparison=comparison,
        text=text,
    )


def _made_up_of(schedule: Schedule) -> tuple[Line, ...]:
    terms = schedule.terms
    lines = [Line(_("Principal"), terms.balance)]
    if terms.accrued_interest:
        lines.append(Line(_("Interest already charged"), terms.accrued_interest))
    if terms.fees:
        lines.append(Line(_("Fees already charged"), terms.fees))
    if terms.interest_waived:
        lines.append(Line(_("Interest waived for you"), terms.interest_waived, subtract=True))
    if terms.fees_waived:
        lines.append(Line(_("Fees waived for you"), terms.fees_waived, subtract=True))
    return tuple(lines)


def accrual_sentence(schedule: Schedule, currency: str) -> str:
    """Whether interest and fees keep accruing during the plan, in one plain sentence."""
    terms = schedule.terms
    keep_to_it = _(
        "While you keep to the plan, no annual fee, late-payment charge or other fee is added."
    )
    if terms.plan_type is PlanType.SETTLEMENT:
        return _(
            "If you make the payments shown by their due dates, the account is settled and "
            "%(forgiven)s is forgiven; no interest or fees are added meanwhile."
        ) % {"forgiven": money_in_text(schedule.forgiven, currency)}
    if terms.plan_type is PlanType.INTEREST_FREE:
        return _("No interest is charged during the plan.") + " " + keep_to_it
    if terms.plan_type is PlanType.FEE_INSTALMENT:
        return (
            _(
                "No interest is charged; instead a fee of %(fee)s is charged every month, "
                "worked out on the amount the plan starts with, however much has been repaid."
            )
            % {"fee": money_in_text(schedule.rows[0].fee, currency)}
            + " "
            + keep_to_it
        )
    interest = _(
        "Interest is charged at %(apr)s%% a year on what remains to be repaid, and is "
        "included in the payments shown."
    ) % {"apr": f"{terms.plan_apr.normalize():f}"}
    if terms.plan_type is PlanType.DEFERRAL and terms.deferral_months:
        interest = ngettext(
            "For the first month nothing is due, but interest is still charged at %(apr)s%% "
            "a year and added to what you owe; it is repaid in the later payments shown.",
            "For the first %(months)s months nothing is due, but interest is still charged at "
            "%(apr)s%% a year and added to what you owe; it is repaid in the later payments "
            "shown.",
            terms.deferral_months,
        ) % {"months": terms.deferral_months, "apr": f"{terms.plan_apr.normalize():f}"}
    return interest + " " + keep_to_it


def _no_plan(schedule: Schedule, account: CardAccount) -> NoPlanOutcome | None:
    terms = schedule.terms
    owed = terms.balance + terms.accrued_interest + terms.fees
    try:
        return compare_no_plan(owed, account.apr, rule=account.minimum_payment_rule())
    except CalculatorError:
        return None


def _comparison(schedule: Schedule, account: CardAccount, currency: str) -> str:
    outcome = _no_plan(schedule, account)
    if outcome is None:
        return ""
    apr = f"{account.apr.normalize():f}"
    if outcome.never_clears or outcome.total_paid is None:
        return _(
            "Making only this card's minimum payments at its current rate of %(apr)s%% would "
            "never clear what you owe; this plan clears it for %(total)s in all."
        ) % {"apr": apr, "total": money_in_text(schedule.total_payable, currency)}
    return _(
        "Making only this card's minimum payments at its current rate of %(apr)s%% would take "
        "%(months)s months and %(no_plan)s in all; this plan takes %(plan_months)s months and "
        "%(total)s in all."
    ) % {
        "apr": apr,
        "months": outcome.months_to_clear,
        "no_plan": money_in_text(outcome.total_paid, currency),
        "plan_months": schedule.months,
        "total": money_in_text(schedule.total_payable, currency),
    }


def _labelled(label: str, value: object) -> str:
    return f"{label}{pgettext('label and value', ': ')}{value}"


def _rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def _text(
    reference: str,
    rationale: str,
    expires_at: datetime | None,
    schedule: Schedule,
    made_up_of: tuple[Line, ...],
    accrual: str,
    comparison: str,
    currency: str,
) -> str:
    """The disclosure as plain text: what is stored, hashed and later printed in the agreement."""
    lines = [
        _("Repayment plan offered on case %(reference)s") % {"reference": reference},
        "",
        _("What you owe and how it is made up:"),
    ]
    for line in made_up_of:
        sign = "−" if line.subtract else ""
        lines.append("  " + _labelled(line.label, f"{sign}{money(line.amount, currency)}"))
    lines += [
        "  "
        + _labelled(_("Amount to repay under the plan"), money(schedule.financed_amount, currency)),
        "",
        _("Every instalment:"),
    ]
    for row in schedule.rows:
        if row.principal < 0:
            lines.append(
                "  "
                + _("%(n)s. %(date)s: %(payment)s (interest %(interest)s added to what you owe)")
                % {
                    "n": row.n,
                    "date": day(row.due_date),
                    "payment": money(row.payment, currency),
                    "interest": money(row.interest, currency),
                }
            )
            continue
        lines.append(
            "  "
            + _(
                "%(n)s. %(date)s: %(payment)s (principal %(principal)s, interest %(interest)s, "
                "fee %(fee)s)"
            )
            % {
                "n": row.n,
                "date": day(row.due_date),
                "payment": money(row.payment, currency),
                "principal": money(row.principal, currency),
                "interest": money(row.interest, currency),
                "fee": money(row.fee, currency),
            }
        )
    payments = sum(1 for row in schedule.rows if row.payment)
    lines += [
        "",
        _labelled(_("Number of payments"), payments),
        _labelled(_("Total you pay"), money(schedule.total_payable, currency)),
        _labelled(_("Total interest"), money(schedule.total_interest, currency)),
        _labelled(_("Total fees"), money(schedule.total_fees, currency)),
        _labelled(_("Concessions"), money(schedule.concession_total, currency)),
        _labelled(_("Annualised rate"), _rate(schedule.annualised_rate)),
        _labelled(_("Effective annual rate"), _rate(schedule.effective_annual_rate)),
        "",
        accrual,
    ]
    if comparison:
        lines += ["", comparison]
    if rationale:
        lines += ["", _labelled(_("Why we offer this"), rationale)]
    if expires_at:
        until = day(timezone.localtime(expires_at).date())
        lines += ["", _("Open until %(date)s.") % {"date": until}]
    return "\n".join(lines) + "\n"


def schedule_as_json(schedule: Schedule) -> list[dict[str, str | int]]:
    """Every instalment, amounts as text and dates ISO: what the acceptance keeps."""
    return [
        {
            "n": row.n,
            "due_date": row.due_date.isoformat(),
            "payment": str(row.payment),
            "principal": str(row.principal),
            "interest": str(row.interest),
            "fee": str(row.fee),
            "balance": str(row.balance),
        }
        for row in schedule.rows
    ]
