from django.urls import path

from plans import agreement_views, views

app_name = "plans"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("calculator/results/", views.calculator_results, name="calculator_results"),
    path("verify/", views.verify, name="verify"),
    path("cases/<int:case_id>/agreement/", agreement_views.agreement, name="agreement"),
    path("cases/<int:case_id>/agreement/pdf/", agreement_views.agreement_pdf, name="agreement_pdf"),
    path(
        "cases/<int:case_id>/agreement/code/", agreement_views.agreement_code, name="agreement_code"
    ),
    path("cases/<int:case_id>/payments/", agreement_views.payment_add, name="payment_add"),
    path("arrangements/waiting/", agreement_views.arrangements_waiting, name="arrangements"),
    path(
        "cases/<int:case_id>/agreement/retry/",
        agreement_views.agreement_retry,
        name="agreement_retry",
    ),
    path(
        "cases/<int:case_id>/agreement/sign/",
        agreement_views.agreement_sign_view,
        name="agreement_sign",
    ),
]
