"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from sesame.api.deps import PoolsDep, ReadinessDep, run_on
from sesame.api.schemas import ComponentStatus, ReadyResponse
from sesame.core.slots import LOADING_RETRY_AFTER

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up (from the first second, while parts still load)."""
    return {"status": "ok"}


@router.get("/readyz", response_model=ReadyResponse, responses={503: {"model": ReadyResponse}})
async def readyz(readiness: ReadinessDep, pools: PoolsDep) -> JSONResponse:
    """Whether every part is ready; 503 names what is still loading or has failed."""
    report = await run_on(pools.database, readiness.report)
    components = {
        name: ComponentStatus(ready=status.state == "ready", state=status.state,
                              detail=status.detail)
        for name, status in report.items()
    }  # fmt: skip
    ready = all(component.ready for component in components.values())
    body = ReadyResponse(ready=ready, components=components)
    loading = any(status.state == "loading" for status in report.values())
    headers = {"Retry-After": str(LOADING_RETRY_AFTER)} if loading else None
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503, headers=headers)
