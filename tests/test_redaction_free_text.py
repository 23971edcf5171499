"""People, organisations and places written only in free text (people.py and its detectors)."""

import json
from pathlib import Path

import pytest

from intake.desk.redaction import Register, propose
from intake.desk.redaction.han_names import han_names
from intake.desk.redaction.latin_names import latin_names
from intake.desk.redaction.minority_names import latin_minority_names, tibetan_script_names, uyghur_script_names
from intake.desk.redaction.traditional import simplified

CORPUS = Path(__file__).parent / "corpus"


def spans(detector, text: str) -> list[str]:
    return [text[f.start:f.end] for f in detector(text)]


@pytest.mark.parametrize("name", ["names_tuning.jsonl", "names_held_out.jsonl", "names_held_out_2.jsonl",
                                  "names_held_out_3.jsonl"])
def test_every_labelled_span_is_the_text_it_names(name):
    rows = [json.loads(line) for line in (CORPUS / name).read_text(encoding="utf-8").splitlines()]
    for row in rows:
        assert row["lang"] in ("zh-Hans", "zh-Hant", "en", "ug", "bo") and row["source"]
        for span in row["spans"]:
            assert row["text"][span["start"]:span["end"]] == span["text"] and span["kind"] in ("person", "place")


def test_the_corpus_has_the_mentions_the_benchmark_needs():
    rows = [json.loads(line) for name in ("names_tuning.jsonl", "names_held_out.jsonl")
            for line in (CORPUS / name).read_text(encoding="utf-8").splitlines()]
    kinds = [s["kind"] for row in rows for s in row["spans"]]
    assert kinds.count("person") >= 150 and kinds.count("place") >= 50
    assert {row["lang"] for row in rows if row["spans"]} == {"zh-Hans", "zh-Hant", "en", "ug", "bo"}


def test_chinese_names_with_cues_and_without():
    text = "丈夫陈波被带走。江天勇律师、许志永和丁家喜被关押。王全璋的妻子李文足从北京步行前往天津。"
    assert spans(han_names, text) == ["陈波", "江天勇", "许志永", "丁家喜", "王全璋", "李文足"]
    assert [f.role for f in han_names("丈夫陈波被带走")] == ["husband"]
    assert spans(han_names, "鄒幸彤和黃之鋒、黎智英被判刑。") == ["鄒幸彤", "黃之鋒", "黎智英"]
    assert spans(han_names, "伊力哈木·土赫提在北京家中被带走。扎西文色接受采访。") == ["伊力哈木·土赫提", "扎西文色"]


def test_words_that_look_like_chinese_names_are_not():
    for text in ("我们很高兴，王国和李子都在。", "黄河和长江流经江西，温州人马上就到。", "于是常常有人说高考很重要，安全第一。",
                 "一张纸，周围的马路上有黄金，向前方走。"):
        assert spans(han_names, text) == [], text


def test_a_given_name_that_makes_a_place_with_the_division_after_it_is_not_a_name():
    # 律师向朝阳区…: "the lawyer, to Chaoyang District", not a lawyer called 向朝阳.
    assert spans(han_names, "律师向朝阳区检察院申请羁押必要性审查。") == []
    # A division that is no place with the given name, or a title, leaves the name alone.
    assert spans(han_names, "王伟市长说，他的妻子王芳村里的人都知道。") == ["王伟", "王芳"]


def test_ordinary_words_in_traditional_characters_are_words_not_names():
    # The dictionary is in simplified characters: 高興, 王國, 時間 are looked up as 高兴, 王国, 时间.
    for text in ("我們很高興，王國的故事很長。", "方向錯了就回頭，成功需要時間。", "他們被包圍，然後被關押。"):
        assert spans(han_names, text) == [], text
    assert spans(han_names, "陳日君樞機和黎智英都被捕。") == ["陳日君", "黎智英"]
    assert simplified("我們很高興，鍾沛權") == "我们很高兴，钟沛权"


