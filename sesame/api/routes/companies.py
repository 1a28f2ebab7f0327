"""A company and its members: admins invite staff (each gets a token, shown once)."""

from __future__ import annotations

from fastapi import APIRouter, status

from sesame.api.deps import AccountsDep, CurrentUser, PoolsDep, run_on
from sesame.api.schemas_chat import AccountOut
from sesame.api.schemas_shop import CompanyOut, NewMember, NewMemberOut

router = APIRouter(prefix="/v1/companies", tags=["companies"])


@router.get("/me")
async def my_company(user: CurrentUser, accounts: AccountsDep, pools: PoolsDep) -> CompanyOut:
    """The caller's company, whether it buys and sells, and its members."""
    company, members = await run_on(pools.database, accounts.members, user)
    return CompanyOut.of(company, members, user.supplier_ref)


@router.post("/me/members", status_code=status.HTTP_201_CREATED)
async def invite_member(
    body: NewMember, user: CurrentUser, accounts: AccountsDep, pools: PoolsDep
) -> NewMemberOut:
    """A new member of the caller's company (admins only); the token is shown once."""
    who, token = await run_on(
        pools.database, accounts.add_member, user, name=body.name, language=body.language,
        email=body.email, role=body.role,
    )  # fmt: skip
    return NewMemberOut(account=AccountOut.from_principal(who), token=token)
