"""The allowed transitions of a case: one table of data (DESIGN idea 3).

Pages show a button for each action `allowed` for the person; the API and the services read
the same rows; tests walk every path of it. `who` says where the right is checked:
- "holder": on the level holding the case (its grid, or the level it was escalated to);
- "grid": on the grid where it happened;
- "assignee": the handling unit's department handlers, or the grid staff of the level it
  was dispatched to;
- "reporter": the person who reported it (a grid worker settling it on the spot).
"""

from __future__ import annotations

from dataclasses import dataclass

from gridgov.accounts.roles import Right

from .choices import Action, Stage

S = Stage


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    # The stage after it; None: the stage does not change (escalate from reported, feedback).
    target: str | None
    who: str
    right: str
    # What the action must be given: "note" (a reason or result), "unit_or_level",
    # "duplicate_of", "satisfaction".
    needs: tuple[str, ...] = ()
    # The clock the new stage runs on (Category.limit): "file", "dispatch", "handle", or
    # None to stop the clock.
    clock: str | None = None

    @property
    def label(self) -> str:
        return str(Action(self.action).label)


TABLE: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(Action.FILE, (S.REPORTED,), S.FILED, "holder", Right.DISPATCH, (), "dispatch"),
        Transition(Action.REJECT, (S.REPORTED,), S.NOT_FILED, "holder", Right.DISPATCH, ("note",)),
        Transition(
            Action.MERGE, (S.REPORTED, S.FILED), S.MERGED, "holder", Right.DISPATCH,
            ("duplicate_of",),
        ),
        Transition(
            Action.DISPATCH, (S.FILED,), S.DISPATCHED, "holder", Right.DISPATCH,
            ("unit_or_level",), "handle",
        ),
        Transition(
            Action.ACCEPT, (S.DISPATCHED,), S.IN_PROGRESS, "assignee", Right.VIEW, (), "handle"
        ),
        Transition(
            Action.HANDLE, (S.DISPATCHED, S.IN_PROGRESS), S.HANDLED, "assignee", Right.VIEW,
            ("note",), "verify",
        ),
        Transition(
            Action.SETTLE, (S.REPORTED,), S.HANDLED, "reporter", Right.REPORT_CASE, ("note",),
            "verify",
        ),
        Transition(Action.VERIFY, (S.HANDLED,), S.CLOSED, "grid", Right.CLOSE_CASE),
        Transition(
            Action.REWORK, (S.HANDLED,), S.DISPATCHED, "grid", Right.CLOSE_CASE, ("note",),
            "handle",
        ),
        Transition(
            Action.ESCALATE, (S.REPORTED, S.FILED, S.DISPATCHED, S.IN_PROGRESS), None, "holder",
            Right.REPORT_CASE, ("note",),
        ),
        # A unit or grid that finds the case is not theirs gives it back to the level that
        # dispatched it, with the reason (退單), to be dispatched again.
        Transition(
            Action.RETURN, (S.DISPATCHED, S.IN_PROGRESS), S.FILED, "assignee", Right.VIEW,
            ("note",), "dispatch",
        ),
        Transition(
            Action.SUSPEND, (S.FILED, S.DISPATCHED, S.IN_PROGRESS), S.SUSPENDED, "holder",
            Right.CLOSE_CASE, ("note",),
        ),
        Transition(Action.RESUME, (S.SUSPENDED,), None, "holder", Right.CLOSE_CASE),
        Transition(
            Action.FEEDBACK, (S.CLOSED,), None, "grid", Right.REPORT_CASE, ("satisfaction",),
        ),
    )
}  # fmt: skip
