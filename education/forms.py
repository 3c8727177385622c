"""The editors' forms and the readers' search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Category, HardshipReason
from education.models import Article, Recommendation, Stage, Term, Topic
from plans.forms import PLAN_TYPE_LABELS


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ArticleForm(forms.ModelForm):
    topics = TopicChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one topic.")},
    )

    class Meta:
        model = Article
        fields = ["language", "key", "title", "slug", "summary", "topics", "explains", "body"]
        widgets = {
            "body": forms.Textarea(
                attrs={
                    "rows": 18,
                    "hx-post": "",  # set in __init__: the preview's address
                    "hx-trigger": "input changed delay:400ms",
                    "hx-target": "#preview",
                    "hx-swap": "innerHTML",
                }
            ),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "slug": _("Lowercase letters, digits and hyphens; the end of the article's address."),
            "body": _(
                "Markdown: ## for a heading, - for a list, **bold**. HTML is not allowed and "
                "is shown as text; links may only use http, https or mailto."
            ),
        }
        error_messages = {
            "title": {"required": _("Give the article a title.")},
            "slug": {"required": _("Give the article an address (slug).")},
            "summary": {"required": _("Write a one- or two-sentence summary.")},
            "body": {"required": _("The article has no text yet.")},
        }

    def __init__(self, *args: Any, preview_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["hx-post"] = preview_url
        explains = self.fields["explains"]
        if isinstance(explains, forms.ChoiceField):
            explains.choices = [("", _("No term")), *Term.choices]


class PublishForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    when = forms.ChoiceField(
        label=_("When"),
        choices=[("now", _("Publish now")), ("later", _("Publish at a set time"))],
        widget=forms.RadioSelect,
        initial="now",
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("when") == "later":
            moment = data.get("publish_at")
            if moment is None:
                self.add_error("publish_at", _("Choose the date and time to publish."))
            elif moment <= timezone.now():
                self.add_error(
                    "publish_at", _("Choose a publishing time in the future, or publish now.")
                )
        return data


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What needs changing"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what needs changing.")},
    )


def _with_any(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("Any")), *choices]


class RecommendationForm(forms.ModelForm):
    article_key = forms.ChoiceField(label=_("Article"))
    reason = forms.ChoiceField(
        label=_("Hardship reason"), required=False, choices=_with_any(HardshipReason.choices)
    )
    plan_type = forms.ChoiceField(
        label=_("Plan offered or agreed"),
        required=False,
        choices=_with_any(PLAN_TYPE_LABELS.items()),
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=_with_any(Stage.choices))
    spending_category = forms.ChoiceField(
        label=_("A large share of recent spending on"),
        required=False,
        choices=_with_any(
            [(c, label) for c, label in Category.choices if c not in ("payment", "other")]
        ),
    )

    class Meta:
        model = Recommendation
        fields = ["article_key", "reason", "plan_type", "stage", "spending_category", "priority"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        titles: dict[str, str] = {}
        for key, language, title in Article.objects.values_list("key", "language", "title"):
            if language == "en" or key not in titles:  # the English title where there is one
                titles[key] = title
        field = self.fields["article_key"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [(key, f"{title} ({key})") for key, title in sorted(titles.items())]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the articles"), required=False, max_length=100)
