"""The one way an answer is built: a plain copy of what an action returned."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel


class PublicCopy(BaseModel):
    """An answer whose fields are copied, by name, from the object an action returned (a
    domain object, or a view already redacted by ``policenet.access``)."""

    @classmethod
    def copied(cls, source: object, **given: Any) -> Self:  # noqa: ANN401 - any field's value
        """The fields of ``source`` of the same names, except those ``given``."""
        values = {
            name: given[name] if name in given else getattr(source, name)
            for name in cls.model_fields
        }
        return cls(**values)
