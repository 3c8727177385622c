"""Forms drawn by `components/fields.html` rather than crispy, where a page draws many of them
on every view (the case pages, the queue's filters, the review page): the same Bootstrap
markup, labels, help text and error links, at a fraction of crispy's rendering cost."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.widgets import FilePickerInput


class LightFormMixin:
    """Gives each widget the Bootstrap class its field template expects."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput | forms.RadioSelect | FilePickerInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
