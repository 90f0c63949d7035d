"""`cims demo`: a demo store with realistic generated data and a refreshed workbook.

Everything goes through the same services a user's actions do (validated, audited,
encrypted), except that stage history is back-dated so the pipeline's stage velocity
has something to show. The credentials are printed and documented in the README;
they are for this demo only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from decimal import Decimal
from pathlib import Path
from typing import Callable

from .domain.schema import SOURCES, STAGES
from .errors import ValidationFailed
from .services import auth, records
from .store.db import utcnow

DEMO_USERS = {  # user name: (role, password)
    "admin": ("admin", "Harbour-Lights-2026"),
    "mei": ("manager", "Jade-Garden-2026"),
    "lina": ("sales", "Silk-Road-Sales-2026"),
    "tom": ("sales", "Silk-Road-Sales-2026"),
    "wang": ("support", "Help-Desk-Lantern-2026"),
    "guest": ("viewer", "Read-Only-Window-2026"),
}
STORE_NAME = "demo.cims"
WORKBOOK_NAME = "cims-demo.xlsm"
# Written beside the demo store: the id of the store `cims demo` made there (its key
# file's store_id). Only a store with that id, and its workbook, is ever replaced.
MARKER_NAME = ".cims-demo.json"
_STORE_FILES = ("", ".keys", "-wal", "-shm", ".lock")


class NotADemoStore(ValidationFailed):
    """`cims demo --dir D` found files in D it did not make; nothing was replaced."""


def _made_here(folder: Path) -> str | None:
    """The store id the demo marker in `folder` records, or None."""
    try:
        doc = json.loads((folder / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    made = doc.get("store_id") if isinstance(doc, dict) else None
    return made if isinstance(made, str) and made else None


def check_replaceable(folder: Path) -> bool:
    """True when `folder` holds a demo that `cims demo` made (replacing it loses the
    changes made in it), False when it holds none. Raises NotADemoStore, naming the file,
    when it holds a demo.cims (or its key file, or cims-demo.xlsm) that `cims demo` did
    not make there: a person's own store, a copy of another, any other file."""
    from .security.keys import KeyFile

    folder = Path(folder)
    store = folder / STORE_NAME
    present = [Path(str(store) + suffix) for suffix in _STORE_FILES if os.path.lexists(str(store) + suffix)]
    if os.path.lexists(folder / WORKBOOK_NAME):
        present.append(folder / WORKBOOK_NAME)
    if not present:
        return False
    made = _made_here(folder)
    try:
        ours = (made is not None and store.is_file() and not store.is_symlink()
                and KeyFile.load(store).store_id == made)
    except Exception:     # noqa: BLE001 - not a store, a damaged key file: not the demo's
        ours = False
    if not ours:
        raise NotADemoStore({"--dir": (
            f"{present[0]} is not a demo store `cims demo` made there (it may be your own store or "
            f"another file); nothing was replaced. Choose another folder with --dir, or move "
            f"{present[0].name} away yourself")})
    return True

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
          "霞", "平", "刚", "桂英", "晓东", "海燕", "建华", "志强", "雪", "慧", "鹏", "晨", "宇轩", "梓涵", "一诺", "浩然"]
_PINYIN = ["wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu"]
_EN_FIRST = ["Olivia", "James", "Emma", "Liam", "Sophia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Grace",
             "Henry", "Chloe", "Jack", "Ella", "Oscar", "Ruby", "Leo", "Isla", "Daniel"]
_EN_LAST = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Roberts", "Walker",
            "Wright", "Hughes", "Green", "Hall", "Wood", "Clarke", "Turner", "Hill", "Cooper", "Ward"]
_COMPANY = ["华信", "天成", "博远", "中科", "恒通", "瑞丰", "鼎新", "云帆", "金石", "汇达", "星河", "远景"]
_COMPANY_KIND = ["科技有限公司", "贸易有限公司", "咨询有限公司", "电子有限公司", "物流有限公司"]
_CITIES = [("上海", "上海", "华东"), ("北京", "北京", "华北"), ("广州", "广东", "华南"), ("深圳", "广东", "华南"),
           ("杭州", "浙江", "华东"), ("南京", "江苏", "华东"), ("成都", "四川", "西南"), ("武汉", "湖北", "华中"),
           ("西安", "陕西", "西北"), ("重庆", "重庆", "西南"), ("苏州", "江苏", "华东"), ("天津", "天津", "华北")]
_EN_CITIES = [("London", "England", "GB", "Europe"), ("Manchester", "England", "GB", "Europe"),
              ("New York", "NY", "US", "Americas"), ("Singapore", "Singapore", "SG", "Asia")]
_CATEGORIES = {"办公用品": ["订书机", "文件夹", "打印纸", "签字笔"], "家具": ["办公椅", "书架", "会议桌"],
               "技术": ["笔记本电脑", "打印机", "路由器", "显示器"]}
