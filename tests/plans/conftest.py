"""A submitted case to accept plans on (from the cases fixtures), and a signing certificate."""

import pytest
from django.db import transaction

from cases.core import bump_version, lock_case, run_transition
from plans.models import RepaymentPlan
from tests.cases.conftest import account, complete_draft, draft, submitted  # noqa: F401


@pytest.fixture(scope="session")
def _signing_pair(tmp_path_factory):
    from plans.certificates import make_development_pair

    folder = tmp_path_factory.mktemp("signing")
    cert, key = folder / "cert.pem", folder / "key.pem"
    make_development_pair(cert, key)
    return cert, key


@pytest.fixture
def signing_cert(settings, _signing_pair):
    """A development certificate and key the bank signs agreements with in the tests."""
    settings.AGREEMENT_SIGNING_CERT, settings.AGREEMENT_SIGNING_KEY = _signing_pair
    return _signing_pair


@pytest.fixture
def active(submitted, agent, supervisor, cardholder):  # noqa: F811 - the imported fixture
    """A signed instalment plan (the signing itself is tested in test_signing)."""
    from tests.plans.test_plan_and_agreement import _accepted

    _accepted(submitted, agent, supervisor, cardholder, "instalment")
    with transaction.atomic():
        plan = RepaymentPlan.objects.select_related("case").get(case=submitted)
        plan.activate()
        plan.save()
        case = lock_case(plan.case, version=plan.case.version)
        run_transition(case, "start_plan")
        bump_version(case, "status")
    return RepaymentPlan.objects.select_related("case").get(pk=plan.pk)
