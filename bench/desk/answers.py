"""Realistic answers for the report form, as a browser would post them (field name -> value).

They go through the real form code (ReportForm / FollowUpForm, validation, build_report), so
the reports are exactly what the server would store. The variety matters for the desk: the
triage rules look at statuses, violations, dates and, by keyword, at the free text, so the
answers mix English and Chinese, short and long narratives, one to three incidents, recent and
old dates, and keywords that trigger (or do not trigger) the urgency rules.
"""

import datetime
import random

from intake.web import choices

VIOLATIONS = [c.value for c in choices.VIOLATIONS]
PERPETRATORS = [c.value for c in choices.PERPETRATORS]
STATUSES = ["detained"] * 4 + ["free"] * 2 + ["whereabouts_unknown", "house_arrest", "abroad", "deceased"]
PROVINCES = ["Sichuan", "Xinjiang", "Beijing", "Guangdong", "Hong Kong", "Tibet", "Inner Mongolia", "Shanghai",
             "Hubei", "Henan", "四川", "北京", "广东", "Germany", "Canada"]
PLACES = ["Chengdu No. 1 detention centre", "Urumqi airport", "police station, Haidian district", "their home",
          "成都市看守所", "a hotel used for RSDL", "the border crossing at Shenzhen", "Kashgar", ""]
SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Ilham", "Tashi", "Gulnar"]
GIVEN = ["Wei", "Fang", "Min", "Jing", "Lei", "Yu", "Qiang", "Ting", "Dorje", "Aziz", "Mei", "Hao"]
HANZI = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "伟", "芳", "敏", "静", "磊", "宇", "强", "婷"]
OCCUPATIONS = ["lawyer", "journalist", "teacher", "petitioner", "citizen journalist", "NGO worker", "student",
               "律师", "维权人士", "farmer", "doctor", "pastor"]

# Sentences for the free-text answers. Some carry the words the urgency and routing rules look
# for (ill-treatment, medical care, trial, relatives taken away, UN meetings); most do not.
NEUTRAL = [
    "They came to the house early in the morning and took him away without showing any document.",
    "Officers from the local public security bureau questioned her for six hours about her contacts abroad.",
    "His phone and computer were taken and have not been returned.",
    "The family was told not to speak to foreign media or to anyone from the United Nations.",
    "She had sent information about her case to a UN mechanism the year before.",
    "Neighbourhood committee staff now visit the home every day and photograph visitors.",
    "The lawyer hired by the family was told the case involves state secrets.",
    "He was released on bail pending further investigation but cannot leave the city.",
    "They asked again and again who helped her write the submission.",
    "The police said the matter would be settled if he stopped posting online.",
    "他们没有出示任何法律文书就把他带走了。", "家属多次到派出所询问，都没有得到答复。",
    "警察警告她不要再和联合国联系。", "他的微信账号被封，手机被没收。", "社区工作人员每天上门。",
    "She was followed by two plain-clothes officers whenever she left the apartment.",
    "The authorities pressured his employer, and he lost his job a week later.",
    "Her passport was confiscated at the airport on her way to Geneva.",
]
TRIGGERS = [
    "In custody he was beaten and not allowed to sleep for several days.",
    "He was denied medication for his heart condition.",
    "She has diabetes and has had no access to a doctor since she was detained.",
    "The trial is scheduled for next month and the family has not been allowed to appoint a lawyer.",
    "His wife and brother were also detained and taken away.",
    "The police threatened to kill him if he spoke to the UN again.",
    "She is on hunger strike.",
    "He was put in the tiger chair during interrogation.",
    "在看守所里他被殴打，不让睡觉。", "他有高血压，被拒绝就医。", "他的妻子也被抓走了。",
    "She was held in solitary confinement and forced to make a televised confession.",
    "He was due to attend the Human Rights Council session in Geneva but was stopped at the border.",
]


def _text(rng: random.Random, length: int, trigger_rate: float) -> str:
    sentences = []
    while sum(len(s) + 1 for s in sentences) < length:
        pool = TRIGGERS if rng.random() < trigger_rate else NEUTRAL
        sentences.append(rng.choice(pool))
    return " ".join(sentences)


def _date(day: datetime.date, rng: random.Random, ongoing: bool) -> str:
    style = rng.random()
    if style < 0.45:
        return f"{day.year}-{day.month:02d}"
    if style < 0.85:
        return day.isoformat()
    if style < 0.95:
        return f"{day.year}年{day.month}月{day.day}日"
    return str(day.year) if ongoing else f"{day.year}/{day.month}"  # a year alone only when ongoing


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)} {''.join(rng.choices(HANZI, k=3))}"