_SEGMENTS = ["Consumer", "Corporate", "Home Office", "Small Business", "Enterprise", "VIP"]
_TAGS = ["wechat", "newsletter", "trade-show", "key-account", "reseller", "renewal"]
_LOST = ["Price too high", "Chose a competitor", "No budget", "Project cancelled", "No response"]


def _customer(rng: random.Random, i: int, owners: list[str]) -> dict:
    roll = rng.random()
    city, province, _region = rng.choice(_CITIES)
    data: dict = {"segment": rng.choice(_SEGMENTS), "source": rng.choice(SOURCES[:-1]),
                  "owner": rng.choice(owners), "country": "CN", "city": city, "province": province,
                  "marketing_consent": rng.random() < 0.6}
    if data["marketing_consent"]:
        data["marketing_consent_at"] = (dt.date.today() - dt.timedelta(days=rng.randint(10, 700))).isoformat()
    if roll < 0.6:
        data["name"] = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
        data["mobile"] = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
        data["email"] = f"{rng.choice(_PINYIN)}.{rng.choice(_PINYIN)}{i}@example.cn"
    elif roll < 0.8:
        name = rng.choice(_COMPANY) + rng.choice(_COMPANY_KIND)
        data.update(name=f"{city}{name}", type="Company", company=f"{city}{name}",
                    phone=f"0{rng.choice(['21', '10', '20', '755', '571', '25'])}-{rng.randint(60_000_000, 89_999_999)}",
                    email=f"info{i}@company{i}.example.com")
    else:
        first, last = rng.choice(_EN_FIRST), rng.choice(_EN_LAST)
        city, province, country, _ = rng.choice(_EN_CITIES)
        data.update(name=f"{first} {last}", email=f"{first}.{last}{i}@example.com".lower(),
                    city=city, province=province, country=country,
                    mobile={"GB": "+44 7700 90", "US": "+1 212 555 0", "SG": "+65 9123 "}[country]
                    + (f"{rng.randint(100, 199)}" if country == "US" else f"{rng.randint(1000, 9999)}"))
    data["postal_code"] = f"{rng.randint(100000, 899999)}" if data["country"] == "CN" else None
    data["address"] = f"{rng.randint(1, 999)}号 {rng.choice(['人民路', '中山路', '解放路', '长江路'])}"
    if rng.random() < 0.4:
        data["tags"] = ", ".join(rng.sample(_TAGS, rng.randint(1, 2)))
    return data


