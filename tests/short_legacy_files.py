"""Small CSVs of names in the legacy CJK encodings (and short files of Cyrillic, Greek,
Hebrew and Arabic names in their code pages), generated from a seed: 2-8 rows, with or
without an email, a phone, a City and a Country column, English or native headers.
Used by tests/test_import_short_cjk_encodings.py and bench/short_legacy_encodings.py."""

from __future__ import annotations

import random

# language -> (surnames, given names, cities, country names, phone prefix, headers)
PEOPLE = {
    "zh": ("张 王 李 赵 刘 陈 杨 黄 周 吴 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 "
           "田 董 袁 潘 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 方 白 "
           "邹 孟 熊 秦 邱 江 尹 薛 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 武 戴 莫 孔 向 汤 欧阳 司马",
           "伟 秀英 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 志强 建华 晓明 海燕 文 芳 "
           "红梅 玉兰 建国 丹 鹏 浩 宇 欣怡 子涵 梓轩 雨桐 佳怡 俊杰 淑华 春生 德华 国强 美玲 婷婷 小龙 思远",
           "北京 上海 广州 深圳 天津 重庆 成都 武汉 杭州 南京 西安 苏州 郑州 长沙 沈阳 青岛 济南 大连 厦门 "
           "昆明 哈尔滨 合肥 福州 南昌 石家庄 太原 贵阳 南宁 兰州 无锡 宁波 东莞 佛山",
           ("中国", "China", "CN"), "+86", "姓名,邮箱,电话,城市,国家"),
    "zh_Hant": ("陳 林 黃 張 李 王 吳 劉 蔡 楊 許 鄭 謝 郭 洪 曾 邱 廖 賴 周 徐 蘇 葉 莊 呂 江 何 蕭 羅 高 "
                "潘 簡 朱 鍾 彭 游 詹 胡 施 沈 余 盧 梁 趙 顏 柯 翁 魏 孫 戴",
                "志明 淑芬 美玲 雅婷 家豪 建宏 俊傑 怡君 宗翰 佳穎 冠宇 欣怡 承恩 詩涵 大文 嘉欣 國華 麗華 "
                "淑惠 秀英 志偉 明德 文雄 美惠 俊宏 瑋婷 品妍 子軒 柏翰 宜蓁",
                "台北 新北 桃園 台中 台南 高雄 新竹 基隆 嘉義 彰化 屏東 宜蘭 花蓮 香港 九龍 澳門 新界 沙田",
                ("台灣", "Taiwan", "TW", "香港", "Hong Kong"), "+886", "姓名,電子郵件,電話,城市,國家"),
    "ja": ("佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 "
           "清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤",
           "太郎 花子 翔太 陽菜 結衣 大輔 美咲 さくら ひろし 恵子 健一 直樹 由美 愛 蓮 陽翔 葵 悠真 "
           "あかり 一郎 洋子 和也 裕子 誠 明美 拓也 めぐみ 健太 真由美 ゆうき",
           "東京 大阪 横浜 名古屋 札幌 福岡 神戸 京都 川崎 さいたま 広島 仙台 千葉 北九州 堺 新潟 浜松 "
           "熊本 相模原 静岡 岡山 金沢 那覇 渋谷区 新宿区",
           ("日本", "Japan", "JP"), "+81", "氏名,メール,電話番号,市区町村,国"),
    "ko": ("김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 홍 전 고 문 양 손 배 백 허 유 남 "
           "심 노 하 곽 성 차 주 우 구 민 진 나 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 석 선 설 마 길 "
           "연 위 표 명 기 반 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 예 경 봉 사 부 황보 남궁 제갈 선우",
           "민준 서연 지훈 서준 하은 도윤 지우 예준 수빈 민서 현우 지민 영희 철수 은지 성민 지은 "
           "동현 혜진 상훈 미경 정호 유진 태양 소희 건우 다은 준혁 윤서 시우 채원 영수 순자 경희",
           "서울 부산 인천 대구 대전 광주 수원 울산 성남 고양 창원 용인 청주 전주 천안 제주 포항 "
           "김해 안산 안양 남양주 화성 강남구 해운대구",
           ("대한민국", "한국", "South Korea", "Korea", "KR"), "+82", "이름,이메일,전화,도시,국가"),
    "ru": ("Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
           "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров "
           "Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин",
           "Иван Мария Сергей Ольга Алексей Наталья Дмитрий Елена Андрей Татьяна Михаил Анна Николай "
           "Светлана Юрий Ирина Владимир Екатерина Павел Юлия Олег Людмила Игорь Галина Артём Дарья",
           "Москва Санкт-Петербург Новосибирск Екатеринбург Казань Самара Омск Ростов-на-Дону Уфа "
           "Красноярск Воронеж Пермь Волгоград Краснодар Тюмень Иркутск Хабаровск Ярославль Томск",
           ("Россия", "Russia", "RU"), "+7", "ФИО,Почта,Телефон,Город,Страна"),
    "el": ("Παπαδόπουλος Γεωργίου Δημητρίου Νικολάου Ιωάννου Παπαδάκης Βασιλείου Κωνσταντίνου "
           "Αντωνίου Οικονόμου Μακρής Παππάς Αθανασίου Χριστοδούλου Ευαγγέλου Σταματόπουλος",
           "Γιώργος Μαρία Νίκος Ελένη Κώστας Αικατερίνη Δημήτρης Σοφία Γιάννης Βασιλική Παναγιώτης "
           "Ευαγγελία Χρήστος Αναστασία Θανάσης Δέσποινα Μιχάλης Ιωάννα",
           "Αθήνα Θεσσαλονίκη Πάτρα Ηράκλειο Λάρισα Βόλος Ιωάννινα Χανιά Καβάλα Ρόδος Κέρκυρα",
           ("Ελλάδα", "Greece", "GR"), "+30", "Όνομα,Email,Τηλέφωνο,Πόλη,Χώρα"),
    "he": ("כהן לוי מזרחי פרץ ביטון דהן אברהם פרידמן אגבריה מלכה אזולאי כץ יוסף דוד עמר אוחיון חדד "
           "גבאי שפירא בן-דוד",
           "דוד שרה משה רחל יוסף מרים אברהם אסתר יעקב רבקה דניאל נועה איתי תמר אורי מיכל יונתן שירה",
           "תל אביב ירושלים חיפה באר שבע אשדוד נתניה ראשון לציון פתח תקווה חולון רמת גן אילת",
           ("ישראל", "Israel", "IL"), "+972", "Name,Email,Phone,City,Country"),
    "ar": ("أحمد علي حسن حسين محمود إبراهيم خليل يوسف عبدالله سعيد صالح منصور العلي الحربي القحطاني "
           "الشمري الدوسري المصري",
           "محمد فاطمة أحمد عائشة علي مريم عمر خديجة يوسف زينب خالد نور حسن سارة إبراهيم ليلى طارق هدى",
           "القاهرة الرياض دبي عمان بيروت الدار البيضاء جدة الإسكندرية الكويت الدوحة بغداد تونس",
           ("مصر", "Egypt", "EG", "السعودية", "Saudi Arabia"), "+20", "الاسم,البريد الإلكتروني,الهاتف,المدينة,الدولة"),
}

