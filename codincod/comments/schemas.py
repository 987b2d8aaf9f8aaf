from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from codincod.accounts.schemas import ObjectId
from codincod.validation import Schema


class CommentCreate(Schema):
    text: Annotated[str, Field(min_length=1, max_length=320)]
    replyOn: ObjectId | None = None


class VoteRequest(Schema):
    type: Literal["upvote", "downvote"]
