"""The transition table end to end: every path a case takes, who may take each step, and
that a refused step changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from gridgov.cases import services
from gridgov.cases.choices import Action, Stage
from gridgov.cases.models import Case, CaseEvent
from gridgov.core.errors import ServiceError

pytestmark = pytest.mark.django_db


def new(cast: Any, dept: Any, by: Any = None, category: Any = None) -> Case:
    return services.report(
        actor=by or cast.worker_a1, category=category or dept.litter, grid=cast.a1,
        description="幸福路口垃圾堆放", lon=106.05, lat=36.2,
    )  # fmt: skip


def trail(case: Case) -> list[tuple[str, str]]:
    return list(CaseEvent.objects.filter(case=case).values_list("action", "to_stage"))


def test_it_runs_the_whole_loop_from_report_to_feedback(cast: Any, dept: Any) -> None:
    c = new(cast, dept)
    assert (c.stage, c.holder_code, c.number[-6:]) == (Stage.REPORTED, cast.a1.code, f"{c.pk:06d}")
    assert [t.action for t in services.allowed(cast.worker_a1, c)] == [
        Action.SETTLE,
        Action.ESCALATE,
    ]
    c = services.act(case=c, actor=cast.head_a, action=Action.FILE)
    c = services.act(case=c, actor=cast.head_a, action=Action.DISPATCH, unit=dept.unit)
    assert [t.action for t in services.allowed(dept.handler, c)] == [
        Action.ACCEPT,
        Action.HANDLE,
        Action.RETURN,
    ]
    c = services.act(case=c, actor=dept.handler, action=Action.ACCEPT)
    c = services.act(case=c, actor=dept.handler, action=Action.HANDLE, note="已清运")
    c = services.act(case=c, actor=cast.head_a, action=Action.VERIFY)
    c = services.act(case=c, actor=cast.worker_a1, action=Action.FEEDBACK, satisfaction=5)
    c.refresh_from_db()
    assert (c.stage, c.satisfaction, c.deadline, c.version) == (Stage.CLOSED, 5, None, 7)
    assert c.closed_at is not None
    assert trail(c) == [
        ("report", "reported"), ("file", "filed"), ("dispatch", "dispatched"),
        ("accept", "in_progress"), ("handle", "handled"), ("verify", "closed"),
        ("feedback", "closed"),
    ]  # fmt: skip


def test_it_lets_a_worker_settle_on_the_spot_and_still_be_verified(cast: Any, dept: Any) -> None:
    c = new(cast, dept)
    with pytest.raises(ServiceError) as e:
        services.act(case=c, actor=cast.worker_a1, action=Action.SETTLE)
    assert e.value.field == "note"
    c = services.act(case=c, actor=cast.worker_a1, action=Action.SETTLE, note="现场劝离清理")
    assert (c.stage, c.settled_on_spot) == (Stage.HANDLED, True)
    with pytest.raises(ServiceError) as e:  # a worker does not close their own case
        services.act(case=c, actor=cast.worker_a1, action=Action.VERIFY)
    assert e.value.status == 403
    c = services.act(case=c, actor=cast.head_a, action=Action.VERIFY)
    assert c.stage == Stage.CLOSED


def test_it_sends_a_case_back_for_rework_and_counts_it(cast: Any, dept: Any) -> None:
    c = new(cast, dept)
    for action, kw in [(Action.FILE, {}), (Action.DISPATCH, {"unit": dept.unit}),
                       (Action.HANDLE, {"note": "已处理"})]:  # fmt: skip
        c = services.act(case=c, actor=dept.handler if action == Action.HANDLE else cast.head_a,
                         action=action, **kw)  # fmt: skip
    c = services.act(case=c, actor=cast.head_a, action=Action.REWORK, note="现场仍有垃圾")
    c.refresh_from_db()
    assert (c.stage, c.rework_count, c.unit) == (Stage.DISPATCHED, 1, dept.unit)


def test_it_escalates_level_by_level_until_the_top(cast: Any, dept: Any) -> None:
    c = new(cast, dept)
    c = services.act(case=c, actor=cast.worker_a1, action=Action.ESCALATE, note="超出网格能力")
    assert (c.holder_code, c.stage) == (cast.community_a.code, Stage.REPORTED)
    with pytest.raises(ServiceError) as e:  # no longer the worker's to act on
        services.act(case=c, actor=cast.worker_a1, action=Action.FILE)
    assert e.value.status == 403
    c = services.act(case=c, actor=cast.head_a, action=Action.FILE)
    c = services.act(case=c, actor=cast.head_a, action=Action.ESCALATE, note="涉及多个部门")
    assert (c.holder_code, c.stage) == (cast.street_a.code, Stage.FILED)
    c = services.act(case=c, actor=cast.dispatcher, action=Action.ESCALATE, note="报区指挥中心")
    assert c.holder_code == cast.county.code
    with pytest.raises(ServiceError) as e:
        services.act(case=c, actor=cast.dispatcher, action=Action.ESCALATE, note="再上报")
    assert (e.value.code, e.value.status) == ("top_level", 409)
    c.refresh_from_db()
    assert c.escalations == 3


def test_it_rejects_merges_suspends_and_resumes_with_reasons(cast: Any, dept: Any) -> None:
    first, second, third = new(cast, dept), new(cast, dept), new(cast, dept)
    c = services.act(case=first, actor=cast.head_a, action=Action.REJECT, note="不属于受理范围")
    assert c.stage == Stage.NOT_FILED
    c = services.act(case=second, actor=cast.head_a, action=Action.MERGE, duplicate_of=third)
    assert (c.stage, c.duplicate_of) == (Stage.MERGED, third)
    c = services.act(case=third, actor=cast.head_a, action=Action.FILE)
    c = services.act(case=c, actor=cast.head_a, action=Action.SUSPEND, note="待汛期后施工")
    assert (c.stage, c.deadline) == (Stage.SUSPENDED, None)
    c = services.act(case=c, actor=cast.head_a, action=Action.RESUME)
    assert c.stage == Stage.FILED
    assert c.deadline is not None


def test_it_refuses_and_changes_nothing(cast: Any, dept: Any) -> None:
    c = new(cast, dept)
    before = (Case.objects.filter(pk=c.pk).values().get(), CaseEvent.objects.count())
    attempts = [
        (cast.worker_b1, Action.FILE, {}, 404),  # out of scope
        (cast.worker_a1, Action.FILE, {}, 403),  # no right
        (cast.head_a, Action.VERIFY, {}, 409),  # not at this stage
        (cast.head_a, Action.FILE, {"version": 99}, 409),  # stale
        (cast.head_a, "jump", {}, 400),  # no such action
    ]
    for actor, action, kw, status in attempts:
        with pytest.raises(ServiceError) as e:
            services.act(case=c, actor=actor, action=action, **kw)
        assert e.value.status == status, action
    assert (Case.objects.filter(pk=c.pk).values().get(), CaseEvent.objects.count()) == before


def test_it_dispatches_to_a_grid_level_within_the_holder_only(cast: Any, dept: Any) -> None:
    c = services.act(case=new(cast, dept), actor=cast.head_a, action=Action.FILE)
    for kw in ({}, {"unit": dept.unit, "level": cast.a1.code}, {"level": cast.b1.code}):
        with pytest.raises(ServiceError):
            services.act(case=c, actor=cast.head_a, action=Action.DISPATCH, **kw)
    c = services.act(case=c, actor=cast.head_a, action=Action.DISPATCH, level=cast.a1.code)
    # The grid's staff handle it, report it up when they cannot, or give it back.
    assert [t.action for t in services.allowed(cast.worker_a1, c)] == [
        Action.ACCEPT,
        Action.HANDLE,
        Action.ESCALATE,
        Action.RETURN,
    ]
    assert services.allowed(dept.handler, c) == []


def test_it_tells_those_who_must_act_next(cast: Any, dept: Any) -> None:
    from gridgov.notices.models import Notice

    def told(kind: str) -> list[str]:
        return sorted(
            Notice.objects.filter(kind=kind, channel="inapp").values_list(
                "recipient__username", flat=True
            )
        )

    c = services.act(case=new(cast, dept), actor=cast.head_a, action=Action.FILE)
    c = services.act(case=c, actor=cast.head_a, action=Action.DISPATCH, unit=dept.unit)
    assert told("case.dispatch") == ["handler"]  # not head_a, who dispatched it
    c = services.act(case=c, actor=dept.handler, action=Action.HANDLE, note="已清运")
    assert told("case.handle") == ["head_a"]
    services.act(case=c, actor=cast.head_a, action=Action.REWORK, note="仍有垃圾")
    assert told("case.rework") == ["handler"]


def test_it_dispatches_to_a_lead_unit_with_co_handling_units(cast: Any, dept: Any) -> None:
    from gridgov.accounts.models import Assignment, User
    from gridgov.accounts.roles import Role
    from gridgov.conftest import EPOCH
    from gridgov.notices.models import Notice
    from gridgov.registry.models import Organisation

    police = Organisation.objects.create(
        grid=cast.county, grid_code=cast.county.code, name="交警大队", kind="unit"
    )
    officer = User.objects.create_user("officer", password="pw")
    Assignment.objects.create(
        user=officer, grid=cast.county, role=Role.DEPARTMENT_HANDLER, unit=police, starts_on=EPOCH
    )
    c = services.act(case=new(cast, dept), actor=cast.head_a, action=Action.FILE)
    with pytest.raises(ServiceError) as e:
        services.act(case=c, actor=cast.head_a, action=Action.DISPATCH, level=cast.a1.code,
                     co_units=[police])  # fmt: skip
    assert e.value.field == "unit"
    c = services.act(case=c, actor=cast.head_a, action=Action.DISPATCH, unit=dept.unit,
                     co_units=[police, dept.unit])  # fmt: skip
    assert list(c.co_units.all()) == [police]  # the lead unit is not its own co-handler
    assert sorted(
        Notice.objects.filter(kind="case.dispatch").values_list("recipient__username", flat=True)
    ) == ["handler", "officer"]
    assert services.allowed(officer, c) == []  # the lead unit handles; the others help
    c = services.act(case=c, actor=dept.handler, action=Action.RETURN, note="不属于本单位职责")
    assert (c.stage, c.unit, list(c.co_units.all())) == (Stage.FILED, None, [])
