"""Dependencies: typed accessors for what the lifespan built, and the executor."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from api.hub import ConnectionHub
from sesame.accounts import Principal, authenticate
from sesame.runtime import Runtime

P = ParamSpec("P")
R = TypeVar("R")


def get_runtime(connection: HTTPConnection) -> Runtime:
    runtime: Runtime = connection.app.state.runtime
    return runtime


def get_hub(connection: HTTPConnection) -> ConnectionHub:
    hub: ConnectionHub = connection.app.state.hub
    return hub


def get_executor(connection: HTTPConnection) -> ThreadPoolExecutor:
    executor: ThreadPoolExecutor = connection.app.state.executor
    return executor


_bearer = HTTPBearer(auto_error=False, description="An API token from POST /v1/accounts")


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    runtime = get_runtime(request)
    token = credentials.credentials if credentials else None

    def lookup() -> Principal:
        with runtime.session_factory() as session:
            return authenticate(session, token)

    return await run_blocking(get_executor(request), lookup)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ExecutorDep = Annotated[ThreadPoolExecutor, Depends(get_executor)]
HubDep = Annotated[ConnectionHub, Depends(get_hub)]
CurrentUser = Annotated[Principal, Depends(get_principal)]


async def run_blocking(
    executor: ThreadPoolExecutor, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs
) -> R:
    """Run torch, FAISS, Pillow or database work off the event loop, on the bounded pool."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, partial(func, *args, **kwargs))
