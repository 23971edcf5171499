"""Normalisation with offsets, spelling variants of names, and the per-case register."""

import pytest

from intake.desk.redaction import Register, RedactionError, fold, match_key, normalize, propose, spelling_variants
from intake.desk.redaction.names import split_syllables

DOTS = ("\u00b7", "\u30fb", "\u2022", "\u2027", "")


# --- Normalisation keeps a map back to the original text ------------------------------------

def test_nfkc_and_zero_width_removal_map_spans_back_to_the_original():
    original = "手机：１３８\u200b１２３４\ufeff５６７８，"
    norm = normalize(original)
    assert norm.text == "手机:13812345678,"
    start = norm.text.index("138")
    assert norm.span(start, start + 11) == (3, 16)
    assert original[3:16] == "１３８\u200b１２３４\ufeff５６７８"
    assert norm.span(2, 3) == (2, 3)  # the full-width colon


def test_accents_written_as_combining_marks_map_to_the_whole_letter():
    original = "Wa\u0301ng Qua\u0301nzha\u0304ng!"
    norm = normalize(original)
    assert norm.text == "Wáng Quánzhāng!"
    assert norm.span(0, len(norm.text) - 1) == (0, len(original) - 1)
    assert [p.original for p in propose({"t": original}, _register("person", "victim", "王全璋"))] == [original[:-1]]


def test_other_decimal_digits_read_as_ascii():
    assert normalize("١٢٣ ༡༢༣ １２３").text == "123 123 123"


def test_fold_ignores_case_tones_spaces_hyphens_and_middle_dots():
    assert {match_key(s) for s in ("Wang Quanzhang", "WANG Quan-zhang", "Wáng Quánzhāng", "wang  quan zhang")} == {
        "wangquanzhang"}
    assert {match_key(f"伊力哈木{dot}土赫提") for dot in DOTS} == {"伊力哈木土赫提"}
    assert match_key("伊力哈木．土赫提") == "伊力哈木土赫提"  # a full-width full stop between Hanzi
    assert match_key("Ilham Toxtı") == match_key("ILHAM TOXTI")  # dotless ı
    assert fold("a-b").index == (0, 2)


# --- Variants ---------------------------------------------------------------------------------

def test_pinyin_variants_of_a_han_name():
    variants = spelling_variants("person", "王全璋")
    for expected in ("Wang Quanzhang", "Quanzhang Wang", "WANG Quanzhang", "Wang Quan-zhang", "Wang Quan Zhang",
                     "Wáng Quánzhāng", "Wang Ch'üan-chang"):
        assert expected in variants
    assert spelling_variants("person", "单某某")[1] == "Shan Moumou"  # the surname reading, not dan
    assert "Ouyang Xiu" in spelling_variants("person", "欧阳修")  # a compound surname
    assert {"Lü Pin", "Lv Pin", "Lu Pin"} <= set(spelling_variants("person", "吕频"))


def test_variants_of_a_pinyin_name_typed_in_latin_letters():
    variants = spelling_variants("person", "Li Wenzu")
    assert {"Wenzu Li", "LI Wenzu", "Li Wen-zu", "Li Wen Zu"} <= set(variants)
    assert split_syllables("quanzhang") == ["quan", "zhang"] and split_syllables("ilham") is None


def test_uyghur_and_tibetan_romanisation_alternations():
    assert {"Ilham Toxti", "Ilham Tokhti", "Ilham-Tohti"} <= set(spelling_variants("person", "Ilham Tohti"))
    assert {"Trashi Wangchug", "Tashi Wangchug", "Trashi Wangchuk"} <= set(spelling_variants("person", "Tashi Wangchuk"))
    assert "Gulja" in spelling_variants("person", "Ghulja")
    assert "Dorjee" in spelling_variants("person", "Dorje") and "Vali" in spelling_variants("person", "Wali")


def test_middle_dot_forms_of_minority_names():
    variants = spelling_variants("person", "伊力哈木·土赫提")
    assert [f"伊力哈木{dot}土赫提" for dot in DOTS] == variants[:5]
    assert "Yilihamu Tuheti" in variants
    tibetan = spelling_variants("person", "扎西文色")
    assert "Zhaxi Wense" in tibetan and "扎西·文色" in tibetan


