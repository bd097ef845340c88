"""The administrative procedures the desk takes in, and the province's list loaded from CSV."""

from fastapi import APIRouter, Request, status

from api.deps import AdminUser, CurrentUser, Now, SessionDep
from core.errors import Invalid
from models import ProcedurePublic
from workflows.deadlines import procedures

router = APIRouter(prefix="/procedures", tags=["procedures"])
MAX_CSV_BYTES = 2_000_000


@router.get("")
def list_procedures(session: SessionDep, _user: CurrentUser) -> list[ProcedurePublic]:
    return procedures.in_force(session=session)


@router.post("/import", status_code=status.HTTP_201_CREATED)
async def import_procedures(
    request: Request, session: SessionDep, _admin: AdminUser, now: Now
) -> dict[str, int]:
    """The request body is the CSV (UTF-8): code, name, processing_days, remote_extra_days,
    source. It replaces the loaded list; all rows or none."""
    body = await request.body()
    if len(body) > MAX_CSV_BYTES:
        raise Invalid(f"the CSV is larger than {MAX_CSV_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("the CSV must be UTF-8") from None
    loaded = procedures.load_csv(session=session, text=text, now=now)
    session.commit()
    return {"loaded": loaded}
