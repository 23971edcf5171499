"""The rules' word lists (intake/desk/rules/words.toml) cover every language of the form: each
list has every language, and each urgency rule that reads text matches a real sentence in each
of English, Simplified and Traditional Chinese, Uyghur and Tibetan (and not a neutral one)."""

import importlib.resources
import re

import pytest
import tomllib

from intake.desk.rules import LANGUAGES, evaluate, load_rules, parse_words
from test_desk_rules import NOW, incident, report

RULES_DIR = importlib.resources.files("intake.desk") / "rules"
NEUTRAL = "Nothing else is known."


def test_the_languages_are_the_forms():
    from intake.submission.schema import LANGUAGES as FORM_LANGUAGES

    assert set(LANGUAGES) == FORM_LANGUAGES


def test_every_word_list_has_every_language_and_gaps_are_declared():
    for name, entry in tomllib.loads((RULES_DIR / "words.toml").read_text(encoding="utf-8")).items():
        for language in LANGUAGES:
            assert entry[language] or language in entry.get("untranslated", []), (name, language)
    assert load_rules().words["rsdl"]["bo"] == []  # the one gap, said out loud in words.toml


def test_urgency_text_tests_use_the_named_lists_only():
    text = (RULES_DIR / "urgency.toml").read_text(encoding="utf-8")
    assert not re.search(r"text_any = \[", text)
    assert text.count("{words = ") >= 17


@pytest.mark.parametrize("doc, error", [
    ({"x": {"en": ["a"], "zh_Hans": ["b"], "zh_Hant": ["c"], "ug": ["d"]}}, r"words.toml \[x\]: no bo list"),
    ({"x": {"en": ["a"], "zh_Hans": ["b"], "zh_Hant": ["c"], "ug": ["d"], "bo": []}}, "bo: empty"),
    ({"x": {"en": ["a"], "zh_Hans": ["b"], "zh_Hant": ["c"], "ug": ["d"], "bo": ["e"], "fr": ["f"]}}, "unknown keys"),
    ({"x": {"en": ["a"], "zh_Hans": ["b"], "zh_Hant": ["c"], "ug": ["d"], "bo": ["e"], "untranslated": ["bo"]}},
     "listed as untranslated"),
])
def test_a_word_list_missing_a_language_is_refused(doc, error):
    with pytest.raises(ValueError, match=error):
        parse_words(doc)


