from django.urls import path

from accounts import views
from accounts.staff import views as staff

app_name = "accounts"

urlpatterns = [
    path("staff/", views.agent_dashboard, name="agent_dashboard"),
    path("supervisor/", views.supervisor_dashboard, name="supervisor_dashboard"),
    path("administration/", views.admin_dashboard, name="admin_dashboard"),
    path("editor/", views.editor_dashboard, name="editor_dashboard"),
    path("administration/staff/", staff.staff_list, name="staff"),
    path("administration/staff/invite/", staff.staff_invite, name="staff_invite"),
    path("administration/staff/<int:user_id>/resend/", staff.staff_resend, name="staff_resend"),
    path("administration/staff/<int:user_id>/role/", staff.staff_role, name="staff_role"),
    path(
        "administration/staff/<int:user_id>/deactivate/",
        staff.staff_deactivate,
        name="staff_deactivate",
    ),
    path(
        "administration/staff/<int:user_id>/reactivate/",
        staff.staff_reactivate,
        name="staff_reactivate",
    ),
    path("invitation/<str:token>/", staff.invitation_accept, name="staff_invitation"),
    path("me/profile/", views.profile_edit, name="profile"),
    path("me/notifications/read/", views.notifications_read, name="notifications_read"),
    path("me/session/extend/", views.session_extend, name="session_extend"),
]
