"""Read-only views for administrators. Changes go through the application's services, so that
every one of them is checked and audited; the admin site is for looking, not editing."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.models import CardAccount, CaseEvent, ContactLog, HardshipCase, ImportRun, Offer


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CardAccount)
class CardAccountAdmin(ReadOnlyAdmin):
    list_display = ("bank_reference", "holder_name", "product", "days_past_due", "status", "holder")
    list_filter = ("product", "status")
    search_fields = ("bank_reference", "holder_name", "card_last4")


@admin.register(HardshipCase)
class HardshipCaseAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "account",
        "status",
        "assignee",
        "channel",
        "submitted_at",
        "decision_due",
    )
    list_filter = ("status", "channel", "reason")
    search_fields = ("account__bank_reference", "account__holder_name")


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "proposer", "status", "created_by", "created_at")
    list_filter = ("status", "proposer")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "case", "kind", "from_status", "to_status", "actor")
    list_filter = ("kind",)


@admin.register(ContactLog)
class ContactLogAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "case", "channel", "direction", "outcome", "staff")


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = (
        "ran_at",
        "kind",
        "file_name",
        "operator",
        "succeeded",
        "created",
        "updated",
        "error_count",
    )
    list_filter = ("kind", "succeeded")
