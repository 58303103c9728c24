"""Turn the hand-read plan (fixtures/source/*.yaml) into a Django fixture with fixed keys.

The YAML mirrors the document (committee -> goal -> sub-goal -> measure) so a reviewer can
hold it against the source; the JSON is what `loaddata` reads. Primary keys are derived from
each row's place in its committee, so loading again updates rows instead of adding new ones,
and an edit in one committee does not renumber the others.
"""

from pathlib import Path
from typing import Any

PLAN_PK = 1


def _pk_goal(committee_no: int, goal_no: int) -> int:
    return committee_no * 100 + goal_no


def _pk_in_committee(committee_no: int, running_no: int) -> int:
    """Sub-goals and measures are numbered through their committee: 4012 = committee 4, #12."""
    return committee_no * 1000 + running_no


def _pk_status(measure_pk: int, year: int) -> int:
    return measure_pk * 100 + year % 100


class _Builder:
    def __init__(self, source: dict[str, Any], group_pks: dict[str, int]):
        self.source = source
        self.group_pks = group_pks
        self.plan = source["plan"]
        self.years = range(self.plan["first_status_year"], self.plan["end_year"] + 1)
        self.people: dict[str, int] = {}
        self.rows: list[dict[str, Any]] = []
        self.tail: list[dict[str, Any]] = []  # rows that must come after their parents

    def row(self, model: str, pk: int, **fields) -> dict[str, Any]:
        return {"model": f"actionplan.{model}", "pk": pk, "fields": fields}

    def person(self, name: str | None) -> int | None:
        if not name:
            return None
        if name not in self.people:
            self.people[name] = len(self.people) + 1
        return self.people[name]

    def build(self) -> list[dict[str, Any]]:
        plan = self.plan
        plan_row = self.row(
            "plan",
            PLAN_PK,
            title=plan["title"],
            motto=plan["motto"],
            start_year=plan["start_year"],
            end_year=plan["end_year"],
            first_status_year=plan["first_status_year"],
            adopted_on=None,
            introduction=plan["introduction"],
            mandate=plan["mandate"],
            ended=False,
            predecessor=None,
        )
        committees = [
            self.committee(no, c) for no, c in enumerate(self.source["committees"], start=1)
        ]
        people = [
            self.row("person", pk, name=name, title="", organisation="", email="", user=None)
            for name, pk in self.people.items()
        ]
        return [*people, plan_row, *committees, *self.rows, *self.tail]

    def committee(self, no: int, c: dict[str, Any]) -> dict[str, Any]:
        unknown = set(c) - {
            "slug", "name", "short_name", "leader", "leader_title", "deputy", "secretary",
            "priority_groups", "goals",
        }  # fmt: skip
        if unknown:
            raise ValueError(f"{c['slug']}: unknown keys {sorted(unknown)}")
        counter = {"subgoal": 0, "measure": 0}
        groups = list(c.get("priority_groups", []))
        for goal_no, goal in enumerate(c["goals"], start=1):
            self.goal(no, goal_no, goal, counter, groups)
        return self.row(
            "committee",
            no,
            name=c["name"],
            short_name=c["short_name"],
            slug=c["slug"],
            mandate="",
            leader=self.person(c.get("leader")),
            leader_title=c.get("leader_title", ""),
            deputy=self.person(c.get("deputy")),
            secretary=self.person(c.get("secretary")),
            order=no,
        )

    def goal(self, committee_no, goal_no, goal, counter, groups):
        if goal_no >= 100:
            raise ValueError("at most 99 goals per committee")
        goal_pk = _pk_goal(committee_no, goal_no)
        self.rows.append(
            self.row(
                "goal",
                goal_pk,
                plan=PLAN_PK,
                committee=committee_no,
                text=_text(goal["goal"]),
                order=goal_no,
                retired=False,
            )
        )
        measure_no = 0  # measures are ordered through the goal, as the document lists them
        for measure in goal.get("measures") or []:
            measure_no += 1
            self.measure(committee_no, goal_pk, None, measure_no, measure, counter, groups)
        for subgoal_no, subgoal in enumerate(goal.get("subgoals") or [], start=1):
            counter["subgoal"] += 1
            subgoal_pk = _pk_in_committee(committee_no, counter["subgoal"])
            self.rows.append(
                self.row(
                    "subgoal",
                    subgoal_pk,
                    goal=goal_pk,
                    text=_text(subgoal["subgoal"]),
                    order=subgoal_no,
                    retired=False,
                )
            )
            for measure in subgoal.get("measures") or []:
                measure_no += 1
                self.measure(
                    committee_no, goal_pk, subgoal_pk, measure_no, measure, counter, groups
                )

    def measure(self, committee_no, goal_pk, subgoal_pk, order, measure, counter, groups):
        if isinstance(measure, str):
            measure = {"text": measure}
        unknown = set(measure) - {
            "text", "responsible", "measurement", "notes", "years", "priority_groups",
        }  # fmt: skip
        if unknown:
            raise ValueError(f"measure {measure.get('text')!r}: unknown keys {sorted(unknown)}")
        counter["measure"] += 1
        if counter["measure"] >= 1000:
            raise ValueError("at most 999 measures per committee")
        pk = _pk_in_committee(committee_no, counter["measure"])
        own_groups = [g for g in measure.get("priority_groups", []) if g not in groups]
        self.rows.append(
            self.row(
                "measure",
                pk,
                goal=goal_pk,
                subgoal=subgoal_pk,
                text=_text(measure["text"]),
                responsible=_text(measure.get("responsible", "")),
                measurement=_text(measure.get("measurement", "")),
                notes=_text(measure.get("notes", "")),
                order=order,
                retired=False,
                predecessor=None,
                priority_groups=[self.group_pks[slug] for slug in [*groups, *own_groups]],
            )
        )
        for year, note in (measure.get("years") or {}).items():
            if year not in self.years:
                raise ValueError(f"{year} is not a year column of the plan")
            # A note in a year cell; the status itself is unknown, so it stays empty.
            self.tail.append(
                self.row(
                    "measurestatus",
                    _pk_status(pk, year),
                    measure=pk,
                    year=year,
                    status="",
                    note=_text(note),
                    updated_by=None,
                )
            )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {value!r} (quote it in the YAML)")
    return value.strip()


def build_plan_fixture(source: dict[str, Any], group_pks: dict[str, int]) -> list[dict[str, Any]]:
    """The fixture rows for a plan source, in load order; group_pks maps a priority group's
    slug to its key in the priority-groups fixture."""
    return _Builder(source, group_pks).build()


def read_source(path: Path) -> dict[str, Any]:
    import yaml  # a development dependency: only the builder reads YAML

    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)
