"""Deciding the encoding of an article file: BOMs, UTF-8, legacy encodings, binary files."""

# Typographic quotes and dashes and non-Latin letters are what these tests are about.
# ruff: noqa: RUF001

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from framing_app.core.errors import InputFileError
from framing_app.formats.decoding import decode_bytes, detect_encoding, read_bytes, read_text

PATH = Path("corpus/article.txt")

# Realistic sentences using the characters cp1252 has and Latin-1 lacks (€ “ ” – …)
# and the letters of Western European languages.
CP1252_SENTENCES = [
    "Café naïve – “quoted” € résumé.",
    "The senator’s “reform” – costing €3bn – was criticised…",
    "Critics say the £2bn – or roughly €2.3bn – scheme is “too little, too late”.",
    "L’été dernier, le ministre a déclaré : « Nous économiserons 5 € par élève. »",
    "Les députés ont adopté le texte ; l’opposition dénonce un « passage en force ».",
    "Die Straße war voller Menschen, die über das Wetter sprachen – „schön“ sagte man.",
    "Laut Ministerium kostet die Maßnahme rund 1,2 Milliarden € pro Jahr – mehr als geplant.",
    "Größere Maßnahmen für die Flüchtlinge wurden am Freitag beschlossen.",
    "El presidente afirmó que la economía española crecerá un 2 % este año.",
]


def test_utf8_without_bom() -> None:
    text = "Zürich: 気候 🌍 – done"
    assert decode_bytes(text.encode("utf-8"), PATH) == text


def test_utf8_with_bom_drops_the_bom() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + "Café €".encode(), PATH) == "Café €"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_bom(codec: str) -> None:
    text = "Grüße – 北京 🎉\r\nline two"
    bom = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }[codec]
    assert decode_bytes(bom + text.encode(codec), PATH) == text


@pytest.mark.parametrize("sentence", CP1252_SENTENCES)
def test_windows_1252_sentences(sentence: str) -> None:
    data = sentence.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the legacy path is really taken
    assert decode_bytes(data, PATH) == sentence


def test_windows_1252_is_preferred_when_candidates_tie() -> None:
    # chardet scores cp1250 ("naďve") a little above cp1252 for this text.
    assert detect_encoding("Café naïve – “quoted” € résumé.".encode("cp1252"), PATH) == "cp1252"


@pytest.mark.parametrize(
    ("codec", "sentence"),
    [
        ("cp1251", "Правительство объявило о новых мерах поддержки экономики страны."),
        ("cp1253", "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία."),
        ("cp1254", "Başbakan, İstanbul’daki toplantıda açıklama yaptı."),
    ],
)
def test_other_code_pages_still_win_when_clearly_better(codec: str, sentence: str) -> None:
    assert decode_bytes(sentence.encode(codec), PATH) == sentence


@pytest.mark.parametrize(
    "text",
    [
        "Caf\xe9 \x81 ok",
        # Once read as KOI8-R: the stray byte had ruled cp1252 out.
        "Die Stra\xdfe war voller Menschen, die \xfcber das Wetter sprachen \x81.",
    ],
)
def test_bytes_undefined_in_cp1252_do_not_fail(text: str) -> None:
    # 0x81 is undefined in cp1252; it is read as U+0081, as browsers do.
    assert decode_bytes(text.encode("latin-1"), PATH) == text


def test_result_is_not_normalised() -> None:
    assert decode_bytes(b"one\r\ntwo\rthree", PATH) == "one\r\ntwo\rthree"


def test_explicit_encoding_overrides_detection() -> None:
    # Valid UTF-8, but the user says it is Windows-1252: their word wins.
    assert decode_bytes("café".encode(), PATH, encoding="cp1252") == "cafÃ©"
    russian = "Новости дня"
    assert decode_bytes(russian.encode("koi8_r"), PATH, encoding="KOI8-R") == russian


def test_explicit_utf16_without_bom() -> None:
    assert decode_bytes("abc é".encode("utf-16-le"), PATH, encoding="utf-16-le") == "abc é"