def test_a_name_the_segmenter_reads_as_a_rare_word_and_a_character():
    # 梁国, an ancient state the dictionary has seen a handful of times, is no word against 梁國雄.
    assert spans(han_names, "社民連的梁國雄和吳靄儀被判刑。") == ["梁國雄", "吳靄儀"]
    assert spans(han_names, "社民连的梁国雄和吴霭仪被判刑。") == ["梁国雄", "吴霭仪"]
    # A common word and a character are still a word: 王国 (2,631 times), 建国.
    assert spans(han_names, "王国的历史很长，他说建国以来一直如此。") == []


def test_pinyin_in_any_order_case_spacing_and_tone_and_other_romanisations():
    text = "Wang Quanzhang, Quanzhang Wang, WANG Quanzhang, Wang Quan-zhang, Lǐ Míng and Wang Quan Zhang."
    assert spans(latin_names, text) == ["Wang Quanzhang", "Quanzhang Wang", "WANG Quanzhang", "Wang Quan-zhang",
                                        "Lǐ Míng", "Wang Quan Zhang"]
    assert spans(latin_names, "Joshua Wong Chi-fung met Chow Hang-tung and Ch'en Kuang-ch'eng.") == [
        "Joshua Wong Chi-fung", "Chow Hang-tung", "Ch'en Kuang-ch'eng"]
    found = list(latin_names("Her husband Chen Bo and lawyer Sun Lei were taken."))
    assert [(f.role, f.evidence.split(";")[0]) for f in found] == [("husband", "surname Chen, given name Bo"),
                                                                  ("lawyer", "surname Sun, given name Lei")]


def test_a_western_given_name_and_a_surname_with_no_cue():
    text = "UN experts and Philip Alston wrote; Peter Dahlin was expelled. Claudia Mo Man-ching's husband spoke."
    assert spans(latin_names, text) == ["Philip Alston", "Peter Dahlin", "Claudia Mo Man-ching"]
    # A given name before an institution, a place, a word or another given name is none of them.
    for text in ("They met on Nathan Road and at Queen Mary Hospital.", "The Victoria Park vigil; St Paul Church.",
                 "The Mary Anne sailed at noon.", "Peter Beijing", "After Joseph Wednesday came."):
        assert spans(latin_names, text) == [], text


def test_one_word_after_a_word_for_kin_and_uyghur_given_names_by_their_shape():
    assert spans(latin_names, "Her daughter Gulhumar campaigned from Paris.") == ["Gulhumar"]
    assert spans(latin_names, "Her daughter Monday and his son University were invented.") == []
    # A lexicon name and an ending (Zumret-ay), or after a first part (Tash-polat).
    assert spans(latin_minority_names, "Zumretay Arkin spoke; Tashpolat Tiyip was sentenced.") == [
        "Zumretay Arkin", "Tashpolat Tiyip"]
    assert spans(latin_minority_names, "The Sunday Times and Holiday Inn; the Malay Mail.") == []


def test_two_capitalised_words_that_say_or_are_sentenced_and_a_name_after_what_the_person_is():
    text = "Dolkun Isa said his mother died. After Ferkat Jawdat spoke, Runggye Adak was sentenced."
    assert spans(latin_names, text) == ["Dolkun Isa", "Ferkat Jawdat", "Runggye Adak"]
    assert spans(latin_names, "The campaigner Anya Sengdra and Cardinal Joseph Zen Ze-kiun were held.") == [
        "Anya Sengdra", "Joseph Zen Ze-kiun"]
    # Groups, places and ordinary words say things too; a name inside an institution's is no person.
    for text in ("Amnesty International said so. The Foreign Ministry said no.", "Hong Kong said nothing.",
                 "Radio Free Asia said so. The United Nations said no. The Ministry of Public Works said it.",
                 "The Uyghur Human Rights Project said so.",
                 "The State Council told them.", "They met at Man Mo Temple in the morning."):
        assert spans(latin_names, text) == [], text


