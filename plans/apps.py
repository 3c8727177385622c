from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Repayment plans")

    def ready(self) -> None:
        from cases.core import offer_accepted
        from plans import checks  # noqa: F401 - registers the deployment check
        from plans.services import on_offer_accepted

        offer_accepted.connect(on_offer_accepted, dispatch_uid="plans.plan_create")
