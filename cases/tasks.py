"""Where Celery's autodiscovery finds the tasks of `cases`; each lives with its feature."""

from cases.negotiation.tasks import expire_offers
from cases.outreach.tasks import deliver_reminders, queue_reminders
from cases.risk import score_accounts

__all__ = ["deliver_reminders", "expire_offers", "queue_reminders", "score_accounts"]
