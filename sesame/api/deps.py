"""Dependencies: each route gets exactly what it needs, as an ``Annotated`` alias.

The composition root puts a ``Services`` on ``app.state`` in the lifespan;
nothing here builds anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from sesame.api.hub import ConnectionHub
from sesame.chat.accounts import Accounts, Principal
from sesame.chat.service import ChatService
from sesame.core.slots import Readiness
from sesame.search.browse import CatalogBrowser
from sesame.search.service import SearchService
from sesame.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    search: SearchService
    browse: CatalogBrowser
    chat: ChatService
    accounts: Accounts
    hub: ConnectionHub
    executor: Executor
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


def get_hub(connection: HTTPConnection) -> ConnectionHub:
    return services(connection).hub


def get_executor(connection: HTTPConnection) -> Executor:
    return services(connection).executor


def get_readiness(connection: HTTPConnection) -> Readiness:
    return services(connection).readiness


_bearer = HTTPBearer(auto_error=False, description="An API token from POST /v1/accounts")


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    found = services(request)
    token = credentials.credentials if credentials else None
    return await run_blocking(found.executor, found.accounts.authenticate, token)


SettingsDep = Annotated[Settings, Depends(get_settings)]
SearchDep = Annotated[SearchService, Depends(get_search)]
BrowseDep = Annotated[CatalogBrowser, Depends(get_browse)]
ChatDep = Annotated[ChatService, Depends(get_chat)]
AccountsDep = Annotated[Accounts, Depends(get_accounts)]
HubDep = Annotated[ConnectionHub, Depends(get_hub)]
ExecutorDep = Annotated[Executor, Depends(get_executor)]
ReadinessDep = Annotated[Readiness, Depends(get_readiness)]
CurrentUser = Annotated[Principal, Depends(get_principal)]


async def run_blocking(
    executor: Executor, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs
) -> R:
    """Run torch, FAISS, Pillow or database work off the event loop, on the bounded pool."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, partial(func, *args, **kwargs))