def test_english_words_and_places_are_not_latin_names():
    assert spans(latin_names, "The Long March passed Hong Kong. He Said so. A man can ban the song.") == []
    # A surname that is an English word, after a word of a law's title: no name.
    assert spans(latin_names, "under the Exit and Entry Administration Law, Criminal Law art. 105 and the National "
                 "Security Law") == []
    assert spans(latin_names, "her lawyer Kenneth Law said") == ["Kenneth Law"]


def test_uyghur_and_tibetan_names_in_script_and_latin_letters():
    assert spans(latin_minority_names, "His daughter Jewher Ilham spoke; Gulshan Abbas and Tashi Wangchuk "
                 "(bkra shis dbang phyug) too.") == ["Jewher Ilham", "Gulshan Abbas", "Tashi Wangchuk", "bkra shis dbang phyug"]
    assert spans(uyghur_script_names, "ئىلھام توختى ۋە ئۇنىڭ قىزى جەۋھەر ئىلھام") == ["ئىلھام توختى", "جەۋھەر ئىلھام"]
    assert spans(tibetan_script_names, "བཀྲ་ཤིས་དབང་ཕྱུག་ལ་ཁྲིམས་ཐག་བཅད།") == ["བཀྲ་ཤིས་དབང་ཕྱུག"]
    assert spans(tibetan_script_names, "ཁྲིམས་ཐག་བཅད།") == []


def test_uyghur_script_names_of_the_latin_lexicon_of_a_given_names_shape_and_after_a_relation_or_title():
    from intake.desk.redaction.uyghur_letters import script_forms

    # The Latin lexicon written in the script, with both readings of an informal vowel.
    assert {"زۇمرەت", "گۈلمىرا", "توختى"} <= script_forms("zumret") | script_forms("gulmira") | script_forms("tohti")
    assert spans(uyghur_script_names, "زۇمرەت داۋۇت گۇۋاھلىق بەرگەندىن كېيىن") == ["زۇمرەت داۋۇت"]
    # A given name's shape: …جان, …گۈل, ئابدۇ…; the father's name after it.
    assert spans(uyghur_script_names, "مەمەتجان قۇربان ۋە ئايىمگۈل ياسىن قولغا ئېلىندى") == ["مەمەتجان قۇربان", "ئايىمگۈل ياسىن"]
    # After a relation word or a title, any two words of a name; a case ending says it is none.
    assert [(f.role, text[f.start:f.end]) for text in ["ئانىسى مايىلە ياقۇپ تۈرمىگە يۆتكەلگەن."]
            for f in uyghur_script_names(text)] == [("mother", "مايىلە ياقۇپ")]
    assert spans(uyghur_script_names, "سابىق مۇدىرى تاشپولات تېيىپ سوت قىلىنغان") == ["تاشپولات تېيىپ"]
    for text in ("ئۇنىڭ سىڭلىسى سوراققا تارتىلغان.", "رەبىيە قادىر نىڭ ئوغلى قولغا ئېلىندى.", "ئۇ ئوقۇتقۇچى ئىدى.",
                 "ئۇنىڭ ئايالى ساقچى ئىدارىسىگە بارغان.",
                 "ئۇيغۇر ئاپتونوم رايونى", "ئانىسى ئۈرۈمچىدە ياشايدۇ."):
        assert [n for n in spans(uyghur_script_names, text) if n != "رەبىيە قادىر"] == [], text
    # A lexicon name before a verb is no name and a verb.
    assert spans(uyghur_script_names, "ئىلھام كەلگەن") == []


def test_a_name_found_once_is_proposed_everywhere_in_every_spelling_with_one_pseudonym():
    report = {"incidents": [{"narrative": "警察跟踪王某某和她的丈夫陈波。"}],
              "remedies": {"domestic": "Chen Bo wrote to the procuratorate; CHEN Bo was then detained."}}
    proposals = propose(report, Register(), "un-sp")
    people = [(p.original, p.replacement, p.detector) for p in proposals if p.kind == "person"]
    assert ("陈波", "Person B (husband)", "name:zh") in people
    assert {r for o, r, _ in people if o.lower() == "chen bo"} == {"Person B (husband)"}
    assert all(p.evidence for p in proposals if p.kind == "person")