def test_wrong_explicit_encoding_names_file_encoding_and_offset() -> None:
    data = "Straße".encode("cp1252")
    with pytest.raises(InputFileError) as caught:
        decode_bytes(data, PATH, encoding="utf-8")
    assert caught.value.path == PATH
    message = str(caught.value)
    assert message.startswith(f"{PATH}: cannot be decoded as utf-8: byte 0xdf at offset 4")


def test_unknown_explicit_encoding() -> None:
    with pytest.raises(InputFileError) as caught:
        decode_bytes(b"abc", PATH, encoding="klingon-8")
    assert str(caught.value) == f"{PATH}: unknown encoding 'klingon-8'"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
        "no BOM: UTF-16 text".encode("utf-16-le"),
        b"text with \x01\x02\x03\x04\x05\x06 control bytes",
    ],
)
def test_binary_content_is_rejected(data: bytes) -> None:
    with pytest.raises(InputFileError) as caught:
        decode_bytes(data, PATH)
    assert str(caught.value) == f"{PATH}: looks like a binary file, not text"


def test_binary_content_is_rejected_with_a_single_byte_explicit_encoding() -> None:
    with pytest.raises(InputFileError, match="binary"):
        decode_bytes(b"abc\x00def", PATH, encoding="cp1252")


def test_a_tab_and_form_feed_are_text() -> None:
    assert decode_bytes(b"a\tb\x0cc\x1a", PATH) == "a\tb\x0cc\x1a"


def test_read_text_from_a_real_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Zoë’s “café” – €5".encode("cp1252"))
    assert read_text(path) == "Zoë’s “café” – €5"


