"""Words next to a name that say it is one, and what the person is to the account.

A relation word before a name ("丈夫陈波", "her husband Chen Bo", "ئېرى …") or a title after
or before it ("江天勇律师", "lawyer Sun Lei", "Mr Wang") is the strongest evidence a detector
has that the next words are a person, and the relation becomes the pseudonym's role: "Person C
(husband)". Reporting verbs ("说", "told") are weaker evidence. Each table is word -> role
("" where the word says a person follows but not who they are).
"""

import re

_ZH_RELATIONS = {
    "丈夫": "husband", "老公": "husband", "先生": "husband", "妻子": "wife", "太太": "wife", "老婆": "wife",
    "夫人": "wife", "爱人": "spouse", "愛人": "spouse", "配偶": "spouse",
    "儿子": "son", "兒子": "son", "女儿": "daughter", "女兒": "daughter", "孩子": "child", "父亲": "father",
    "父親": "father", "母亲": "mother", "母親": "mother", "爸爸": "father", "妈妈": "mother", "媽媽": "mother",
    "父母": "parent", "哥哥": "brother", "弟弟": "brother", "兄弟": "brother", "姐姐": "sister", "妹妹": "sister",
    "姐妹": "sister", "侄子": "nephew", "姪子": "nephew", "外甥": "nephew", "侄女": "niece", "女婿": "son-in-law",
    "儿媳": "daughter-in-law", "岳父": "father-in-law", "岳母": "mother-in-law", "公公": "father-in-law",
    "婆婆": "mother-in-law", "孙子": "grandson", "孫子": "grandson", "孙女": "granddaughter", "孫女": "granddaughter",
    "亲属": "relative", "親屬": "relative", "家属": "relative", "家屬": "relative", "表哥": "cousin", "表姐": "cousin",
    "堂兄": "cousin", "未婚妻": "fiancée", "未婚夫": "fiancé", "女友": "partner", "男友": "partner",
    "女朋友": "partner", "男朋友": "partner", "伴侣": "partner", "伴侶": "partner",
    "律师": "lawyer", "律師": "lawyer", "辩护人": "lawyer", "辯護人": "lawyer", "代理律师": "lawyer",
    "同事": "colleague", "同学": "classmate", "同學": "classmate", "朋友": "friend", "好友": "friend",
    "邻居": "neighbour", "鄰居": "neighbour", "老师": "teacher", "老師": "teacher", "学生": "student",
    "學生": "student", "室友": "room-mate", "狱友": "fellow detainee", "獄友": "fellow detainee",
    "记者": "journalist", "記者": "journalist", "医生": "doctor", "醫生": "doctor", "警察": "police officer",
    "警官": "police officer", "国保": "police officer", "國保": "police officer", "所长": "official",
    "所長": "official", "局长": "official", "局長": "official", "书记": "official", "書記": "official",
    "主任": "official", "法官": "judge", "检察官": "prosecutor", "檢察官": "prosecutor", "维权人士": "activist",
    "維權人士": "activist", "活动人士": "activist", "活動人士": "activist", "人权捍卫者": "defender",
    "人權捍衛者": "defender", "公民记者": "journalist", "公民記者": "journalist", "名叫": "", "叫做": "",
    "创办人": "", "創辦人": "", "创始人": "", "創始人": "", "店长": "", "店長": "", "书商": "", "書商": "",
    "主席": "", "副主席": "", "秘书长": "", "秘書長": "", "判处": "", "判處": "", "释放": "", "釋放": "",
    "会见": "", "會見": "", "探望": "", "逮捕": "", "拘留": "", "起诉": "", "起訴": "", "本名": "",
    "名为": "", "名為": "", "姓名": "", "联系人": "contact", "聯繫人": "contact",
    # Traditional forms and the kin, colleagues and roles the lists above lack.
    "代理律師": "lawyer", "兒媳": "daughter-in-law", "姪女": "niece", "外孙": "grandson", "外孫": "grandson",
    "外孙女": "granddaughter", "外孫女": "granddaughter", "表弟": "cousin", "表妹": "cousin", "堂弟": "cousin",
    "堂妹": "cousin", "堂哥": "cousin", "堂姐": "cousin", "前妻": "former wife", "前夫": "former husband",
    "亲人": "relative", "親人": "relative", "家人": "relative", "编辑": "journalist", "編輯": "journalist",
    "主编": "journalist", "主編": "journalist", "召集人": "", "负责人": "", "負責人": "", "成员": "", "成員": "",
}
# Titles written after a name: 江天勇律师, 王先生, 李女士.
ZH_TITLES = {"律师": "lawyer", "律師": "lawyer", "先生": "", "女士": "", "小姐": "", "老师": "teacher",
             "老師": "teacher", "教授": "professor", "医生": "doctor", "醫生": "doctor", "博士": "", "同学": "classmate",
             "同學": "classmate", "记者": "journalist", "記者": "journalist", "牧师": "pastor", "牧師": "pastor",
             "警官": "police officer", "法官": "judge", "主任": "official", "书记": "official", "書記": "official",
             "所长": "official", "所長": "official", "夫妇": "", "夫婦": "", "一家": "", "等人": "", "案": "",
             # Religious titles, which follow the name in Chinese: 陳日君樞機, 班丹活佛.
             "枢机": "cardinal", "樞機": "cardinal", "主教": "bishop", "神父": "priest", "修女": "nun", "喇嘛": "lama",
             "活佛": "lama", "仁波切": "lama", "阿訇": "imam", "伊玛目": "imam", "伊瑪目": "imam"}
