"""A GS reviewer's questions to the requesting bureau, threaded on the request under review,
and the bureau's answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from datetime import datetime


@dataclass(frozen=True, slots=True)
class Question:
    """A reviewer's question to the requesting bureau, threaded on the request."""

    id: int
    notice_id: int
    asked_at: datetime
    asked_by: int
    question: str
    answered_at: datetime | None
    answered_by: int | None
    answer: str | None


class QuestionAsk(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    question: str = Field(min_length=3, max_length=4000)


class QuestionAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    answer: str = Field(min_length=1, max_length=8000)
