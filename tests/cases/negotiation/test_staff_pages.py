"""The collections team's pages, through HTTP as staff use them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import negotiation as n
from cases.application.services import case_open_for_cardholder
from cases.models import AuthorityLimit, CaseStatus, HardshipCase, Offer, OfferStatus
from cases.planning import recommendations_for
from cases.policy.rules import authority_for
from tests.cases.negotiation.test_negotiation import quote
from tests.factories import CardAccountFactory

pytestmark = pytest.mark.django_db


def _open_cases(agent, count, **account):
    cases = []
    for _ in range(count):
        acc = CardAccountFactory.create(**account)
        cases.append(
            case_open_for_cardholder(
                account=acc,
                actor=agent,
                channel="phone",
                reason="illness",
                duration="temporary",
                own_words="x",
            )
        )
    return cases


def test_the_queue_lists_cases_and_is_refused_to_cardholders(
    client_for, agent, cardholder, submitted
):
    page = client_for(agent).get(reverse("cases:queue")).content.decode()
    assert submitted.reference in page
    assert client_for(cardholder).get(reverse("cases:queue")).status_code == 403


def test_queue_queries_do_not_grow_with_the_number_of_cases(client_for, agent):
    client = client_for(agent)
    _open_cases(agent, 3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:queue"))
    _open_cases(agent, 12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("cases:queue"))
    assert 'data-testid="queue-count">15 cases<' in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_queue_filters_by_bucket_assignee_and_sla(client_for, agent, other_agent):
    early = _open_cases(agent, 1, days_past_due=10)[0]
    late = _open_cases(agent, 1, days_past_due=120)[0]
    n.case_claim(case=late, actor=other_agent, version=late.version)
    HardshipCase.objects.filter(pk=early.pk).update(
        decision_due=timezone.now() - timedelta(hours=1)
    )
    client = client_for(agent)

    def refs(**params):
        return client.get(reverse("cases:queue"), params).content.decode()

    assert late.reference in refs(bucket="90-179")
    assert early.reference not in refs(bucket="90-179")
    assert early.reference in refs(assignee="unassigned")
    assert late.reference not in refs(assignee="unassigned")
    assert early.reference in refs(sla="breached")
    assert late.reference not in refs(sla="breached")
    assert 'data-testid="sla-breached"' in refs()
    assert late.reference in refs(risk="high")
    assert early.reference not in refs(risk="high")


def test_live_filters_return_only_the_results_for_htmx(client_for, agent, submitted):
    response = client_for(agent).get(reverse("cases:queue"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert submitted.reference in html
    assert "<html" not in html


def test_bad_filter_values_are_ignored_not_a_500(client_for, agent, submitted):
    response = client_for(agent).get(
        reverse("cases:queue"), {"sort": "drop table", "bucket": "x", "page": "999"}
    )
    assert response.status_code == 200


def test_the_review_page_shows_affordability_recommendations_and_risk(client_for, agent, submitted):
    page = client_for(agent).get(reverse("cases:review", args=[submitted.pk])).content.decode()
    assert 'data-testid="disposable"' in page
    assert "Option 1" in page
    assert 'data-testid="risk-band">Medium<' in page


def set_agent_authority(**limits):
    """The agent's limits as the policy page would save them (the supervisor's by default)."""
    values = {
        "max_interest_waiver_share": "1",
        "max_fee_waiver_share": "1",
        "max_settlement_discount": "50",
        "max_term_months": 60,
        "min_apr": "0",
        **limits,
    }
    AuthorityLimit.objects.update_or_create(role="agent", defaults=values)


def claimed(client, case):
    client.post(reverse("cases:claim", args=[case.pk]), {"version": case.version})
    return HardshipCase.objects.get(pk=case.pk)


def test_an_agent_claims_and_sends_an_offer_through_the_page(
    client_for, agent, supervisor, submitted, cardholder
):
    set_agent_authority()
    client = client_for(agent)
    case = claimed(client, submitted)
    response = client.post(
        reverse("cases:offer", args=[case.pk]),
        {"version": case.version, "choice": "1", "rationale": "This fits your budget."},
    )
    assert response.status_code == 302
    offer = Offer.objects.get(case=case, proposer="bank")
    assert offer.status == OfferStatus.OPEN
    assert offer.rationale == "This fits your budget."


def test_an_option_beyond_the_agents_authority_goes_to_a_supervisor(
    client_for, agent, supervisor, submitted
):
    set_agent_authority(max_interest_waiver_share="0", max_fee_waiver_share="0")
    client = client_for(agent)
    case = claimed(client, submitted)
    result = recommendations_for(case)
    assert result is not None
    first = result.recommendations[0]
    assert first.schedule.concession_total > 0
    assert not authority_for(agent).permits(first.schedule, case.account.apr)
    client.post(
        reverse("cases:offer", args=[case.pk]),
        {"version": case.version, "choice": "1", "rationale": "Best for you."},
    )
    offer = Offer.objects.get(case=case, proposer="bank")
    assert offer.status == OfferStatus.PENDING_APPROVAL


def test_staff_see_the_cardholders_list_with_their_authority_and_the_banks_figures(
    client_for, agent, supervisor, submitted
):
    result = recommendations_for(submitted)
    assert result is not None
    pages = {
        user: client_for(user).get(reverse("cases:review", args=[submitted.pk])).content.decode()
        for user in (agent, supervisor)
    }
    for page in pages.values():
        # The same options in the same order, whoever looks.
        for item in result.recommendations:
            assert f'data-testid="recommendation-{item.rank}"' in page
            assert f'data-testid="bank-figures-{item.rank}"' in page
        assert 'data-testid="no-plan-recovery"' in page
    agent_authority = authority_for(agent)
    beyond = [
        r
        for r in result.recommendations
        if not agent_authority.permits(r.schedule, submitted.account.apr)
    ]
    assert ("Needs a supervisor" in pages[agent]) == bool(beyond)
    assert "Needs a supervisor" not in pages[supervisor]


def test_a_custom_offer_beyond_policy_is_explained_and_nothing_changes(
    client_for, agent, submitted
):
    client = client_for(agent)
    client.post(reverse("cases:claim", args=[submitted.pk]), {"version": submitted.version})
    case = HardshipCase.objects.get(pk=submitted.pk)
    response = client.post(
        reverse("cases:offer", args=[case.pk]),
        {
            "version": case.version,
            "plan_type": "instalment",
            "months": "60",
            "interest_waived": "999999",
            "rationale": "x",
        },
    )
    assert response.status_code == 200
    assert "is more than the accrued interest" in response.content.decode()
    assert not Offer.objects.filter(proposer="bank").exists()
    assert HardshipCase.objects.get(pk=case.pk).status == CaseStatus.IN_REVIEW


def test_a_stale_offer_form_is_refused(client_for, agent, submitted):
    client = client_for(agent)
    client.post(reverse("cases:claim", args=[submitted.pk]), {"version": submitted.version})
    response = client.post(
        reverse("cases:offer", args=[submitted.pk]),
        {"version": submitted.version, "choice": "1", "rationale": "old page"},
        follow=True,
    )
    assert "This case changed while you were looking at it" in response.content.decode()
    assert not Offer.objects.filter(proposer="bank").exists()


def test_an_agent_cannot_open_the_approvals(client_for, agent):
    assert client_for(agent).get(reverse("cases:approvals")).status_code == 403


def test_an_agent_posting_a_supervisor_action_is_refused(client_for, agent, supervisor, submitted):
    n.case_claim(case=submitted, actor=agent, version=submitted.version)
    case = HardshipCase.objects.get(pk=submitted.pk)
    offer = n.offer_propose(
        case=case, actor=agent, version=case.version, schedule=quote(case, months=48), rationale="x"
    )
    case.refresh_from_db()
    response = client_for(agent).post(
        reverse("cases:approval_decide", args=[offer.pk]),
        {"version": case.version, "decision": "approve"},
    )
    assert response.status_code == 403
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING_APPROVAL


def test_the_supervisor_sees_the_excess_and_approves(client_for, agent, supervisor, submitted):
    n.case_claim(case=submitted, actor=agent, version=submitted.version)
    case = HardshipCase.objects.get(pk=submitted.pk)
    offer = n.offer_propose(
        case=case, actor=agent, version=case.version, schedule=quote(case, months=48), rationale="x"
    )
    case.refresh_from_db()
    client = client_for(supervisor)
    page = client.get(reverse("cases:approvals")).content.decode()
    assert "48 months is longer than the authority of 36 months." in page
    client.post(
        reverse("cases:approval_decide", args=[offer.pk]),
        {"version": case.version, "decision": "approve"},
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN


def test_the_cardholder_accepts_through_the_case_page(client_for, agent, cardholder, submitted):
    n.case_claim(case=submitted, actor=agent, version=submitted.version)
    case = HardshipCase.objects.get(pk=submitted.pk)
    offer = n.offer_propose(
        case=case, actor=agent, version=case.version, schedule=quote(case), rationale="Fits"
    )
    case.refresh_from_db()
    client = client_for(cardholder)
    page = client.get(case.get_absolute_url())
    assert 'data-testid="open-offer"' in page.content.decode()
    shown = page.context["open_disclosure"].sha256
    url = reverse("cases:offer_answer", args=[case.pk, offer.pk])
    response = client.post(url, {"version": case.version, "answer": "accept"}, follow=True)
    assert "Tick the box" in response.content.decode()
    client.post(
        url, {"version": case.version, "answer": "accept", "consent": "on", "disclosure": shown}
    )
    assert HardshipCase.objects.get(pk=case.pk).status == CaseStatus.AGREED


def test_another_cardholder_cannot_answer_an_offer(client_for, agent, other_cardholder, submitted):
    n.case_claim(case=submitted, actor=agent, version=submitted.version)
    case = HardshipCase.objects.get(pk=submitted.pk)
    offer = n.offer_propose(
        case=case, actor=agent, version=case.version, schedule=quote(case), rationale="Fits"
    )
    case.refresh_from_db()
    response = client_for(other_cardholder).post(
        reverse("cases:offer_answer", args=[case.pk, offer.pk]),
        {"version": case.version, "answer": "accept", "consent": "on"},
    )
    assert response.status_code == 404
    assert HardshipCase.objects.get(pk=case.pk).status == CaseStatus.AWAITING_CARDHOLDER


def test_logging_an_outbound_call_in_quiet_hours_warns_the_agent(
    client_for, agent, submitted, settings, monkeypatch
):
    import zoneinfo
    from datetime import datetime

    n.case_claim(case=submitted, actor=agent, version=submitted.version)
    late = datetime(2026, 11, 20, 23, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr("cases.negotiation.contacts.timezone.now", lambda: late)
    client = client_for(agent)
    data = {"channel": "phone", "direction": "outbound", "outcome": "no_answer", "notes": ""}
    response = client.post(reverse("cases:contact", args=[submitted.pk]), data)
    assert response.status_code == 200
    assert 'data-testid="contact-warnings"' in response.content.decode()
    assert not submitted.contacts.exists()
    client.post(reverse("cases:contact", args=[submitted.pk]), {**data, "acknowledge": "on"})
    assert submitted.contacts.get().rule_warnings


def test_the_expiry_task_returns_cases_to_review(agent, submitted):
    from cases.tasks import expire_offers

    n.case_claim(case=submitted, actor=agent, version=submitted.version)
    case = HardshipCase.objects.get(pk=submitted.pk)
    offer = n.offer_propose(
        case=case, actor=agent, version=case.version, schedule=quote(case), rationale="Fits"
    )
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert expire_offers.delay().get() == 1
    assert HardshipCase.objects.get(pk=case.pk).status == CaseStatus.IN_REVIEW


def _offers_for_approval(agent, count):
    for case in _open_cases(agent, count, days_past_due=45, interest_balance="900.00"):
        case = n.case_claim(case=case, actor=agent, version=case.version)
        n.offer_propose(
            case=case,
            actor=agent,
            version=case.version,
            schedule=quote(case, months=48),
            rationale="Long illness",
        )


def test_approvals_are_paginated_and_their_queries_do_not_grow(client_for, agent, supervisor):
    client = client_for(supervisor)
    _offers_for_approval(agent, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:approvals"))
    _offers_for_approval(agent, 28)
    with CaptureQueriesContext(connection) as many:
        first = client.get(reverse("cases:approvals"))
    assert len(many.captured_queries) == len(few.captured_queries)
    html = first.content.decode()
    assert html.count('data-testid="approval"') == 25
    assert "30 offers wait, oldest first." in html
    second = client.get(reverse("cases:approvals"), {"page": 2}).content.decode()
    assert second.count('data-testid="approval"') == 5


def test_the_review_page_reads_each_thing_once(client_for, agent, supervisor):
    _offers_for_approval(agent, 1)
    case = HardshipCase.objects.get()
    client = client_for(agent)
    n.contact_record(
        case=case, actor=agent, channel="phone", direction="inbound", outcome="reached", notes=""
    )
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("cases:review", args=[case.pk]))
    statements = [q["sql"] for q in queries.captured_queries if "cases_statementline" in q["sql"]]
    limits = [q["sql"] for q in queries.captured_queries if "cases_authoritylimit" in q["sql"]]
    profiles = [q["sql"] for q in queries.captured_queries if 'FROM "accounts_profile"' in q["sql"]]
    assert len(statements) == 1
    assert len(limits) == 1
    assert len(profiles) <= 1  # the signed-in person's own name, in the page header


def test_queue_pages_follow_the_sort_order_across_pages(client_for, agent):
    cases = _open_cases(agent, 30)
    due = timezone.now()
    for index, case in enumerate(cases):
        HardshipCase.objects.filter(pk=case.pk).update(decision_due=due + timedelta(hours=index))
    client = client_for(agent)
    first = client.get(reverse("cases:queue")).context["page"]
    second = client.get(reverse("cases:queue"), {"page": 2}).context["page"]
    shown = [case.pk for case in first.object_list] + [case.pk for case in second.object_list]
    assert shown == [case.pk for case in cases]
    assert first.paginator.count == 30


def test_recommendations_are_computed_once_per_state_of_the_case(client_for, agent, submitted):
    from unittest import mock

    from cases import planning

    client = client_for(agent)
    with mock.patch.object(planning, "recommend_plans", wraps=planning.recommend_plans) as computed:
        client.get(reverse("cases:review", args=[submitted.pk]))
        client.get(reverse("cases:review", args=[submitted.pk]))
        assert computed.call_count == 1
        # A change to the case (here, claiming it) is a new state: computed again.
        case = n.case_claim(case=submitted, actor=agent, version=submitted.version)
        client.get(reverse("cases:review", args=[case.pk]))
        assert computed.call_count == 2
