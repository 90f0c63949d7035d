"""Headings that negate the consent they hold (imp25c, GDPR): "Email Opt Out",
"Do Not Email", "Unsubscribed", Salesforce's "HasOptedOutOfEmail", HubSpot's
"Unsubscribed from all email", "拒收营销短信", "退订", "Werbewiderspruch", "désabonné".

A 1 (yes, true, x) under such a heading says the customer said NO to marketing: a
column mapped to Marketing Consent, by its heading or by --map, is then read inverted
(1 = no consent, 0 = consent), and the summary says so. An opt-out heading is mapped to
Marketing Consent without --map, as the opt-in headings are, unless it only names phone
calls ("Do Not Call": a do-not-call list says nothing of email marketing; kept in Notes).
A heading that names both ("Opt In/Out", "Subscribe / Unsubscribe", "Consent (opt-out)")
may mean either: mapped to a consent field it stops the import before writing, naming
the column, examples and the two --map targets that settle it: "Marketing Opt-In" (1 =
consent) and "Marketing Opt-Out" (1 = no consent), which may also be given for any column.
"""

from __future__ import annotations

import re
import unicodedata

OUT, EITHER = "out", "either"
CONSENT = "marketing_consent"
CONSENT_DATE = "marketing_consent_at"
# --map targets that say how a consent column reads (normalised: lower case, no punctuation)
OPT_OUT_TARGET, OPT_IN_TARGET = "Marketing Opt-Out", "Marketing Opt-In"
TARGET_WORDS = {"marketingoptout": True, "optout": True, "nomarketingconsent": True, "marketingoptedout": True,
                "marketingoptin": False, "optin": False}

# Latin-script words that negate consent (on the heading folded to lower case, accents
# kept, camelCase and _-./ split into words)
_OUT_LATIN = re.compile(
    r"\bopt(?:ed|s)? ?out\b|\boptout\w*|\bun ?subscri\w*|\bdo ?not ?(?:e ?mail|contact|call|mail|market\w*|solicit\w*|"
    r"text|sms|phone|send)\b|\bdont ?(?:e ?mail|contact|call|mail)\b|\bdnc\b|\bno ?(?:marketing|e ?mails?|newsletters?|"
    r"contact|solicit\w*|promotions?)\b|\bhas ?opted ?out\w*|widerspruch\w*|\babgemeldet\b|\babmeldung\b|"
    r"\bkeine ?(?:werbung|e ?mails?|newsletter)\b|\bd[ée]sabonn\w*|\bd[ée]sinscri\w*|\bne ?pas ?(?:contacter|"
    r"solliciter|d[ée]marcher|envoyer)\b|\bopposition\b|\bdad[oa]s? de baja\b|\bbaja\b|\bno ?(?:contactar|enviar|"
    r"molestar)\b|\bdescadastrad\w*|\bn[ãa]o ?(?:contatar|enviar)\b|\bdisiscritt\w*|\bnon ?contattare\b|"
    r"\bafgemeld\w*|\bafmeld\w*|\buitgeschreven\b")
# CJK and Hangul words that negate consent (refuse, unsubscribe, do not receive, …)
_OUT_CJK = ("拒收", "退订", "退訂", "不接收", "取消订阅", "取消訂閱", "不同意", "拒绝营销", "拒絕營銷", "拒绝推送",
            "免打扰", "免打擾", "勿扰", "勿擾", "配信停止", "配信拒否", "配信不要", "メール不要", "オプトアウト",
            "受信拒否", "수신거부", "수신 거부", "거부")
# words that affirm consent: beside a negating one, the heading may mean either
_IN_LATIN = re.compile(r"(?<!un)(?<!un )\bsubscri(?:be|bed|ption)\b|\bopt(?:ed)? ?in\b|\boptin\b|\bconsent\w*|"
                       r"\beinwilligung\w*|\bconsentement\b|\bconsentimiento\b|\bconsenso\b|\baccepts?\b|"
                       r"\bzustimmung\b|\bin ?/ ?out\b|\bout ?/ ?in\b")
_IN_CJK = ("同意", "订阅", "訂閱", "允许", "允許", "接收", "수신동의", "オプトイン")
# opt-outs of phone calls only: no evidence on marketing consent, never mapped by themselves
_CALLS = re.compile(r"\b(?:call|calls|phone|telephone|dnc|anruf\w*|appel\w*|llamadas?)\b|电话|電話|通話|전화")


def _words(header: str) -> str:
    text = unicodedata.normalize("NFKC", str(header))
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)            # HasOptedOutOfEmail
    text = re.sub(r"[_\-.:()\[\]|,;]+", " ", text.lower()).replace("/", " / ")
    return re.sub(r"\s+", " ", text).strip()


# both at once: "Opt In/Out", "Subscribe / Unsubscribe", "In/Out"
_BOTH = re.compile(r"\bin ?/ ?out\b|\bout ?/ ?in\b|\bsubscribe ?/ ?unsubscribe\b|\bopt ?in ?/ ?opt ?out\b")
# negating words too weak to map a column by themselves ("Fecha de baja": the day a
# customer left; "Opposition" a party): they read a column given to consent inverted
_WEAK = re.compile(r"(?<!de )\bbaja\b|\bopposition\b|\babmeldung\b|\bafmeld\w*|(?<!수신)(?<!수신 )거부|\bno ?contact\b")
_DATE = re.compile(r"\b(?:date|datum|fecha|data|time|timestamp|on|at|am|le)\b|日期|时间|時間|日時|날짜|일시")