ZH_REPORTING = ("说", "說", "表示", "称", "稱", "告诉", "告訴", "透露", "回忆", "回憶", "写道", "寫道", "指出",
                "被捕", "被抓", "被带走", "被帶走", "被拘", "被判", "被关押", "被關押", "失踪", "失蹤", "被警方",
                "遭", "曾", "于20", "於20", "在20", "的家", "的妻子", "的丈夫", "的律师", "的律師", "的母亲",
                "的母親", "的父亲", "的父親", "的儿子", "的兒子", "的女儿", "的女兒", "的案件", "和妻子", "和丈夫",
                "夫妇", "夫婦")

_EN_RELATIONS = {
    "husband": "husband", "wife": "wife", "spouse": "spouse", "partner": "partner", "son": "son",
    "daughter": "daughter", "child": "child", "father": "father", "mother": "mother", "parents": "parent",
    "brother": "brother", "sister": "sister", "nephew": "nephew", "niece": "niece", "cousin": "cousin",
    "uncle": "uncle", "aunt": "aunt", "grandson": "grandson", "granddaughter": "granddaughter",
    "grandfather": "grandfather", "grandmother": "grandmother", "fiancée": "fiancée", "fiance": "fiancé",
    "fiancé": "fiancé", "lawyer": "lawyer", "lawyers": "lawyer", "attorney": "lawyer", "counsel": "lawyer",
    "colleague": "colleague", "colleagues": "colleague", "friend": "friend", "friends": "friend",
    "neighbour": "neighbour", "neighbor": "neighbour", "classmate": "classmate", "teacher": "teacher",
    "student": "student", "journalist": "journalist", "activist": "activist", "activists": "activist",
    "defender": "defender", "dissident": "activist", "blogger": "blogger", "doctor": "doctor",
    "officer": "police officer", "policeman": "police officer", "judge": "judge", "prosecutor": "prosecutor",
    "economist": "", "scholar": "", "writer": "", "filmmaker": "", "monk": "", "nun": "", "pastor": "pastor",
    "tycoon": "", "publisher": "", "bookseller": "", "entrepreneur": "", "ethnographer": "", "professor": "professor",
    "named": "", "called": "", "alias": "",
    # What a person is, before the name ("the nomad Runggye Adak", "the campaigner Anya Sengdra").
    "nomad": "", "herder": "", "farmer": "", "campaigner": "", "advocate": "", "singer": "", "poet": "",
    "musician": "", "artist": "", "editor": "", "reporter": "", "researcher": "", "academic": "", "novelist": "",
    "comedian": "", "cartoonist": "", "businessman": "", "businesswoman": "", "petitioner": "", "imam": "",
    "lama": "", "abbot": "", "priest": "", "bishop": "", "cardinal": "cardinal",
    "mr": "", "mrs": "", "ms": "", "miss": "", "dr": "", "mr.": "", "mrs.": "", "ms.": "", "dr.": "",
}
EN_REPORTING = ("said", "says", "told", "wrote", "stated", "recalled", "spoke", "testified", "was detained",
                "was arrested", "was taken",
                "was sentenced", "was released", "disappeared", "was held", "was charged", "were detained",
                "and his wife", "and her husband", "'s wife", "'s husband", "'s lawyer", "'s daughter", "'s son")

