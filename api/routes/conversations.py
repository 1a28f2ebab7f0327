"""Accounts, conversations and translated messages, with live delivery over WebSocket."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, WebSocket, WebSocketDisconnect, status

from api.deps import CurrentUser, ExecutorDep, HubDep, RuntimeDep, run_blocking
from api.schemas import MAX_ID
from api.schemas_chat import (
    AccountOut,
    ConversationOut,
    MessageIn,
    MessageOut,
    MessagePage,
    NewAccount,
    NewAccountOut,
    NewConversation,
)
from catalog.models import Conversation, Product, Supplier
from sesame.accounts import Principal, authenticate, create_account
from sesame.errors import SesameError
from sesame.runtime import Runtime

router = APIRouter(prefix="/v1", tags=["conversations"])
ConversationId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/accounts", status_code=status.HTTP_201_CREATED)
async def create_buyer_account(
    body: NewAccount, runtime: RuntimeDep, executor: ExecutorDep
) -> NewAccountOut:
    """Sign up as a buyer; the token is shown once."""

    def work() -> NewAccountOut:
        with runtime.session_factory() as session:
            account, token = create_account(
                session,
                kind="buyer",
                name=body.name,
                language=body.language,
                email=body.email,
                supported_languages=set(runtime.settings.translation.languages),
            )
            session.commit()
            return NewAccountOut(account=AccountOut.of(account), token=token)

    return await run_blocking(executor, work)


@router.get("/me")
async def me(user: CurrentUser) -> AccountOut:
    """The calling account."""
    return AccountOut.from_principal(user)


def _conversation_out(runtime: Runtime, conversation_id: int) -> ConversationOut:
    with runtime.session_factory() as session:
        row = session.get(Conversation, conversation_id)
        assert row is not None
        supplier = session.get(Supplier, row.supplier_id)
        assert supplier is not None
        product = None
        if row.product_id is not None:
            found = session.get(Product, row.product_id)
            product = found.external_id if found else None
        return ConversationOut(
            id=row.id,
            buyer_id=row.buyer_id,
            supplier_id=supplier.external_id,
            supplier_name=supplier.name,
            product_id=product,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@router.post("/conversations", status_code=status.HTTP_201_CREATED)
async def open_conversation(
    body: NewConversation,
    user: CurrentUser,
    runtime: RuntimeDep,
    executor: ExecutorDep,
    response: Response,
) -> ConversationOut:
    """Open a conversation with a supplier (200 with the open one if it exists); buyers only."""

    def work() -> tuple[ConversationOut, bool]:
        row, created = runtime.chat().open_conversation(
            user, supplier=body.supplier_id, product=body.product_id
        )
        return _conversation_out(runtime, row.id), created

    out, created = await run_blocking(executor, work)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return out


@router.get("/conversations")
async def list_conversations(
    user: CurrentUser, runtime: RuntimeDep, executor: ExecutorDep
) -> list[ConversationOut]:
    """The caller's conversations, most recent first."""

    def work() -> list[ConversationOut]:
        return [_conversation_out(runtime, row.id) for row in runtime.chat().conversations(user)]

    return await run_blocking(executor, work)


@router.get("/conversations/{conversation_id}/messages")
async def list_messages(
    conversation_id: ConversationId,
    user: CurrentUser,
    runtime: RuntimeDep,
    executor: ExecutorDep,
    before: Annotated[
        int | None, Query(ge=1, description="Cursor: next_before of the last page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> MessagePage:
    """Messages newest first, in the caller's language with the original alongside."""
    views, cursor = await run_blocking(
        executor, runtime.chat().messages, user, conversation_id, before=before, limit=limit
    )
    return MessagePage(messages=[MessageOut.of(view) for view in views], next_before=cursor)


@router.post("/conversations/{conversation_id}/messages", status_code=status.HTTP_201_CREATED)
async def post_message(
    conversation_id: ConversationId,
    body: MessageIn,
    user: CurrentUser,
    runtime: RuntimeDep,
    executor: ExecutorDep,
    hub: HubDep,
) -> MessageOut:
    """Send a message: stored first, then translated and pushed live to the other side."""
    posted = await run_blocking(
        executor, runtime.chat().post, user, conversation_id, body.text, client_id=body.client_id
    )
    await hub.publish(posted)
    return MessageOut.of(posted.view)


@router.websocket("/ws")
async def live(
    websocket: WebSocket, runtime: RuntimeDep, executor: ExecutorDep, hub: HubDep, token: str = ""
) -> None:
    """Live messages for the caller, already in their language (token as ?token=)."""
    try:
        user = await run_blocking(executor, _authenticate, runtime, token)
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


def _authenticate(runtime: Runtime, token: str) -> Principal:
    with runtime.session_factory() as session:
        return authenticate(session, token)
