"""A deal's stage and outcome as CRMs write them in the languages the importer reads.

Two sources, both lower-cased keys:

* `LOCAL_STAGES`: the default stage picklists of Salesforce (Sales Cloud "Opportunity
  Stage": Prospecting … Negotiation/Review) and HubSpot's default sales pipeline
  (Appointment scheduled … Contract sent), as their German, French, Spanish, Portuguese,
  Italian, Dutch, Japanese, Chinese and Korean interfaces export them, mapped to our
  stages by what the stage means (the English names are in `schema.STAGE_SYNONYMS`).
* `stage_outcome`: a closed deal written as "closed" + "won"/"lost" in any of those
  languages and the others the importer reads ("Abgeschlossen und gewonnen", "Fermé
  gagné", "Cerrada perdida", "Chiusa vinta", "已关闭赢单", "クローズ（失注）"), or the
  outcome word alone ("Gewonnen", "Perdido", "受注", "실주"). The words are listed per
  language below (`OUTCOMES`), so a new combination of them needs no new entry.

`OPEN_WORDS` are a deal status column's words for a deal still open (Pipedrive's
"Deal - Status" = open, as its interfaces write it).
"""

from __future__ import annotations

import re
import unicodedata

# language: (words for "closed", words for "won", words for "lost")
OUTCOMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "en": (("closed", "close", "closing"), ("won", "win", "successful"), ("lost", "loss", "unsuccessful")),
    "de": (("abgeschlossen", "geschlossen", "abschluss"), ("gewonnen", "erfolgreich"),
           ("verloren", "nicht erfolgreich")),
    "fr": (("fermé", "fermée", "clôturé", "clôturée", "clos", "close"), ("gagné", "gagnée", "remporté",
                                                                           "remportée"),
           ("perdu", "perdue")),
    "es": (("cerrado", "cerrada", "cierre"), ("ganado", "ganada", "ganadas", "ganados", "exitoso"),
           ("perdido", "perdida", "perdidos", "perdidas")),
    "pt": (("fechado", "fechada", "fechamento", "encerrado", "encerrada"), ("ganho", "ganha", "ganhos",
                                                                           "conquistado"),
           ("perdido", "perdida", "perdidos")),
    "it": (("chiuso", "chiusa", "chiusi", "chiuse", "chiusura"), ("vinto", "vinta", "vinti", "vinte"),
           ("perso", "persa", "persi", "perse")),
    "nl": (("gesloten", "afgesloten"), ("gewonnen",), ("verloren",)),
    "pl": (("zamknięta", "zamknięte", "zamknięty", "zamknięcie"), ("wygrana", "wygrane", "wygrany"),
           ("przegrana", "przegrane", "przegrany", "utracona", "utracone")),
    "tr": (("kapalı", "kapandı", "kapatıldı"), ("kazanıldı", "kazanılan", "kazanıldi"),
           ("kaybedildi", "kaybedilen")),
    "ru": (("закрыта", "закрыто", "закрыт", "закрыты", "закрытая"), ("выиграна", "выиграно", "успешно",
                                                                     "выигрыш"),
           ("проиграна", "проиграно", "проигрыш", "потеряна", "неуспешно")),
    "uk": (("закрита", "закрито", "закритий"), ("виграна", "виграно", "успішно"),
           ("програна", "програно", "втрачена")),
    "cs": (("uzavřeno", "uzavřená", "uzavřený"), ("vyhráno", "vyhraná", "získáno"),
           ("prohráno", "prohraná", "ztraceno")),
    "hu": (("lezárt", "lezárva"), ("megnyert", "nyert"), ("elvesztett", "elveszett", "vesztett")),
    "el": (("κλειστή", "κλειστό", "έκλεισε"), ("κερδισμένη", "κερδήθηκε"), ("χαμένη", "χάθηκε")),
    "vi": (("đã đóng", "đóng"), ("thắng", "thành công"), ("thua", "thất bại")),
    "id": (("ditutup", "tertutup"), ("menang", "berhasil"), ("kalah", "gagal")),
    "th": (("ปิด", "ปิดการขาย"), ("สำเร็จ", "ชนะ"), ("ไม่สำเร็จ", "แพ้")),
    # CJK: no spaces between the words ("已关闭赢单", "クローズ(失注)")
    "zh": (("关闭", "已关闭", "結束", "结束", "已结束", "關閉", "已關閉"),
           ("赢单", "贏單", "成交", "已成交", "签约", "簽約", "赢得", "贏得", "成功"),
           ("输单", "輸單", "丢单", "丟單", "失败", "失敗", "已输单", "未成交")),
    "ja": (("クローズ", "完了", "終了", "成立済"), ("受注", "成約", "成立", "受注済", "受注済み", "獲得"),
           ("失注", "不成立", "失注済", "失注済み", "見送り")),
    "ko": (("종료", "마감", "완료", "클로즈"), ("수주", "성공", "계약 성사", "성사", "획득"), ("실주", "실패", "무산")),
}