def test_an_unknown_word_list_is_refused(tmp_path):
    for name in ("routing", "readiness"):
        (tmp_path / f"{name}.toml").write_text((RULES_DIR / f"{name}.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "urgency.toml").write_text('[[urgency]]\nid = "U1"\ntext = "x"\nwhen = {path = "a", text_any = {words = "nope"}}\n',
                                           encoding="utf-8")
    with pytest.raises(ValueError, match="urgency.toml rule U1: text_any unknown word list"):
        load_rules(str(tmp_path))


# Simplified -> Traditional for every character of the zh_Hans keywords that differs (several
# forms where Traditional writing varies or keeps the Simplified form: 准 in 不准, 周 and 週, 后 and 後).
TRADITIONAL = dict(
    绝="絕", 医="醫", 让="讓", 准="准準", 给="給", 药="藥", 疗="療", 没="沒", 严="嚴", 肿="腫", 脏="臟髒", 风="風", 脑="腦",
    压="壓", 肾="腎", 结="結", 瘫="癱", 痪="瘓", 怀="懷", 妇="婦", 残="殘", 轮="輪", 聋="聾", 迈="邁", 儿="兒", 属="屬",
    审="審", 讯="訊", 认="認", 单="單", 独="獨", 关="關", 闭="閉", 觉="覺", 剥="剝", 夺="奪", 劳="勞", 镣="鐐", 铐="銬",
    殴="毆", 将="將", 开="開", 于="於于", 执="執", 决="決", 转="轉", 马="馬", 几="幾", 后="後后", 胁="脅", 杀="殺", 强="強",
    奸="姦奸", 权="權", 会="會", 员="員", 议="議", 条="條", 约="約", 机="機", 构="構", 别="別", 报="報", 组="組", 内="內",
    边="邊", 参="參", 备="備", 计="計", 划="劃畫", 个="個", 监="監", 视="視", 羁="羈", 带="帶", 营="營", 谈="談", 连="連",
    质="質", 雇="僱雇", 爱="愛", 亲="親", 妈="媽", 里="裡裏里", 险="險", 悬="懸", 线="線", 狱="獄", 踪="蹤", 无="無", 学="學",
    周="週周", 战="戰",
)


def _traditional_of(simplified: str, traditional: str) -> bool:
    return len(simplified) == len(traditional) and all(t == s or t in TRADITIONAL.get(s, "")
                                                       for s, t in zip(simplified, traditional))


def test_every_simplified_keyword_has_its_traditional_form():
    for name, entry in load_rules().words.items():
        for keyword in entry["zh_Hans"]:
            assert any(_traditional_of(keyword, t) for t in entry["zh_Hant"]), (name, keyword)
        for keyword in entry["zh_Hant"]:  # no Simplified-only character left in the Traditional list
            assert not [c for c in keyword if c in TRADITIONAL and c not in TRADITIONAL[c]], (name, keyword)


# --- One real sentence per language for each urgency rule that reads text ----------------------

def detained(field="narrative"):
    def build(text):
        if field == "health":
            return report(incident(["ARBITRARY_DETENTION"], "2025-06", ongoing=True), victim={"status": "detained", "health": text})
        return report(incident(["ARBITRARY_DETENTION"], "2025-06", ongoing=True, **{field: text}), victim={"status": "detained"})
    return build


def free(violations, start, field, **extra):
    def build(text):
        return report(incident(violations, start, **{field: text}, **extra))
    return build


def health_of_free_person(text):
    return report(victim={"health": text})


def related_spouse(text):
    r = report(incident(["THREATS"], "2026-02-10"))
    r["related_persons"] = [{"relation": "spouse", "name": "", "name_other_spellings": "", "minor": "no", "lives": "china",
                             "violations": [], "what_happened": text, "consent_named": ""}]
    return r


def ban_before_un(text):
    return report(incident(["EXIT_BAN"], "2026-02-20", ongoing=True, narrative=text),
                  un_cooperation={"body": "hrc_session", "kind": "submission", "date": "", "link_evidence": ""})


RULES = {  # (reason starts with, build the report around one text) -> one sentence per language
    ("U1: detained and denied medical care", detained("health")): {
        "en": "Guards withheld medication and she was denied medical care.",
        "zh_Hans": "看守所拒绝就医，也不给药。",
        "zh_Hant": "看守所拒絕就醫，也不給藥。",
        "ug": "ساقچىلار ئۇنىڭغا دورا بەرمىدى.",
        "bo": "ཁོང་ལ་སྨན་བཅོས་བྱེད་དུ་མ་བཅུག",
    },
    ("U1: detained and on hunger strike", detained("health")): {
        "en": "He has been on hunger strike since Monday.",
        "zh_Hans": "他从周一开始绝食。",
        "zh_Hant": "他從週一開始絕食。",
        "ug": "ئۇ تۈرمىدە ئاچلىق ئېلان قىلدى.",
        "bo": "ཁོང་བཙོན་ཁང་ནང་ལྟོགས་ཞུགས་བྱས་ཡོད།",
    },
    ("U1: detained with a serious health condition", detained("health")): {
        "en": "She has a severe heart condition.",
        "zh_Hans": "她患有严重的心脏病。",
        "zh_Hant": "她患有嚴重的心臟病。",
        "ug": "ئۇنىڭ يۈرەك كېسىلى بار.",
        "bo": "ཁོང་ལ་ནད་ཚབས་ཆེན་པོ་ཡོད།",
    },
    ("U1: detained and elderly, a child, pregnant or disabled", detained("health")): {
        "en": "She is pregnant.",
        "zh_Hans": "她怀孕五个月。",
        "zh_Hant": "她懷孕五個月。",
        "ug": "ئۇ ھامىلىدار ئايال.",
        "bo": "ཁོང་ལོ་ན་རྒས་པ་ཞིག་རེད།",
    },
    ("U2: detained within 3 months and the family not notified",
     free(["ARBITRARY_DETENTION"], "2026-02-10", "lawyer_and_family", ongoing=True)): {
        "en": "The family was not notified of the detention.",
        "zh_Hans": "至今未通知家属。",
        "zh_Hant": "至今未通知家屬。",
        "ug": "ئائىلىسىگە خەۋەر قىلىنمىدى.",
        "bo": "ནང་མི་ལ་བརྡ་ཐོ་མ་སྤྲད།",
    },
    ("U3: detained with a risk of ill-treatment", detained()): {
        "en": "He is interrogated every night.",
        "zh_Hans": "他每天晚上被提审。",
        "zh_Hant": "他每天晚上被提審。",
        "ug": "ئۇ ھەر كېچىسى سوراق قىلىنىۋاتىدۇ.",
        "bo": "ཁོང་ལ་མཚན་མོར་འདྲི་རྩད་བྱེད་ཀྱི་ཡོད།",
    },
    ("U4: imminent trial, sentencing", free(["UNFAIR_TRIAL"], "2025-10", "narrative")): {
        "en": "He is facing trial for subversion.",
        "zh_Hans": "他即将开庭受审。",
        "zh_Hant": "他即將開庭受審。",
        "ug": "ئۇ كېلەر ھەپتە سوتقا تارتىلىدۇ.",
        "bo": "ཁོང་ལ་ཁྲིམས་འདྲི་བྱེད་རྒྱུ་རེད།",
    },
    ("U4: imminent trial, sentencing", free(["UNFAIR_TRIAL"], "2025-10", "lawyer_and_family")): {  # event + time words
        "en": "The hearing is set for tomorrow.",
        "zh_Hans": "法院定于下周宣判。",
        "zh_Hant": "法院定於下週宣判。",
        "ug": "ئۇنىڭ سوتى كېلەر ھەپتە ئېچىلىدۇ.",
        "bo": "ཁོང་སང་ཉིན་ཁྲིམས་ཁང་དུ་ཁྲིད་རྒྱུ་རེད།",
    },
    ("U5: death threats or threats of violence", free(["THREATS"], "2026-02", "narrative")): {
        "en": "An officer said they would kill him if he spoke to the UN again.",
        "zh_Hans": "国保说再去联合国就弄死你。",
        "zh_Hant": "國保說再去聯合國就弄死你。",
        "ug": "ساقچى ئۇنى ئۆلتۈرىمىز دەپ تەھدىت سالدى.",
        "bo": "ལས་བྱེད་པས་ཁྱོད་གསོད་རྒྱུ་ཡིན་ཟེར།",
    },
    ("U6: travel or exit ban before a scheduled UN event", ban_before_un): {
        "en": "She was stopped at the airport on her way to the Human Rights Council in Geneva.",
        "zh_Hans": "她在机场被拦下，不能前往日内瓦参加人权理事会。",
        "zh_Hant": "她在機場被攔下，不能前往日內瓦參加人權理事會。",
        "ug": "ئۇ كېلەر ئاي جەنۋەدىكى كىشىلىك ھوقۇق كېڭىشى يىغىنىغا قاتناشماقچى ئىدى.",
        "bo": "ཁོང་ཟླ་བ་རྗེས་མར་ཇེ་ནི་ཝར་མཉམ་འབྲེལ་རྒྱལ་ཚོགས་ཀྱི་ཚོགས་འདུར་ཞུགས་རྒྱུ་ཡིན།",
    },
    ("U7: held in RSDL or incommunicado, ongoing", free(["OTHER"], "2025-06", "narrative", ongoing=True)): {
        "en": "He is held under residential surveillance at a designated location.",
        "zh_Hans": "他被指定居所监视居住。",
        "zh_Hant": "他被指定居所監視居住。",
        "ug": "ئۇ بەلگىلەنگەن ئورۇندا نازارەت ئاستىدا تۇتۇلۇۋاتىدۇ.",
        "bo": None,  # no Tibetan term known (words.toml rsdl: untranslated)
    },
    ("U8: family members detained or coerced", free(["THREATS"], "2026-02-01", "family_affected")): {
        "en": "Her brother was detained.",
        "zh_Hans": "她的哥哥被带走了。",
        "zh_Hant": "她的哥哥被帶走了。",
        "ug": "ئۇنىڭ ئاكىسى قولغا ئېلىندى.",
        "bo": "ཁོང་གི་ཆུང་མ་འཛིན་བཟུང་བྱས།",
    },
    ("U8: family members detained or coerced", free(["HARASSMENT_OF_FAMILY"], "2026-02-01", "narrative")): {
        "en": "Police questioned his wife for six hours.",
        "zh_Hans": "警察约谈了他的妻子。",
        "zh_Hant": "警察約談了他的妻子。",
        "ug": "ساقچىلار ئۇنىڭ ئايالىنى سوراق قىلدى.",
        "bo": "སྲིད་གཞུང་གིས་ཁོང་གི་ཆུང་མར་འདྲི་རྩད་བྱས།",
    },
    ("U8: family members detained or coerced", related_spouse): {
        "en": "He was taken away by the police.",
        "zh_Hans": "他被警察带走了。",
        "zh_Hant": "他被警察帶走了。",
        "ug": "ئۇ ساقچىلار تەرىپىدىن تۇتۇپ كېتىلدى.",
        "bo": "ཁོང་འཛིན་བཟུང་བྱས།",
    },
    ("U9: at risk of death", health_of_free_person): {
        "en": "His life is in danger.",
        "zh_Hans": "他现在有生命危险。",
        "zh_Hant": "他現在有生命危險。",
        "ug": "ئۇنىڭ ھاياتى خەۋپ ئاستىدا.",
        "bo": "ཁོང་གི་སྲོག་ལ་ཉེན་ཁ་ཡོད།",
    },
}
CASES = [pytest.param(rule, build, language, sentences[language], id=f"{rule.split(':')[0]}-{n}-{language}")
         for n, ((rule, build), sentences) in enumerate(RULES.items()) for language in LANGUAGES]


@pytest.mark.parametrize("rule, build, language, sentence", CASES)
def test_each_text_rule_matches_a_sentence_in_each_language(rule, build, language, sentence):
    if sentence is None:
        assert language in tomllib.loads((RULES_DIR / "words.toml").read_text(encoding="utf-8"))["rsdl"]["untranslated"]
        return
    assert not [r for r in evaluate(build(NEUTRAL), NOW).urgency_reasons if r.startswith(rule)]
    found = [r for r in evaluate(build(sentence), NOW).urgency_reasons if r.startswith(rule)]
    assert found, f"{language}: {sentence}"
    assert "“" in found[0] and sentence not in found[0]  # the keyword is quoted, the sentence is not


NEIGHBOURS = {
    "en": "Police questioned a neighbour for six hours.",
    "zh_Hans": "警察约谈了他的邻居。",
    "zh_Hant": "警察約談了他的鄰居。",
    "ug": "ساقچىلار قوشنىسىنى سوراق قىلدى.",
    "bo": "སྲིད་གཞུང་གིས་ཁྱིམ་མཚེས་ལ་འདྲི་རྩད་བྱས།",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_pressure_on_a_neighbour_is_not_family_pressure_in_any_language(language):
    r = report(incident(["HARASSMENT_OF_FAMILY"], "2026-02-01", ongoing=True, narrative=NEIGHBOURS[language]))
    assert not [x for x in evaluate(r, NOW).urgency_reasons if x.startswith("U8")]
