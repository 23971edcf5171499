"""Three realistic reprisal cases, as reporters would type them into the real form.

They follow the patterns of public reporting on reprisals against people who cooperate with the
UN (OHCHR's annual reprisals reports, HRC/48/28 to A/HRC/57/30; CHRD and HRW on China), but the
people are invented: the golden files must not carry a real family's name.

- DETENTION: a defender detained at the airport on her way to China's Universal Periodic Review
  in Geneva, held incommunicado and denied medical care for a chronic illness; written in
  Simplified Chinese by her brother.
- EXIT_BAN: the wife of a detained lawyer stopped at the border on her way to brief a treaty body,
  her passport taken; written in English by herself.
- DISAPPEARANCE: a retired teacher who disappeared in Xinjiang after his son testified before a
  treaty body; written in Uyghur by the son, who lives abroad.
"""

DETENTION = {
    "lang": "zh-Hans",
    "answers": {
        "relation": "family",
        "how_known": "direct",
        "contact_channel": "signal",
        "contact_details": "Signal +852 6123 4567",
        "reporter_name": "李明",
        "victim_kind": "individual",
        "victim_name": "李华",
        "victim_name_other": "Li Hua",
        "victim_sex": "female",
        "victim_age": "52",
        "victim_nationality": "中国",
        "victim_ethnicity": "汉族",
        "victim_occupation": "退休会计",
        "victim_hr_work": "多年帮助北京的访民了解自己的权利，并为联合国对中国的普遍定期审议收集访民的证词。",
        "victim_is_defender": "yes",
        "victim_residence": "北京市",
        "status": "detained",
        "detention_place": "北京市朝阳区看守所",
        "detention_kind": "detention_centre",
        "arrest_date": "2025-09-14",
        "arrest_place": "首都国际机场",
        "charges": ["picking_quarrels"],
        "charges_wording": "涉嫌寻衅滋事罪",
        "holding_authority": "北京市公安局朝阳分局",
        "health": "患有肝硬化和肺结核，需要每天服药。看守所拒绝让她住院治疗，家属送去的药被退回。",
        "un_body": "upr",
        "cooperation_kind": "travel",
        "cooperated_by": "victim",
        "cooperation_date": "2025-09",
        "link_evidence": "审讯时警察追问她要去日内瓦见哪些联合国人员，说她“勾结境外势力抹黑中国”。",
        "incidents-0-violations": ["ARBITRARY_DETENTION", "DENIAL_OF_MEDICAL_CARE", "DENIAL_OF_LAWYER_OF_CHOICE"],
        "incidents-0-start_date": "2025-09-14",
        "incidents-0-ongoing": "y",
        "incidents-0-province": "北京",
        "incidents-0-place": "首都国际机场",
        "incidents-0-narrative": "她在首都国际机场准备登机去日内瓦参加对中国的普遍定期审议时，被几名便衣带走。"
                                 "家属直到一个月后才收到刑事拘留通知书。",
        "incidents-0-perpetrator": "state_security",
        "incidents-0-perpetrator_details": "北京市国家安全局",
        "incidents-0-legal_basis": "以涉嫌“寻衅滋事罪”刑事拘留。",
        "incidents-0-warrant": "带走时没有出示任何文书。",
        "incidents-0-lawyer_and_family": "家属聘请的律师三次申请会见都被拒绝，理由是案件“涉及国家安全”。",
        "incidents-0-ill_treatment": "被连续审讯，审讯期间不给她服药。",
        "incidents-0-family_affected": "她的弟弟被国保约谈，被警告不要接受境外媒体采访。",
        "related-0-relation": "sibling",
        "related-0-name": "李明",
        "related-0-minor": "no",
        "related-0-lives": "china",
        "related-0-violations": ["THREATS", "SURVEILLANCE"],
        "related-0-what_happened": "被国保约谈两次，家门口装了摄像头。",
        "related-0-consent_named": "no",
        "imminent_kind": "trial",
        "imminent_date_unsure": "y",
        "imminent_details": "律师听说案件已移送检察院。",
        "remedies": "律师向朝阳区检察院申请羁押必要性审查，没有收到任何答复。",
        "remedies_response": "检察院没有答复；看守所说“上面不让见”。",
        "government_replied": "",
        "earlier_sg_report": "no",
        "consent_store": "y",
        "consent_share_un": "yes",
        "consent_name_public": "yes",
        "consent_sg_report": "named",
        "consent_given_by": "family",
        "still_in_china": "yes",
        "never_disclose": "弟弟的工作单位",
    },
    "mandates": ["WGAD", "SR-HEALTH", "SR-HRD"],
    # The organisation's translator, into the letter's language (intake translate).
    "translations": {
        "imminent.details": "The lawyer heard that the case has been sent to the procuratorate.",
        "incidents[0].family_affected": "Her younger brother was summoned for a talk by the domestic security police "
                                        "and warned not to speak to foreign media.",
        "incidents[0].ill_treatment": "Interrogated for long stretches, and not given her medicine during them.",
        "incidents[0].lawyer_and_family": "The lawyer the family hired asked three times to meet her and was refused "
                                          "each time, on the grounds that the case \"involves state security\".",
        "incidents[0].legal_basis": "Placed under criminal detention on suspicion of \"picking quarrels and provoking "
                                    "trouble\".",
        "incidents[0].narrative": "As she was about to board her flight to Geneva for the Universal Periodic Review of "
                                  "China at Beijing Capital International Airport, several plain-clothes officers took "
                                  "her away. The family received the criminal detention notice only a month later.",
        "incidents[0].perpetrator.details": "Beijing Municipal State Security Bureau",
        "incidents[0].place": "Beijing Capital International Airport",
        "incidents[0].province": "Beijing",
        "incidents[0].warrant": "No document of any kind was shown when she was taken.",
        "related_persons[0].what_happened": "Summoned twice for talks by the domestic security police; a camera was "
                                            "installed outside his door.",
        "remedies.response": "The procuratorate did not answer; the detention centre said \"orders from above: no "
                             "visits\".",
        "victim.arrest_place": "Beijing Capital International Airport",
        "victim.charges_wording": "On suspicion of picking quarrels and provoking trouble",
        "remedies.domestic": "The lawyer applied to the district procuratorate for a review of the need for continued "
                             "detention, and received no answer.",
        "un_cooperation.link_evidence": "During interrogation the police pressed her on which UN staff she was going to "
                                        "meet in Geneva, and said she was \"colluding with foreign forces to smear "
                                        "China\".",
        "victim.detention_place": "Chaoyang District Detention Centre, Beijing",
        "victim.ethnicity": "Han",
        "victim.health": "Has cirrhosis of the liver and tuberculosis and needs medication every day. The detention "
                         "centre refused to let her be treated in hospital, and the medicine the family brought was "
                         "sent back.",
        "victim.holding_authority": "Chaoyang Branch of the Beijing Municipal Public Security Bureau",
        "victim.human_rights_work": "For years she helped petitioners in Beijing learn their rights, and gathered "
                                    "petitioners' testimony for the UN's Universal Periodic Review of China.",
        "victim.nationality": "Chinese",
        "victim.occupation": "Retired accountant",
        "victim.residence": "Beijing",
    },
    # What the organisation learnt from the UN and the lawyer, not from the form.
    "facts": ["government_replied=no_letter", "ordering_authority=Beijing Municipal Public Security Bureau, Chaoyang Branch",
              "affiliation=A volunteer network of petitioners' helpers in Beijing, with no registered head"],
    "consent": ["--given-by", "family", "--date", "2025-10-20", "--channel", "secure-message",
                "--risks-explained", "yes", "--scope", "un-sp,reprisals-named"],
}