def _incident(rng: random.Random, n: int, received: datetime.date) -> dict:
    start = received - datetime.timedelta(days=int(rng.expovariate(1 / 240)))
    ongoing = rng.random() < 0.45
    p = f"incidents-{n}-"
    answers = {
        p + "violations": rng.sample(VIOLATIONS, k=rng.choice([1, 1, 2, 2, 3, 4])),
        p + "start_date": _date(start, rng, ongoing),
        p + "province": rng.choice(PROVINCES),
        p + "place": rng.choice(PLACES),
        # Mostly a paragraph or two; now and then several pages (the form allows 20,000).
        p + "narrative": _text(rng, int(min(19_000, rng.lognormvariate(6.6, 0.9))), 0.15),
        p + "perpetrator": rng.choice(PERPETRATORS),
        p + "perpetrator_details": rng.choice(["guobao unit", "国保大队", "two officers, names unknown", ""]),
    }
    if ongoing:
        answers[p + "ongoing"] = "y"
    elif rng.random() < 0.7:
        end = min(received, start + datetime.timedelta(days=rng.randint(0, 120)))
        answers[p + "end_date"] = end.isoformat()
    if rng.random() < 0.4:
        answers[p + "start_approximate"] = "y"
    for field, chance, length, triggers in (("legal_basis", 0.4, 80, 0.0), ("warrant", 0.3, 60, 0.0),
                                            ("lawyer_and_family", 0.5, 200, 0.3), ("ill_treatment", 0.25, 250, 0.6),
                                            ("family_affected", 0.25, 150, 0.3)):
        if rng.random() < chance:
            answers[p + field] = _text(rng, length, triggers)
    return answers


def report_answers(rng: random.Random, received: datetime.datetime) -> dict:
    """One report's answers; `received` bounds the incident dates."""
    anonymous = rng.random() < 0.25
    status = rng.choice(STATUSES)
    group = rng.random() < 0.08
    answers = {
        "relation": rng.choice([c.value for c in choices.RELATIONS]),
        "how_known": rng.choice([c.value for c in choices.HOW_KNOWN]),
        "victim_kind": "group" if group else "individual",
        "victim_name": "" if group and rng.random() < 0.5 else _name(rng),
        "victim_name_other": "".join(rng.choices(HANZI, k=3)) if rng.random() < 0.5 else "",
        "victim_sex": rng.choice(["", "female", "male"]),
        "victim_age": rng.choice(["45", "about 60", f"born {rng.randint(1940, 2004)}", "1975年生", "", "32岁"]),
        "victim_nationality": rng.choice(["Chinese", "中国", ""]),
        "victim_ethnicity": rng.choice(["Han", "Uyghur", "Tibetan", "Mongolian", "", ""]),
        "victim_occupation": rng.choice(OCCUPATIONS),
        "victim_hr_work": _text(rng, rng.choice([0, 80, 300]), 0.0),
        "victim_is_defender": rng.choice(["", "yes", "yes", "no"]),
        "status": status,
        "health": _text(rng, 120, 0.5) if rng.random() < 0.35 else "",
        "un_body": rng.choice([c.value for c in choices.UN_BODIES]),
        "cooperation_kind": rng.choice([c.value for c in choices.COOPERATION_KINDS]),
        "cooperation_date": rng.choice(["", "2023-10", "2024-03", "2025", f"{received.year}-{received.month:02d}"]),
        "link_evidence": _text(rng, rng.choice([0, 100, 400]), 0.1),
        "remedies": _text(rng, rng.choice([0, 60, 300]), 0.0),
        "consent_store": "y",
        "consent_share_un": rng.choice(["yes", "yes", "yes", "no", "ask_later"]),
        "consent_name_public": rng.choice([c.value for c in choices.NAME_PUBLIC]),
        "consent_sg_report": rng.choice([c.value for c in choices.SG_REPORT]),
        "consent_given_by": rng.choice([c.value for c in choices.CONSENT_GIVEN_BY]),
        "still_in_china": rng.choice(["", "yes", "no"]),
        "never_disclose": rng.choice(["", "", "the daughter's school", "不要公开他家人的名字"]),
    }
    if group:
        answers["group_size"] = str(rng.randint(2, 300))
    if anonymous:
        answers["anonymous"] = "y"
    else:
        answers.update({"reporter_name": _name(rng), "reporter_organisation": rng.choice(["", "CHRD", "a family group"]),
                        "contact_channel": rng.choice(["", "signal", "email"]),
                        "contact_details": rng.choice(["", "+41 00 000 00 00", "someone@example.org"])})
    if status == "detained":
        answers.update({"detention_place": rng.choice(PLACES[:5]), "holding_authority": "Public Security Bureau"})
    day = received.date()
    for n in range(rng.choice([1, 1, 1, 1, 2, 2, 3])):
        answers.update(_incident(rng, n, day))
    return {k: v for k, v in answers.items() if v != ""}


def follow_up_answers(rng: random.Random, receipt: str) -> dict:
    """A follow-up quoting `receipt`, typed as people type it (case, spaces, no dashes)."""
    typed = rng.choice([receipt, receipt.lower(), receipt.replace("-", " "), receipt.replace("-", "")])
    return {"receipt": typed, "message": _text(rng, int(rng.lognormvariate(5.5, 0.8)), 0.2), "consent_store": "y"}
