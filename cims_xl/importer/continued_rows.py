"""Records printed on two lines: a row holding only an address or an attention line
right under a full record (label exports, printed address lists, lists typed as letters
are addressed).

    Name              | Phone          | City
    Acme GmbH         | +49 30 1234567 | Berlin
    Hauptstr. 1       |                |
    Gamma KG          | +49 40 1112223 | Hamburg
    z. Hd. Frau Meier, Elbchaussee 5

Read row by row, "Hauptstr. 1" would be a customer named after a street and Acme would
have no address. A candidate is a row with one cell filled, in the Name (or Company)
column or in the Address column, directly under a record that fills two cells or more
(or under another such row of the same record). Its text is weighed (`kind_of`):

- an address: a street word and a house number ("Hauptstr. 1", "10 Downing Street",
  "12 rue de Rivoli", "Calle Mayor 5"), a post box, a labelled address ("地址：…",
  "Adresse: …"), a Chinese, Japanese or Korean address shape ("南京东路100号",
  "銀座1丁目2番3号", "테헤란로 1", "123번지");
- an attention line: "z. Hd.", "c/o", "Attn", "Attention", "à l'att.", "all'att.",
  "t.a.v.", "收件人", "御中" …; its parts that are an address go to Address, the
  rest to Notes;
- anything else (a name alone is a record: "Ann Lee").

Decided over the whole file (`decide`): when every candidate is an address or an
attention line, each is folded into the record above (Address, or Notes), not stored as a
record, and the summary says so; when none is, nothing changes; when the file holds both
kinds, the import stops naming the column and examples of each until
``--continued-rows fold`` (every such row goes into the record above; what is no address
goes to Notes) or ``--continued-rows records`` (each is a record of its own) says which.
A name with a company's legal form ("Park Avenue 5 GmbH") is never an address.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..domain.legal_forms import legal_form
from .errors import ImportRefused
from .table import is_blank_cell

CHOICES = ("fold", "records")
CHAIN_MAX = 3          # lines of one record under it (street, building, attention)

_ATTENTION = re.compile(
    r"^\s*(?:z\.?\s*hdn?\.?(?=\s|$)|zu\s+h(?:ä|ae)nden\b|c\s*/\s*o\b|c\.\s*o\.|care\s+of\b|attn\b\.?|"
    r"attention\b|à\s+l['’]\s*att(?:ention\b|\.)|a\s+l['’]\s*att(?:ention\b|\.)|all['’]\s*att(?:enzione\b|\.)|"
    r"a\s*/\s*a\b|t\.\s*a\.\s*v\.?|ter\s+attentie\s+van\b|aos\s+cuidados\b|à\s+atenção\b|a\s+la\s+atención\b|"
    r"收件人|收货人|收貨人|转交|轉交|御中|気付|様方|수신\s*[:：]|참조\s*[:：]|담당\s*[:：])", re.IGNORECASE)

_ADDRESS_LABEL = re.compile(
    r"^\s*(?:address|adresse|anschrift|dirección|direccion|endereço|indirizzo|adres|adress|"
    r"地址|住址|通讯地址|通訊地址|住所|所在地|주소)\s*[:：]", re.IGNORECASE)
_POST_BOX = re.compile(
    r"(?:\bp\.?\s*o\.?\s*box|\bpostfach|\bboîte\s+postale|\bb\.\s*p\.|\bapartado(?:\s+de\s+correos)?|"
    r"\bcaixa\s+postal|\bcasella\s+postale|\bpostbus|\bskrytka\s+pocztowa)\s*\d", re.IGNORECASE)
# German, Dutch, Nordic street words grow onto the street's name ("Hauptstr.", "Elbchaussee",
# "Keizersgracht"); the others are words of their own ("rue", "Calle", "Street").
_STREET_SUFFIX = (r"straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|steig|pfad|"
                  r"markt|graben|straat|laan|gracht|plein|kade|dreef|singel|gatan|gata|vej|veien|gade|katu|tie")
_STREET_WORD = (r"rue|avenue|av\.|ave\.?|bd\.?|boulevard|blvd\.?|chemin|impasse|allée|quai|place|route|"
                r"calle|c/|avda\.?|avenida|paseo|plaza|carrer|camino|carretera|rua|travessa|largo|praça|"
                r"via|viale|piazza|corso|vicolo|street|st\.?|road|rd\.?|lane|ln\.?|drive|dr\.?|way|court|"
                r"ct\.?|crescent|terrace|highway|hwy\.?|parkway|pkwy\.?|square|sq\.?|ulica|ul\.|utca|út|tér|"
                r"sokak|sok\.|caddesi|cad\.|ulitsa|ул\.|улица|пр\.|проспект|jalan|jl\.|soi|thanon|đường|phố")
_STREET = re.compile(
    rf"(?:[^\W\d_]+(?:{_STREET_SUFFIX})(?=[\s,.;]|\d|$)|(?:^|[\s,]){_STREET_WORD}(?=[\s,;]|\d|$)|"
    rf"(?:^|[\s,])(?:{_STREET_SUFFIX})(?=[\s,;]|\d|$))", re.IGNORECASE)
_HOUSE_NUMBER = re.compile(r"(?:^|[\s,])\d{1,5}(?:\s?[a-zA-Z](?![a-zA-Z]))?(?:\s*[-/]\s*\d{1,5}[a-zA-Z]?)?(?=[\s,;]|$)")
_CJK_ADDRESS = re.compile(
    r"\d+\s*(?:号|號|弄|巷|室|楼|樓|栋|棟|幢|层|層|丁目|番地|番|号室|번지|번길|호)"
    r"|(?:路|街|道|大道|胡同|里|로|길|대로)\s*\d"
    r"|[区市町村郡]\S*\d+\s*[-－‐]\s*\d+")


def kind_of(text: str) -> str | None:
    """"address", "attention" or None for one lone cell's text."""
    text = unicodedata.normalize("NFKC", str(text)).strip()
    if not text or len(text) > 200 or "@" in text:
        return None
    if _ATTENTION.match(text):
        return "attention"
    if legal_form(text):
        return None                    # "Park Avenue 5 GmbH": a company
    if _ADDRESS_LABEL.match(text) or _POST_BOX.search(text) or _CJK_ADDRESS.search(text):
        return "address"
    if _STREET.search(text) and _HOUSE_NUMBER.search(text):
        return "address"
    return None