# Words that join "closed" and the outcome ("Abgeschlossen und gewonnen", "Closed - Won").
_JOINERS = frozenset({"and", "und", "et", "y", "e", "en", "i", "ve", "и", "і", "a", "és", "και", "và", "dan",
                      "en", "-", "/", "–"})
_PUNCT = re.compile(r"[\s\-–—_/,.:;()（）\[\]【】「」『』·•|]+")

_CLOSED = frozenset(w for c, _w, _l in OUTCOMES.values() for w in c)
_WON = frozenset(w for _c, w, _l in OUTCOMES.values() for w in w)
_LOST = frozenset(w for _c, _w, l in OUTCOMES.values() for w in l)
# several-word entries ("nicht erfolgreich", "đã đóng", "계약 성사") are matched as one token
_PHRASES = sorted((w for w in _CLOSED | _WON | _LOST if " " in w), key=len, reverse=True)
_SPACELESS = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")


def _key(text: object) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def stage_outcome(text: object) -> str | None:
    """"Won" or "Lost" for a stage or deal status that says a deal was closed won or lost
    (OUTCOMES, any language's words for "closed" with any language's for "won"/"lost",
    joined by a space, "and", "-", "/" or nothing in CJK: "Abgeschlossen und gewonnen",
    "Fermé perdu", "Closed - Won", "已关闭赢单", "クローズ(受注)"), or the outcome word
    alone ("Gewonnen", "受注"); None for anything else (an open stage, "Won back")."""
    key = _key(text)
    if not key or len(key) > 60:
        return None
    for phrase in _PHRASES:
        if phrase in key:
            key = key.replace(phrase, " " + phrase.replace(" ", "\x00") + " ")
    tokens = [t.replace("\x00", " ") for t in _PUNCT.split(key) if t and t not in _JOINERS]
    if not tokens:
        return None
    if _SPACELESS.search(key):
        tokens = _split_spaceless(tokens)
        if tokens is None:
            return None
    outcome = [t for t in tokens if t not in _CLOSED]
    if len(outcome) != 1:
        return None
    if outcome[0] in _WON:
        return "Won"
    if outcome[0] in _LOST:
        return "Lost"
    return None


_CJK_WORDS = sorted((w for w in _CLOSED | _WON | _LOST if _SPACELESS.search(w)), key=len, reverse=True)


def _split_spaceless(tokens: list[str]) -> list[str] | None:
    """Tokens of a CJK text cut into the OUTCOMES words it is made of ("已关闭赢单" ->
    ["已关闭", "赢单"]); None when some part is no such word."""
    out: list[str] = []
    for token in tokens:
        if not _SPACELESS.search(token):
            out.append(token)
            continue
        rest = token
        while rest:
            word = next((w for w in _CJK_WORDS if rest.startswith(w)), None)
            if word is None:
                return None
            out.append(word)
            rest = rest[len(word):]
    return out


# A deal status column's words for a deal still open (Pipedrive "Deal - Status" in its
# interfaces' languages; Chinese CRMs' 进行中/跟进中 are in schema.DEAL_STATUS_WORDS).
OPEN_WORDS = frozenset({"open", "offen", "ouvert", "ouverte", "en cours", "abierto", "abierta", "en curso",
                        "aberto", "aberta", "em andamento", "aperto", "aperta", "in corso", "open staand",
                        "otwarta", "otwarte", "açık", "открыта", "открыто", "відкрита", "otevřeno", "nyitott",
                        "ανοιχτή", "đang mở", "terbuka", "เปิด", "进行中", "進行中", "跟进中", "商談中",
                        "オープン", "진행 중", "진행중"})

