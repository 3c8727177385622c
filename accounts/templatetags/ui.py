"""Template tags for patterns every page shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms, template
from django.utils.translation import pgettext

from accounts import formatting

register = template.Library()


@dataclass(frozen=True)
class ErrorItem:
    message: str
    href: str  # the field to jump to; empty for a problem with the form as a whole
    label: str


@register.inclusion_tag("components/error_summary.html")
def error_summary(*candidates: Any) -> dict[str, Any]:
    """The summary at the top of a refused form: every problem, each linking to its field.

    Takes any number of forms or lists of forms (None and unbound forms are skipped). app.js
    moves focus to the summary when the page opens, so the person hears that something needs
    fixing and can jump to each field.
    """
    items: list[ErrorItem] = []
    flat: list[Any] = []
    for candidate in candidates:
        flat.extend(candidate if isinstance(candidate, list | tuple) else [candidate])
    for form in flat:
        if not isinstance(form, forms.BaseForm) or not form.is_bound or not form.errors:
            continue
        items.extend(ErrorItem(str(error), "", "") for error in form.non_field_errors())
        for field in form:
            if field.is_hidden:
                # A hidden field's problem (a stale version) is the form's, not a field's.
                items.extend(ErrorItem(str(error), "", "") for error in field.errors)
                continue
            target = field.id_for_label or _first_choice_id(field)
            items.extend(
                ErrorItem(str(error), f"#{target}", str(field.label)) for error in field.errors
            )
    return {"items": items}


def _first_choice_id(field: forms.BoundField) -> str:
    """A group of radio buttons or checkboxes has no single label target: jump to the first."""
    return str(field.field.widget.id_for_label(field.auto_id, "0") or field.auto_id)


@register.filter
def money(amount: Any, currency: str = "CNY") -> str:
    """`{{ amount|money:account.currency }}`: an amount as a figure, in the reader's style."""
    if amount is None or amount == "":
        return "—"
    return formatting.money(amount, currency)


@register.filter
def money_in_text(amount: Any, currency: str = "CNY") -> str:
    """`{{ amount|money_in_text:currency }}`: an amount inside a sentence."""
    if amount is None or amount == "":
        return "—"
    return formatting.money_in_text(amount, currency)


@register.filter
def day(value: Any) -> str:
    """`{{ "2026-12-09"|day }}`: a stored ISO date in the reader's format."""
    if not value:
        return "—"
    return formatting.day(value)


@register.simple_tag
def colon() -> str:
    """Between a label and its value: ": " in English, a full-width colon in Chinese."""
    # Translators: the separator between a label and its value, as in "Risk: High".
    return pgettext("label and value", ": ")
