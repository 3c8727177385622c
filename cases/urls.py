from django.urls import path

from cases import staff_views, views

app_name = "cases"

urlpatterns = [
    path("portal/", views.portal, name="portal"),
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
    path("cases/<int:case_id>/reply/", views.reply, name="reply"),
    path("cases/<int:case_id>/appeal/", views.appeal, name="appeal"),
    path(
        "cases/<int:case_id>/offers/<int:offer_id>/answer/", views.offer_answer, name="offer_answer"
    ),
    path(
        "cases/<int:case_id>/offers/<int:offer_id>/counter/",
        views.offer_counter,
        name="offer_counter",
    ),
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
    path("staff/queue/", staff_views.queue, name="queue"),
    path("staff/cases/<int:case_id>/", staff_views.review, name="review"),
    path("staff/cases/<int:case_id>/claim/", staff_views.claim, name="claim"),
    path("staff/cases/<int:case_id>/assign/", staff_views.assign, name="assign"),
    path("staff/cases/<int:case_id>/request-info/", staff_views.request_info, name="request_info"),
    path("staff/cases/<int:case_id>/offer/", staff_views.offer, name="offer"),
    path("staff/cases/<int:case_id>/decline/", staff_views.decline, name="decline"),
    path("staff/cases/<int:case_id>/close/", staff_views.close, name="close"),
    path("staff/cases/<int:case_id>/contact/", staff_views.contact, name="contact"),
    path("staff/cases/<int:case_id>/messages/", staff_views.message, name="staff_message"),
    path(
        "staff/cases/<int:case_id>/documents/<int:document_id>/review/",
        staff_views.document_review,
        name="document_review",
    ),
    path("staff/card-linking/", staff_views.card_linking, name="card_linking"),
    path(
        "staff/card-linking/<int:account_id>/release/",
        staff_views.card_linking_release,
        name="card_linking_release",
    ),
    path("supervisor/approvals/", staff_views.approvals, name="approvals"),
    path(
        "supervisor/approvals/<int:offer_id>/", staff_views.approval_decide, name="approval_decide"
    ),
]