def test_read_bytes_reports_the_system_reason(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        read_bytes(tmp_path / "missing.txt")
    assert str(caught.value) == f"{tmp_path / 'missing.txt'}: no such file or directory"
    with pytest.raises(InputFileError) as caught:
        read_bytes(tmp_path)
    assert caught.value.reason == "is a directory"


# Real news text written for these tests, one sentence (SHORT) and a few
# paragraphs (LONG) per language.
NEWS: dict[str, tuple[str, str]] = {
    "chinese-simplified": (
        "外交部发言人周二表示，中方反对任何国家以人权问题为借口干涉中国内政。",
        (
            "新华社北京4月26日电 中美人权对话将于27日至28日在北京举行。外交部发言人洪磊在例行记"
            "者会上说，中方愿在平等和相互尊重的基础上，与美方就人权问题进行对话，增进了解，减少"
            "分歧。\n\n洪磊表示，中国政府高度重视保障和促进人权。经过多年努力，中国人民的生存权"
            "和发展权得到了极大改善，公民的各项权利依法受到保护。“我们反对任何国家以人权问题为"
            "借口干涉中国内政。”\n\n分析人士指出，近年来中美两国在经贸、气候变化和地区安全等领"
            "域的合作不断加深，但在人权、台湾和南海等问题上仍存在明显分歧。专家认为，保持沟通渠"
            "道畅通，有助于双方管控分歧、避免误判。\n\n据了解，本轮对话将讨论法治建设、少数民族"
            "权利、宗教自由以及国际人权合作等议题。\n"
        ),
    ),
    "chinese-traditional": (
        "行政院長週二表示，政府將提出新的能源政策，以因應國際油價持續上漲。",
        (
            "中央社台北26日電 行政院今天通過「能源轉型白皮書」草案，預計明年起分階段推動再生能"
            "源發展。經濟部長表示，政府將在五年內投入新台幣一千億元，協助企業導入節能設備，並擴"
            "大太陽能與離岸風電的裝置容量。\n\n環保團體肯定政府的方向，但批評草案缺乏具體的減碳"
            "時程。一位學者指出：「如果沒有明確的目標與檢討機制，白皮書恐怕只是紙上談兵。」\n\n"
            "立法院預計下週召開公聽會，邀請產業界、學界與民間團體代表出席，就電價調整與核能政策"
            "等爭議交換意見。\n"
        ),
    ),
    "japanese": (
        "政府は二十六日、新たな経済対策を閣議決定し、総額は約十兆円に上る見通しだ。",
        (
            "政府は26日の臨時閣議で、物価高騰に対応する新たな経済対策を決定した。低所得世帯への"
            "給付金や電気・ガス料金の負担軽減策が柱で、財政支出の総額は約10兆円に上る見通しだ。"
            "\n\n首相は記者会見で「国民の暮らしを守ることが最優先だ」と強調し、年内に補正予算案"
            "を国会に提出する考えを示した。\n\n一方、野党からは「選挙を意識したばらまきだ」との"
            "批判も出ている。専門家の間でも、財政赤字の拡大を懸念する声が少なくない。日本銀行の"
            "金融政策との整合性も今後の焦点となりそうだ。\n"
        ),
    ),
    "korean": (
        "정부는 26일 국무회의에서 저출산 대책을 위한 추가 예산안을 의결했다고 밝혔다.",
        (
            "정부는 26일 국무회의에서 저출산 문제에 대응하기 위한 추가경정예산안을 의결했다. 예"
            "산 규모는 약 3조 원으로, 육아휴직 급여 인상과 공공 보육시설 확충에 주로 쓰일 예정"
            "이다.\n\n국무총리는 “아이를 낳고 기르는 일이 더 이상 부담이 되지 않도록 국가가 책"
            "임지겠다”고 말했다.\n\n그러나 야당은 이번 예산안이 근본적인 해결책이 되지 못한다고"
            " 비판했다. 전문가들은 주거 비용과 일자리 문제를 함께 해결하지 않으면 출산율 회복은"
            " 어렵다고 지적했다.\n"
        ),
    ),
    "russian": (
        "Правительство России объявило о новых мерах поддержки малого бизнеса.",
        (
            "Правительство России в среду объявило о новых мерах поддержки малого и среднего "
            "бизнеса. По словам министра экономического развития, на эти цели в следующем году "
            "будет выделено около 120 млрд рублей.\n\n«Мы понимаем, что предприниматели сейчас "
            "испытывают серьёзные трудности, — заявил министр. — Поэтому основная часть "
            "средств пойдёт на льготные кредиты и снижение налоговой нагрузки».\n\nЭксперты "
            "встретили инициативу сдержанно. Они напоминают, что похожие программы принимались "
            "и раньше, однако до регионов доходила лишь небольшая часть обещанных денег.\n"
        ),
    ),
    "ukrainian": (
        "Верховна Рада ухвалила закон про підтримку внутрішньо переміщених осіб.",
        (
            "Верховна Рада у четвер ухвалила закон про підтримку внутрішньо переміщених осіб. "
            "За документ проголосували 312 народних депутатів.\n\n«Це рішення дасть людям "
            "можливість отримати житло та роботу», — сказала голова профільного комітету. Уряд "
            "має протягом місяця підготувати порядок виплат.\n\nГромадські організації вітають "
            "ухвалення закону, але наголошують, що його виконання потребуватиме значних коштів "
            "із державного бюджету.\n"
        ),
    ),
    "greek": (
        (
            "Η κυβέρνηση ανακοίνωσε νέα μέτρα στήριξης για τις επιχειρήσεις που επλήγησαν από "
            "την κρίση."
        ),
        (
            "Η κυβέρνηση ανακοίνωσε την Τετάρτη νέα μέτρα στήριξης για τις επιχειρήσεις που "
            "επλήγησαν από την ενεργειακή κρίση. Το συνολικό κόστος εκτιμάται σε 1,2 δισ. €.\n"
            "\n«Δεν θα αφήσουμε κανέναν πίσω», δήλωσε ο υπουργός Οικονομικών κατά τη διάρκεια "
            "της συνέντευξης Τύπου, προσθέτοντας ότι οι πρώτες πληρωμές θα γίνουν τον επόμενο "
            "μήνα.\n\nΗ αντιπολίτευση χαρακτήρισε τα μέτρα ανεπαρκή και ζήτησε μείωση του ΦΠΑ "
            "στα βασικά τρόφιμα. Οι εμπορικοί σύλλογοι ζητούν επίσης παράταση των δόσεων προς "
            "την εφορία.\n"
        ),
    ),
    "turkish": (
        ("Cumhurbaşkanı, İstanbul’daki toplantıda enflasyonla mücadelenin süreceğini açıkladı."),
        (
            "Cumhurbaşkanı, İstanbul’daki iş dünyası toplantısında enflasyonla mücadelenin "
            "kararlılıkla süreceğini açıkladı. Merkez Bankası’nın faiz kararının ardından "
            "piyasalarda hareketlilik gözlendi.\n\nMuhalefet partileri ise hükümetin ekonomi "
            "politikasını eleştirdi. CHP sözcüsü, “Dar gelirli vatandaşlar her geçen gün daha "
            "da yoksullaşıyor” dedi.\n\nEkonomistler, yılın ikinci yarısında fiyat "
            "artışlarının yavaşlamasını bekliyor; ancak döviz kurundaki dalgalanmanın bu "
            "tahmini riske attığını vurguluyor.\n"
        ),
    ),
    "polish": (
        (
            "Rząd przyjął w środę projekt ustawy o podwyżkach dla nauczycieli – poinformował "
            "rzecznik."
        ),
        (
            "Rząd przyjął w środę projekt ustawy o podwyżkach dla nauczycieli. Jak "
            "poinformował rzecznik rządu, wynagrodzenia wzrosną średnio o 12 proc. od "
            "września.\n\n„To jest odpowiedź na postulaty, które związkowcy zgłaszali od wielu "
            "miesięcy” – powiedział minister edukacji podczas konferencji prasowej w "
            "Warszawie.\n\nZwiązek Nauczycielstwa Polskiego uważa jednak, że podwyżki są zbyt "
            "małe i nie zrekompensują wysokiej inflacji. Projekt trafi teraz do Sejmu, gdzie "
            "pierwsze czytanie zaplanowano na przyszły tydzień.\n"
        ),
    ),
    "czech": (
        ("Vláda ve středu schválila návrh rozpočtu, který počítá se schodkem 280 miliard korun."),
        (
            "Vláda ve středu schválila návrh státního rozpočtu na příští rok, který počítá se "
            "schodkem 280 miliard korun. Ministr financí uvedl, že deficit se podaří snížit "
            "díky úsporám ve státní správě.\n\n„Nechceme zvyšovat daně, ale musíme šetřit,“ "
            "řekl ministr novinářům po jednání vlády. Opozice návrh kritizuje a tvrdí, že "
            "škrty dopadnou hlavně na školství a zdravotnictví.\n\nRozpočet nyní posoudí "
            "Poslanecká sněmovna, která o něm bude hlasovat v prvním čtení koncem října.\n"
        ),
    ),
    "lithuanian": (
        (
            "Vyriausybė trečiadienį pritarė biudžeto projektui, kuris numato didesnes išlaidas "
            "gynybai."
        ),
        (
            "Vyriausybė trečiadienį pritarė kitų metų biudžeto projektui, kuris numato "
            "didesnes išlaidas gynybai ir švietimui. Finansų ministrė teigė, kad deficitas "
            "neviršys 3 proc. BVP.\n\n„Turime užtikrinti šalies saugumą, bet negalime pamiršti "
            "ir socialinių įsipareigojimų“, – žurnalistams sakė premjerė po posėdžio.\n\n"
            "Opozicija kritikuoja projektą ir tvirtina, kad pensijų didinimas yra per mažas. "
            "Seimas biudžetą svarstys lapkričio mėnesį.\n"
        ),
    ),
    "arabic": (
        "أعلنت الحكومة يوم الثلاثاء عن خطة جديدة لدعم الاقتصاد الوطني وخفض معدلات البطالة.",
        (
            "أعلنت الحكومة يوم الثلاثاء عن خطة جديدة لدعم الاقتصاد الوطني وخفض معدلات البطالة "
            "بين الشباب.\n\nوقال وزير المالية في مؤتمر صحفي إن الخطة ستكلف نحو ملياري دولار "
            "خلال السنوات الثلاث المقبلة.\n\nورحبت غرفة التجارة بالقرار، لكنها طالبت بتسهيل "
            "الإجراءات أمام الشركات الصغيرة.\n"
        ),
    ),
    "hebrew": (
        "הממשלה אישרה ביום שלישי את תקציב המדינה לשנה הבאה.",
        (
            "הממשלה אישרה ביום שלישי את תקציב המדינה לשנה הבאה. התקציב כולל תוספת משמעותית "
            "למערכת הבריאות ולחינוך.\n\nשר האוצר אמר במסיבת עיתונאים כי הגירעון יירד בהדרגה "
            "בשנים הקרובות.\n\nהאופוזיציה מתחה ביקורת על התקציב וטענה כי הוא אינו מטפל ביוקר "
            "המחיה.\n"
        ),
    ),
    "french": (
        "L’été dernier, le ministre a déclaré : « Nous économiserons 5 € par élève. »",
        (
            "Le gouvernement a présenté mercredi son projet de budget pour l’année prochaine. "
            "Le déficit public devrait être ramené à 4,4 % du PIB, grâce à près de 20 "
            "milliards d’euros d’économies.\n\n« Nous ne toucherons pas aux impôts des ménages "
            "», a assuré le ministre de l’Économie lors d’une conférence de presse à Bercy. "
            "L’opposition dénonce un budget « d’austérité déguisée ».\n\nLes syndicats, eux, "
            "s’inquiètent des coupes prévues dans la fonction publique – notamment dans "
            "l’éducation, où 2 500 postes pourraient être supprimés. Le texte sera examiné par "
            "l’Assemblée nationale à partir d’octobre.\n"
        ),
    ),
    "german": (
        ("Laut Ministerium kostet die Maßnahme rund 1,2 Milliarden € pro Jahr – mehr als geplant."),
        (
            "Die Bundesregierung hat am Mittwoch ein neues Entlastungspaket beschlossen. Laut "
            "Finanzministerium kostet es rund 1,2 Milliarden € pro Jahr – deutlich mehr als "
            "ursprünglich geplant.\n\n„Wir lassen die Bürgerinnen und Bürger in dieser "
            "schwierigen Lage nicht allein“, sagte der Kanzler in Berlin. Kritik kam von der "
            "Opposition: Die Maßnahmen seien „zu spät und zu ungenau“.\n\nÖkonomen begrüßen "
            "zwar die Zuschüsse für Familien, warnen aber vor steigenden Schulden. Der "
            "Bundestag soll das Gesetz noch vor der Sommerpause verabschieden.\n"
        ),
    ),
    "spanish": (
        (
            "El presidente afirmó que la economía española crecerá un 2 % este año, según "
            "“fuentes oficiales”."
        ),
        (
            "El Gobierno aprobó el martes el anteproyecto de presupuestos para el próximo año, "
            "que prevé un aumento del gasto social del 8 %. La ministra de Hacienda aseguró "
            "que el déficit bajará al 3 % del PIB.\n\n“Son unos presupuestos pensados para la "
            "mayoría”, declaró la ministra en rueda de prensa. La oposición, sin embargo, los "
            "calificó de “irreales” y anunció que presentará una enmienda a la totalidad.\n\n"
            "Los sindicatos valoraron la subida de las pensiones, pero pidieron más inversión "
            "en vivienda pública – una de las principales preocupaciones de los jóvenes "
            "españoles.\n"
        ),
    ),
    "english": (
        "The senator’s “reform” – costing €3bn – was criticised by both parties.",
        (
            "The government’s long-awaited housing bill was published on Tuesday, promising "
            "300,000 new homes a year by the end of the decade – a target critics call “wildly "
            "optimistic”.\n\n“We are determined to give young people a fair chance to own "
            "their home,” the housing secretary told MPs. The bill includes £2bn for "
            "affordable housing and new powers for councils to buy land at below-market "
            "prices.\n\nDevelopers welcomed the plans but warned that planning delays and "
            "rising construction costs could make the target hard to meet. The opposition said "
            "the measures were “too little, too late” for renters who already spend half their "
            "income on rent…\n"
        ),
    ),
}

# The encodings news researchers meet each language in. Windows' variants of the
# East Asian encodings (cp950, cp932, cp949) encode these texts byte for byte as
# the standard ones do.
LEGACY: list[tuple[str, str]] = [
    ("chinese-simplified", "gbk"),
    ("chinese-simplified", "gb18030"),
    ("chinese-traditional", "big5"),
    ("chinese-traditional", "cp950"),
    ("japanese", "shift_jis"),
    ("japanese", "cp932"),
    ("japanese", "euc_jp"),
    ("korean", "euc_kr"),
    ("korean", "cp949"),
    ("russian", "koi8_r"),
    ("russian", "cp1251"),
    ("ukrainian", "cp1251"),
    ("greek", "cp1253"),
    ("turkish", "cp1254"),
    ("polish", "cp1250"),
    ("czech", "cp1250"),
    ("lithuanian", "cp1257"),
    ("arabic", "cp1256"),
    ("hebrew", "cp1255"),
    ("french", "cp1252"),
    ("german", "cp1252"),
    ("spanish", "cp1252"),
    ("english", "cp1252"),
]
# KOI8-R has no typographic quotes or dashes: Russian typed in it uses ASCII ones.
_ASCII_PUNCTUATION = str.maketrans({"«": '"', "»": '"', "—": "-", "–": "-", "“": '"', "”": '"'})
CANNOT_TELL = "cannot tell the encoding of this file; give --encoding (it could be "


def _news(language: str, codec: str, length: str) -> tuple[str, bytes]:
    """The sample text as a file in *codec* would hold it, and that file's bytes."""
    text = NEWS[language][0 if length == "short" else 1]
    try:
        return text, text.encode(codec)
    except UnicodeEncodeError:
        text = text.translate(_ASCII_PUNCTUATION)
        return text, text.encode(codec)


def _candidates(error: InputFileError) -> list[str]:
    """The encodings a "cannot tell" refusal names."""
    assert error.reason.startswith(CANNOT_TELL), error.reason
    assert error.reason.endswith(")"), error.reason
    return error.reason[len(CANNOT_TELL) : -1].replace(" or ", ", ").split(", ")


def _outcome(data: bytes) -> str | InputFileError:
    """The text *data* decodes to, or the error refusing it."""
    try:
        return decode_bytes(data, PATH)
    except InputFileError as error:
        return error


@pytest.mark.parametrize("length", ["short", "long"])
@pytest.mark.parametrize(("language", "codec"), LEGACY)
def test_news_text_is_read_right_or_refused(language: str, codec: str, length: str) -> None:
    """Never a different text: the right one, or a refusal naming an encoding that reads it.

    A long text must be read; so must a short one in Windows-1252, the commonest
    legacy encoding of the articles this program reads.
    """
    text, data = _news(language, codec, length)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the legacy path is really taken
    outcome = _outcome(data)
    if isinstance(outcome, str):
        assert outcome == text
        return
    assert length == "short", str(outcome)
    assert codec != "cp1252", str(outcome)
    assert str(outcome).startswith(f"{PATH}: {CANNOT_TELL}")
    assert "\n" not in str(outcome)
    assert text in [data.decode(name) for name in _candidates(outcome)], str(outcome)


def test_gbk_chinese_without_bom_is_not_stored_as_latin_mojibake() -> None:
    # The reported defect: read as "Windows-1252", this became "Íâœ»²¿·¢ÑÔÈË...".
    text, data = _news("chinese-simplified", "gbk", "long")
    assert decode_bytes(data, PATH) == text
    assert detect_encoding(data, PATH) == "gb18030"


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("北京时间", "gbk"),
        ("中華民國", "cp950"),
        ("東京", "cp932"),
        ("İzmir", "cp1254"),
        ("Łódź", "cp1250"),
    ],
)
def test_too_little_evidence_is_refused_naming_the_candidates(text: str, codec: str) -> None:
    data = text.encode(codec)
    with pytest.raises(InputFileError) as caught:
        decode_bytes(data, PATH)
    assert caught.value.path == PATH
    candidates = _candidates(caught.value)
    assert len(candidates) >= 2
    assert text in [data.decode(name) for name in candidates]
    # The names work as --encoding values.
    assert decode_bytes(data, PATH, encoding=codec) == text


