"""The calculator's single exception type."""

from __future__ import annotations

from .messages import render


def _one_line(value: object, limit: int | None = None) -> str:
    """Show a value on one line inside a message (a user's raw input also kept short)."""
    text = " ".join(str(value).split())
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 3] + "..."


class CalculatorError(ValueError):
    """A quote, assessment or recommendation was asked for with inputs it cannot accept.

    ``code`` is stable and identifies the problem (for translation); ``params`` are
    the strings to interpolate; ``field`` names the offending input when there is
    one.  ``str(error)`` is one plain-English sentence on one line.
    """

    def __init__(self, code: str, *, field: str | None = None, **params: object) -> None:
        self.code = code
        self.field = field
        self.params: dict[str, str] = {
            key: _one_line(value, 40 if key == "value" else None) for key, value in params.items()
        }
        if field is not None:
            self.params["field"] = field
        self.message = render(code, self.params)
        super().__init__(self.message)
