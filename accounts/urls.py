from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("staff/", views.agent_dashboard, name="agent_dashboard"),
    path("supervisor/", views.supervisor_dashboard, name="supervisor_dashboard"),
    path("administration/", views.admin_dashboard, name="admin_dashboard"),
    path("editor/", views.editor_dashboard, name="editor_dashboard"),
    path("me/profile/", views.profile_edit, name="profile"),
    path("me/notifications/read/", views.notifications_read, name="notifications_read"),
    path("me/session/extend/", views.session_extend, name="session_extend"),
]