@pytest.mark.parametrize(
    "sentence",
    [
        "It’s over.",
        "The senator’s plan",
        "Shares fell 3% after the company’s chief executive resigned.",
        "Ukraine’s president met Poland’s prime minister in Kraków on Friday.",
        "Officials in São Paulo and Bogotá said the outbreak was under control.",
        "Il governo ha approvato la manovra: più fondi per la sanità e l’istruzione.",
        "Het kabinet trekt €500 miljoen uit voor de woningnood – „hard nodig”.",
    ],
)
def test_short_western_text_is_windows_1252(sentence: str) -> None:
    # "’s" is also a GBK, Shift_JIS and UHC character ("senator抯"): the classic mojibake.
    assert decode_bytes(sentence.encode("cp1252"), PATH) == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "Prezydent podpisał ustawę o zmianach w kodeksie wyborczym.",
        "Ministerstwo zdrowia ogłosiło, że szczepienia będą bezpłatne dla dzieci.",
        "Poslanci v úterý schválili novelu zákona o dani z příjmů.",
        "Merkez Bankası faiz oranlarını yüzde 50’de sabit tuttu.",
        "Lietuvos bankas paskelbė, kad infliacija šiemet sulėtės.",
    ],
)
def test_short_central_european_text_is_not_read_as_windows_1252(sentence: str) -> None:
    # This overturns the old trade-off, which read such sentences as cp1252
    # ("podpisa³ ustawê"): now they are read right or refused.
    codec = "cp1254" if "ı" in sentence else "cp1257" if "ė" in sentence else "cp1250"
    data = sentence.encode(codec)
    outcome = _outcome(data)
    if isinstance(outcome, str):
        assert outcome == sentence
    else:
        assert sentence in [data.decode(name) for name in _candidates(outcome)]


