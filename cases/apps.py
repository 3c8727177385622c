from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Hardship cases")

    def ready(self) -> None:
        from cases.models import ReminderKind
        from cases.negotiation import reminders
        from cases.outreach.services import register_check, register_scanner

        register_scanner("offers_expiring", reminders.offers_expiring)
        register_check(ReminderKind.OFFER_EXPIRING, reminders.offer_still_open)
        register_scanner("decisions_overdue", reminders.decisions_overdue)
        register_check(ReminderKind.SLA_BREACHED, reminders.decision_still_overdue)