def test_place_and_organisation_variants():
    assert {"锋锐律所", "Fengrui Law Firm", "锋锐", "Fengrui"} <= set(spelling_variants("organisation", "锋锐律师事务所"))
    assert {"天津第二看守所", "Tianjin No. 2 Detention Centre", "Tianjin No.2 Detention Center"} <= set(
        spelling_variants("place", "天津市第二看守所"))
    assert "Aba County" in spelling_variants("place", "阿坝县")


# --- The register -----------------------------------------------------------------------------

def _register(kind, role, *spellings) -> Register:
    register = Register()
    register.add(kind, role, *spellings)
    return register


def test_every_dot_variant_and_spelling_in_mixed_text_is_matched():
    register = _register("person", "victim", "伊力哈木·土赫提", "Ilham Tohti")
    text = "".join(f"伊力哈木{dot}土赫提说，" for dot in DOTS) + "Ilham Toxti, ILHAM TOHTI, Yilihamu Tuheti and Ilhamjan."
    proposals = propose({"t": text}, register, "un-sp")
    assert [p.original for p in proposals] == [f"伊力哈木{dot}土赫提" for dot in DOTS] + [
        "Ilham Toxti", "ILHAM TOHTI", "Yilihamu Tuheti"]
    assert {p.replacement for p in proposals} == {"Person A (victim)"}


def test_latin_names_do_not_match_inside_words_but_hanzi_match_anywhere():
    register = _register("person", "victim's sister", "Li Na", "李娜")
    proposals = propose({"t": "Carolina met Li Na and LI NA; 李娜的姐姐去了李娜家。"}, register, "un-sp")
    assert [p.original for p in proposals] == ["Li Na", "LI NA", "李娜", "李娜"]


def test_add_merges_spellings_of_the_same_entry_and_alias_adds_more():
    register = Register()
    victim = register.add("person", "victim", "王全璋")
    assert register.add("person", "husband", "Wang Quanzhang") == victim  # a variant of the same person
    assert register.add("place", "home", "Wang Quanzhang") != victim  # another kind is another entry
    son = register.add("person", "victim's son", "王广微")
    register.alias(son, "Wang Guangwei")
    assert register.entry(son).spellings == ("王广微", "Wang Guangwei")
    assert "Guangwei Wang" in register.entry(son).variants
    assert [e.id for e in register.entries] == ["person-1", "place-1", "person-2"]
    assert register.entry(victim).sources == ("staff",)


def test_register_refuses_what_it_cannot_match_safely():
    register = Register()
    with pytest.raises(RedactionError, match="too short"):
        register.add("person", "victim", "王")
    with pytest.raises(RedactionError, match="too short"):
        register.add("person", "victim", "Li")
    with pytest.raises(RedactionError, match="unknown kind"):
        register.add("vehicle", "car", "京A12345")
    with pytest.raises(RedactionError, match="no register entry"):
        register.alias("person-9", "Someone")


def test_seeding_reads_every_structured_name_and_splits_spellings():
    from test_redaction_cases import base_report, incident
    from intake.desk.redaction import seed_register

    report = base_report(name="王某某 Wang Mou", name_other_spellings="Wang Moumou / 王某", detention_place="Chengdu detention centre",
                         holding_authority="Public Security Bureau", residence="Chengdu, Sichuan")
    report["reporter"].update(anonymous=False, name="Reporter Name", organisation="Org of Reporters")
    report["incidents"] = [incident(["THREATS"], "2024-03", "Sichuan", "Sichuan", "…",
                                    details="Zhang Wei (张伟), Chaoyang PSB")]
    report["consent"]["never_disclose"] = "the daughter's school, 北京第一中学"
    register = seed_register(report)
    summary = [(e.id, e.role, e.spellings) for e in register.entries]
    assert summary == [
        ("person-1", "victim", ("王某某 Wang Mou", "王某某", "Wang Mou", "Wang Moumou / 王某", "Wang Moumou", "王某")),
        ("person-2", "reporter", ("Reporter Name",)),
        ("organisation-1", "reporter's organisation", ("Org of Reporters",)),
        ("place-1", "place of detention", ("Chengdu detention centre",)),
        ("organisation-2", "holding authority", ("Public Security Bureau",)),
        ("place-2", "residence", ("Chengdu, Sichuan", "Chengdu")),  # the province alone is not registered
        ("organisation-3", "perpetrator's unit", ("Chaoyang PSB",)),
        ("person-3", "perpetrator", ("Zhang Wei", "张伟")),
        ("other-1", "never disclose", ("the daughter's school", "北京第一中学")),
    ]
    assert register.entries_from("victim.name")[0].id == "person-1"
