"""The live calculator page: who may open it, what it computes, how it refuses bad input."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from accounts.formatting import day
from accounts.models import User
from cases import planning
from cases.calculator_text import format_amount, format_number
from cases.models import CardAccount, HardshipCase, StatementLine
from cases.policy.rules import PLAN_POLICY
from plans.calculator import PlanTerms, PlanType, Schedule, build_schedule
from plans.forms import default_data
from tests.factories import CardAccountFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("plans:calculator")
RESULTS = reverse("plans:calculator_results")
START = date(2026, 3, 31)


def posted(**changes: str) -> dict[str, str]:
    """The default inputs as the browser posts them, with `changes` (a-months="12", ...)."""
    data = default_data(first_due=START)
    data.update({name.replace("__", "-"): value for name, value in changes.items()})
    return {name: value for name, value in data.items() if value is not None}


def article(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}".*?</article>', html, re.S)
    assert match, f"{testid} not on the page"
    return match.group(0)


def figures(html: str, key: str) -> dict[str, str]:
    """The figures shown for option `key`, by name."""
    found = re.findall(r'data-figure="(\w+)">([^<]*)<', article(html, f"result-{key}"))
    return {name: unescape(value) for name, value in found}


def error_beside(html: str, field_id: str) -> str:
    match = re.search(rf'<div id="{field_id}-error"[^>]*>(.*?)</div>', html, re.S)
    assert match, f"no message slot for {field_id}"
    # Leave out the "Error:" that only screen readers hear.
    shown = re.sub(r'<span class="visually-hidden">.*?</span>', "", match.group(1))
    return unescape(re.sub(r"<[^>]+>", "", shown)).strip()


def quoted(plan_type: PlanType, **options: object) -> Schedule:
    terms = PlanTerms(plan_type, balance=Decimal("30000.00"), start_date=START, **options)  # type: ignore[arg-type]
    return build_schedule(terms, PLAN_POLICY)


def expected_figures(schedule: Schedule) -> dict[str, str]:
    return {
        "financed_amount": format_amount(schedule.financed_amount, "CNY"),
        "monthly_payment": format_amount(schedule.monthly_payment, "CNY"),
        "total_payable": format_amount(schedule.total_payable, "CNY"),
        "total_interest": format_amount(schedule.total_interest, "CNY"),
        "total_fees": format_amount(schedule.total_fees, "CNY"),
        "concession_total": format_amount(schedule.concession_total, "CNY"),
        "annualised_rate": f"{schedule.annualised_rate}%",
        "effective_annual_rate": f"{schedule.effective_annual_rate}%",
        "months": str(schedule.months),
        "first_due_date": day(schedule.rows[0].due_date),
        "last_due_date": day(schedule.last_due_date),
    }


# --- who may open it ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["cardholder", "agent"])
def test_it_opens_for_cardholders_and_case_workers(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Repayment calculator" in html
    assert f'hx-post="{RESULTS}"' in html
    assert 'hx-trigger="input changed delay:300ms, change' in html
    # Updates are announced in one sentence by a status line, not by reading the results out.
    assert '<div id="calculator-results">' in html
    assert '<p id="calculator-status" class="visually-hidden" role="status"></p>' in html


def test_it_refuses_an_editor(client_for, editor):
    client = client_for(editor)
    assert client.get(PAGE).status_code == 403
    assert client.post(RESULTS, posted()).status_code == 403


def test_it_sends_anonymous_visitors_to_log_in(client):
    for url in (PAGE, RESULTS):
        response = client.post(url, posted())
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/accounts/login/")


def test_the_results_endpoint_only_takes_posts(client_for, cardholder):
    assert client_for(cardholder).get(RESULTS).status_code == 405


# --- what it computes -----------------------------------------------------------------------


def test_the_first_view_quotes_the_three_default_options(client_for, cardholder):
    html = client_for(cardholder).get(PAGE).content.decode()
    start = planning.first_due_date()
    instalment = build_schedule(
        PlanTerms(
            PlanType.INSTALMENT,
            balance=Decimal("30000.00"),
            start_date=start,
            apr=Decimal("18.25"),
            months=24,
        )
    )
    assert figures(html, "a") == expected_figures(instalment)
    assert figures(html, "b")["months"] == "36"
    assert figures(html, "b")["total_interest"] == "CNY 0.00"
    assert figures(html, "c")["months"] == "27"  # 3 months without payments, then 24
    assert 'data-testid="no-plan"' in html


def test_the_partial_recomputes_from_the_posted_values(client_for, cardholder):
    data = posted(
        accrued_interest="1200.00",
        fees="350.00",
        a__months="12",
        a__apr="9.99",
        a__interest_waived="600.00",
        a__fees_waived="350.00",
        b__plan_type="step_up",
        b__months="36",
        b__apr="18.25",
        b__step_months="6",
        b__step_ratio="0.5",
        c__plan_type="settlement",
        c__settlement_percent="70",
        c__settlement_payments="3",
    )
    response = client_for(cardholder).post(RESULTS, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the results region alone

    owed = {"accrued_interest": Decimal("1200.00"), "fees": Decimal("350.00")}
    option_a = quoted(
        PlanType.INSTALMENT,
        apr=Decimal("9.99"),
        months=12,
        interest_waived=Decimal("600.00"),
        fees_waived=Decimal("350.00"),
        **owed,
    )
    option_b = quoted(
        PlanType.STEP_UP,
        apr=Decimal("18.25"),
        months=36,
        step_months=6,
        step_ratio=Decimal("0.5"),
        **owed,
    )
    option_c = quoted(
        PlanType.SETTLEMENT, settlement_percent=Decimal(70), settlement_payments=3, **owed
    )
    assert figures(html, "a") == expected_figures(option_a)
    assert figures(html, "a")["concession_total"] == "CNY 950.00"
    assert figures(html, "b") == expected_figures(option_b)
    shown_c = figures(html, "c")
    assert shown_c["forgiven"] == format_amount(option_c.forgiven, "CNY")
    assert shown_c["total_payable"] == format_amount(option_c.total_payable, "CNY")
    assert shown_c["annualised_rate"] == "Not applicable to a settlement"

    # Every row of every schedule, and the chart's balances, are the calculator's.
    for row in option_b.rows:
        assert f"<td>{day(row.due_date)}</td>" in html
    assert format_number(option_b.rows[5].payment) in html
    chart = json.loads(
        re.search(
            r'id="calculator-chart-data" type="application/json">(.*?)</script>', html, re.S
        ).group(1)  # type: ignore[union-attr]
    )
    series = {line["key"]: line["data"] for line in chart["series"]}
    assert series["a"] == [str(option_a.financed_amount)] + [str(r.balance) for r in option_a.rows]
    assert len(series["c"]) == 4


def test_a_browser_without_javascript_gets_the_whole_page_back(client_for, agent):
    response = client_for(agent).post(PAGE, posted(a__months="48"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert figures(html, "a")["months"] == "48"
    assert 'value="48"' in html


def test_an_option_switched_off_is_not_compared(client_for, cardholder):
    data = posted()
    del data["b-enabled"]
    html = client_for(cardholder).post(RESULTS, data).content.decode()
    assert 'data-testid="result-a"' in html
    assert 'data-testid="result-b"' not in html
    assert 'data-testid="result-c"' in html


def test_inputs_of_another_plan_type_are_ignored(client_for, cardholder):
    # Option A is an instalment plan: a stray value in its hidden settlement inputs is no error.
    html = (
        client_for(cardholder)
        .post(RESULTS, posted(a__settlement_percent="lots", a__fee_rate="-3"))
        .content.decode()
    )
    assert figures(html, "a")["months"] == "24"
    assert error_beside(html, "id_a-settlement_percent") == ""


# --- bad input ------------------------------------------------------------------------------

TERM_TOO_LONG = "The plan would run for 100 months, longer than the maximum of 60."
MONTHS_REQUIRED = "The number of months is required for a plan of type instalment."
WAIVER_TOO_BIG = "The interest waiver of CNY 500.00 is more than the accrued interest of CNY 0.00."
PAST_9999 = "The plan's due dates would run past the year 9999."
UNKNOWN_TYPE = "Select a valid choice. holiday is not one of the available choices."
BAD_INPUTS = [
    ("a__months", "100", "id_a-months", TERM_TOO_LONG),
    ("a__months", "0", "id_a-months", "The number of months must be at least 1."),
    ("a__months", "twelve", "id_a-months", "Enter a whole number."),
    ("a__months", "", "id_a-months", MONTHS_REQUIRED),
    ("a__apr", "150", "id_a-apr", "The APR must be between 0.00 and 100."),
    ("a__apr", "-1", "id_a-apr", "The APR cannot be negative."),
    ("a__interest_waived", "500.00", "id_a-interest_waived", WAIVER_TOO_BIG),
    ("a__fees_waived", "-5", "id_a-fees_waived", "The fee waiver cannot be negative."),
    ("a__start_date", "2026-02-30", "id_a-start_date", "Enter a valid date."),
    ("a__start_date", "9999-06-01", "id_a-start_date", PAST_9999),
    ("a__plan_type", "holiday", "id_a-plan_type", UNKNOWN_TYPE),
]


@pytest.mark.parametrize(("name", "value", "field_id", "message"), BAD_INPUTS)
def test_bad_input_in_one_option_is_explained_beside_it(
    client_for, cardholder, name, value, field_id, message
):
    response = client_for(cardholder).post(RESULTS, posted(**{name: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert error_beside(html, field_id) == message
    assert 'data-testid="problem-a"' in html
    # The other options are still compared.
    assert figures(html, "b")["months"] == "36"
    assert figures(html, "c")["months"] == "27"


def test_a_step_up_ratio_out_of_range_is_explained(client_for, cardholder):
    data = posted(b__plan_type="step_up", b__step_ratio="1.5")
    html = client_for(cardholder).post(RESULTS, data).content.decode()
    assert error_beside(html, "id_b-step_ratio") == (
        "The step-up ratio must be between more than 0.00 and 1."
    )
    assert figures(html, "a")["months"] == "24"


@pytest.mark.parametrize(
    ("name", "value", "field_id", "message"),
    [
        ("balance", "-30000", "id_balance", "The balance must be more than zero."),
        ("balance", "lots", "id_balance", "Enter a number."),
        ("balance", "30000.001", "id_balance", "The balance can have at most 2 decimal places."),
        ("balance", "5000000000", "id_balance", "The balance cannot be more than 1000000000.00."),
        ("fees", "-1", "id_fees", "The outstanding fees cannot be negative."),
        ("current_apr", "101", "id_current_apr", "The APR must be between 0.00 and 100."),
    ],
)
def test_bad_input_in_what_is_owed_is_explained_beside_it(
    client_for, cardholder, name, value, field_id, message
):
    response = client_for(cardholder).post(RESULTS, posted(**{name: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert error_beside(html, field_id) == message
    assert 'data-testid="amounts-problem"' in html


def test_amounts_typed_with_thousands_separators_are_understood(client_for, cardholder):
    html = client_for(cardholder).post(RESULTS, posted(balance="30,000.00")).content.decode()
    assert figures(html, "a")["financed_amount"] == "CNY 30,000.00"


def test_messages_clear_once_the_input_is_corrected(client_for, cardholder):
    client = client_for(cardholder)
    client.post(RESULTS, posted(a__months="100"))
    html = client.post(RESULTS, posted(a__months="30")).content.decode()
    assert error_beside(html, "id_a-months") == ""
    assert 'hx-swap-oob="true"' in html
    assert figures(html, "a")["months"] == "30"


def test_a_full_page_with_an_error_marks_the_input_invalid(client_for, cardholder):
    html = client_for(cardholder).post(PAGE, posted(a__months="100")).content.decode()
    field = re.search(r'<input[^>]*id="id_a-months"[^>]*>', html)
    assert field
    assert 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="id_a-months-error' in field.group(0)


# --- languages ------------------------------------------------------------------------------


def test_it_renders_in_chinese(client_for, cardholder):
    client = client_for(cardholder)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(PAGE).content.decode()
    assert '<html lang="zh-hans">' in html
    partial = client.post(RESULTS, posted(balance="lots")).content.decode()
    assert error_beside(partial, "id_balance") == "输入一个数字。"


# --- the cardholder's own situation ---------------------------------------------------------


def situation_for(user: User, *, reference: str) -> tuple[CardAccount, HardshipCase]:
    account = CardAccountFactory.create(
        holder=user,
        bank_reference=reference,
        card_last4="4321",
        principal_balance=Decimal("28000.00"),
        interest_balance=Decimal("1200.00"),
        penalty_interest_balance=Decimal("300.00"),
        fees_balance=Decimal("450.00"),
        apr=Decimal("24.00"),
        days_past_due=45,
    )
    case = HardshipCase.objects.create(
        account=account, cardholder=user, opened_by=user, household_size=2
    )
    for section, category, amount in [
        ("income", "salary", "9000.00"),
        ("essential", "housing", "2500.00"),
        ("essential", "food", "1200.00"),
        ("essential", "utilities", "300.00"),
    ]:
        StatementLine.objects.create(
            case=case, section=section, category=category, monthly_amount=Decimal(amount)
        )
    return account, case


def test_a_cardholder_with_a_statement_sees_plans_for_their_situation(client_for, cardholder):
    _account, case = situation_for(cardholder, reference="ACC-ALICE-1")
    html = client_for(cardholder).get(PAGE).content.decode()
    assert "Recommended for you" in html
    assert case.reference in html
    result = planning.recommendations_for(case)
    assert result is not None
    assert result.recommendations
    best = result.recommendations[0]
    shown = re.findall(r'data-figure="(\w+)">([^<]*)<', article(html, "recommendation-1"))
    assert ("monthly_payment", format_amount(best.schedule.monthly_payment, "CNY")) in [
        (key, unescape(value)) for key, value in shown
    ]
    terms = json.loads(
        re.search(
            r'id="recommendation-1-terms" type="application/json">(.*?)</script>', html
        ).group(1)  # type: ignore[union-attr]
    )
    assert terms["amounts"] == {
        "balance": "28000.00",
        "accrued_interest": "1500.00",
        "fees": "450.00",
        "current_apr": "24.00",
    }
    assert terms["option"]["plan_type"] == best.terms.plan_type
    assert 'data-compare-into="a"' in html


def test_it_hides_other_cardholders_situations(client_for, cardholder, other_cardholder):
    situation_for(cardholder, reference="ACC-ALICE-1")
    html = client_for(other_cardholder).get(PAGE).content.decode()
    assert "Recommended for you" in html
    assert "Apply for help from your dashboard" in html
    assert "recommendation-1" not in html
    assert "28000.00" not in html
    assert "4321" not in html


def test_the_options_never_show_another_cardholders_figures(
    client_for, cardholder, other_cardholder
):
    situation_for(cardholder, reference="ACC-ALICE-1")
    response = client_for(other_cardholder).post(RESULTS, posted())
    html = response.content.decode()
    assert "28,000.00" not in html
    assert "28000.00" not in html
    assert figures(html, "a")["financed_amount"] == "CNY 30,000.00"


def test_staff_see_no_personal_recommendation(client_for, agent):
    situation_for(agent, reference="ACC-AGENT-1")
    html = client_for(agent).get(PAGE).content.decode()
    assert "Recommended for you" not in html
    assert 'data-testid="personal"' not in html
