"""Pattern detectors for the Chinese-context data of un-procedures.md (e), through propose().

Each test reads a sentence as a reporter would write it (Chinese text has no spaces, numbers sit
against Hanzi, digits may be full width) and checks which spans are proposed, of what kind. Every
number is made up; ID numbers get valid check digits from python-stdnum.
"""

import pytest
from stdnum import luhn
from stdnum.cn import ric

from intake.desk.redaction import Register, propose

UN_SP = "un-sp"  # keeps dates and places: only identifiers are proposed
ZWSP = "\u200b"


def found(text: str, profile: str = UN_SP) -> list[tuple[str, str]]:
    """(kind, original text) of each proposal for a one-field report."""
    return [(p.kind, p.original) for p in propose({"text": text}, Register(), profile)]


def labels(text: str, profile: str = UN_SP) -> list[tuple[str, str]]:
    return [(p.original, p.replacement) for p in propose({"text": text}, Register(), profile)]


def resident_id(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


ID = resident_id("11010519491231002")  # 11010519491231002X: the GB 11643 example
ID2 = resident_id("11010819850314123")  # Beijing Haidian


def test_resident_ids_inside_chinese_text_without_word_boundaries():
    assert ID == "11010519491231002X" and ric.is_valid(ID2)
    assert found(f"身份证号{ID}的持有人") == [("resident_id", ID)]
    assert found(f"他的身份证{ID2.lower()}，") == [("resident_id", ID2.lower())]
    assert found(f"ID: {ID[:6]} {ID[6:14]} {ID[14:]}.") == [("resident_id", f"{ID[:6]} {ID[6:14]} {ID[14:]}")]
    assert found("旧身份证110105491231002号") == [("resident_id", "110105491231002")]


def test_a_wrong_check_digit_counts_only_when_the_text_says_id():
    wrong = ID2[:-1] + ("1" if ID2[-1] != "1" else "2")
    assert found(f"身份证号码：{wrong}") == [("resident_id", wrong)]
    assert found(f"编号{wrong}") == [("number", wrong)]  # still proposed, by the catch-all for long numbers


def test_no_false_positives_on_years_counts_and_times():
    text = ("2024年有120人被约谈，其中3人在2023年被拘留10天。In 2024, 1,000 people signed; room 302, "
            "50% of 1200 petitioners; at 10:30:00 on 2024-03 (the 3rd time), version 1.2.3, ¥5000.")
    assert found(text) == []
    assert found(text, "reprisals-report") == []


@pytest.mark.parametrize("written", [
    "13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+8613812345678", "0086-13812345678",
    "(+86) 138-1234-5678", "１３８１２３４５６７８", "１３８" + ZWSP + "１２３４" + ZWSP + "５６７８", "138\u00a01234\u00a05678",
])
def test_mainland_mobiles_in_every_spelling_are_one_phone(written):
    assert labels(f"她的手机{written}，请联系。") == [(written, "Phone 1")]


def test_landlines_and_numbers_of_hong_kong_macau_and_taiwan():
    assert found("电话010-65529988。") == [("phone", "010-65529988")]
    assert found("Call +852 9123 4567 or +853 6612 3456 or +886 912 345 678.") == [
        ("phone", "+852 9123 4567"), ("phone", "+853 6612 3456"), ("phone", "+886 912 345 678")]
    assert found("香港电话 91234567") == [("phone", "91234567")]
    assert found("台湾手机0912-345-678") == [("phone", "0912-345-678")]
    assert found("编号 20240305 号") == [("number", "20240305")]  # without a phone word, not a Hong Kong phone


def test_the_same_phone_written_differently_gets_one_label():
    assert labels("手机13812345678，又写作+86 138 1234 5678；另一部13912345678。") == [
        ("13812345678", "Phone 1"), ("+86 138 1234 5678", "Phone 1"), ("13912345678", "Phone 2")]


def test_hong_kong_macau_and_taiwan_ids_with_checksums():
    assert found("香港身份证A123456(3)，AB987654(3)") == [("hk_id", "A123456(3)"), ("hk_id", "AB987654(3)")]
    assert found("香港身份证A123456(4)") == []  # wrong check digit
    assert found("澳门身份证1234567(8)") == [("macau_id", "1234567(8)")]
    assert found("台湾身分证A123456789。") == [("taiwan_id", "A123456789")]
    assert found("台湾身分证A123456788。") == [("number", "A123456788")]  # wrong check digit: only a long number


def test_passports_and_documents_named_by_context():
    assert found("护照号E12345678，新护照EF1260892，旧护照G12345678，香港K12345678") == [
        ("passport", "E12345678"), ("passport", "EF1260892"), ("passport", "G12345678"), ("passport", "K12345678")]
    assert found("Indian RC No. 123456; passport number: N1234567; 回乡证H12345678") == [
        ("passport", "123456"), ("passport", "N1234567"), ("passport", "H12345678")]
    assert found("His passport was confiscated in 2019; the RC office refused.") == []


def test_qq_and_wechat_need_their_context_word():
    assert found("QQ：123456789，QQ号 54321，扣扣98765") == [("qq", "123456789"), ("qq", "54321"), ("qq", "98765")]
    assert found("微信号：abc_12345，微信 tashi2019，WeChat: dolkun_isa，wxid_abcdef123，微信号lwz") == [
        ("wechat", "abc_12345"), ("wechat", "tashi2019"), ("wechat", "dolkun_isa"), ("wechat", "wxid_abcdef123")]
    assert found("微信号wangqz") == [("wechat", "wangqz")]
    assert found("His WeChat account was closed; the QQ group was deleted; 微信群被封。") == []


def test_email_handles_and_links_do_not_swallow_chinese_text():
    assert found("并发邮件至tashi.d@example.org并抄送") == [("email", "tashi.d@example.org")]
    assert found("推特@tashi_w，网站https://example.org/case?id=7。另见www.example.net/a，和Uighurbiz.net") == [
        ("handle", "@tashi_w"), ("url", "https://example.org/case?id=7"), ("url", "www.example.net/a"),
        ("url", "Uighurbiz.net")]


def test_bank_cards_iban_imei_and_ip_addresses():
    unionpay = "622202020011223344" + luhn.calc_check_digit("622202020011223344")
    grouped = " ".join(unionpay[i:i + 4] for i in range(0, 19, 4))
    assert found(f"银行卡{unionpay}，卡号{grouped}。") == [("bank_card", unionpay), ("bank_card", grouped)]
    not_luhn = unionpay[:-1] + str((int(unionpay[-1]) + 1) % 10)
    assert found(f"银行卡{not_luhn}") == [("number", not_luhn)]
    assert found("IBAN CH93 0076 2011 6238 5295 7.") == [("iban", "CH93 0076 2011 6238 5295 7")]
    device = "35693803564380" + luhn.calc_check_digit("35693803564380")
    assert found(f"手机串号IMEI {device}") == [("imei", device)]
    assert found("IP 192.168.1.20 和 2001:db8::1，时间 10:30:00，版本 1.2.3.") == [
        ("ip", "192.168.1.20"), ("ip", "2001:db8::1")]


def test_plates_and_court_case_numbers():
    assert found("车牌京A·12345跟踪，川U12345和粤BD12345也在。新A来了。") == [
        ("plate", "京A·12345"), ("plate", "川U12345"), ("plate", "粤BD12345")]
    assert found("案号(2023)川32刑初12号，（2023）京0105刑初123号。") == [
        ("case_number", "(2023)川32刑初12号"), ("case_number", "（2023）京0105刑初123号")]
    assert found("他收到了京公海行罚决字〔2019〕1234号决定") == [("case_number", "京公海行罚决字〔2019〕1234号")]


def test_tibetan_arabic_and_mongolian_script_are_always_proposed():
    """Names the lexicons know become people (minority_names.py); any other run is withheld whole."""
    assert labels("Name: བཀྲ་ཤིས་དབང་ཕྱུག and ئىلھام توختى and ᠮᠣᠩᠭᠣᠯ.") == [
        ("བཀྲ་ཤིས་དབང་ཕྱུག", "Person A"), ("ئىلھام توختى", "Person B"), ("ᠮᠣᠩᠭᠣᠯ", "[text in Mongolian script withheld]")]
    assert labels("ཁྲིམས་ཐག་བཅད། and قولغا ئېلىندى") == [
        ("ཁྲིམས་ཐག་བཅད།", "[text in Tibetan script withheld]"), ("قولغا ئېلىندى", "[text in Arabic script withheld]")]


def test_dates_generalise_to_the_month_in_their_own_style():
    text = "2024-03-05，2024/3/5，2024年3月5日，3月5日，5 March 2024，March 5, 2024，Sept. 9th，5/3/2024，2024-03，2024年"
    assert labels(text, "reprisals-report") == [
        ("2024-03-05", "2024-03"), ("2024/3/5", "2024/3"), ("2024年3月5日", "2024年3月"), ("3月5日", "3月"),
        ("5 March 2024", "March 2024"), ("March 5, 2024", "March 2024"), ("Sept. 9th", "September"),
        ("5/3/2024", "2024")]
    assert labels(text, "un-sp") == []  # the UN needs exact dates


def test_places_generalise_to_the_province_where_the_profile_says_so():
    text = "他从成都市被带到阿坝县的格尔登寺，后关在Drapchi Prison，家在四川。"
    assert labels(text, "reprisals-report") == [
        ("成都市", "四川"), ("阿坝县", "Place 1 (Sichuan)"), ("格尔登寺", "Place 2"), ("Drapchi Prison", "Place 3")]
    assert labels(text, "stats") == [
        ("成都市", "四川"), ("阿坝县", "四川"), ("格尔登寺", "a place in China"), ("Drapchi Prison", "a place in China")]
    assert labels(text, "un-sp") == []
    assert labels("他在城市和社区里被关进监狱，这个村的工作", "reprisals-report") == []


def test_receipt_codes_quoted_in_free_text_are_withheld():
    from intake.receipt import new_receipt

    code = new_receipt()
    assert labels(f"关于我的报告（回执{code}）：他被转移了。") == [(code, "[receipt code withheld]")]
    assert labels(f"my code is {code.lower().replace('-', ' ')}.") == [(code.lower().replace("-", " "), "[receipt code withheld]")]
    assert found("ABCDE-12345-FGH1K-MNPQR and 7Q2XK9M4RT8W3ZP6B1NV") == [("receipt", "ABCDE-12345-FGH1K-MNPQR"),
                                                                          ("receipt", "7Q2XK9M4RT8W3ZP6B1NV")]
    assert found("ABCDE–12345–FGH1K–MNPQR") == [("receipt", "ABCDE–12345–FGH1K–MNPQR")]  # en dashes
    assert found("code ABCDE-FGHJK-MNPQR-STVWX") == [("receipt", "ABCDE-FGHJK-MNPQR-STVWX")]  # no digit, but dashed
    # Words are not codes: twenty letters run together, or four five-letter words in a row; nor is
    # anything with a U, which a code never has.
    assert found("internationalisation") == []
    assert found("He was held there after three weeks. These other state media first trial began early.") == []
    assert found("ABCDE-12345-FGH1K-MNPQU") == []


def test_groups_named_by_the_role_of_someone_in_them():
    text = "天网观察创办人被捕。香港職工盟的秘書長辭職。国家主席出访。公司负责人说明。"
    assert [(p.original, p.kind) for p in propose({"t": text}, Register(), "reprisals-report")
            if p.kind == "organisation"] == [("天网观察", "organisation"), ("香港職工盟", "organisation")]
    text = "She is a founder of Human Rights and Democracy Watch and president of the Tibetan Youth Congress."
    assert [p.original for p in propose({"t": text}, Register(), "reprisals-report") if p.kind == "organisation"] == [
        "Human Rights and Democracy Watch", "Tibetan Youth Congress"]


def test_more_facility_and_group_endings():
    text = "他被带到佛山市国家安全局，后来在上海社会科学院、公民人道支援基金和民主陣線工作。"
    assert [p.original for p in propose({"t": text}, Register(), "reprisals-report") if p.kind == "organisation"] == [
        "佛山市国家安全局", "上海社会科学院", "公民人道支援基金", "民主陣線"]
    assert [p.original for p in propose({"t": "He worked for the Tibet Relief Fund and the Hong Kong Democratic Front."},
                                        Register(), "reprisals-report") if p.kind == "organisation"] == [
        "Tibet Relief Fund", "Hong Kong Democratic Front"]
    assert [p for p in propose({"t": "我们在学院里学习，基金很少。"}, Register(), "reprisals-report")
            if p.kind == "organisation"] == []


def test_remand_centres_courts_long_university_names_and_a_former_role():
    def groups(text: str) -> list[str]:
        return [p.original for p in propose({"t": text}, Register(), "reprisals-report") if p.kind in ("place", "organisation")
                and p.detector != "gazetteer"]

    assert groups("陳皓桓在荔枝角收押所還押，後轉往壁屋懲教所。") == ["荔枝角收押所", "壁屋懲教所"]
    assert groups("He taught at the China University of Political Science and Law.") == [
        "China University of Political Science and Law"]
    assert groups("They were sentenced at the West Kowloon Magistrates' Courts.") == ["West Kowloon Magistrates' Courts"]
    assert groups("香港職工盟前秘書長被判刑。") == ["香港職工盟"]  # 前: former, not part of the group's name
    # Traditional particles end a name as the simplified ones do: no "拒於法庭".
    assert groups("記者被拒於法庭門外，她說不出話。") == []
    assert groups("He courts danger; the courts are closed. 他们收押了他。") == []
