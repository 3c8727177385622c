"""Where Celery's autodiscovery finds the tasks of `cases`; each lives with its feature."""

from cases.negotiation.tasks import expire_offers
from cases.outreach.tasks import deliver_reminders, queue_reminders

__all__ = ["deliver_reminders", "expire_offers", "queue_reminders"]
