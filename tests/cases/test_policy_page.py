from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from cases.models import AuthorityLimit, NegotiationPolicy
from cases.policy import authority_limits, current_policy
from cases.policy_services import PolicyRejected, policy_update

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def edit_url() -> str:
    return reverse("policy:edit")


def history_url() -> str:
    return reverse("policy:history")


def history_rows() -> int:
    return NegotiationPolicy.history.count() + AuthorityLimit.history.count()


def current_form_data(client: Client, reason: str = "Quarterly policy review") -> dict[str, str]:
    """What the browser would post if the administrator changed nothing but the reason."""
    page = client.get(edit_url()).context["page"]
    data = {}
    for form in page.forms:
        for field in form:
            data[field.html_name] = field.field.widget.format_value(field.value()) or ""
    data["reason"] = reason
    return data


def test_an_admin_changes_the_policy_and_sees_old_and_new_values_in_the_history(
    client_for: ClientFor, admin: User
) -> None:
    client = client_for(admin)
    data = current_form_data(client, reason="Board decision 2025-07")
    data |= {
        "policy-max_term_months": "48",
        "policy-quiet_hours_start": "20:30",
        "agent-max_term_months": "24",
        "agent-max_interest_waiver_share": "0.35",
        "supervisor-max_term_months": "48",
    }

    response = client.post(edit_url(), data, follow=True)

    assert response.redirect_chain == [(edit_url(), 302)]
    assert "The policy was saved." in response.content.decode()
    policy = current_policy()
    assert policy.max_term_months == 48
    assert policy.updated_by == admin
    assert authority_limits("agent").max_term_months == 24
    assert authority_limits("agent").max_interest_waiver_share == Decimal("0.35")
    assert authority_limits("supervisor").max_term_months == 48
    assert authority_limits("supervisor").max_settlement_discount == Decimal("50")

    history = client.get(history_url())
    html = history.content.decode()
    assert "Board decision 2025-07" in html
    assert "<del>60</del>" in html
    assert "<ins>48</ins>" in html
    assert "<del>21:00</del>" in html
    assert "<ins>20:30</ins>" in html
    newest = history.context["entries"][0]
    assert newest.who == admin
    assert newest.reason == "Board decision 2025-07"
    changes = {
        change.label: (change.old, change.new)
        for entry in history.context["entries"]
        if entry.reason == "Board decision 2025-07"
        for change in entry.changes
    }
    assert changes["Plan length, at most (months)"] == ("36", "24")
    assert changes["Interest waiver, at most (share of accrued interest, 0–1)"] == ("0.5", "0.35")
    assert changes["Maximum plan length (months)"] == ("60", "48")
    subjects = [
        e.subject for e in history.context["entries"] if e.reason == "Board decision 2025-07"
    ]
    assert sorted(subjects) == [
        "Authority limits: Collections agent",
        "Authority limits: Supervisor",
        "Negotiation policy",
    ]


def test_the_history_keeps_the_reason_on_each_version(client_for: ClientFor, admin: User) -> None:
    client = client_for(admin)
    client.post(edit_url(), current_form_data(client) | {"policy-offer_validity_days": "21"})

    version = NegotiationPolicy.history.latest()
    assert version.history_change_reason == "Quarterly policy review"
    assert version.history_user == admin
    assert version.offer_validity_days == 21


@pytest.mark.parametrize("persona", ["agent", "supervisor", "cardholder"])
@pytest.mark.parametrize("url", [edit_url, history_url], ids=["edit", "history"])
def test_only_administrators_may_open_the_policy_pages(
    request: pytest.FixtureRequest,
    client_for: ClientFor,
    persona: str,
    url: Callable[[], str],
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url()).status_code == 403


def test_a_refused_persona_cannot_change_the_policy_by_posting(
    client_for: ClientFor, supervisor: User
) -> None:
    before = history_rows()
    response = client_for(supervisor).post(
        edit_url(), {"policy-max_term_months": "12", "reason": "Sneaky"}
    )
    assert response.status_code == 403
    assert current_policy().max_term_months == 60
    assert history_rows() == before


