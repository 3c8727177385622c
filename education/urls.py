from django.urls import path, re_path

from education import views

app_name = "education"

LANGUAGE = r"(?P<language>en|zh-hans)"
SLUG = r"(?P<slug>[-a-zA-Z0-9_]+)"

urlpatterns = [
    path("learn/", views.index, name="index"),
    re_path(rf"^learn/{LANGUAGE}/{SLUG}/$", views.article, name="article"),
    re_path(rf"^learn/{LANGUAGE}/{SLUG}/helpful/$", views.feedback, name="feedback"),
    re_path(rf"^learn/{LANGUAGE}/{SLUG}/read/$", views.read, name="read"),
    path("editor/articles/", views.editor_list, name="editor_list"),
    path("editor/articles/new/", views.editor_edit, name="editor_new"),
    path("editor/articles/<int:article_id>/", views.editor_edit, name="editor_edit"),
    path(
        "editor/articles/<int:article_id>/history/",
        views.editor_history,
        name="editor_history",
    ),
    path(
        "editor/articles/<int:article_id>/<slug:action>/",
        views.editor_action,
        name="editor_action",
    ),
    path("editor/preview/", views.editor_preview, name="editor_preview"),
    path(
        "editor/recommendations/",
        views.editor_recommendations,
        name="editor_recommendations",
    ),
]
