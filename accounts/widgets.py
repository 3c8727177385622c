"""Form inputs whose words and formats the page controls, not the browser.

A browser draws `<input type=date>`, `type=time` and `type=file` in its own language and
format ("mm/dd/yyyy", "09:00 AM", "Choose File") whatever the page's language. These say what
they expect in the page's language instead.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class DateTextInput(forms.DateInput):
    """A date typed as year-month-day (2026-03-15; in Chinese also 2026年3月15日)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"inputmode": "numeric", "autocomplete": "off", "size": 12, **(attrs or {})},
            format="%Y-%m-%d",
        )


#: Said under every date typed with DateTextInput.
DATE_HELP = _("Year-month-day, for example 2026-03-15.")


def half_hours() -> list[tuple[str, str]]:
    return [(f"{h:02d}:{m:02d}", f"{h:02d}:{m:02d}") for h in range(24) for m in (0, 30)]


class TimeSelect(forms.Select):
    """A time chosen from the half hours of a 24-hour day ("09:00"), in any language."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, choices=half_hours())

    def format_value(self, value: Any) -> Any:
        if isinstance(value, time):
            value = value.strftime("%H:%M")
        elif isinstance(value, str) and len(value) >= 5:
            value = value[:5]
        return super().format_value(value)


class FilePickerInput(forms.FileInput):
    """A file input whose button and "no file chosen" are in the page's language; the native
    input stays in the page (keyboard and screen readers use it), drawn under the button."""

    template_name = "widgets/file_picker.html"
