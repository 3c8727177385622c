from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Repayment plans")

    def ready(self) -> None:
        from cases.core import case_ended, offer_accepted
        from plans import checks  # noqa: F401 - registers the deployment check
        from plans.services import on_case_ended, on_offer_accepted

        offer_accepted.connect(on_offer_accepted, dispatch_uid="plans.plan_create")
        case_ended.connect(on_case_ended, dispatch_uid="plans.plan_cancel_with_case")

        from cases.models import ReminderKind
        from cases.outreach.services import register_check, register_scanner
        from plans import reminders

        register_scanner("instalments_due", reminders.instalments_due)
        for kind in (
            ReminderKind.INSTALMENT_SOON,
            ReminderKind.INSTALMENT_TODAY,
            ReminderKind.INSTALMENT_MISSED,
        ):
            register_check(kind, reminders.instalment_unpaid)
        register_scanner("signatures_expiring", reminders.signatures_expiring)
        register_check(ReminderKind.SIGNATURE_EXPIRING, reminders.plan_unsigned)
        register_scanner("arrangements_unconfirmed", reminders.arrangements_unconfirmed)
        register_check(ReminderKind.ARRANGEMENT_UNCONFIRMED, reminders.arrangement_unconfirmed)
