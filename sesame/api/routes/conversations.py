"""Conversations and translated messages."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from sesame.api.deps import ChatDep, CurrentUser, HubDep, PoolsDep, limited_by_account, run_on
from sesame.api.schemas import MAX_ID
from sesame.api.schemas_chat import (
    ConversationOut,
    ConversationPage,
    MessageIn,
    MessageOut,
    MessagePage,
    NewConversation,
)
from sesame.core.errors import InvalidInput

router = APIRouter(prefix="/v1", tags=["conversations"])
ConversationId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post(
    "/conversations",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(limited_by_account("conversation"))],
)
async def open_conversation(
    body: NewConversation, user: CurrentUser, chat: ChatDep, pools: PoolsDep, response: Response
) -> ConversationOut:
    """Open a conversation with a supplier (200 with the open one if it exists); buyers only."""

    def work() -> tuple[ConversationOut, bool]:
        row, created = chat.open_conversation(
            user, supplier=body.supplier_id, product=body.product_id
        )
        return ConversationOut.of(chat.conversation_view(row.id)), created

    out, created = await run_on(pools.database, work)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return out


@router.get("/conversations")
async def list_conversations(
    user: CurrentUser,
    chat: ChatDep,
    pools: PoolsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[
        str | None, Query(max_length=100, description="next_cursor of the last page")
    ] = None,
) -> ConversationPage:
    """The caller's conversations, most recently active first, a page at a time."""
    after = _decode_cursor(cursor) if cursor else None
    views, following = await run_on(pools.database, chat.conversations, user, limit=limit,
                                    after=after)  # fmt: skip
    return ConversationPage(
        conversations=[ConversationOut.of(view) for view in views],
        next_cursor=_encode_cursor(following) if following else None,
    )


def _encode_cursor(position: tuple[datetime, int]) -> str:
    moment, last_id = position
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{last_id}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        moment, last_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(moment), min(int(last_id), MAX_ID)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput(
            "The cursor is not one this server gave out; pass next_cursor as it came."
        ) from exc


@router.get("/conversations/{conversation_id}")
async def get_conversation(
    conversation_id: ConversationId, user: CurrentUser, chat: ChatDep, pools: PoolsDep
) -> ConversationOut:
    """One of the caller's conversations (404 for anyone else's, as for one that does not exist)."""
    view = await run_on(pools.database, chat.conversation_view, conversation_id, user)
    return ConversationOut.of(view)


@router.get("/conversations/{conversation_id}/messages")
async def list_messages(
    conversation_id: ConversationId,
    user: CurrentUser,
    chat: ChatDep,
    pools: PoolsDep,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Cursor: next_before of the last page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> MessagePage:
    """Messages newest first, in the caller's language with the original alongside."""
    views, cursor = await run_on(
        pools.translation, chat.messages, user, conversation_id, before=before, limit=limit
    )
    return MessagePage(messages=[MessageOut.of(view) for view in views], next_before=cursor)


@router.post(
    "/conversations/{conversation_id}/messages",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(limited_by_account("message"))],
    responses={200: {"description": "A retry: the message first posted with this client_id"}},
)
async def post_message(
    conversation_id: ConversationId, body: MessageIn, user: CurrentUser, chat: ChatDep,
    pools: PoolsDep, hub: HubDep, response: Response,
) -> MessageOut:  # fmt: skip
    """Send a message: stored first, then translated and pushed live to the other side.

    A retry with the same ``client_id`` and text answers 200 with the original message;
    the same ``client_id`` with another text is refused with 409.
    """
    posted = await run_on(
        pools.translation, chat.post, user, conversation_id, body.text, client_id=body.client_id
    )
    if posted.replayed:
        response.status_code = status.HTTP_200_OK
    else:
        await hub.publish(posted)
    return MessageOut.of(posted.view)
