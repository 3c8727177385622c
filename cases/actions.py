"""The shape of every form-posting action view: check the form, call one service, say what
happened, and go back to the page the person came from.

A refusal (`CaseActionRefused`, or an upload the content check refused) changes nothing and is
shown as an error message; anything else is a bug and is not caught.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from cases.core import CaseActionRefused
from cases.documents import UploadRejected

REFUSALS = (CaseActionRefused, UploadRejected)


def perform(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[dict[str, Any]], object],
    *,
    done: str,
    back: str,
    invalid: str = "",
) -> HttpResponse:
    """Run `action` with the form's cleaned data if the form is valid, then redirect to `back`.

    `invalid` is the message for a form that does not validate (its own errors are shown when
    empty); `done` the message for success.
    """
    if not form.is_valid():
        if invalid:
            messages.error(request, invalid)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
        return redirect(back)
    try:
        action(form.cleaned_data)
    except REFUSALS as refusal:
        messages.error(request, str(refusal))
    else:
        if done:
            messages.success(request, done)
    return redirect(back)
