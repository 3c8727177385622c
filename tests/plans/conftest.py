"""A submitted case to accept plans on, from the cases fixtures."""

from tests.cases.conftest import account, complete_draft, draft, submitted  # noqa: F401