# encoding -> the language its files are written in
LEGACY = {"gb18030": "zh", "gbk": "zh", "big5": "zh_Hant", "cp950": "zh_Hant", "shift_jis": "ja", "cp932": "ja",
          "euc_jp": "ja", "euc_kr": "ko", "cp949": "ko"}
REVERSE = {"cp1251": "ru", "koi8_r": "ru", "cp1253": "el", "cp1255": "he", "cp1256": "ar"}

_ROMAN = "li wang zhang chen liu yang zhao wu zhou xu sun ma hu guo lin he gao luo".split()


def _name(rng: random.Random, lang: str) -> str:
    surnames, given = PEOPLE[lang][0].split(), PEOPLE[lang][1].split()
    last, first = rng.choice(surnames), rng.choice(given)
    if lang in ("zh", "zh_Hant"):
        return last + first
    if lang in ("ja", "ko"):
        return last + rng.choice(("", " ")) + first if lang == "ja" else last + first
    if lang == "ar":
        return f"{first} {last}"
    return f"{first} {last}"


def _phone(rng: random.Random, prefix: str, international: bool) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(8))
    if international:
        return f"{prefix} {rng.randint(10, 99)} {digits[:4]} {digits[4:]}"
    return f"0{rng.randint(10, 99)}-{digits[:4]}-{digits[4:]}"


