"""Helpers shared by the apps' services."""

from typing import Any

from django.db import models


def get_or_create_validated[M: models.Model](
    model: type[M], lookup: dict[str, Any], **defaults: Any
) -> M:
    """The row matching `lookup`, or a new one built from lookup + defaults, validated with
    full_clean() before it is saved. Existing rows are returned untouched (idempotent loads)."""
    existing = model._default_manager.filter(**lookup).first()
    if existing is not None:
        return existing
    instance = model(**lookup, **defaults)
    instance.full_clean()
    instance.save()
    return instance