def test_profiles_without_free_text_ask_nothing_about_names_found_in_it():
    report = {"incidents": [{"narrative": "她的丈夫陈波被带走。"}], "un_cooperation": {"already_raised": "陈波的案子"}}
    assert [p.path for p in propose(report, Register(), "stats") if p.kind == "person"] == []
    assert [p.path for p in propose(report, Register(), "reprisals-report") if p.kind == "person"] == [
        "un_cooperation.already_raised"]


def test_a_name_the_segmenter_glued_to_the_cue_around_it():
    # Traditional characters the segmenter's dictionary lacks glue a name to the title after it
    # (江天|勇律師); after a relation word, the verb after a name glues to its last word.
    assert spans(han_names, "周世鋒律師在天津受審。") == ["周世鋒"]
    assert spans(han_names, "他的女兒張曉梅帶着孩子離開。") == ["張曉梅"]
    assert spans(han_names, "他的妻子罗秀芬带着女儿离开。") == ["罗秀芬"]
    # Not a cue: a word cut by the segmenter stays cut, so no surname and its neighbour.
    assert spans(han_names, "我们的父亲吴修明多次为儿子申诉。") == ["吴修明"]


def test_traditional_and_religious_cues():
    assert [(f"{text[f.start:f.end]}", f.role) for text in ["他的兒媳秦玉蘭被傳喚。"] for f in han_names(text)] == [
        ("秦玉蘭", "daughter-in-law")]
    assert spans(han_names, "網站編輯葉偉明被拘押。") == ["葉偉明"]
    assert [f.role for f in han_names("郭希聖樞機在香港被捕。")] == ["cardinal"]
    assert spans(han_names, "我們去了主教座堂，活佛的寺院很大。") == []


def test_tibetan_script_names_with_their_case_relation_and_clan():
    # A name, its genitive, then the relation word: "Tsering Woeser's husband".
    assert spans(tibetan_script_names, "སྒྲོལ་མ་ཡི་ཨ་ཕ་ནི་དགེ་རྒན་ཡིན།") == ["སྒྲོལ་མ"]
    assert spans(tibetan_script_names, "བསོད་ནམས་ཀྱི་བུ་མོ་བཙོན་དུ་བཅུག") == ["བསོད་ནམས"]
    # A genitive written onto the last syllable (ཉི་མའི).
    assert spans(tibetan_script_names, "ཉི་མའི་ཆུང་མ་བཙོན་དུ་བཅུག") == ["ཉི་མ"]
    # Any name (here a Chinese one in Tibetan letters) between a relation word and its particle.
    assert spans(tibetan_script_names, "ཁོང་གི་ཁྱོ་ག་ལིའུ་ཅིན་ཧྲུའུ་ཡིན།") == ["ལིའུ་ཅིན་ཧྲུའུ"]
    # A clan syllable that starts the clause before a two-part name.
    assert spans(tibetan_script_names, "མགོ་ཀུན་དགའ་ཚེ་རིང་ལ་ཁྲིམས་ཐག་བཅད།") == ["མགོ་ཀུན་དགའ་ཚེ་རིང"]
    # A relation word followed by a sentence, not a name; one name part with no cue.
    assert spans(tibetan_script_names, "ཁོང་གི་ཁྱོ་ག་ཡིན།") == []
    assert spans(tibetan_script_names, "ཁོང་ཉི་མ་རེ་རེ་ལ་ཕྱིན།") == []  # ཉི་མ, "every day"
    assert [(f.role, f.evidence) for f in tibetan_script_names("ཨ་མ་ཉི་མ་ལ་ཕྱིན།")] == [
        ("mother", "after the relation word ཨ་མ")]


