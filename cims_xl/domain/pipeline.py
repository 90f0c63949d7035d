"""Sales pipeline rules: stage probabilities, weighted amounts, closing dates.

Pure functions, no I/O. The opportunity service calls `apply_opportunity_change` on
every create and update and merges the fields it returns into the record it writes;
`stage_change` tells it whether to write a stage-history row.

Rules (PRODUCT.md: Lead 10 · Qualified 20 · Needs analysis 30 · Proposal 50 ·
Negotiation 75 · Won 100 · Lost 0):
- A stage change sets the stage's default probability, unless the probability was set
  by hand (``probability_manual``), in which case the hand-set value is kept.
- Typing a probability marks it as set by hand; clearing it (blank) goes back to the
  stage default. A typed value equal to the stage default is not "by hand", so the next
  stage change still moves it.
- A probability an import could not read (``LEFT_EMPTY``) is stored empty, not as the
  stage default; it stays empty until one is typed or the stage changes. Forecasts
  count such a deal in Open and Best Case, not in Weighted (reports say how many).
- Won and Lost always mean 100 and 0 and clear the by-hand mark (so a deal reopened
  from Lost gets its new stage's default again). A probability typed with Won or Lost
  that is not 100 or 0 is refused naming the rule, never replaced without a word.
- A close date given for a Won or Lost deal is never in the future.
- Entering Won or Lost sets ``closed_at`` (the local date) unless one was given;
  reopening clears it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from .schema import OPEN_STAGES, STAGE_PROBABILITY, STAGES
from ..errors import ValidationFailed

CLOSED_STAGES = ("Won", "Lost")


class _LeftEmpty:
    """The probability of a new or updated deal whose value could not be read (an
    import's "0.5" in a column of both shares and points): stored empty, as the warning
    says, never as the stage's default; a forecast counts the deal as of unknown
    probability. Shown as nothing."""

    def __repr__(self) -> str:
        return "LEFT_EMPTY"

    def __str__(self) -> str:
        return ""

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):       # the one value, also in an import's worker process
        return "LEFT_EMPTY"


LEFT_EMPTY = _LeftEmpty()
DEFAULT_TZ = ZoneInfo("Asia/Shanghai")
COMPUTED_FIELDS = ("probability", "probability_manual", "closed_at")


def default_probability(stage: str | None) -> int:
    """The default win probability (percent) of a stage; Lead's when the stage is blank."""
    if stage is None or stage == "":
        stage = STAGES[0]
    try:
        return STAGE_PROBABILITY[stage]
    except KeyError:
        raise ValueError(f"unknown stage {stage!r}; use one of: {', '.join(STAGES)}") from None


def is_open(stage: str | None) -> bool:
    return (stage or STAGES[0]) in OPEN_STAGES


def weighted_amount(amount, probability) -> Decimal | float | None:
    """amount × probability / 100, in the type of `amount` (Decimal stays exact)."""
    if amount is None or probability is None:
        return None
    if isinstance(amount, Decimal):
        return amount * Decimal(int(probability)) / Decimal(100)
    return float(amount) * float(probability) / 100.0


def stage_change(before: dict | None, after: dict) -> tuple[str | None, str] | None:
    """(from_stage, to_stage) when this write changes the stage (from None on create)."""
    old = before.get("stage") if before else None
    new = _value(before, after, "stage") or STAGES[0]
    if before is None or old != new:
        return old, new
    return None


class ProbabilityOutOfRange(ValidationFailed, ValueError):
    """A probability outside 0-100, named for the user as every refused value is (and a
    ValueError to callers of earlier versions)."""


def apply_opportunity_change(before: dict | None, after: dict, now: dt.datetime,
                             *, tz: ZoneInfo = DEFAULT_TZ, imported: bool = False) -> dict:
    """The computed fields (probability, probability_manual, closed_at) for a write.

    `before` is the stored record (None on create); `after` is either the full record
    as it will be written or only the changed fields (a key that is absent keeps its
    stored value). `now` is the time of the write (aware; naive is taken as UTC);
    `closed_at` is its date in `tz`.

    A close date nobody gave is never invented (tests/test_times_never_invented.py): only a
    deal moved to Won or Lost now (an update from an open stage, not an import's history:
    `imported`) closes today. A deal created already Won or Lost closed when it did: on the
    close date given, else on its (past) Expected Close as the file or person wrote it
    (a CRM's "Close Date" is both), else on a day nobody knows: left empty, and reports
    count it as unknown, naming it.
    """
    stage = _value(before, after, "stage") or STAGES[0]
    default = default_probability(stage)
    old_prob = before.get("probability") if before else None
    manual = bool(before.get("probability_manual")) if before else False

    typed = "probability" in after and (before is None or after["probability"] != old_prob)
    if typed and after["probability"] is LEFT_EMPTY:
        prob, manual = None, False          # unreadable: empty, as the import's warning says
    elif typed:
        prob = after["probability"]
        if prob is None or prob == "":
            prob, manual = default, False
        else:
            prob = int(prob)
            if not 0 <= prob <= 100:
                raise ProbabilityOutOfRange({"Probability %": f"probability must be between 0 and 100 (got {prob})"})
            manual = prob != default
    else:
        prob = old_prob
        changed = stage_change(before, after) is not None
        if changed and not manual:
            prob = default
        # else a probability left empty (LEFT_EMPTY) stays empty until one is typed or
        # the stage changes

    if stage in CLOSED_STAGES:
        if typed and prob not in (None, default) and after["probability"] not in ("", None):
            from ..errors import ValidationFailed
            raise ValidationFailed({"Probability %": (
                f"a {stage} deal's probability is {default} (the rule: Won is 100, Lost is 0), not {prob}; "
                f"give {default} or leave it out")})
        prob, manual = default, False

    closed_at = _value(before, after, "closed_at")
    if stage in CLOSED_STAGES:
        from .sla import check_not_future
        check_not_future(before, after, now, (("closed_at", "Closed"),), tz)
        entering = before is None or before.get("stage") != stage
        given = ("closed_at" in after and after["closed_at"] is not None
                 and (before is None or after["closed_at"] != before.get("closed_at")))
        if not given and entering:
            today = _local_date(now, tz)
            expected = _value(before, after, "expected_close")
            if before is None or imported:
                # Created already won or lost (past deals typed in or imported), or an
                # import's history: it closed on its past close date, else on a day
                # nobody recorded (empty), never today.
                closed_at = expected if isinstance(expected, dt.date) and expected <= today else None
            else:
                closed_at = today       # moved to Won or Lost now: it closes now
    else:
        closed_at = None

    return {"probability": prob, "probability_manual": manual, "closed_at": closed_at}


def _value(before: dict | None, after: dict, key: str):
    if key in after:
        return after[key]
    return before.get(key) if before else None


def _local_date(now: dt.datetime, tz: ZoneInfo) -> dt.date:
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    return now.astimezone(tz).date()