def build_demo(folder: Path, *, customers: int = 300, seed: int = 2026,
               progress: Callable[[int, int, str], None] | None = None) -> dict:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    store = folder / STORE_NAME
    check_replaceable(folder)
    for suffix in _STORE_FILES:
        Path(str(store) + suffix).unlink(missing_ok=True)
    note = progress or (lambda done, total, phase: None)
    rng = random.Random(seed)
    today = dt.date.today()
    note(0, 7, "creating store and users")
    auth.init_store(store, "admin", DEMO_USERS["admin"][1])
    _mark(folder, store)
    session = auth.sign_in(store, "admin", DEMO_USERS["admin"][1])
    try:
        for name, (role, password) in DEMO_USERS.items():
            if name != "admin":
                auth.add_user(session, name, role, password)
        owners = ["lina", "tom", "mei"]
        note(1, 7, "customers")
        custs = records.create_many(session, "customer", [_customer(rng, i, owners) for i in range(customers)])
        ids = [c["id"] for c in custs]
        note(2, 7, "orders")
        orders = []
        for c in custs:
            region = next((r for ci, _p, r in _CITIES if ci == c["city"]), "海外")
            for n in range(rng.choice([0, 1, 1, 2, 3, 4, 6, 9, 14])):
                category = rng.choice(list(_CATEGORIES))
                qty = rng.randint(1, 12)
                price = Decimal(rng.randint(500, 250_000)) / 100
                day = today - dt.timedelta(days=rng.randint(0, 729))
                orders.append({"order_number": f"SO-{day:%Y%m}-{len(orders) + 1:05d}", "customer_id": c["id"],
                               "order_date": day.isoformat(), "category": category,
                               "product": rng.choice(_CATEGORIES[category]), "quantity": qty,
                               "amount": str(price * qty), "profit": str((price * qty * Decimal("0.18")).quantize(Decimal("0.01"))),
                               "currency": "CNY", "region": region, "province": c["province"], "city": c["city"],
                               "status": rng.choice(["Completed"] * 8 + ["Shipped", "Cancelled"])})
        records.create_many(session, "order", orders)
        note(3, 7, "opportunities")
        opps = []
        for i in range(max(40, customers // 4)):
            stage = STAGES[i % len(STAGES)]
            amount = Decimal(rng.randint(5, 500)) * 1000
            opp = {"customer_id": rng.choice(ids), "name": rng.choice(["年度采购", "系统升级", "Renewal", "扩容项目",
                                                                       "New office fit-out", "培训服务"]),
                   "stage": stage, "amount": str(amount), "owner": rng.choice(owners), "source": rng.choice(SOURCES[:-1]),
                   "expected_close": (today + dt.timedelta(days=rng.randint(-60, 180))).isoformat(),
                   "next_step": rng.choice(["发送报价", "Call back", "安排演示", "Send contract", None])}
            if stage == "Lost":
                opp["lost_reason"] = rng.choice(_LOST)
            opps.append(opp)
        created_opps = records.create_many(session, "opportunity", opps)
        _backdate_stage_history(session, created_opps, rng)
        note(4, 7, "tickets and interactions")
        now = utcnow()
        tickets = []
        for i in range(max(30, customers // 3)):
            pri = rng.choice(["P1", "P2", "P3", "P3", "P4"])
            opened = now - dt.timedelta(hours=rng.randint(1, 24 * 120))
            hours = {"P1": 1, "P2": 4, "P3": 8, "P4": 24}[pri]
            met = rng.random() < 0.7
            t = {"customer_id": rng.choice(ids), "subject": rng.choice(["无法登录", "发票开错", "Delivery late",
                                                                        "打印机卡纸", "Refund request", "系统报错"]),
                 "priority": pri, "channel": rng.choice(["Phone", "Email", "WeChat", "Web"]),
                 "assignee": rng.choice(["wang", "mei"]), "opened_at": opened.isoformat()}
            status = rng.choice(["New", "Open", "Pending", "Resolved", "Closed", "Resolved"])
            if status != "New":
                first = opened + dt.timedelta(hours=hours * (rng.uniform(0.1, 0.9) if met else rng.uniform(1.2, 3)))
                t["first_response_at"] = min(first, now).isoformat()
                t["status"] = "Open"
            tickets.append((t, status, opened, hours, met))
        created_t = records.create_many(session, "ticket", [t for t, *_ in tickets])
        for rec, (_t, status, opened, hours, met) in zip(created_t, tickets):
            if status in ("Pending", "Resolved", "Closed"):
                records.update(session, rec["id"], {"status": "Pending" if status == "Pending" else "Resolved"})
            if status == "Closed":
                records.update(session, rec["id"], {"status": "Closed"})
        kinds = ["Call", "Email", "Meeting", "Visit", "Note"]
        interactions = [{"customer_id": rng.choice(ids), "kind": rng.choice(kinds),
                         "occurred_at": (now - dt.timedelta(days=rng.randint(0, 365))).isoformat(),
                         "subject": rng.choice(["回访", "Quarterly review", "产品演示", "报价跟进", "Contract questions"]),
                         "owner": rng.choice(owners)} for _ in range(customers)]
        records.create_many(session, "interaction", interactions)
        contacts = [{"customer_id": c["id"], "name": rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                     "title": rng.choice(["采购经理", "总经理", "IT 主管", "Office manager"]),
                     "mobile": f"139{rng.randint(10_000_000, 99_999_999)}", "is_primary": True}
                    for c in custs if c["type"] == "Company"]
        records.create_many(session, "contact", contacts)
        from .services.segments import update_rfm_segments

        update_rfm_segments(session)
        note(5, 7, "building the workbook")
        from .excel.build import build_workbook
        from .excel.sync import sync_file

        book = build_workbook(folder / WORKBOOK_NAME)
        sync_file(session, book, "refresh", force=True)
        note(6, 7, "reports")
        sync_file(session, book, "reports")
        counts = {k: len(records.list_records(session, k)) for k in
                  ("customer", "contact", "interaction", "order", "opportunity", "ticket")}
    finally:
        session.close()
    note(7, 7, "done")
    return {"store": str(store), "workbook": str(folder / WORKBOOK_NAME), **counts,
            "sign_in": "admin / " + DEMO_USERS["admin"][1] + " (other demo users in README)"}


def _mark(folder: Path, store: Path) -> None:
    from . import scratch
    from .security.keys import KeyFile

    tmp = scratch.scratch_file(folder, "demo-marker")
    try:
        tmp.write_text(json.dumps({"made_by": "cims demo", "store_id": KeyFile.load(store).store_id}),
                       encoding="utf-8")
        os.replace(tmp, folder / MARKER_NAME)
    finally:
        tmp.unlink(missing_ok=True)


def _backdate_stage_history(session, opps: list[dict], rng: random.Random) -> None:
    """Give each opportunity a plausible path through the stages before today."""
    now = utcnow()
    with session.unit_of_work() as uow:
        for opp in opps:
            final = opp["stage"]
            path = list(STAGES[:STAGES.index(final) + 1]) if final != "Lost" else \
                list(STAGES[:rng.randint(1, 5)]) + ["Lost"]
            at = now - dt.timedelta(days=rng.randint(20, 200))
            rows, prev = [], None
            for stage in path:
                rows.append((prev, stage, at))
                prev = stage
                at = min(now, at + dt.timedelta(days=rng.randint(2, 25)))
            records.set_stage_history(session, opp["id"], rows)
        uow.commit()
