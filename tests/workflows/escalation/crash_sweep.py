"""Run one escalation sweep and SIGKILL this process at a chosen point: the crash test's
fault injection, installed here around the flow's steps, never in production code.

    python -m tests.workflows.escalation.crash_sweep AS_OF BATCH_SIZE [KILL_AT]

KILL_AT "committed:N" kills the process once N batches are committed; "uncommitted:N" kills
it inside batch N+1, after its steps are written and flushed, before the commit. Without
KILL_AT the sweep runs to the end and prints its totals.
"""

import os
import signal
import sys
from contextlib import contextmanager
from datetime import datetime

from workflows.flows import escalation_sweep as flow_module


def install_kill_point(kill_at: str) -> None:
    """Wrap the names the flow module calls (apply_batch, session_scope) in this process."""
    where, _, count = kill_at.partition(":")
    at = int(count)
    applied = 0
    real_apply, real_scope = flow_module.apply_batch, flow_module.session_scope

    def apply_batch(**kwargs):
        nonlocal applied
        result = real_apply(**kwargs)
        kwargs["session"].flush()
        if where == "uncommitted" and applied == at:
            os.kill(os.getpid(), signal.SIGKILL)
        applied += 1
        return result

    @contextmanager
    def session_scope(engine):
        with real_scope(engine) as session:
            yield session
        if where == "committed" and applied and applied == at:  # after the commit
            os.kill(os.getpid(), signal.SIGKILL)

    flow_module.apply_batch, flow_module.session_scope = apply_batch, session_scope


def main(argv: list[str]) -> None:
    as_of, batch_size, *kill_at = argv
    if kill_at:
        install_kill_point(kill_at[0])
    print(
        flow_module.escalation_sweep(
            as_of=datetime.fromisoformat(as_of), batch_size=int(batch_size)
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
