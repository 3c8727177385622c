"""Pagination that stays cheap on large tables."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

#: Rows on a page of every staff list.
PAGE_SIZE = 25


class LeanCountPaginator(Paginator):
    """Counts and pages a large query by its keys first.

    The count reads keys alone: no joins the filters do not need, no annotations, no ordering,
    so it is an index scan however large the table. (Django counts an annotated query by
    wrapping the whole select, joins and computed columns included, in a subquery.)

    A page takes the keys of its rows first, in order (deep pages skip thousands of rows, and
    skipping keys in an index is cheap, skipping joined rows is not), then loads those rows in
    full.
    """

    object_list: QuerySet[Any]

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk").count()

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys)}
        return Page([rows[key] for key in keys if key in rows], number, self)