# An attention part inside a name or company cell ("Acme GmbH\nz. Hd. Frau Meier", "Beta
# Ltd, Attn: John Smith", "Delta Inc c/o Bob Roe"): after a line break or a comma, any
# marker an attention line starts with; after a space only the markers no name holds
# ("Skin Care of London", "Pay Attention GmbH" are names).
_MARKERS_ANYWHERE = (r"z\.\s*hdn?\.|zu\s+h(?:ä|ae)nden\b|c\s*/\s*o\b|attn\b[.:]?|attention\s*:|"
                     r"à\s+l['’]\s*att(?:ention\b|\.)|a\s+l['’]\s*attention\b|all['’]\s*att(?:enzione\b|\.)|"
                     r"ter\s+attentie\s+van\b|aos\s+cuidados\b|à\s+atenção\b|a\s+la\s+atención\b")
_MARKERS_AFTER_BREAK = _MARKERS_ANYWHERE + r"|c\.\s*o\.|care\s+of\b|attention\b|t\.\s*a\.\s*v\.?|a\s*/\s*a\b"
# (a separator of one character looked behind: linear on cells of long runs of spaces)
_INNER_ATTENTION = re.compile(rf"(?<=[\s,;，；])(?:{_MARKERS_AFTER_BREAK})", re.IGNORECASE)
_ANYWHERE = re.compile(rf"(?:{_MARKERS_ANYWHERE})", re.IGNORECASE)
_BREAKS = ("\n", "\r", ",", ";", "，", "；")
_SEPARATED = re.compile(r"[\s,;，；]")


def attention_inside(text: str) -> tuple[str, str] | None:
    """(the name, the attention part) of a name or company cell that holds an attention
    line after the name ("Acme GmbH\nz. Hd. Frau Meier" -> ("Acme GmbH", "z. Hd. Frau
    Meier")); None when it holds none, or nothing before it."""
    text = str(text)
    if not _SEPARATED.search(text):
        return None                       # one word ("王伟", "Acme"): no line after a name
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    for m in _INNER_ATTENTION.finditer(text):
        before = text[:m.start()].rstrip(" \t")
        if not before.endswith(_BREAKS) and not _ANYWHERE.fullmatch(m.group(0)):
            continue                      # "Skin Care of London": a name, not "care of"
        name = before.strip(" \t\r\n,;，；")
        part = " ".join(text[m.start():].strip(" \t\r\n,;，；").split())
        if not name or not part or not any(ch.isalpha() for ch in name):
            return None
        return " ".join(name.split()), part
    return None


def split_attention(text: str) -> tuple[str, str]:
    """(address part, the rest) of an attention line: "z. Hd. Frau Meier, Elbchaussee 5"
    -> ("Elbchaussee 5", "z. Hd. Frau Meier")."""
    parts = [p.strip() for p in re.split(r"[,;，；]", text) if p.strip()]
    address = [p for p in parts[1:] if kind_of(p) == "address"]
    rest = [p for p in parts if p not in address]
    return ", ".join(address), ", ".join(rest)


@dataclass
class Candidate:
    row: int
    owner: int          # the record's row
    column: int         # the file column the value is in
    text: str
    kind: str | None


