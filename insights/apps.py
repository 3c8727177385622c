from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Outcomes and KPIs")

    def ready(self) -> None:
        from cases.models import ReminderKind
        from cases.outreach.services import register_check, register_scanner
        from insights import surveys

        register_scanner("surveys_due", surveys.surveys_due)
        register_check(ReminderKind.SURVEY, surveys.survey_still_open)
