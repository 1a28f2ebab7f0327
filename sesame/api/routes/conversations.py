"""Accounts, conversations and translated messages, with live delivery over WebSocket."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, WebSocket, WebSocketDisconnect, status

from sesame.api.deps import (
    AccountsDep,
    ChatDep,
    CurrentUser,
    ExecutorDep,
    HubDep,
    run_blocking,
)
from sesame.api.schemas import MAX_ID
from sesame.api.schemas_chat import (
    AccountOut,
    ConversationOut,
    MessageIn,
    MessageOut,
    MessagePage,
    NewAccount,
    NewAccountOut,
    NewConversation,
)
from sesame.core.errors import SesameError

router = APIRouter(prefix="/v1", tags=["conversations"])
ConversationId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/accounts", status_code=status.HTTP_201_CREATED)
async def create_buyer_account(
    body: NewAccount, accounts: AccountsDep, executor: ExecutorDep
) -> NewAccountOut:
    """Sign up as a buyer; the token is shown once."""
    account, token = await run_blocking(
        executor,
        accounts.create,
        kind="buyer",
        name=body.name,
        language=body.language,
        email=body.email,
    )
    return NewAccountOut(account=AccountOut.of(account), token=token)


@router.get("/me")
async def me(user: CurrentUser) -> AccountOut:
    """The calling account."""
    return AccountOut.from_principal(user)


@router.post("/conversations", status_code=status.HTTP_201_CREATED)
async def open_conversation(
    body: NewConversation, user: CurrentUser, chat: ChatDep, executor: ExecutorDep,
    response: Response,
) -> ConversationOut:  # fmt: skip
    """Open a conversation with a supplier (200 with the open one if it exists); buyers only."""

    def work() -> tuple[ConversationOut, bool]:
        row, created = chat.open_conversation(
            user, supplier=body.supplier_id, product=body.product_id
        )
        return ConversationOut.of(chat.conversation_view(row.id)), created

    out, created = await run_blocking(executor, work)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return out


@router.get("/conversations")
async def list_conversations(
    user: CurrentUser, chat: ChatDep, executor: ExecutorDep
) -> list[ConversationOut]:
    """The caller's conversations, most recent first."""
    views = await run_blocking(executor, chat.conversations, user)
    return [ConversationOut.of(view) for view in views]


@router.get("/conversations/{conversation_id}/messages")
async def list_messages(
    conversation_id: ConversationId,
    user: CurrentUser,
    chat: ChatDep,
    executor: ExecutorDep,
    before: Annotated[
        int | None, Query(ge=1, description="Cursor: next_before of the last page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> MessagePage:
    """Messages newest first, in the caller's language with the original alongside."""
    views, cursor = await run_blocking(
        executor, chat.messages, user, conversation_id, before=before, limit=limit
    )
    return MessagePage(messages=[MessageOut.of(view) for view in views], next_before=cursor)


@router.post("/conversations/{conversation_id}/messages", status_code=status.HTTP_201_CREATED)
async def post_message(
    conversation_id: ConversationId, body: MessageIn, user: CurrentUser, chat: ChatDep,
    executor: ExecutorDep, hub: HubDep,
) -> MessageOut:  # fmt: skip
    """Send a message: stored first, then translated and pushed live to the other side."""
    posted = await run_blocking(
        executor, chat.post, user, conversation_id, body.text, client_id=body.client_id
    )
    await hub.publish(posted)
    return MessageOut.of(posted.view)


@router.websocket("/ws")
async def live(
    websocket: WebSocket, accounts: AccountsDep, executor: ExecutorDep, hub: HubDep,
    token: str = "",
) -> None:  # fmt: skip
    """Live messages for the caller, already in their language (token as ?token=)."""
    try:
        user = await run_blocking(executor, accounts.authenticate, token)
    except SesameError as exc:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason=exc.message)
        return
    await websocket.accept()
    hub.connect(user.account_id, websocket)
    try:
        while True:
            await websocket.receive_text()  # client keep-alives
    except WebSocketDisconnect:
        pass
    finally:
        hub.disconnect(user.account_id, websocket)