def test_a_long_file_is_decided_on_its_non_ascii_part() -> None:
    # 100 KiB of ASCII first: the first 64 KiB alone would say nothing.
    text, _ = _news("chinese-simplified", "gbk", "long")
    text = "Source: Xinhua\n" * 7000 + text
    assert decode_bytes(text.encode("gbk"), PATH) == text


def test_a_long_file_is_decoded_whole() -> None:
    # Well past 64 KiB, with characters straddling the end of the sample.
    text, _ = _news("japanese", "cp932", "long")
    text = text * 400
    data = text.encode("cp932")
    assert len(data) > 2 * 65536
    assert decode_bytes(data, PATH) == text


@pytest.mark.parametrize(
    ("language", "codec", "stray"),
    [
        ("russian", "cp1251", b"\x98"),
        ("czech", "cp1250", b"\x81"),
        ("chinese-simplified", "gbk", b"\xff"),
        ("chinese-traditional", "cp950", b"\xff"),
        ("korean", "euc_kr", b"\xff"),
        ("greek", "cp1253", b"\xff"),
    ],
)
def test_a_stray_byte_is_named_not_read_in_another_encoding(
    language: str, codec: str, stray: bytes
) -> None:
    # Without its own encoding, the text was read in one accepting every byte:
    # Russian as KOI8-R ("оПЮБХРЕКЭЯРБН"), Czech as cp1252 ("støedu").
    _, data = _news(language, codec, "long")
    with pytest.raises(InputFileError) as caught:
        decode_bytes(data + stray + data, PATH)
    expected_codec = {"gbk": "gb18030", "euc_kr": "cp949"}.get(codec, codec)
    assert str(caught.value) == (
        f"{PATH}: cannot be decoded as {expected_codec}, the encoding it seems to be in: "
        f"byte 0x{stray[0]:02x} at offset {len(data)} is invalid"
    )


def test_a_stray_byte_past_the_sample_is_named() -> None:
    text, _ = _news("russian", "cp1251", "long")
    data = (text * 200).encode("cp1251")
    assert len(data) > 65536
    # 0x98 is the one byte Windows-1251 leaves undefined.
    with pytest.raises(InputFileError) as caught:
        decode_bytes(data + b"\x98", PATH)
    assert str(caught.value) == (
        f"{PATH}: cannot be decoded as cp1251, the encoding it seems to be in: "
        f"byte 0x98 at offset {len(data)} is invalid"
    )


def test_windows_1252_undefined_bytes_in_a_long_text_are_read_as_c1() -> None:
    text, data = _news("french", "cp1252", "long")
    assert decode_bytes(data + b"\x81" + data, PATH) == text + "\x81" + text
