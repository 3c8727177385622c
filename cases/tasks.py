"""Where Celery's autodiscovery finds the tasks of `cases`; each lives with its feature."""

from cases.negotiation.tasks import expire_offers

__all__ = ["expire_offers"]