EXIT_BAN = {
    "lang": "en",
    "answers": {
        "anonymous": "y",
        "relation": "self",
        "how_known": "direct",
        "victim_kind": "individual",
        "victim_name": "Zhou Lin",
        "victim_name_other": "周琳",
        "victim_sex": "female",
        "victim_age": "41",
        "victim_nationality": "Chinese",
        "victim_occupation": "primary school teacher",
        "victim_hr_work": "Campaigns for the release of her husband, a human rights lawyer, and speaks for the families "
                          "of detained lawyers.",
        "victim_is_defender": "yes",
        "victim_residence": "Shanghai",
        "status": "free",
        "un_body": "treaty_body",
        "cooperation_kind": "planned",
        "cooperated_by": "victim",
        "cooperation_date": "2026-05",
        "link_evidence": "The border officer said she was stopped because she was going to Geneva to \"make trouble "
                         "at the UN\", and asked who had invited her to the Committee against Torture.",
        "un_already_raised": "Her husband's case is in an earlier communication of the Working Group.",
        "incidents-0-violations": ["EXIT_BAN", "PASSPORT_DENIAL", "SURVEILLANCE"],
        "incidents-0-start_date": "2026-05-03",
        "incidents-0-ongoing": "y",
        "incidents-0-province": "Shanghai",
        "incidents-0-place": "Pudong International Airport",
        "incidents-0-narrative": "At the border check for her flight to Geneva, officers took her passport and told her "
                                 "she may not leave the country. Since then a car waits outside her building and she "
                                 "is followed to work.",
        "incidents-0-perpetrator": "police",
        "incidents-0-perpetrator_details": "exit and entry border inspection station",
        "incidents-0-legal_basis": "Told that her departure \"may endanger state security\" under Article 12 of the "
                                   "Exit and Entry Administration Law.",
        "incidents-0-warrant": "No written decision was given.",
        "related-0-relation": "spouse",
        "related-0-name": "Chen Gang",
        "related-0-minor": "no",
        "related-0-lives": "china",
        "related-0-violations": ["ARBITRARY_DETENTION", "UNFAIR_TRIAL"],
        "related-0-what_happened": "A lawyer serving a sentence for subversion; family visits stopped after she "
                                   "applied for the trip.",
        "related-0-consent_named": "yes",
        "remedies": "Applied in writing to the exit and entry administration for the reason; no answer.",
        "remedies_response": "None in writing; by phone an officer said the decision \"came from above\".",
        "government_replied": "",  # not sure
        "earlier_sg_report": "",  # not sure
        "others_informed": "Told a lawyers' group abroad.",
        "consent_store": "y",
        "consent_share_un": "yes",
        "consent_name_public": "anonymised",
        "consent_sg_report": "anonymised",
        "consent_given_by": "victim",
        "still_in_china": "yes",
    },
    "mandates": ["SR-HRD", "SR-FOE"],
    "translations": {},  # written in English, the letter's language
    "facts": ["government_replied=yes", "earlier_sg_report_year=2024", "un_reference=CHN 6/2024"],
    "consent": ["--given-by", "victim", "--date", "2026-05-20", "--channel", "video",
                "--risks-explained", "yes", "--scope", "un-sp,reprisals-anonymised"],
}