@dataclass
class ContinuedRows:
    """Fed every data row of the first pass (`add`), decided once at the end (`decide`)."""

    columns: frozenset[int]                      # file columns a lone value is weighed in
    candidates: list[Candidate] = field(default_factory=list)
    _last: int | None = None
    _owner: int | None = None                     # the full record the rows below may continue
    _chain: int = 0

    def add(self, number: int, values: list) -> None:
        follows = self._last is not None and number == self._last + 1
        self._last = number
        # the first two filled cells are all it looks at: a full record stops the count
        filled = []
        for c, v in enumerate(values):
            if not is_blank_cell(v):
                filled.append((c, v))
                if len(filled) == 2:
                    break
        if len(filled) >= 2:
            self._owner, self._chain = number, 0
            return
        owner, self._owner = self._owner, None
        if len(filled) != 1 or not follows or owner is None or self._chain >= CHAIN_MAX:
            return
        column, value = filled[0]
        if column not in self.columns or not isinstance(value, str):
            return
        text = " ".join(value.split())
        self.candidates.append(Candidate(number, owner, column, text, kind_of(text)))
        self._owner, self._chain = owner, self._chain + 1         # a second line of the same record

    def decide(self, skip: set[int], headers: dict[int, str], choice: str | None, where: str,
               address_col: int | None) -> "Folds | None":
        """The rows folded into the record above, or None; raises ImportRefused when the
        file holds both kinds and `choice` does not say which."""
        found = [c for c in self.candidates if c.row not in skip and c.owner not in skip]
        # a lone value in the Address column is an address's second line whatever its words
        lines = [c for c in found if c.kind or c.column == address_col]
        others = [c for c in found if not (c.kind or c.column == address_col)]
        if not lines or choice == "records":
            if lines and choice == "records":
                return Folds({}, {}, [_said_records(lines, headers)])
            return None
        if others and choice != "fold":
            column = headers.get(lines[0].column, "?")
            raise ImportRefused(
                f"{where}: column '{column}' has {len(lines)} row(s) holding only an address or an attention line "
                f"right under a record ({_examples(lines)}), and {len(others)} row(s) holding only another value "
                f"there ({_examples(others)}). Nothing was imported: such a row is either the line under the record "
                "above (a label or a letter's address) or a record of its own, and this file holds both kinds. Give "
                "--continued-rows fold (each such row goes into the record above it: an address into Address, the "
                "rest into Notes) or --continued-rows records (each is a record of its own).")
        adds: dict[int, dict[str, list[str]]] = {}
        for c in (found if choice == "fold" else lines):
            into = adds.setdefault(c.owner, {"address": [], "notes": []})
            if c.kind == "attention":
                address, rest = split_attention(c.text)
                if address:
                    into["address"].append(address)
                into["notes"].append(rest)
            elif c.kind == "address" or c.column == address_col:
                into["address"].append(c.text)
            else:
                into["notes"].append(c.text)
        folded = {c.row: c.owner for c in (found if choice == "fold" else lines)}
        return Folds(folded, adds, [_said_folded(folded, adds, lines, others, choice, headers)])


@dataclass
class Folds:
    further: dict[int, int]                       # folded row -> the record's row
    adds: dict[int, dict[str, list[str]]]         # the record's row -> {"address"/"notes": texts}
    inferences: list[dict]
    columns: dict[str, int] = field(default_factory=dict)   # "address"/"notes" -> the column it goes into


def _examples(found: list[Candidate]) -> str:
    return ", ".join(f"row {c.row}: '{c.text[:40]}'" for c in found[:3]) + (" …" if len(found) > 3 else "")


def _rows(numbers) -> str:
    numbers = sorted(numbers)
    return ", ".join(map(str, numbers[:10])) + (", …" if len(numbers) > 10 else "")


def _said_folded(folded, adds, lines, others, choice, headers) -> dict:
    to_address = sum(len(a["address"]) for a in adds.values())
    to_notes = sum(1 for a in adds.values() for n in a["notes"] if n)
    into = " and ".join(x for x in (f"{to_address} into Address" if to_address else "",
                                     f"{to_notes} into Notes" if to_notes else "") if x)
    why = ("--continued-rows fold" if choice == "fold" and others else
           f"each holds only an address or an attention line ({_examples(lines)}) in column "
           f"'{headers.get(lines[0].column, '?')}', right under a record filling more columns; no such row "
           "holds anything else")
    return {"what": "records on two lines",
            "decided": f"row(s) {_rows(folded)} read as the line under the record above them ({into}), "
                       "not as records",
            "evidence": why + ". If they are records of their own, give --continued-rows records"}


def _said_records(lines, headers) -> dict:
    return {"what": "records on two lines",
            "decided": f"row(s) {_rows(c.row for c in lines)} kept as records of their own",
            "evidence": f"--continued-rows records (they hold only an address or an attention line in column "
                        f"'{headers.get(lines[0].column, '?')}': {_examples(lines)})"}


def check_choice(value: str | None) -> str | None:
    if value is None:
        return None
    choice = str(value).strip().lower()
    if choice not in CHOICES:
        raise ImportRefused(f"--continued-rows: '{value}' is not one of {', '.join(CHOICES)}")
    return choice
