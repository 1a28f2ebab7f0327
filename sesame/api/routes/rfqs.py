"""Requests for quotation: buyers post them, matched suppliers quote, buyers accept one."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from sesame.api.deps import (
    CurrentUser,
    HubDep,
    PoolsDep,
    QuotesDep,
    RfqsDep,
    SettingsDep,
    limited_by_account,
    run_on,
)
from sesame.api.hub import ConnectionHub
from sesame.api.schemas import MAX_ID
from sesame.api.schemas_common import next_offset
from sesame.api.schemas_rfq import (
    InboxItem,
    InboxPage,
    MyRfqItem,
    MyRfqPage,
    NewQuote,
    NewRfq,
    QuoteOut,
    RfqOut,
)
from sesame.chat.views import Posted
from sesame.core.errors import InvalidInput, PayloadTooLarge

router = APIRouter(prefix="/v1", tags=["requests for quotation"])
RfqId = Annotated[int, Path(ge=1, le=MAX_ID)]
Language = Annotated[str | None, Query(max_length=8, description="Read it in this language")]
_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {"schema": NewRfq.model_json_schema()},
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["rfq"],
            "properties": {"rfq": {"type": "string", "description": "The JSON body, as text"},
                           "image": {"type": "string", "format": "binary"}},
        }},
    },
}  # fmt: skip


@router.post(
    "/rfqs", status_code=status.HTTP_201_CREATED, openapi_extra={"requestBody": _BODY},
    dependencies=[Depends(limited_by_account("catalog"))],
)  # fmt: skip
async def post_rfq(
    request: Request, user: CurrentUser, rfqs: RfqsDep, quotes: QuotesDep, pools: PoolsDep,
    settings: SettingsDep,
) -> RfqOut:  # fmt: skip
    """Post what you need (text and/or photo); it goes to the best-matching suppliers."""
    body, photo = await _read(request, settings.images.max_upload_bytes)
    rfq = await run_on(pools.model, rfqs.post, user, body.draft(), photo)
    view = await run_on(pools.translation, quotes.view, user, rfq.id, language=None, currency=None)
    return RfqOut.of(view)


async def _read(request: Request, limit: int) -> tuple[NewRfq, bytes | None]:
    """The RFQ from a JSON body, or from the ``rfq`` field of a multipart form with ``image``."""
    try:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            async with request.form(max_files=1, max_fields=4) as form:
                raw, image = form.get("rfq"), form.get("image")
                if not isinstance(raw, str):
                    raise InvalidInput("A multipart RFQ sends its JSON in the text field 'rfq'.")
                photo = await image.read(limit + 1) if isinstance(image, UploadFile) else None
            if photo is not None and len(photo) > limit:
                raise PayloadTooLarge(f"The photo is over the {limit // (1024 * 1024)} MiB limit.")
            return NewRfq.model_validate_json(raw), photo
        return NewRfq.model_validate_json(await request.body()), None
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc


@router.get("/rfqs")
async def my_rfqs(
    user: CurrentUser, quotes: QuotesDep, pools: PoolsDep, language: Language = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> MyRfqPage:  # fmt: skip
    """Your company's requests for quotation, newest first, with how many quotes each has."""
    rows = await run_on(
        pools.translation, quotes.mine, user, language=language, limit=limit + 1, offset=offset
    )
    return MyRfqPage(
        rfqs=[MyRfqItem.of(rfq, text, count) for rfq, text, count in rows[:limit]],
        next_offset=next_offset(rows, limit=limit, offset=offset),
    )


@router.get("/rfqs/{rfq_id}")
async def get_rfq(
    rfq_id: RfqId, user: CurrentUser, quotes: QuotesDep, pools: PoolsDep,
    language: Language = None,
    currency: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
) -> RfqOut:  # fmt: skip
    """The buyer sees every quote side by side in one currency; a supplier sees its own."""
    view = await run_on(
        pools.translation, quotes.view, user, rfq_id, language=language, currency=currency
    )
    return RfqOut.of(view)


@router.get("/rfq-inbox")
async def rfq_inbox(
    user: CurrentUser, quotes: QuotesDep, pools: PoolsDep, language: Language = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> InboxPage:  # fmt: skip
    """Requests matched to your supplier, open ones first, in your language."""
    rows = await run_on(
        pools.translation, quotes.inbox, user, language=language, limit=limit + 1, offset=offset
    )
    return InboxPage(
        rfqs=[InboxItem.of(rfq, text, quote) for rfq, text, quote in rows[:limit]],
        next_offset=next_offset(rows, limit=limit, offset=offset),
    )


@router.post(
    "/rfqs/{rfq_id}/quotes", status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(limited_by_account("catalog"))],
)  # fmt: skip
async def quote_rfq(
    rfq_id: RfqId, body: NewQuote, user: CurrentUser, quotes: QuotesDep, pools: PoolsDep,
    hub: HubDep,
) -> QuoteOut:  # fmt: skip
    """Answer a request matched to you; it opens (or joins) your conversation with the buyer."""
    _quote, posted = await run_on(pools.translation, quotes.submit, user, rfq_id, body.draft())
    await _publish(hub, [posted])
    view = await run_on(pools.translation, quotes.view, user, rfq_id, language=None, currency=None)
    return QuoteOut.of(view.quotes[0], view.currency)


@router.post("/rfqs/{rfq_id}/quotes/{quote_id}/accept")
async def accept_quote(
    rfq_id: RfqId, quote_id: Annotated[int, Path(ge=1, le=MAX_ID)], user: CurrentUser,
    quotes: QuotesDep, pools: PoolsDep, hub: HubDep,
) -> RfqOut:  # fmt: skip
    """Accept one quote: the request closes and the other quoting suppliers are told."""
    view, posted = await run_on(pools.translation, quotes.accept, user, rfq_id, quote_id)
    await _publish(hub, posted)
    return RfqOut.of(view)


async def _publish(hub: ConnectionHub, posted: list[object]) -> None:
    for message in posted:
        message = cast(Posted, message)
        if not message.replayed:
            await hub.publish(message)