DISAPPEARANCE = {
    "lang": "ug",
    "answers": {
        "relation": "family",
        "how_known": "direct",
        "contact_channel": "email",
        "contact_details": "memet.son@example.org",
        "reporter_name": "ئەخمەت مەمەت",
        "victim_kind": "individual",
        "victim_name": "مەمەت ئابلىز",
        "victim_name_other": "Memet Abliz",
        "victim_sex": "male",
        "victim_age": "68",
        "victim_nationality": "جۇڭگو",
        "victim_ethnicity": "ئۇيغۇر",
        "victim_religion": "ئىسلام",
        "victim_occupation": "پېنسىيەگە چىققان ئوقۇتقۇچى",
        "victim_is_defender": "no",
        "victim_residence": "قەشقەر",
        "status": "whereabouts_unknown",
        "un_body": "treaty_body",
        "cooperation_kind": "testimony",
        "cooperated_by": "related_person",
        "cooperation_date": "2022-08",
        "link_evidence": "ساقچى ئۇنىڭغا ئوغلىڭىز ب د ت دا دۆلەتكە قارشى سۆز قىلدى دېگەن.",
        "incidents-0-violations": ["ENFORCED_DISAPPEARANCE", "HARASSMENT_OF_FAMILY", "MINORITY_TARGETING"],
        "incidents-0-start_date": "2022-09",
        "incidents-0-start_approximate": "y",
        "incidents-0-ongoing": "y",
        "incidents-0-province": "شىنجاڭ",
        "incidents-0-place": "قەشقەر",
        "incidents-0-narrative": "ئوغلى ب د ت دا گۇۋاھلىق بەرگەندىن كېيىن، ساقچىلار ئۇنى ئۆيىدىن ئېلىپ كەتتى. "
                                 "شۇنىڭدىن بېرى ئائىلىسى ئۇنىڭ قەيەردە ئىكەنلىكىنى بىلمەيدۇ.",
        "incidents-0-perpetrator": "police",
        "incidents-0-lawyer_and_family": "ئائىلىسىگە ھېچقانداق ئۇقتۇرۇش بېرىلمىدى.",
        "detention_kind": "unsure",
        "arrest_date": "2022-09",
        "arrest_place": "قەشقەر",
        "charges": ["none_known"],
        "government_replied": "no_letter",
        "earlier_sg_report": "no",
        "remedies": "ئائىلىسى ساقچىخانىغا ئۈچ قېتىم بېرىپ سورىدى، ھېچقانداق جاۋاب بېرىلمىدى.",
        "consent_store": "y",
        "consent_share_un": "yes",
        "consent_name_public": "yes",
        "consent_sg_report": "named",
        "consent_given_by": "family",
        "still_in_china": "no",
    },
    "mandates": ["WGEID", "SR-MIN"],
    "translations": {
        "incidents[0].lawyer_and_family": "The family was given no notice of any kind.",
        "incidents[0].narrative": "After his son testified at the UN, police took him away from his home. Since then "
                                  "the family does not know where he is.",
        "incidents[0].place": "Kashgar",
        "incidents[0].province": "Xinjiang",
        "remedies.domestic": "The family went to the police station three times to ask; no answer was given.",
        "un_cooperation.link_evidence": "The police told him: your son spoke against the state at the UN.",
        "victim.arrest_place": "Kashgar",
        "victim.ethnicity": "Uyghur",
        "victim.nationality": "Chinese",
        "victim.occupation": "Retired teacher",
        "victim.religion": "Islam",
        "victim.residence": "Kashgar",
    },
    "facts": ["family_contact=yes"],
    "consent": ["--given-by", "family", "--date", "2023-01-15", "--channel", "video",
                "--risks-explained", "yes", "--scope", "un-sp,reprisals-named"],
}

CASES = {"detention": DETENTION, "exit-ban": EXIT_BAN, "disappearance": DISAPPEARANCE}
