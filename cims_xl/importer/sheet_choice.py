"""Which sheet of a workbook holds the records: the first sheet with a table, unless
another sheet is the evidence (issue 14, "never silently wrong").

With no `--sheet`, the reader takes the first visible sheet with a table (readers.
_choose_sheet). A workbook whose first sheet is a summary ("Summary": sales reps with
a Name column) and whose second is named for the records ("Customers") would import
the summary's rows as customers. `SheetEvidence.check` looks at the workbook's other
sheets with values: when one of them is named for the kind imported (`KIND_WORDS`:
the words the kind's names use, in the languages of the header words) and its header
names more of the kind's fields than the chosen sheet's, the import stops before
writing, naming both sheets and `--sheet NAME`.

Why stop rather than take the named sheet: the first-sheet rule and the sheet's name
disagree, and either may be right (a "Customers" sheet may hold a count per region);
a wrong pick stores a whole table of wrong records, a stop costs one more run with the
option it names. The dry run stops the same way, and the summary names the sheet read
and the other sheets (the "sheet" line of the decisions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import mapping as mp
from .errors import ImportRefused
from .table import HEADER_WINDOW, build_table, find_header, is_blank_cell

# The words a sheet's name uses for each kind of record, casefolded: English, German,
# French, Spanish, Portuguese, Italian, Dutch, Nordic, Polish, Turkish, Russian,
# Chinese, Japanese, Korean. A word matches a whole word of the name, or the start of
# one ("Kundenliste", "Customers2024"); CJK words match anywhere in the name.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "customer": ("customers", "customer", "clients", "client", "kunden", "kunde", "clientes", "cliente",
                 "clienti", "klanten", "klant", "kunder", "klienci", "klient", "müşteriler", "müşteri",
                 "клиенты", "клиент", "заказчики", "客户", "客戶", "顾客", "顧客", "お客様", "取引先", "고객"),
    "order": ("orders", "order", "sales", "invoices", "invoice", "bestellungen", "bestellung", "aufträge",
              "auftrag", "rechnungen", "commandes", "commande", "factures", "pedidos", "pedido", "ventas",
              "ordini", "ordine", "vendite", "bestellingen", "ordrer", "zamówienia", "siparişler",
              "заказы", "订单", "訂單", "销售", "銷售", "注文", "受注", "売上", "주문"),
    "contact": ("contacts", "contact", "kontakte", "kontakt", "contactos", "contatti", "contatos",
                "ansprechpartner", "контакты", "联系人", "聯絡人", "聯繫人", "連絡先", "연락처"),
    "opportunity": ("opportunities", "opportunity", "deals", "deal", "pipeline", "chancen",
                    "verkaufschancen", "opportunités", "oportunidades", "opportunità", "商机", "商機",
                    "案件", "영업기회"),
    "ticket": ("tickets", "ticket", "cases", "case", "requests", "support", "工单", "工單", "问题",
               "問い合わせ", "티켓"),
    "interaction": ("interactions", "interaction", "activities", "activity", "aktivitäten", "activités",
                    "actividades", "attività", "跟进", "跟進", "活动", "活動", "対応履歴", "활동"),
}
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_WORD = re.compile(r"[^\W\d_]+")
SHEETS_LOOKED_AT = 20           # other sheets read for their header
MIN_PREFIX = 5                  # letters a word must have to match the start of a longer word


def names_kind(sheet_name: str, kind: str) -> bool:
    """Does the sheet's name name records of `kind` (an Entity kind: "customer", "order"
    …)? "Customers", "Kundenliste", "客户名单", "Orders 2024": yes; "Summary", "Sheet1": no."""
    name = " ".join(str(sheet_name).split()).casefold()
    words = _WORD.findall(name)
    for w in KIND_WORDS.get(kind, ()):
        if _CJK.search(w):
            if w in name:
                return True
        elif any(x == w or (len(w) >= MIN_PREFIX and x.startswith(w)) for x in words):
            return True
    return False


@dataclass(frozen=True)
class SheetHeader:
    """A sheet's header as the importer would find it: the known field names in it."""

    sheet: str
    row: int
    known: tuple[str, ...]          # the headings that name a field of the kind


def sheet_header(sheet, ent) -> SheetHeader | None:
    """The header of an open RawSheet `sheet` for entity `ent` (find_header on its first
    non-blank rows), with the headings the kind's mapping knows; None for no rows."""
    window: list[tuple[int, list]] = []
    for number, values in sheet.rows():
        if any(not is_blank_cell(v) for v in values):
            window.append((number, values))
            if len(window) >= HEADER_WINDOW:
                break
    if not window:
        return None
    i = find_header(window, lambda hs: mp.known_header_count(ent, hs))
    table = build_table(window[i][0], window[i][1], skipped_above=i)
    m = mp.build_mapping(ent, table.headers)
    return SheetHeader(sheet.sheet or "", window[i][0], tuple(c.header for c in m.columns if c.target))


def check(src, ent, opener) -> str | None:
    """Stop (ImportRefused) when another sheet of the workbook, not read, is named for
    `ent`'s records and its header names more of their fields than the chosen sheet's.
    `src` is the RawSheet chosen (its `unread_sheets`: the other visible sheets with
    values, filled only when no sheet was given); `opener(name)` opens another sheet.
    Returns the evidence for the summary's "sheet" line when sheets were weighed
    ("sheet 'Kunden' is named for customers but its header names fewer of their
    fields"), None when there was nothing to weigh."""
    if not src.unread_sheets or names_kind(src.sheet or "", ent.kind):
        return None
    named = [n for n in src.unread_sheets[:SHEETS_LOOKED_AT] if names_kind(n, ent.kind)]
    if not named:
        return None
    chosen = sheet_header(src, ent)
    have = len(chosen.known) if chosen is not None else 0
    best: SheetHeader | None = None
    for name in named:
        try:
            other = opener(name)
        except ImportRefused:
            continue
        try:
            found = sheet_header(other, ent)
        except ImportRefused:
            found = None
        finally:
            other.close()
        if found is not None and len(found.known) > have and (best is None or len(found.known) > len(best.known)):
            best = found
    label = _label(ent)
    if best is None:
        shown = ", ".join(f"'{n}'" for n in named[:3])
        return (f"sheet(s) {shown} named for {label}, but their header names no more of their fields "
                f"than this one's ({have})")
    quoted = _quoted(best.sheet)
    mine = ", ".join(f"'{h}'" for h in (chosen.known if chosen else ())[:6]) or "none"
    theirs = ", ".join(f"'{h}'" for h in best.known[:6]) + (" …" if len(best.known) > 6 else "")
    raise ImportRefused(
        f"{src.path.name}: which sheet holds the {label}? Sheet '{src.sheet}', the first sheet with a table, "
        f"was about to be read: its header names {have} of their fields ({mine}); sheet '{best.sheet}' is "
        f"named for {label} and its header names {len(best.known)} ({theirs}). Nothing was imported. "
        f"Say which with --sheet {quoted} (or --sheet {_quoted(src.sheet or '1')} to read '{src.sheet}').")


def _label(ent) -> str:
    return next(k for k in mp.IMPORT_KINDS if mp.KINDS[k] == ent.kind)


def _quoted(name: str) -> str:
    return f'"{name}"' if any(c.isspace() for c in name) or '"' in name else name