# Uyghur (Arabic script), after the name as Uyghur puts them, but also before in a list.
_UG_RELATIONS = {
    "ئېرى": "husband", "ئايالى": "wife", "ئوغلى": "son", "قىزى": "daughter", "دادىسى": "father",
    "ئاتىسى": "father", "ئانىسى": "mother", "ئاپىسى": "mother", "ئاكىسى": "brother", "ئىنىسى": "brother",
    "ئاچىسى": "sister", "سىڭلىسى": "sister", "ھەدىسى": "sister", "ئادۋوكات": "lawyer", "ئادۋوكاتى": "lawyer",
    "دوستى": "friend", "خىزمەتدىشى": "colleague", "ئوقۇغۇچىسى": "student", "ئوقۇتقۇچى": "teacher",
    "پروفېسسور": "professor", "دوختۇر": "doctor", "مۇخبىر": "journalist", "ئىسىملىك": "",
}
# Tibetan: relation words (they follow the name or its genitive).
_BO_RELATIONS = {
    "ཁྱོ་ག": "husband", "ཆུང་མ": "wife", "བུ་མོ": "daughter", "བུ": "son", "ཨ་ཕ": "father", "ཕ་ཕ": "father",
    "ཨ་མ": "mother", "ཕ་མ": "parent", "སྤུན་ཟླ": "sibling", "ཨ་ཅག": "sister", "ཇོ་ཇོ": "brother",
    "ཁྲིམས་རྒོལ་བ": "lawyer", "གྲོགས་པོ": "friend", "དགེ་རྒན": "teacher", "སློབ་མ": "student",
    "ཞེས་པ": "", "ཟེར་བ": "", "མིང་ལ": "",
}

ZH_RELATIONS = _ZH_RELATIONS
EN_RELATIONS = _EN_RELATIONS
UG_RELATIONS = _UG_RELATIONS
BO_RELATIONS = _BO_RELATIONS
EN_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "mr.", "mrs.", "ms.", "dr.", "lawyer", "attorney", "judge",
                       "professor", "prof", "prof.", "pastor", "sister", "brother", "father"})
# The word just before a name (and a comma): looked up in the table, not matched against each of its words.
_EN_CUE = re.compile(r"(?<![A-Za-z])([^\W\d_]+\.?)(?:\s*,)?\s+$")


_ZH_RELATIONS_BY_LAST: dict[str, tuple[str, ...]] = {}
for _word in sorted(ZH_RELATIONS, key=len, reverse=True):  # by last character, longest first: asked at every candidate
    _ZH_RELATIONS_BY_LAST[_word[-1]] = _ZH_RELATIONS_BY_LAST.get(_word[-1], ()) + (_word,)


def zh_relation_before(text: str, start: int) -> tuple[str, str] | None:
    """(cue, role) of a Chinese relation word that ends at `start` (or one 是/叫/为/: before it)."""
    for skip in (0, 1):
        end = start - skip
        if end < 1 or skip and text[end:start] not in ("是", "叫", "为", "為", ":", "：", " "):
            continue
        for word in _ZH_RELATIONS_BY_LAST.get(text[end - 1], ()):
            if end >= len(word) and text.startswith(word, end - len(word)):
                return word, ZH_RELATIONS[word]
    return None


def zh_title_after(text: str, end: int) -> tuple[str, str] | None:
    for length in (2, 3):
        word = text[end:end + length]
        if word in ZH_TITLES:
            return word, ZH_TITLES[word]
    return None


_ZH_REPORTING_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _word in ZH_REPORTING:  # by first character: this is asked at every candidate name
    _ZH_REPORTING_BY_FIRST[_word[0]] = _ZH_REPORTING_BY_FIRST.get(_word[0], ()) + (_word,)


def zh_reporting_after(text: str, end: int) -> str | None:
    following = text[end:end + 4]
    words = _ZH_REPORTING_BY_FIRST.get(following[:1], ())
    return next((w for w in words if following.startswith(w)), None)


def en_relation_before(text: str, start: int) -> tuple[str, str] | None:
    """(cue, role) of an English relation word or title just before `start` ("her husband ", "Mr ")."""
    m = _EN_CUE.search(text, max(0, start - 24), start)
    if not m or m.group(1).lower() not in EN_RELATIONS:
        return None
    word = m.group(1)
    return word, EN_RELATIONS[word.lower()]


def en_reporting_after(text: str, end: int) -> str | None:
    following = text[end:end + 20].lower()
    return next((w for w in EN_REPORTING if following.startswith((" " + w, w))), None)
