"""Dependencies: each route gets exactly what it needs, as an ``Annotated`` alias.

The composition root puts a ``Services`` on ``app.state`` in the lifespan;
nothing here builds anything. Blocking work runs on the pool of its kind
(``run_on``): database, model or translation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from sesame.accounts.service import Accounts, Principal
from sesame.api.hub import ConnectionHub
from sesame.api.ratelimit import RateLimiter, account_key, limited_by_ip
from sesame.chat.service import ChatService
from sesame.core.pools import BoundedPool, Pools
from sesame.core.slots import Readiness
from sesame.search.browse import CatalogBrowser
from sesame.search.offers import Offers
from sesame.search.preferences import Preferences
from sesame.search.service import SearchService
from sesame.settings import Settings
from sesame.shop.products import ProductService
from sesame.shop.profiles import SupplierProfiles
from sesame.shop.trust import Verifications
from sesame.shop.uploads import CatalogUploads
from sesame.trade.quotes import QuoteDesk
from sesame.trade.reviews import Reviews
from sesame.trade.rfqs import RfqBoard

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    search: SearchService
    browse: CatalogBrowser
    chat: ChatService
    accounts: Accounts
    products: ProductService
    profiles: SupplierProfiles
    verifications: Verifications
    uploads: CatalogUploads
    reviews: Reviews
    rfqs: RfqBoard
    quotes: QuoteDesk
    offers: Offers
    preferences: Preferences
    hub: ConnectionHub
    pools: Pools
    limiter: RateLimiter
    readiness: Readiness


def services(connection: HTTPConnection) -> Services:
    found: Services = connection.app.state.services
    return found


def get_settings(connection: HTTPConnection) -> Settings:
    return services(connection).settings


def get_search(connection: HTTPConnection) -> SearchService:
    return services(connection).search


def get_browse(connection: HTTPConnection) -> CatalogBrowser:
    return services(connection).browse


def get_chat(connection: HTTPConnection) -> ChatService:
    return services(connection).chat


def get_accounts(connection: HTTPConnection) -> Accounts:
    return services(connection).accounts


def get_products(connection: HTTPConnection) -> ProductService:
    return services(connection).products


def get_profiles(connection: HTTPConnection) -> SupplierProfiles:
    return services(connection).profiles


def get_verifications(connection: HTTPConnection) -> Verifications:
    return services(connection).verifications


def get_uploads(connection: HTTPConnection) -> CatalogUploads:
    return services(connection).uploads


def get_reviews(connection: HTTPConnection) -> Reviews:
    return services(connection).reviews


def get_rfqs(connection: HTTPConnection) -> RfqBoard:
    return services(connection).rfqs


def get_quotes(connection: HTTPConnection) -> QuoteDesk:
    return services(connection).quotes


def get_offers(connection: HTTPConnection) -> Offers:
    return services(connection).offers


def get_preferences(connection: HTTPConnection) -> Preferences:
    return services(connection).preferences


def get_hub(connection: HTTPConnection) -> ConnectionHub:
    return services(connection).hub


def get_pools(connection: HTTPConnection) -> Pools:
    return services(connection).pools


def get_readiness(connection: HTTPConnection) -> Readiness:
    return services(connection).readiness


def get_limiter(connection: HTTPConnection) -> RateLimiter:
    return services(connection).limiter


_bearer = HTTPBearer(auto_error=False, description="An API token from POST /v1/accounts")


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    found = services(request)
    token = credentials.credentials if credentials else None
    return await run_on(found.pools.database, found.accounts.authenticate, token)


async def get_optional_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The caller if it sent a token (401 if that token is bad); None for anonymous calls."""
    if credentials is None:
        return None
    return await get_principal(request, credentials)


SettingsDep = Annotated[Settings, Depends(get_settings)]
SearchDep = Annotated[SearchService, Depends(get_search)]
BrowseDep = Annotated[CatalogBrowser, Depends(get_browse)]
ChatDep = Annotated[ChatService, Depends(get_chat)]
AccountsDep = Annotated[Accounts, Depends(get_accounts)]
ProductsDep = Annotated[ProductService, Depends(get_products)]
ProfilesDep = Annotated[SupplierProfiles, Depends(get_profiles)]
VerificationsDep = Annotated[Verifications, Depends(get_verifications)]
UploadsDep = Annotated[CatalogUploads, Depends(get_uploads)]
ReviewsDep = Annotated[Reviews, Depends(get_reviews)]
RfqsDep = Annotated[RfqBoard, Depends(get_rfqs)]
QuotesDep = Annotated[QuoteDesk, Depends(get_quotes)]
OffersDep = Annotated[Offers, Depends(get_offers)]
PreferencesDep = Annotated[Preferences, Depends(get_preferences)]
HubDep = Annotated[ConnectionHub, Depends(get_hub)]
PoolsDep = Annotated[Pools, Depends(get_pools)]
ReadinessDep = Annotated[Readiness, Depends(get_readiness)]
CurrentUser = Annotated[Principal, Depends(get_principal)]
MaybeUser = Annotated[Principal | None, Depends(get_optional_principal)]


def limited_by_account(rule: str) -> Callable[[Principal, HTTPConnection], Awaitable[None]]:
    """A dependency that counts the request against ``rule`` for the calling account."""

    async def check(user: CurrentUser, connection: HTTPConnection) -> None:
        await get_limiter(connection).hit(rule, account_key(user.account_id))

    return check


def per_ip(rule: str) -> Callable[[HTTPConnection], Awaitable[None]]:
    return limited_by_ip(rule, get_limiter)


async def run_on(pool: BoundedPool, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run blocking work off the event loop on ``pool``; Overloaded (503) when it is full."""
    return await asyncio.wrap_future(pool.submit(func, *args, **kwargs))