def negation(header: object) -> str | None:
    """OUT when the heading negates the consent it holds ("Email Opt Out"), EITHER when
    it also affirms it ("Opt In/Out"), else None."""
    if not isinstance(header, str) or not header.strip():
        return None
    words = _words(header)
    if _BOTH.search(words):
        return EITHER
    found = [m.group(0) for m in _OUT_LATIN.finditer(words)]
    cjk = [w for w in _OUT_CJK if w in words]
    if not found and not cjk:
        return None
    rest = _OUT_LATIN.sub(" ", words)
    for w in cjk:
        rest = rest.replace(w, " ")
    if _IN_LATIN.search(rest) or any(w in rest for w in _IN_CJK):
        return EITHER
    return OUT


def maps_itself(header: str) -> bool:
    """Whether an opt-out heading is mapped to Marketing Consent without --map: it negates
    consent by a strong word, names no phone calls only ("Do Not Call") and no date."""
    if negation(header) != OUT:
        return False
    words = _words(header)
    strong = _WEAK.sub(" ", words)
    return (bool(_OUT_LATIN.search(strong) or any(w in strong for w in _OUT_CJK))
            and not _CALLS.search(words) and not _DATE.search(words))


def calls_only(header: str) -> bool:
    """Whether an opt-out heading names phone calls ("Do Not Call", "拒接电话")."""
    return bool(_CALLS.search(_words(header)))


def target_reading(words: str) -> bool | None:
    """The --map target "Marketing Opt-Out" (True: read inverted) or "Marketing Opt-In"
    (False), else None."""
    key = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", str(words)).lower())
    return TARGET_WORDS.get(key)


def settle(headers: list[str], chosen: list, taken: dict[str, int], fixed: set[int], readings: dict[int, bool],
           allowed: dict[str, str], column_map) -> list[dict]:
    """Map an opt-out heading to Marketing Consent where no column is (maps_itself), mark
    each consent column read inverted as its heading or --map says, and return the
    summary's lines. Raises ImportRefused for a consent column whose heading may mean
    either, and for an opt-out heading given to Consent Date."""
    from .errors import ImportRefused

    if CONSENT not in allowed:
        return []
    if CONSENT not in taken:
        for i, h in enumerate(headers):
            c = chosen[i]
            if i not in fixed and c.target is None and c.how == "unmapped" and not c.could_be and maps_itself(h):
                chosen[i] = column_map(h, CONSENT, "synonym")
                taken[CONSENT] = i
                break
    label = allowed[CONSENT]
    lines: list[dict] = []
    for i, c in enumerate(chosen):
        if c.target == CONSENT_DATE and negation(c.header) == OUT:
            if i in fixed:
                raise ImportRefused(
                    f"column '{c.header}' is given to {allowed.get(CONSENT_DATE, 'Consent Date')}, but its heading "
                    "says the customer opted out: its dates are when consent was withdrawn, not given. Nothing "
                    f"was imported. Leave it out with --map \"{c.header}=-\" (it is then kept in Notes).")
            chosen[i] = column_map(c.header, None, "unmapped")
            taken.pop(CONSENT_DATE, None)
            lines.append({"what": "opt-out date", "decided": f"'{c.header}' kept in Notes",
                          "evidence": "its heading says the customer opted out: the date consent was withdrawn, "
                                      f"not given ({allowed.get(CONSENT_DATE, 'Consent Date')})"})
            continue
        if c.target != CONSENT:
            continue
        said = negation(c.header)
        if i in readings:
            inverted = readings[i]
            why = f"--map \"{c.header}={OPT_OUT_TARGET if inverted else OPT_IN_TARGET}\""
        elif said == EITHER:
            raise ImportRefused(
                f"column '{c.header}' is given to {label}, but its heading names both opting in and opting out: "
                "whether 1 (yes, true) means consent or its withdrawal cannot be told. Nothing was imported. "
                f"Say which with --map \"{c.header}={OPT_IN_TARGET}\" (1 = consent) or --map "
                f"\"{c.header}={OPT_OUT_TARGET}\" (1 = no consent), or leave it out with --map \"{c.header}=-\".")
        elif said == OUT:
            inverted = True
            why = "its heading says the customer opted out (a negation of consent)"
        else:
            continue
        if inverted:
            chosen[i] = column_map(c.header, CONSENT, c.how, c.could_be, True)
            lines.append({"what": "opt-out column",
                          "decided": f"'{c.header}' read inverted: 1 = no consent, 0 = no decision (left empty: "
                                     "not opting out is no consent given)",
                          "evidence": f"{why}; {label} is stored as its opposite (1, yes, true: no consent; "
                                      f"0, no, false: consent); --map \"{c.header}={OPT_IN_TARGET}\" reads it "
                                      f"as it is, --map \"{c.header}=-\" leaves it out"})
    return lines


# values that say themselves which way consent goes ("Opted out", "Subscribed",
# "配信停止"): read as they say under any heading, never inverted
_SAYS_ITSELF = re.compile(r"opt|subscri|abonn|grant|declin|withdr|revok|consent|widerruf|gemeldet|baja|inscri|"
                          r"iscritt|配信|订|訂|拒|거부|동의|しない")


def neutral(value: object) -> bool:
    """Whether a consent cell is a bare yes or no (1, 0, yes, x, ja, はい …) that an
    opt-out heading turns around, not a word naming its own way ("Unsubscribed")."""
    return not (isinstance(value, str) and _SAYS_ITSELF.search(value.casefold()))