# Default stage picklists of Salesforce and HubSpot in their other interface languages
# (see the module docstring), mapped as schema.STAGE_SYNONYMS maps the English names.
LOCAL_STAGES: dict[str, str] = {
    # German (Salesforce; HubSpot)
    "prospektion": "Lead", "akquise": "Lead", "interessent": "Lead", "kontaktaufnahme": "Lead",
    "qualifizierung": "Qualified", "qualifikation": "Qualified", "bedarfsanalyse": "Needs analysis",
    "wertangebot": "Needs analysis", "nutzenversprechen": "Needs analysis",
    "entscheidungsträger identifizieren": "Needs analysis", "wahrnehmungsanalyse": "Needs analysis",
    "angebot/preisangebot": "Proposal", "angebot": "Proposal", "angebot/kostenvoranschlag": "Proposal",
    "verhandlung/überprüfung": "Negotiation", "verhandlung": "Negotiation",
    "termin vereinbart": "Lead", "kaufbereit": "Qualified", "präsentation vereinbart": "Needs analysis",
    "entscheider überzeugt": "Proposal", "vertrag gesendet": "Negotiation", "vertrag versendet": "Negotiation",
    # French
    "prospection": "Lead", "qualification": "Qualified", "analyse des besoins": "Needs analysis",
    "proposition de valeur": "Needs analysis", "identification des décideurs": "Needs analysis",
    "analyse de perception": "Needs analysis", "proposition/devis": "Proposal", "devis": "Proposal",
    "négociation/révision": "Negotiation", "négociation": "Negotiation",
    "rendez-vous programmé": "Lead", "rendez-vous planifié": "Lead", "qualifié pour l'achat": "Qualified",
    "présentation programmée": "Needs analysis", "présentation planifiée": "Needs analysis",
    "décisionnaire convaincu": "Proposal", "contrat envoyé": "Negotiation",
    # Spanish
    "prospección": "Lead", "calificación": "Qualified", "cualificación": "Qualified",
    "análisis de necesidades": "Needs analysis", "propuesta de valor": "Needs analysis",
    "identificar responsables de la toma de decisiones": "Needs analysis",
    "análisis de percepción": "Needs analysis", "propuesta/presupuesto": "Proposal",
    "propuesta/cotización": "Proposal", "propuesta": "Proposal", "negociación/revisión": "Negotiation",
    "negociación": "Negotiation", "cita programada": "Lead", "calificado para comprar": "Qualified",
    "presentación programada": "Needs analysis", "responsable de toma de decisiones convencido": "Proposal",
    "contrato enviado": "Negotiation",
    # Portuguese
    "prospecção": "Lead", "qualificação": "Qualified", "análise de necessidades": "Needs analysis",
    "proposta de valor": "Needs analysis", "proposta/orçamento": "Proposal", "proposta": "Proposal",
    "negociação/revisão": "Negotiation", "negociação": "Negotiation", "reunião agendada": "Lead",
    "qualificado para comprar": "Qualified", "apresentação agendada": "Needs analysis",
    # Italian
    "prospezione": "Lead", "qualificazione": "Qualified", "analisi delle esigenze": "Needs analysis",
    "analisi dei bisogni": "Needs analysis", "proposta di valore": "Needs analysis",
    "proposta/preventivo": "Proposal", "preventivo": "Proposal", "negoziazione/revisione": "Negotiation",
    "negoziazione": "Negotiation", "trattativa": "Negotiation", "appuntamento fissato": "Lead",
    "qualificato per l'acquisto": "Qualified", "presentazione programmata": "Needs analysis",
    "contratto inviato": "Negotiation",
    # Dutch
    "kwalificatie": "Qualified", "behoefteanalyse": "Needs analysis", "offerte": "Proposal",
    "onderhandeling": "Negotiation", "afspraak gepland": "Lead", "contract verstuurd": "Negotiation",
    # Japanese (Salesforce; HubSpot)
    "見込み": "Lead", "見込": "Lead", "評価": "Qualified", "ニーズ分析": "Needs analysis", "価値提案": "Needs analysis",
    "意思決定者の特定": "Needs analysis", "認識分析": "Needs analysis", "提案/見積": "Proposal",
    "提案/見積り": "Proposal", "提案": "Proposal", "見積": "Proposal", "交渉/レビュー": "Negotiation",
    "交渉": "Negotiation", "アポイント設定済み": "Lead", "購入見込みあり": "Qualified",
    "プレゼン予定済み": "Needs analysis", "決裁者の賛同": "Proposal", "契約書送付済み": "Negotiation",
    # Chinese (Salesforce; HubSpot)
    "潜在客户": "Lead", "资格审查": "Qualified", "資格審查": "Qualified", "需求分析": "Needs analysis",
    "价值主张": "Needs analysis", "價值主張": "Needs analysis", "确定决策者": "Needs analysis",
    "认知分析": "Needs analysis", "建议/报价": "Proposal", "建議/報價": "Proposal", "谈判/审核": "Negotiation",
    "談判/審核": "Negotiation", "已安排约见": "Lead", "已确认购买意向": "Qualified", "已发送合同": "Negotiation",
    # Korean
    "잠재 고객": "Lead", "자격 평가": "Qualified", "요구 분석": "Needs analysis", "제안/견적": "Proposal",
    "협상/검토": "Negotiation", "협상": "Negotiation",
}