def small_file(seed: int, encoding: str) -> str:
    """The text of one small CSV of people in `encoding`'s language (LEGACY or REVERSE),
    drawn from `seed`: every character of it encodes in `encoding`."""
    rng = random.Random(f"{encoding}-{seed}")
    lang = LEGACY.get(encoding) or REVERSE[encoding]
    _, _, cities, countries, prefix, native = PEOPLE[lang]
    city_names = cities.split() if lang != "he" else ["תל אביב", "ירושלים", "חיפה", "באר שבע", "אשדוד",
                                                        "נתניה", "חולון", "רמת גן", "אילת"]
    if lang == "ar":
        city_names = ["القاهرة", "الرياض", "دبي", "عمان", "بيروت", "جدة", "الكويت", "الدوحة", "بغداد", "تونس"]
    columns = ["name"] + [c for c in ("email", "phone", "city", "country") if rng.random() < 0.5]
    heads_native = dict(zip(("name", "email", "phone", "city", "country"), native.split(",")))
    heads_english = {"name": "Name", "email": "Email", "phone": "Phone", "city": "City", "country": "Country"}
    heads = heads_native if rng.random() < 0.3 else heads_english
    country = rng.choice(countries)
    international = rng.random() < 0.5
    rows, taken = [], set()
    for i in range(rng.randint(2, 8)):
        cells = []
        for col in columns:
            if col == "name":
                name = _name(rng, lang)
                while name.replace(" ", "") in taken:      # one customer each (the import merges 林 翔太, 林翔太)
                    name = _name(rng, lang)
                taken.add(name.replace(" ", ""))
                cells.append(name)
            elif col == "email":
                cells.append(f"{rng.choice(_ROMAN)}{i}{rng.randint(1, 99)}@example.com")
            elif col == "phone":
                cells.append(_phone(rng, prefix, international))
            elif col == "city":
                cells.append(rng.choice(city_names))
            else:
                cells.append(country)
        rows.append(",".join(cells))
    text = ",".join(heads[c] for c in columns) + "\r\n" + "".join(r + "\r\n" for r in rows)
    text.encode(encoding)          # every character is in the encoding
    return text


def shaped_file(seed: int, encoding: str) -> str:
    """The shape of file the importer misread most: 3-6 customers, each with an email, a
    phone (local or international) and a city, in `encoding`'s language."""
    rng = random.Random(f"shaped-{encoding}-{seed}")
    lang = LEGACY.get(encoding) or REVERSE[encoding]
    cities = PEOPLE[lang][2].split()
    prefix, international = PEOPLE[lang][4], rng.random() < 0.5
    rows, taken, count = [], set(), rng.randint(3, 6)
    while len(rows) < count:
        name = _name(rng, lang)
        if name.replace(" ", "") in taken:
            continue
        taken.add(name.replace(" ", ""))
        rows.append(f"{name},p{len(rows)}@example.com,{_phone(rng, prefix, international)},{rng.choice(cities)}")
    text = "Name,Email,Phone,City\r\n" + "".join(r + "\r\n" for r in rows)
    text.encode(encoding)
    return text
