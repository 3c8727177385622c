"""Included by the project's urlconf at `administration/policy/`."""

from django.urls import path

from cases.policy import views as policy_views

app_name = "policy"

urlpatterns = [
    path("", policy_views.policy_edit, name="edit"),
    path("history/", policy_views.policy_history, name="history"),
    path("changes/<int:change_id>/decide/", policy_views.policy_decide, name="decide"),
    path("calendar/", policy_views.calendar, name="calendar"),
    path("calendar/<int:entry_id>/remove/", policy_views.calendar_remove, name="calendar_remove"),
]
