"""Financial-education articles, their topics, what readers made of them, and the rules that
recommend them to a cardholder.

An article is written in one language; its translation shares its `key`. The Markdown body is
rendered and sanitised (nh3) when saved, so what readers get is exactly what the editor
previewed. Every change is kept (django-simple-history), so any revision can be compared and
restored. Status moves only through `education.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Topic(models.Model):
    """A subject readers browse by. The names are translated in the catalogues (TOPIC_NAMES)."""

    slug = models.SlugField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return str(TOPIC_NAMES.get(self.slug, self.slug))

    @property
    def name(self) -> str:
        return str(TOPIC_NAMES.get(self.slug, self.slug))


TOPIC_NAMES = {
    "budgeting": _("Budgeting"),
    "interest-and-fees": _("How card interest and fees work"),
    "minimum-payment": _("The minimum-payment trap"),
    "instalment-cost": _("What an instalment plan really costs"),
    "income-loss": _("A sudden loss of income"),
    "illness": _("Illness and money"),
    "small-business": _("Cash flow for small-business owners"),
    "credit-record": _("Your credit record"),
    "scams": _("Spotting debt-relief scams"),
    "talking-to-bank": _("Talking to your bank"),
}


class Language(models.TextChoices):
    EN = "en", "English"
    ZH = "zh-hans", "简体中文"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Term(models.TextChoices):
    """Terms the product uses that a cardholder may not know; an article may explain one."""

    ANNUALISED_RATE = "annualised_rate", _("Annualised rate")
    DEFERRAL = "deferral", _("Payment pause")
    SETTLEMENT = "settlement", _("Settlement")
    MINIMUM_PAYMENT = "minimum_payment", _("Minimum payment")
    CREDIT_RECORD = "credit_record", _("Credit record")


class Article(models.Model):
    key = models.SlugField(
        _("translation key"),
        max_length=80,
        help_text=_("The same key links an article to its translation."),
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("address"), max_length=80)
    summary = models.CharField(_("summary"), max_length=300)
    body = models.TextField(_("body (Markdown)"), max_length=40000)
    body_html = models.TextField(editable=False, default="")
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
    topics = models.ManyToManyField(Topic, related_name="articles", verbose_name=_("topics"))
    explains = models.CharField(
        _("explains the term"), max_length=20, choices=Term.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Readers: counted, never tied to a person.
    views = models.PositiveIntegerField(default=0, editable=False)
    reads_to_end = models.PositiveIntegerField(default=0, editable=False)
    helpful_yes = models.PositiveIntegerField(default=0, editable=False)
    helpful_no = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(
        excluded_fields=["views", "reads_to_end", "helpful_yes", "helpful_no", "updated_at"]
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "slug"],
                name="article_slug_unique_per_language",
                violation_error_message=_("Another article in this language has this address."),
            ),
            models.UniqueConstraint(
                fields=["key", "language"],
                name="one_article_per_key_and_language",
                violation_error_message=_(
                    "This translation key already has an article in this language."
                ),
            ),
        ]
        indexes = [
            models.Index(
                fields=["language", "-published_at"],
                condition=Q(status="published"),
                name="article_published_by_language",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("education:article", args=[self.language, self.slug])

    @property
    def helpful_share(self) -> int | None:
        """Percent of readers who answered that found it helpful (None before any answer)."""
        answered = self.helpful_yes + self.helpful_no
        return round(100 * self.helpful_yes / answered) if answered else None


class ArticleFeedback(models.Model):
    """One reader's answer to "was this helpful?", once per article per browser."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    voter = models.CharField(max_length=64)  # SHA-256 of the session key: not a person
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "voter"], name="one_answer_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {'yes' if self.helpful else 'no'}"


class Stage(models.TextChoices):
    """Where the cardholder is, for recommendations."""

    NO_CASE = "no_case", _("No case yet")
    APPLYING = "applying", _("Applying or being reviewed")
    OFFERED = "offered", _("An offer is waiting for them")
    PLAN = "plan", _("Repaying a plan")
    PLAN_AT_RISK = "plan_at_risk", _("A plan payment is late")
    ENDED = "ended", _("Case ended")


class Recommendation(models.Model):
    """A rule editors keep: show this article to cardholders who match every filled criterion.

    The article is named by its translation key, so each reader gets it in their language.
    """

    article_key = models.SlugField(_("article (translation key)"), max_length=80)
    reason = models.CharField(_("hardship reason"), max_length=30, blank=True)
    plan_type = models.CharField(_("plan type offered or agreed"), max_length=20, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    spending_category = models.CharField(
        _("a large share of recent spending on"), max_length=30, blank=True
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=50, help_text=_("Higher first.")
    )
    # Empty for the rules the product ships with.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-priority", "id"]

    def __str__(self) -> str:
        return self.article_key
