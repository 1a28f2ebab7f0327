"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ExecutorDep, RuntimeDep, run_blocking
from api.schemas import ComponentStatus, ReadyResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=ReadyResponse, responses={503: {"model": ReadyResponse}})
async def readyz(runtime: RuntimeDep, executor: ExecutorDep) -> JSONResponse:
    """Whether the database, the model and the index are ready; 503 names what is not."""
    database = await run_blocking(executor, runtime.database_ok)
    error = runtime.encoder_error.message if runtime.encoder_error else None
    components = {
        "database": ComponentStatus(ready=database),
        "model": ComponentStatus(ready=runtime.encoder_value is not None, detail=error),
        "index": ComponentStatus(ready=runtime.index_value is not None, detail=error),
    }
    ready = all(component.ready for component in components.values())
    body = ReadyResponse(ready=ready, components=components)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
