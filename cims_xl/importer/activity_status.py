"""The done/status/outcome column of activity and task exports (interactions).

An interaction is something that took place: a call made, a meeting held, an email
sent. CRM activity and task exports also list what is only planned or did not happen:
Pipedrive `Activity - Done` = `To do`/`Not done`, Salesforce task `Status` =
`Not Started`/`In Progress`/`Deferred`, HubSpot `Meeting outcome` = `Scheduled`/
`No show`/`Canceled`. The interaction schema has no status, so such rows are rejected
with the reason (counted, listed), never stored as interactions that happened.

The column is found by its heading (a status, done or outcome heading the mapping leaves
unmapped); its values are read on the whole column: when every value is known as done
or not done the rows not done are rejected and the summary says so; when some value is
neither, the import stops before writing, naming the column, the values and the
`--map "COLUMN=Notes"` that keeps every row as one that took place.
"""

from __future__ import annotations

import re
from collections import Counter

HEADERS = frozenset("""
done activitydone activitystatus status taskstatus callstatus meetingstatus eventstatus outcome meetingoutcome
calloutcome activityoutcome taskoutcome completed iscompleted isdone completion result 完成 已完成 是否完成 状态 完成状态
任务状态 活动状态 跟进状态 拜访状态 结果 狀態 完成狀態 状況 ステータス 完了 対応状況 상태 완료 erledigt status
statut état etat terminé estado completado stato esito
""".split())

DONE = frozenset(s.strip() for s in """
done|completed|complete|held|happened|took place|occurred|finished|closed|yes|true|1|y|x|✓|✔
|connected|busy|no answer|left voicemail|left live message|wrong number|sent|delivered|attended
|已完成|完成|是|已结束|已拜访|已跟进|已联系|已发送|完了|済|済み|実施済|対応済|완료|erledigt|abgeschlossen
|durchgeführt|ja|terminé|terminée|fait|effectué|oui|completado|completada|hecho|realizado|realizada|sí|si
|concluso|completato|fatto
""".split("|"))

NOT_DONE = frozenset(s.strip() for s in """
to do|todo|not done|undone|not started|in progress|waiting on someone else|waiting|deferred|open|planned
|scheduled|pending|upcoming|canceled|cancelled|no show|no-show|noshow|rescheduled|overdue|not held
|no|false|0|n|draft
|未完成|待办|待完成|未开始|进行中|计划|计划中|已计划|待跟进|已取消|取消|未出席|失约|否|改期|已改期
|未完了|予定|未着手|対応中|キャンセル|中止|欠席|미완료|예정|취소|진행중
|offen|geplant|abgesagt|ausstehend|nein|nicht erledigt|à faire|a faire|annulé|annulée|prévu|planifié|en cours|non
|pendiente|cancelado|cancelada|programado|programada|no realizado|en curso|annullato|pianificato|da fare
""".split("|"))

_SPACE = re.compile(r"[\s_\-]+")
EXAMPLES = 4


def _key(value) -> str:
    return _SPACE.sub(" ", str(value).strip().casefold()).replace("no show", "no show")


def _known(key: str) -> str | None:
    if key in DONE or key.replace(" ", "-") in DONE:
        return "done"
    if key in NOT_DONE or key.replace(" ", "") in NOT_DONE or key.replace(" ", "-") in NOT_DONE:
        return "not done"
    return None


def is_status_word(value) -> bool:
    """Whether a cell is a done/not-done word ("Done", "To do", "No show", "已完成")."""
    return _known(_key(value)) is not None


class ActivityStatus:
    """Evidence of an interaction file's status column: `add` each data row, then `decide`."""

    def __init__(self, col: int, header: str):
        self.col = col
        self.header = header
        self.values: Counter = Counter()
        self.not_done: dict[int, str] = {}
        self.unknown: dict[str, int] = {}

    @classmethod
    def find(cls, ent, table, mapping, overrides) -> "ActivityStatus | None":
        from .mapping import norm

        if ent.kind != "interaction":
            return None
        given = {norm(k) for k in overrides}
        for j, c in enumerate(mapping.columns):
            h = norm(c.header)
            if c.target in (None, "notes") and h not in given and (h in HEADERS or h.endswith(("done", "outcome"))):
                return cls(table.columns[j], c.header)
        return None

    def add(self, number: int, values: list) -> None:
        v = values[self.col] if self.col < len(values) else None
        if v is None or str(v).strip() == "":
            return
        if isinstance(v, bool):
            v = "yes" if v else "no"
        text = str(v).strip()
        key = _key(text)
        self.values[text] += 1
        how = _known(key)
        if how == "not done":
            self.not_done[number] = text
        elif how is None and text not in self.unknown:
            self.unknown[text] = number

    def decide(self, file: str) -> tuple[dict[int, tuple[str, str]], list[dict]]:
        """({row: (header, value)} of the rows not done, inferences); ImportRefused when a
        value is known as neither."""
        from .errors import ImportRefused

        if not self.values:
            return {}, []
        if self.unknown:
            shown = ", ".join(f"'{v}' (row {n})" for v, n in list(self.unknown.items())[:EXAMPLES])
            known = ", ".join(f"'{v}'" for v in list(self.values)[:EXAMPLES] if v not in self.unknown)
            raise ImportRefused(
                f"{file}: column '{self.header}' reads as each activity's status (done or not), but "
                f"{shown} is not known as done or not done" + (f" (known: {known})" if known else "")
                + ". An interaction is one that took place, so rows planned, cancelled or missed are not stored. "
                "Nothing was imported. Remove the rows that did not take place, or say the column is no status "
                f"with --map \"{self.header}=Notes\" (every row stored as an interaction that took place).")
        rows = {n: (self.header, v) for n, v in self.not_done.items()}
        if not rows:
            return {}, [{"what": f"status in '{self.header}'", "decided": "every row took place",
                         "evidence": ", ".join(f"'{v}'" for v in list(self.values)[:EXAMPLES])}]
        said = Counter(self.not_done.values())
        return rows, [{"what": f"status in '{self.header}'",
                       "decided": f"{len(rows)} row(s) not stored: planned, not done, cancelled or missed "
                                  "activities are not interactions that took place",
                       "evidence": ", ".join(f"'{v}' ({n} row(s))" for v, n in said.most_common(EXAMPLES))
                                   + f"; the others say {', '.join(repr(v) for v in self.values if v not in said)[:120] or 'nothing'}"}]


def not_done_problem(header: str, value: str) -> dict[str, str]:
    return {header: f"'{value}': an activity planned, not done, cancelled or missed, not one that took place "
                    "(interactions are what happened; it was not stored)"}
