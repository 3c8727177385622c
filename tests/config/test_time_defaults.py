"""No model field has a fixed time-of-day default: Django's check (fields.W161) warns about one
whenever it runs within ten seconds of that time, which would fail `check --deploy` at random."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db import models


def test_no_time_field_defaults_to_a_fixed_value():
    fixed = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TimeField | models.DateField | models.DateTimeField)
        and isinstance(field.default, datetime.date | datetime.time)
    ]
    assert fixed == []
