from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from accounts import views as account_views
from config.health import healthz

# The admin site logs in through allauth, so that MFA and throttling apply there too.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("dashboard/", account_views.dashboard, name="dashboard"),
    path("accessibility/", account_views.accessibility, name="accessibility"),
    path("healthz", healthz, name="healthz"),
    # The language switch keeps a signed-in person's choice on their profile.
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("plans/", include("plans.urls")),
    path("", include("cases.urls")),
    path("", include("education.urls")),
    path("", include("insights.urls")),
    path("administration/policy/", include("cases.policy.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
