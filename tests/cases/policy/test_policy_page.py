"""The policy page: administrators propose changes, a second administrator puts them in force."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pytest
from django.forms import CheckboxInput
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from cases.models import AuthorityLimit, NegotiationPolicy, PolicyChange, PolicyChangeStatus
from cases.policy.rules import authority_limits, current_policy
from cases.policy.services import (
    policy_change_approve,
    policy_change_propose,
    policy_change_reject,
    policy_change_withdraw,
)
from cases.policy.validation import PolicyRejected, current_authority_limit_rows, policy_fingerprint

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def edit_url() -> str:
    return reverse("policy:edit")


def history_url() -> str:
    return reverse("policy:history")


def decide_url(change: PolicyChange) -> str:
    return reverse("policy:decide", args=[change.pk])


def history_rows() -> int:
    return NegotiationPolicy.history.count() + AuthorityLimit.history.count()


def seen_now() -> str:
    return policy_fingerprint(current_policy(), current_authority_limit_rows())


def propose(
    maker: User,
    *,
    policy_values: Mapping[str, Any] | None = None,
    authority_values: Mapping[str, Mapping[str, Any]] | None = None,
    reason: str = "Quarterly policy review",
) -> PolicyChange:
    change = policy_change_propose(
        actor=maker,
        policy_values=policy_values or {},
        authority_values=authority_values or {},
        reason=reason,
        seen=seen_now(),
    )
    assert change is not None
    return change


def put_in_force(maker: User, checker: User, **values: Any) -> PolicyChange:
    return policy_change_approve(change=propose(maker, **values), actor=checker)


def current_form_data(client: Client, reason: str = "Quarterly policy review") -> dict[str, str]:
    """What the browser would post if the administrator changed nothing but the reason."""
    page = client.get(edit_url()).context["page"]
    data = {}
    for form in page.forms:
        for field in form:
            if isinstance(field.field.widget, CheckboxInput):
                # A browser posts a ticked box as "on" and leaves an unticked one out.
                if field.value():
                    data[field.html_name] = "on"
                continue
            value = field.field.widget.format_value(field.value())
            if isinstance(value, list):  # a select gives the chosen options
                value = value[0] if value else ""
            data[field.html_name] = value or ""
    data["reason"] = reason
    return data


def test_a_change_takes_effect_only_when_a_second_admin_approves_it(
    client_for: ClientFor, admin: User, other_admin: User
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
    html = response.content.decode()
    assert "It takes effect when another administrator approves it." in html
    # Proposed, visible, and not in force.
    assert 'data-testid="pending-change"' in html
    assert "<ins>48</ins>" in html
    assert current_policy().max_term_months == 60
    assert authority_limits("agent").max_term_months == 36
    change = PolicyChange.objects.get()
    assert change.status == PolicyChangeStatus.PENDING
    assert change.proposed_by == admin

    checker = client_for(other_admin)
    response = checker.post(decide_url(change), {"decision": "approve"}, follow=True)

    assert "The change is approved and now in force." in response.content.decode()
    policy = current_policy()
    assert policy.max_term_months == 48
    assert policy.updated_by == admin
    assert authority_limits("agent").max_term_months == 24
    assert authority_limits("agent").max_interest_waiver_share == Decimal("0.35")
    assert authority_limits("supervisor").max_term_months == 48
    assert authority_limits("supervisor").max_settlement_discount == Decimal("50")
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (PolicyChangeStatus.APPROVED, other_admin)

    history = checker.get(history_url())
    html = history.content.decode()
    assert "Board decision 2025-07" in html
    assert "<del>60</del>" in html
    assert "<ins>48</ins>" in html
    assert "<del>21:00</del>" in html
    assert "<ins>20:30</ins>" in html
    newest, approval = history.context["entries"][0]
    assert newest.who == admin
    assert newest.reason == "Board decision 2025-07"
    assert approval == change
    changes = {
        row.label: (row.old, row.new)
        for entry, _approval in history.context["entries"]
        if entry.reason == "Board decision 2025-07"
        for row in entry.changes
    }
    assert changes["Plan length, at most (months)"] == ("36", "24")
    assert changes["Interest waiver, at most (share of accrued interest, 0–1)"] == ("0.5", "0.35")
    assert changes["Maximum plan length (months)"] == ("60", "48")
    subjects = sorted(
        entry.subject
        for entry, _approval in history.context["entries"]
        if entry.reason == "Board decision 2025-07"
    )
    assert subjects == [
        "Authority limits: Collections agent",
        "Authority limits: Supervisor",
        "Negotiation policy",
    ]


def test_nobody_approves_their_own_change(
    client_for: ClientFor, admin: User, other_admin: User
) -> None:
    change = propose(admin, policy_values={"offer_validity_days": 21})

    with pytest.raises(PolicyRejected, match="another administrator must decide"):
        policy_change_approve(change=change, actor=admin)
    response = client_for(admin).post(decide_url(change), {"decision": "approve"}, follow=True)

    assert "another administrator must decide on it" in response.content.decode()
    assert current_policy().offer_validity_days == 14
    change.refresh_from_db()
    assert change.status == PolicyChangeStatus.PENDING


def test_a_rejected_change_needs_a_reason_and_is_kept(
    client_for: ClientFor, admin: User, other_admin: User
) -> None:
    change = propose(admin, policy_values={"offer_validity_days": 21}, reason="Give more time")
    checker = client_for(other_admin)

    refused = checker.post(decide_url(change), {"decision": "reject", "note": " "}, follow=True)
    assert "Say why you are rejecting this change." in refused.content.decode()
    checker.post(decide_url(change), {"decision": "reject", "note": "Too generous for Q3"})

    change.refresh_from_db()
    assert (change.status, change.decision_note) == (
        PolicyChangeStatus.REJECTED,
        "Too generous for Q3",
    )
    assert current_policy().offer_validity_days == 14
    html = checker.get(history_url()).content.decode()
    assert "Give more time" in html
    assert "Too generous for Q3" in html
    assert "Rejected" in html


def test_the_proposer_can_withdraw_and_nobody_else_can(admin: User, other_admin: User) -> None:
    change = propose(admin, policy_values={"offer_validity_days": 21})
    with pytest.raises(PolicyRejected):
        policy_change_withdraw(change=change, actor=other_admin)

    policy_change_withdraw(change=change, actor=admin)

    change.refresh_from_db()
    assert change.status == PolicyChangeStatus.WITHDRAWN
    with pytest.raises(PolicyRejected, match="no longer waiting"):
        policy_change_approve(change=change, actor=other_admin)
    assert current_policy().offer_validity_days == 14


def test_one_change_waits_at_a_time(client_for: ClientFor, admin: User, other_admin: User) -> None:
    propose(admin, policy_values={"offer_validity_days": 21})
    with pytest.raises(PolicyRejected, match="Another change is waiting for approval"):
        propose(other_admin, policy_values={"offer_validity_days": 7})

    response = client_for(other_admin).get(edit_url())
    html = response.content.decode()
    assert 'data-testid="form-locked"' in html
    assert "Propose this change" not in html
    assert "Approve: put it in force" in html
    assert PolicyChange.objects.count() == 1


def test_the_proposer_is_told_when_nobody_can_approve(client_for: ClientFor, admin: User) -> None:
    propose(admin, policy_values={"offer_validity_days": 21})

    html = client_for(admin).get(edit_url()).content.decode()

    assert 'data-testid="no-approver"' in html
    assert "Withdraw my change" in html


def test_the_other_admins_are_notified_of_a_proposal(admin: User, other_admin: User) -> None:
    propose(admin, policy_values={"offer_validity_days": 21}, reason="Longer to decide")

    notice = other_admin.notifications.get()
    assert notice.rendered_title == "A policy change waits for your approval"
    assert "Longer to decide" in notice.rendered_body
    assert not admin.notifications.exists()


def test_a_change_approved_after_the_rows_moved_on_is_refused(
    admin: User, other_admin: User
) -> None:
    change = propose(admin, policy_values={"offer_validity_days": 21})
    # The rows change by another path (a data fix, say) while the proposal waits.
    NegotiationPolicy.objects.filter(pk=1).update(offer_validity_days=10)
    policy = NegotiationPolicy.objects.get(pk=1)
    policy.save()

    with pytest.raises(PolicyRejected, match="cannot be approved as it stands"):
        policy_change_approve(change=change, actor=other_admin)
    assert current_policy().offer_validity_days == 10


def test_the_history_keeps_the_reason_on_each_version(admin: User, other_admin: User) -> None:
    put_in_force(admin, other_admin, policy_values={"offer_validity_days": 21})

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
    client_for: ClientFor, supervisor: User, admin: User
) -> None:
    change = propose(admin, policy_values={"offer_validity_days": 21})
    before = history_rows()
    client = client_for(supervisor)
    response = client.post(edit_url(), {"policy-max_term_months": "12", "reason": "Sneaky"})
    assert response.status_code == 403
    assert client.post(decide_url(change), {"decision": "approve"}).status_code == 403
    assert current_policy().max_term_months == 60
    assert current_policy().offer_validity_days == 14
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
            {"policy-quiet_hours_start": "21:00", "policy-quiet_hours_end": "21:00"},
            "The quiet hours must end at a different time from when they start.",
            id="quiet-hours-empty",
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
def test_a_bad_input_is_explained_and_nothing_is_proposed(
    client_for: ClientFor, admin: User, bad_input: dict[str, str], message: str
) -> None:
    client = client_for(admin)
    before = history_rows()
    # A valid change goes along with the bad one: it must not be proposed on its own either.
    data = current_form_data(client) | {"policy-offer_validity_days": "21"} | bad_input

    response = client.post(edit_url(), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(message) in html
    assert "Nothing was proposed." in html
    assert history_rows() == before
    assert not PolicyChange.objects.exists()
    assert current_policy().offer_validity_days == 14


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


def test_proposing_no_change_records_nothing(client_for: ClientFor, admin: User) -> None:
    client = client_for(admin)
    before = history_rows()

    response = client.post(edit_url(), current_form_data(client), follow=True)

    assert "Nothing was changed, so nothing was proposed." in response.content.decode()
    assert history_rows() == before
    assert not PolicyChange.objects.exists()


def test_the_form_shows_the_values_in_force(
    client_for: ClientFor, admin: User, other_admin: User
) -> None:
    put_in_force(
        admin,
        other_admin,
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


def test_a_proposal_is_refused_whole_when_one_role_is_refused(admin: User) -> None:
    with pytest.raises(PolicyRejected) as refusal:
        propose(
            admin,
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
    assert not PolicyChange.objects.exists()


def test_an_approval_records_who_proposed_and_why(admin: User, other_admin: User) -> None:
    put_in_force(
        admin, other_admin, authority_values={"agent": {"min_apr": "1.5"}}, reason="Funding costs"
    )
    row = AuthorityLimit.objects.get(role="agent")
    assert row.min_apr == Decimal("1.5")
    assert row.updated_by == admin
    latest, baseline = row.history.all()[:2]
    assert (latest.history_user, latest.history_change_reason) == (admin, "Funding costs")
    # The values the migration set are kept, so the first change shows what it replaced.
    assert baseline.min_apr == Decimal("0")
    assert baseline.history_user is None


def test_a_missing_row_is_created_from_the_defaults(admin: User, other_admin: User) -> None:
    AuthorityLimit.objects.filter(role="agent").delete()

    put_in_force(
        admin,
        other_admin,
        authority_values={"agent": {"max_term_months": 30}},
        reason="Restore the agent limits",
    )

    row = AuthorityLimit.objects.get(role="agent")
    assert (row.max_term_months, row.max_settlement_discount) == (30, Decimal("20"))
    assert [(v.history_type, v.history_change_reason) for v in row.history.all()] == [
        ("+", "Restore the agent limits")
    ]


def test_the_history_is_paginated_newest_first(
    client_for: ClientFor, admin: User, other_admin: User
) -> None:
    for days in range(2, 32):
        put_in_force(
            admin, other_admin, policy_values={"offer_validity_days": days}, reason=f"Try {days}"
        )
    client = client_for(admin)

    first = client.get(history_url())
    second = client.get(history_url(), {"page": 2})

    assert [e.reason for e, _a in first.context["entries"][:2]] == ["Try 31", "Try 30"]
    assert len(first.context["entries"]) == 25
    # 30 changes and the values in force before the first of them.
    assert len(second.context["entries"]) == 6
    assert second.context["entries"][-1][0].first
    assert 'rel="next"' in first.content.decode()
    assert len(first.context["proposals"].object_list) == 25


def test_a_proposal_from_a_page_drawn_before_another_change_is_refused(
    client_for: ClientFor, admin: User, other_admin: User
) -> None:
    client = client_for(admin)
    data = current_form_data(client, reason="Shorter offers")  # the page as drawn now
    put_in_force(other_admin, admin, policy_values={"offer_validity_days": 21})
    data["policy-offer_validity_days"] = "7"

    response = client.post(edit_url(), data)

    assert response.status_code == 200
    assert "The policy changed while you were looking at it" in response.content.decode()
    assert current_policy().offer_validity_days == 21
    assert PolicyChange.objects.filter(status=PolicyChangeStatus.PENDING).count() == 0


def test_a_proposal_without_the_page_fingerprint_is_refused(
    client_for: ClientFor, admin: User
) -> None:
    client = client_for(admin)
    data = current_form_data(client) | {"policy-offer_validity_days": "21", "seen": ""}

    response = client.post(edit_url(), data)

    assert "The policy changed while you were looking at it" in response.content.decode()
    assert not PolicyChange.objects.exists()
    with pytest.raises(PolicyRejected):
        policy_change_propose(
            actor=admin,
            policy_values={"offer_validity_days": 21},
            authority_values={},
            reason="No fingerprint",
            seen="",
        )


def test_a_rejection_by_the_service_needs_a_note(admin: User, other_admin: User) -> None:
    change = propose(admin, policy_values={"offer_validity_days": 21})
    with pytest.raises(PolicyRejected, match="Say why"):
        policy_change_reject(change=change, actor=other_admin, note="")
