"""`lifecycle.available_actions` offers exactly what `lifecycle.apply` would accept now: for
each state, kind and kind of user, every action offered succeeds and every other one is
refused (each tried in a transaction rolled back afterwards)."""

import pytest
from sqlmodel import Session

from core.errors import DomainError
from models import Case, Role
from tests.case_factories import BASE_URL, act, make_case
from tests.factories import make_agency, make_user
from tests.workflows.cases.test_lifecycle import LATER, NOW, STATES, fields_for, path_to
from workflows.cases import lifecycle


@pytest.fixture
def office(session):
    agency = make_agency(session, "UBND xã Tân Cương")
    other = make_agency(session, "UBND xã Phúc Xuân")
    return {
        "agency": agency,
        "other": other,
        "officer": make_user(session, Role.officer, agency),
        "clerk": make_user(session, Role.clerk, agency),
        "stranger": make_user(session, Role.officer, other),
    }


# A denunciation's withdrawal needs its written request and the resolver's decision (Art. 33):
# fields the page's form asks for, not a rule on the case, so the form's values are given here.
WRITTEN = {"written_request": "Đơn rút tố cáo ngày 02/03/2026", "decision": "stop"}


def _fields(action: str, kind: str, office) -> dict:
    extra = WRITTEN if action == "withdraw" and kind == "denunciation" else {}
    return {**fields_for(action, office), **extra}


def _accepted(engine, case: Case, action: str, actor, fields: dict) -> bool:
    with Session(engine) as session:
        fresh = session.get(Case, case.id)
        try:
            lifecycle.apply(
                session=session,
                case=fresh,
                action=action,
                actor=actor,
                now=LATER,
                base_url=BASE_URL,
                **fields,
            )
            return True
        except DomainError:
            return False
        finally:
            session.rollback()


@pytest.mark.parametrize("kind", ["complaint", "denunciation", "dossier"])
def test_offered_is_what_apply_accepts(engine, session, office, kind):
    officer = office["officer"]
    wrong = []
    for state in STATES:
        steps = path_to(state, kind)
        if steps is None:
            # A complaint cannot reach on_hold under the default policy: no pause for missing
            # documents in law (a product option an agency may turn on), so no state to check.
            continue
        case = make_case(engine, officer, office["agency"], now=NOW, kind=kind)
        for step, fields in steps:
            case = act(engine, case, step, officer, now=NOW, **fields)
        for who in ("officer", "clerk", "stranger"):
            actor = office[who]
            offered = lifecycle.available_actions(
                session=session, case=case, actor=actor, now=LATER
            )
            accepted = [
                action
                for action in lifecycle.PUBLIC_ACTIONS
                if _accepted(engine, case, action, actor, _fields(action, kind, office))
            ]
            if offered != accepted:
                wrong.append(f"{kind} {state} {who}: offered {offered}, accepted {accepted}")
    assert wrong == []


def test_used_extensions_and_reset_are_no_longer_offered(engine, session, office):
    officer = office["officer"]
    dossier = make_case(engine, officer, office["agency"], now=NOW, kind="dossier")
    dossier = act(engine, dossier, "accept", officer, now=NOW)
    assert "reset_date" in lifecycle.available_actions(
        session=session, case=dossier, actor=officer, now=NOW
    )
    dossier = act(
        engine, dossier, "reset_date", officer, now=NOW, **fields_for("reset_date", office)
    )
    offered = lifecycle.available_actions(session=session, case=dossier, actor=officer, now=NOW)
    assert "reset_date" not in offered and "extend" not in offered  # dossiers: no extension
    denunciation = make_case(engine, officer, office["agency"], now=NOW, kind="denunciation")
    denunciation = act(engine, denunciation, "accept", officer, now=NOW)
    while "extend" in lifecycle.available_actions(
        session=session, case=denunciation, actor=officer, now=NOW
    ):
        denunciation = act(
            engine, denunciation, "extend", officer, now=NOW, **fields_for("extend", office)
        )
    assert denunciation.extensions_used >= 1
    with pytest.raises(DomainError):  # the lifecycle agrees: no more extensions
        act(engine, denunciation, "extend", officer, now=NOW, **fields_for("extend", office))
