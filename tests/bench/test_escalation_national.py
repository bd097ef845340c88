"""The sweep bench on a generated database sweeps what it says and leaves the data as it was
(nothing here is timed)."""

import sqlalchemy as sa

from bench.escalation_national import AS_OF, _saved, prepare, restore, sweep_turn
from bench.generate import generate
from models import Case, CaseEvent, CaseSchedule, EscalationStep, JobRun, Notification

K = 12


def _fingerprint(engine) -> dict:
    """Everything of the generated data a sweep could change."""
    with engine.connect() as conn:
        return {
            "cases": conn.execute(
                sa.select(
                    Case.id,
                    Case.due_at,
                    Case.escalation_level,
                    Case.long_pending,
                    Case.status,
                    Case.version,
                ).order_by(Case.id)
            ).all(),  # fmt: skip
            "schedule": conn.execute(
                sa.select(CaseSchedule.case_id, CaseSchedule.next_action_at).order_by(
                    CaseSchedule.case_id
                )
            ).all(),
            "events": conn.execute(sa.select(sa.func.count(), sa.func.max(CaseEvent.id))).one(),
            "steps": conn.scalar(sa.select(sa.func.count()).select_from(EscalationStep)),
            "outbox": conn.scalar(sa.select(sa.func.count()).select_from(Notification)),
            "runs": conn.execute(sa.select(JobRun.job, JobRun.summary)).all(),
        }


def test_the_picked_reminders_are_swept_both_ways_then_put_back(
    settings, engine, database_url, tmp_path
):
    generate(database_url, 1500, seed=5, quiet=True)
    before = _fingerprint(engine)

    prepared = prepare(engine, K, tmp_path / "restore.json")
    assert (tmp_path / "restore.json").exists()  # saved before anything was changed
    with engine.connect() as conn:
        due = conn.scalars(
            sa.select(CaseSchedule.case_id).where(CaseSchedule.next_action_at <= AS_OF)
        ).all()
    assert sorted(due) == prepared.ids and len(due) == K

    sweep_turn(engine, prepared, repeats=1, batch_size=5)  # direct, then the flow
    with engine.connect() as conn:
        steps = conn.execute(sa.select(EscalationStep.case_id, EscalationStep.step)).all()
        events = conn.scalars(
            sa.select(CaseEvent.action).where(CaseEvent.id > prepared.event_floor)
        ).all()
        outbox = conn.scalars(sa.select(Notification.case_id)).all()
        runs = conn.scalars(sa.select(JobRun.job)).all()
    assert sorted(steps) == [(i, "reminder") for i in prepared.ids]  # one step per picked case
    assert events == ["reminder"] * K
    assert sorted(outbox) == prepared.ids
    assert runs == ["escalation-sweep"]  # the flow ran

    restore(engine, _saved(prepared))
    assert _fingerprint(engine) == before
