"""The `cases` URLs, one list per feature; every name stays in the `cases` namespace."""

from django.urls import path

from cases.application import views as application
from cases.decisions import views as decisions
from cases.enrolment import views as enrolment
from cases.negotiation import review
from cases.negotiation import views as negotiation
from cases.outreach import views as outreach
from cases.portal import views as portal

app_name = "cases"

portal_urls = [
    path("portal/", portal.portal, name="portal"),
    path("portal/accounts/<int:account_id>/", portal.account_detail, name="account"),
    path("cases/<int:case_id>/", portal.case_detail, name="detail"),
    path("cases/<int:case_id>/withdraw/", portal.case_withdraw, name="withdraw"),
    path("cases/<int:case_id>/messages/", portal.message_send, name="message"),
    path("cases/<int:case_id>/reply/", portal.reply, name="reply"),
    path("cases/<int:case_id>/appeal/", portal.appeal, name="appeal"),
    path(
        "cases/<int:case_id>/offers/<int:offer_id>/answer/",
        portal.offer_answer,
        name="offer_answer",
    ),
    path(
        "cases/<int:case_id>/offers/<int:offer_id>/counter/",
        portal.offer_counter,
        name="offer_counter",
    ),
    path(
        "cases/<int:case_id>/documents/<int:document_id>/",
        portal.document_download,
        name="document",
    ),
]

application_urls = [
    path("portal/accounts/<int:account_id>/apply/", application.apply_start, name="apply_start"),
    path(
        "cases/<int:case_id>/apply/money/totals/",
        application.statement_totals,
        name="statement_totals",
    ),
    path("cases/<int:case_id>/apply/<slug:step>/", application.apply, name="apply"),
    path(
        "cases/<int:case_id>/documents/<int:document_id>/remove/",
        application.document_remove,
        name="document_remove",
    ),
]

decision_urls = [
    path(
        "cases/<int:case_id>/take-alternative/",
        decisions.take_alternative,
        name="take_alternative",
    ),
    path("staff/automatic-decisions/review/", decisions.quality_reviews, name="quality_reviews"),
    path(
        "staff/automatic-decisions/review/<int:decision_id>/",
        decisions.quality_review_decide,
        name="quality_review_decide",
    ),
    path("staff/automatic-decisions/", decisions.switch, name="auto_switch"),
    path("staff/cases/<int:case_id>/flags/", decisions.flag_raise, name="flag_raise"),
    path(
        "staff/cases/<int:case_id>/flags/<int:flag_id>/clear/",
        decisions.flag_clear,
        name="flag_clear",
    ),
]

enrolment_urls = [
    path("portal/link-card/", enrolment.enrol, name="enrol"),
    path("staff/card-linking/", enrolment.card_linking, name="card_linking"),
    path(
        "staff/card-linking/<int:account_id>/release/",
        enrolment.card_linking_release,
        name="card_linking_release",
    ),
]

negotiation_urls = [
    path("staff/cases/new/", negotiation.open_for_cardholder, name="open_for_cardholder"),
    path("staff/queue/", negotiation.queue, name="queue"),
    path("staff/cases/<int:case_id>/", review.review, name="review"),
    path("staff/cases/<int:case_id>/claim/", review.claim, name="claim"),
    path("staff/cases/<int:case_id>/assign/", review.assign, name="assign"),
    path("staff/cases/<int:case_id>/request-info/", review.request_info, name="request_info"),
    path("staff/cases/<int:case_id>/statement/", review.statement, name="staff_statement"),
    path("staff/cases/<int:case_id>/offer/", review.offer, name="offer"),
    path("staff/cases/<int:case_id>/offer/preview/", review.offer_preview, name="offer_preview"),
    path("staff/cases/<int:case_id>/decline/", review.decline, name="decline"),
    path("staff/cases/<int:case_id>/close/", review.close, name="close"),
    path("staff/cases/<int:case_id>/contact/", review.contact, name="contact"),
    path("staff/cases/<int:case_id>/messages/", review.message, name="staff_message"),
    path(
        "staff/cases/<int:case_id>/offers/<int:offer_id>/recall/",
        review.offer_recall,
        name="offer_recall",
    ),
    path(
        "staff/cases/<int:case_id>/offers/<int:offer_id>/withdraw/",
        review.offer_withdraw,
        name="offer_withdraw",
    ),
    path(
        "staff/cases/<int:case_id>/documents/<int:document_id>/review/",
        review.document_review,
        name="document_review",
    ),
    path("supervisor/approvals/", negotiation.approvals, name="approvals"),
    path(
        "supervisor/approvals/<int:offer_id>/",
        negotiation.approval_decide,
        name="approval_decide",
    ),
]

outreach_urls = [
    path("reminders/stop/<str:token>/", outreach.reminders_stop, name="reminders_stop"),
]

urlpatterns = [
    *portal_urls,
    *application_urls,
    *decision_urls,
    *enrolment_urls,
    *negotiation_urls,
    *outreach_urls,
]