@pytest.mark.parametrize("url", [edit_url, history_url], ids=["edit", "history"])
def test_anonymous_visitors_are_sent_to_log_in(client: Client, url: Callable[[], str]) -> None:
    response = client.get(url())
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("bad_input", "message"),
    [
        pytest.param(
            {"policy-max_term_months": "61"}, "Enter a number from 1 to 60.", id="term-61"
        ),
        pytest.param(
            {"agent-max_settlement_discount": "60"},
            "An agent may not be allowed more than a supervisor: at most 50.",
            id="agent-above-supervisor",
        ),
        pytest.param(
            {"supervisor-max_interest_waiver_share": "0.4"},
            "An agent may not be allowed more than a supervisor: at most 0.4.",
            id="supervisor-lowered-below-agent",
        ),
        pytest.param(
            {"agent-min_apr": "1", "supervisor-min_apr": "3"},
            "An agent may not offer a lower APR than a supervisor can: at least 3.",
            id="agent-apr-below-supervisor",
        ),
        pytest.param(
            {"policy-max_term_months": "30"},
            "Cannot be longer than the maximum plan length of the policy (30 months).",
            id="role-term-above-policy",
        ),
        pytest.param(
            {"policy-max_contacts_per_day": "8", "policy-max_contacts_per_week": "7"},
            "Contacts a day cannot be more than contacts a week (7).",
            id="per-day-above-per-week",
        ),
        pytest.param(
            {"agent-max_interest_waiver_share": "-0.1"},
            "Enter a number from 0 to 1.",
            id="negative-share",
        ),
        pytest.param(
            {"agent-max_fee_waiver_share": "0.12345"},
            "Ensure that there are no more than 4 decimal places.",
            id="share-with-five-decimals",
        ),
        pytest.param({"policy-quiet_hours_start": "late"}, "Enter a valid time.", id="not-a-time"),
        pytest.param({"reason": "   "}, "Say why you are making this change.", id="no-reason"),
    ],
)
def test_a_bad_input_is_explained_and_nothing_is_saved(
    client_for: ClientFor, admin: User, bad_input: dict[str, str], message: str
) -> None:
    client = client_for(admin)
    before = history_rows()
    # A valid change goes along with the bad one: it must not be saved on its own either.
    data = current_form_data(client) | {"policy-offer_validity_days": "21"} | bad_input

    response = client.post(edit_url(), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(message) in html
    assert "Nothing was saved." in html
    assert history_rows() == before
    assert current_policy().offer_validity_days == 14
    assert current_policy().max_term_months == 60
    assert authority_limits("agent").max_settlement_discount == Decimal("20")


def test_every_problem_is_shown_at_once(client_for: ClientFor, admin: User) -> None:
    client = client_for(admin)
    data = current_form_data(client, reason="") | {
        "agent-max_settlement_discount": "60",
        "policy-max_contacts_per_day": "8",
    }

    html = client.post(edit_url(), data).content.decode()

    assert "Say why you are making this change." in html
    assert "An agent may not be allowed more than a supervisor: at most 50." in html
    assert "Contacts a day cannot be more than contacts a week (7)." in html


def test_saving_without_a_change_writes_no_history(client_for: ClientFor, admin: User) -> None:
    client = client_for(admin)
    before = history_rows()
    updated_at = current_policy().updated_at

    response = client.post(edit_url(), current_form_data(client), follow=True)

    assert "Nothing was changed, so nothing was saved." in response.content.decode()
    assert history_rows() == before
    assert current_policy().updated_at == updated_at


def test_the_form_shows_the_values_in_force(client_for: ClientFor, admin: User) -> None:
    policy_update(
        actor=admin,
        policy_values={"max_contacts_per_week": 5},
        authority_values={"agent": {"max_settlement_discount": Decimal("15")}},
        reason="Regulator guidance",
    )
    data = current_form_data(client_for(admin))
    assert data["policy-max_contacts_per_week"] == "5"
    assert Decimal(data["agent-max_settlement_discount"]) == Decimal("15")
    assert data["policy-quiet_hours_start"] == "21:00"


def test_every_field_has_a_label(client_for: ClientFor, admin: User) -> None:
    response = client_for(admin).get(edit_url())
    html = response.content.decode()
    for form in response.context["page"].forms:
        for field in form.visible_fields():
            assert f'for="{field.id_for_label}"' in html, field.html_name


def test_the_admin_dashboard_links_to_the_policy(client_for: ClientFor, admin: User) -> None:
    response = client_for(admin).get(reverse("accounts:admin_dashboard"))
    assert f'href="{edit_url()}"' in response.content.decode()


# --- the service ------------------------------------------------------------------------------


def test_the_service_changes_nothing_when_one_role_is_refused(admin: User) -> None:
    before = history_rows()
    with pytest.raises(PolicyRejected) as refusal:
        policy_update(
            actor=admin,
            policy_values={"offer_validity_days": 21},
            authority_values={
                "agent": {"max_term_months": 24},
                "supervisor": {"max_settlement_discount": "101"},
            },
            reason="Mixed change",
        )
    assert [(p.scope, p.field) for p in refusal.value.problems] == [
        ("supervisor", "max_settlement_discount")
    ]
    assert history_rows() == before
    assert current_policy().offer_validity_days == 14
    assert authority_limits("agent").max_term_months == 36


def test_the_service_records_who_and_why(admin: User) -> None:
    policy_update(
        actor=admin,
        policy_values={},
        authority_values={"agent": {"min_apr": "1.5"}},
        reason="Funding costs rose",
    )
    row = AuthorityLimit.objects.get(role="agent")
    assert row.min_apr == Decimal("1.5")
    assert row.updated_by == admin
    latest, baseline = row.history.all()[:2]
    assert (latest.history_user, latest.history_change_reason) == (admin, "Funding costs rose")
    # The values the migration set are kept, so the first change shows what it replaced.
    assert baseline.min_apr == Decimal("0")
    assert baseline.history_user is None


def test_a_missing_row_is_created_from_the_defaults(admin: User) -> None:
    AuthorityLimit.objects.filter(role="agent").delete()

    policy_update(
        actor=admin,
        policy_values={},
        authority_values={"agent": {"max_term_months": 30}},
        reason="Restore the agent limits",
    )

    row = AuthorityLimit.objects.get(role="agent")
    assert (row.max_term_months, row.max_settlement_discount) == (30, Decimal("20"))
    assert [(v.history_type, v.history_change_reason) for v in row.history.all()] == [
        ("+", "Restore the agent limits")
    ]


def test_the_history_is_paginated_newest_first(client_for: ClientFor, admin: User) -> None:
    for days in range(2, 32):
        policy_update(
            actor=admin,
            policy_values={"offer_validity_days": days},
            authority_values={},
            reason=f"Try {days} days",
        )
    client = client_for(admin)

    first = client.get(history_url())
    second = client.get(history_url(), {"page": 2})

    assert [e.reason for e in first.context["entries"][:2]] == ["Try 31 days", "Try 30 days"]
    assert len(first.context["entries"]) == 25
    # 30 changes and the values in force before the first of them.
    assert len(second.context["entries"]) == 6
    assert second.context["entries"][-1].first
    assert 'rel="next"' in first.content.decode()


def test_a_save_from_a_page_drawn_before_another_admins_save_is_refused(
    client_for: ClientFor, admin: User
) -> None:
    from cases.policy_services import policy_update

    client = client_for(admin)
    data = current_form_data(client, reason="Shorter offers")  # the page as drawn now
    # Another administrator saves first.
    policy_update(
        actor=admin, policy_values={"offer_validity_days": 21}, authority_values={}, reason="x"
    )
    data["policy-offer_validity_days"] = "7"
    response = client.post(edit_url(), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Another administrator changed the policy while you were editing" in text
    assert current_policy().offer_validity_days == 21
