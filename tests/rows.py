"""Rows built once per worker and written back for later tests, with the same ids and dates.

A fixture that builds its data through slow code (a management command, many ORM saves) notes the rows it added
the first time, and writes the same rows back for each later test in one transaction: the later test sees what
the first one saw, without the build.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection, transaction

# Remade by Django after every emptying of the tables, with new ids: never written back.
REMADE = {"contenttypes.contenttype", "auth.permission"}

Rows = list[tuple[str, list[str], list[tuple]]]


def _models() -> list:
    from django.apps import apps

    return [m for m in apps.get_models(include_auto_created=True) if m._meta.label_lower not in REMADE]


def primary_keys() -> dict:
    """Every model's primary keys now: the mark rows_added_since counts from."""
    return {model: set(model._base_manager.values_list("pk", flat=True)) for model in _models()}


def rows_added_since(before: dict) -> Rows:
    """(table, columns, rows as the database takes them) for every row added since `before`."""
    added = []
    for model, keys in before.items():
        fields = model._meta.concrete_fields
        rows = [
            tuple(field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True))
            for row in model._base_manager.exclude(pk__in=keys).values_list(*(f.attname for f in fields))
        ]
        if rows:
            assert not any(f.related_model and f.related_model._meta.label_lower in REMADE for f in fields), (
                f"{model._meta.label} points at rows Django remakes with new ids"
            )
            added.append((model._meta.db_table, [f.column for f in fields], rows))
    return added


def write_rows(added: Rows) -> None:
    """Insert the rows again in one transaction (foreign keys are checked at its end)."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, rows in added:
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "  # noqa: S608 - model tables
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                rows,
            )


# The builds kept in the running test (their rows carry the first build's ids).
KEPT_HERE = pytest.StashKey[set[str]]()
# name → (the row counts of the tables the build reads, when it first ran; the rows it added then)
_kept: dict[str, tuple[dict, Rows]] = {}


def _counts(models: tuple) -> dict:
    return {model._meta.label: model._base_manager.count() for model in models}


def build_once(
    request: pytest.FixtureRequest,
    name: str,
    build: Callable[[], None],
    *,
    reads: tuple,
    on: str | None = None,
    first_from_empty: bool = False,
) -> None:
    """build() for the first test of a worker; for a later test, the same rows written back instead.

    Only when the result would be the same: the tables the build reads (`reads`) have as many rows as the first
    time, and the build it builds on (`on`) was itself kept in this test, so the rows it points at have the same
    ids. Otherwise build() runs. With first_from_empty, the rows are kept only from a build on empty tables.
    """
    kept_here = request.node.stash.setdefault(KEPT_HERE, set())
    if on is not None and on not in kept_here:
        build()
        return
    found = _counts(reads)
    if name in _kept:
        if _kept[name][0] != found:
            build()
            return
        write_rows(_kept[name][1])
    else:
        if first_from_empty and any(found.values()):
            build()
            return
        before = primary_keys()
        build()
        _kept[name] = (found, rows_added_since(before))
    kept_here.add(name)