def test_tibetan_script_names_with_a_name_ending_after_a_title_and_as_the_subject_of_a_sentence():
    # A name part and a one-syllable ending (Jamyang Kyi, Dolma Kyab); not a part and any syllable.
    assert spans(tibetan_script_names, "འཇམ་དབྱངས་སྐྱིད་བཟུང་།") == ["འཇམ་དབྱངས་སྐྱིད"]
    assert spans(tibetan_script_names, "ཁོང་ཉི་མ་རེ་རེ་ལ་ཕྱིན།") == []
    # After a title (the monk, the singer), any name up to its particle.
    assert spans(tibetan_script_names, "གཞས་པ་ཆོས་ཉིད་རྡོ་ལ་བཙོན་ཁྲིམས་བཅད།") == ["ཆོས་ཉིད་རྡོ"]
    # Starting the clause: before a genitive and a relation word, or before ལ when the sentence
    # says the person was sentenced; a pronoun, or another verb, is no name.
    assert [(f.role, f.evidence) for f in tibetan_script_names("ཞོགས་ལྗང་གི་ཨ་མ་ཡིན།")] == [
        ("mother", "before a genitive and a relation word")]
    assert spans(tibetan_script_names, "ཨ་ཉག་སེང་གྲགས་ལ་ལོ་བདུན་གྱི་བཙོན་ཁྲིམས་བཅད།") == ["ཨ་ཉག་སེང་གྲགས"]
    # Nor are many people (the plural ཚོ, "many"), people in general, a verb, a school with its particle.
    for text in ("ཁོ་རང་གི་ཨ་མ་བཙོན་ཁང་དུ་ཕྱིན།", "ཁོ་རང་ལ་ལོ་བདུན་གྱི་བཙོན་ཁྲིམས་བཅད།", "སློབ་གྲྭ་ལ་ཕྱིན།",
                 "བོད་ཡིག་ལ་དགའ་པོ་ཡོད།", "བོད་མི་མང་པོ་ལ་བཙོན་ཁྲིམས་བཅད།", "དགོན་པའི་གྲྭ་པ་ཚོ་བཟུང་།",
                 "སློབ་མ་ཚོ་ལ་ཁྲིམས་ཐག་བཅད།", "ཁོང་གི་བུ་མོ་སློབ་གྲྭར་ཕྱིན།"):
        assert spans(tibetan_script_names, text) == [], text


def test_a_capitalised_clan_name_before_a_tibetan_name_and_groups_named_after_a_people():
    assert spans(latin_minority_names, "The monk Golok Tsering Dorje was detained.") == ["Golok Tsering Dorje"]
    assert spans(latin_minority_names, "The Tsering Dorje case.") == ["Tsering Dorje"]
    # A word that starts the sentence is capitalised anyway: not a clan name.
    assert spans(latin_minority_names, "After Tsering Dorje spoke, his brother was held.") == ["Tsering Dorje"]
    assert spans(latin_minority_names, "She spoke at the World Uyghur Congress.") == []


def test_the_second_held_out_file_covers_every_script():
    rows = [json.loads(line) for line in (CORPUS / "names_held_out_2.jsonl").read_text(encoding="utf-8").splitlines()]
    kinds = [s["kind"] for row in rows for s in row["spans"]]
    assert kinds.count("person") >= 40 and kinds.count("place") >= 15
    assert {row["lang"] for row in rows if any(s["kind"] == "person" for s in row["spans"])} == {
        "zh-Hans", "zh-Hant", "en", "ug", "bo"}


def test_a_register_name_inside_a_longer_name_found_in_text_the_profile_does_not_carry_still_goes():
    from intake.desk.redaction import seed_register

    text = "In Lhasa the monk Golok Tashi Dorje spoke."  # the detectors find "Golok Tashi Dorje"
    report = {"victim": {"name": "Tashi Dorje"}, "incidents": [{"narrative": text}]}
    for profile in ("reprisals-report", "un-sp", "stats"):
        spans_ = [(p.start, p.end) for p in propose(report, seed_register(report), profile)
                  if p.path == "incidents[0].narrative"]
        start = text.index("Tashi")
        assert all(any(a <= i < b for a, b in spans_) for i in range(start, start + len("Tashi Dorje"))), profile
