from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("portal/", views.portal, name="portal"),
    path("portal/notifications/read/", views.notifications_read, name="notifications_read"),
    path("portal/link-card/", views.enrol, name="enrol"),
    path("portal/accounts/<int:account_id>/", views.account_detail, name="account"),
    path("portal/accounts/<int:account_id>/apply/", views.apply_start, name="apply_start"),
    path("cases/<int:case_id>/", views.case_detail, name="detail"),
    path(
        "cases/<int:case_id>/apply/money/totals/", views.statement_totals, name="statement_totals"
    ),
    path("cases/<int:case_id>/apply/<slug:step>/", views.apply, name="apply"),
    path("cases/<int:case_id>/withdraw/", views.case_withdraw, name="withdraw"),
    path("cases/<int:case_id>/messages/", views.message_send, name="message"),
    path(
        "cases/<int:case_id>/documents/<int:document_id>/",
        views.document_download,
        name="document",
    ),
    path(
        "cases/<int:case_id>/documents/<int:document_id>/remove/",
        views.document_remove,
        name="document_remove",
    ),
    path("staff/cases/new/", views.open_for_cardholder, name="open_for_cardholder"),
]
