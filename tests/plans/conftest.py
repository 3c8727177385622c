"""A submitted case to accept plans on (from the cases fixtures), and a signing certificate."""

import pytest

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
