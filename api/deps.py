"""Dependencies: typed accessors for what the lifespan built, and the executor."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, Request

from sesame.runtime import Runtime

P = ParamSpec("P")
R = TypeVar("R")


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_executor(request: Request) -> ThreadPoolExecutor:
    executor: ThreadPoolExecutor = request.app.state.executor
    return executor


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ExecutorDep = Annotated[ThreadPoolExecutor, Depends(get_executor)]


async def run_blocking(
    executor: ThreadPoolExecutor, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs
) -> R:
    """Run torch, FAISS, Pillow or database work off the event loop, on the bounded pool."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, partial(func, *args, **kwargs))
