"""Chinese surnames: characters (simplified and traditional), share of the population, romanisations.

The shares are rounded per cent of the population of mainland China (the 2020 census as the
Ministry of Public Security published it; the long tail below 0.1 % is written 0.05 and 0.02).
They weigh the evidence for a name: 王 before two characters is a name far more often than 蒲. Their
romanisations come from three sources: pinyin from pypinyin (with the surname readings of
names.SURNAME_READINGS), Wade-Giles converted from the pinyin (as Taiwan and older English
reporting write them: Hsu, Chiang, Tsai), and the Hong Kong (Cantonese) and other spellings in
the table itself (Chan, Wong, Cheung, Tsang, Szeto), which no rule derives.
"""

from dataclasses import dataclass
from functools import cache

from pypinyin import Style
from pypinyin.style import convert

# simplified, traditional ("-": the same), per cent, Hong Kong / Taiwan / other spellings
_TABLE = """
王 - 7.1 Wong,Vong
李 - 7.0 Lee,Lei
张 張 6.8 Cheung,Chang,Teo
刘 劉 5.4 Lau,Liu,Lao
陈 陳 4.6 Chan,Chen,Tan,Chin
杨 楊 3.1 Yeung,Yang,Yeo
黄 黃 2.4 Wong,Huang,Ng,Ooi
赵 趙 2.3 Chiu,Chao
吴 吳 2.1 Ng,Wu,Goh
周 - 2.0 Chow,Chau,Chou
徐 - 1.7 Tsui,Hsu,Chee
孙 孫 1.5 Suen,Sun
马 馬 1.4 Ma,Mah
朱 - 1.3 Chu,Choo
胡 - 1.3 Wu,Hu,Woo
郭 - 1.2 Kwok,Kuo,Kok
何 - 1.2 Ho,Hoh
林 - 1.1 Lam,Lin,Lim
高 - 1.1 Ko,Kao
罗 羅 1.0 Law,Lo,Loh
郑 鄭 1.0 Cheng,Cheang,Tay
梁 - 0.9 Leung,Liang,Neo
谢 謝 0.8 Tse,Hsieh,Chia
宋 - 0.8 Sung,Soong
唐 - 0.8 Tong,Tang
许 許 0.7 Hui,Hsu,Koh
韩 韓 0.7 Hon,Han
冯 馮 0.7 Fung,Feng
邓 鄧 0.7 Tang,Teng
曹 - 0.6 Tso,Tsao,Cho
彭 - 0.6 Pang,Peng,Phang
曾 - 0.6 Tsang,Tseng,Chan
肖 - 0.6 Siu,Hsiao
萧 蕭 0.1 Siu,Hsiao,Seow
田 - 0.6 Tin,Tien
董 - 0.5 Tung
袁 - 0.5 Yuen,Yuan
潘 - 0.5 Poon,Pun,Pan
于 - 0.5 Yu,Yue
蒋 蔣 0.5 Tseung,Chiang
蔡 - 0.5 Choi,Tsoi,Tsai,Chua
余 - 0.5 Yu,Yue,Yee
杜 - 0.5 To,Tu
叶 葉 0.4 Yip,Yeh,Yap
程 - 0.4 Ching,Cheng
苏 蘇 0.4 So,Su,Soh
魏 - 0.4 Ngai,Wei
吕 呂 0.4 Lui,Lu,Lue
丁 - 0.4 Ting
任 - 0.4 Yam,Jen
沈 - 0.4 Shum,Sham,Shen
姚 - 0.4 Yiu,Yao
卢 盧 0.4 Lo,Lu,Lou
姜 - 0.4 Keung,Chiang
崔 - 0.3 Tsui,Tsuei
钟 鍾 0.3 Chung,Chong
谭 譚 0.3 Tam,Tan
陆 陸 0.3 Luk,Lu
汪 - 0.3 Wong,Wang
范 範 0.3 Fan
金 - 0.3 Kam,Chin,Kim
石 - 0.3 Shek,Shih
廖 - 0.3 Liu,Liao
贾 賈 0.3 Ka,Chia
夏 - 0.3 Ha,Hsia
韦 韋 0.3 Wai,Wei
付 - 0.3 Fu
傅 - 0.1 Fu,Foo
方 - 0.3 Fong,Fang
白 - 0.2 Pak,Pai
邹 鄒 0.2 Chow,Chau,Tsou
孟 - 0.2 Mang,Meng
熊 - 0.2 Hung,Hsiung
秦 - 0.2 Chun,Chin
邱 - 0.2 Yau,Chiu,Khoo
江 - 0.2 Kong,Chiang
尹 - 0.2 Wan,Yin
薛 - 0.2 Sit,Hsueh
闫 閆 0.2 Yim,Yen
阎 閻 0.05 Yim,Yen
段 - 0.2 Tuen,Tuan
雷 - 0.2 Lui,Lei
侯 - 0.2 Hau,Hou
龙 龍 0.2 Lung,Long
史 - 0.2 Sze,Shih
陶 - 0.2 To,Tao
黎 - 0.2 Lai,Li
贺 賀 0.2 Ho,Ho
顾 顧 0.2 Koo,Ku
毛 - 0.2 Mo,Mao
郝 - 0.2 Kok,Hao
龚 龔 0.2 Kung,Kung
邵 - 0.2 Shiu,Shao
万 萬 0.2 Man,Wan
钱 錢 0.2 Chin,Chien
严 嚴 0.2 Yim,Yen
覃 - 0.1 Tam,Chin
武 - 0.2 Mo,Wu
戴 - 0.2 Tai
莫 - 0.1 Mok,Mo
孔 - 0.1 Hung,Kung
向 - 0.1 Heung,Hsiang
汤 湯 0.1 Tong,Tang
常 - 0.1 Sheung,Chang
温 溫 0.1 Wan,Wen,Woon
康 - 0.1 Hong,Kang
施 - 0.1 Sze,Shih,Sy
文 - 0.1 Man,Wen
牛 - 0.1 Ngau,Niu
樊 - 0.1 Fan
葛 - 0.1 Kot,Ko
邢 - 0.1 Ying,Hsing
安 - 0.1 On,An
齐 齊 0.1 Chai,Chi
易 - 0.1 Yik,Yi
乔 喬 0.1 Kiu,Chiao
伍 - 0.1 Ng,Wu
庞 龐 0.1 Pong,Pang
颜 顏 0.1 Ngan,Yen
倪 - 0.1 Ngai,Ni
庄 莊 0.1 Chong,Chuang
聂 聶 0.1 Nip,Nieh
章 - 0.1 Cheung,Chang
鲁 魯 0.1 Lo,Lu
岳 - 0.1 Ngok,Yueh
翟 - 0.1 Chak,Chai
殷 - 0.1 Yan,Yin
詹 - 0.1 Chim,Chan
申 - 0.1 San,Shen
欧 歐 0.1 Au,Ou
耿 - 0.1 Kang,Keng
关 關 0.1 Kwan,Kuan
兰 蘭 0.1 Lan
焦 - 0.1 Chiu,Chiao
俞 - 0.1 Yu,Yue
左 - 0.1 Cho,Tso
柳 - 0.1 Lau,Liu
甘 - 0.1 Kam,Kan
祝 - 0.1 Chuk,Chu
包 - 0.1 Pau,Pao
宁 寧 0.1 Ning
尚 - 0.1 Sheung,Shang
符 - 0.1 Fu
舒 - 0.1 Shu
阮 - 0.1 Yuen,Juan
柯 - 0.1 Or,Ko,Kua
纪 紀 0.1 Kei,Chi
梅 - 0.1 Mui,Mei
童 - 0.1 Tung
凌 - 0.1 Ling
毕 畢 0.1 Pat,Pi
单 單 0.05 Shin,Shan
季 - 0.1 Kwai,Chi
裴 - 0.1 Pui,Pei
霍 - 0.1 Fok,Huo
涂 塗 0.1 To,Tu
成 - 0.1 Shing,Cheng
苗 - 0.1 Miu,Miao
谷 - 0.1 Kuk,Ku
盛 - 0.1 Shing,Sheng
曲 - 0.1 Kuk,Chu
翁 - 0.1 Yung,Weng
冉 - 0.1 Yim,Jan
骆 駱 0.1 Lok,Lo
蓝 藍 0.1 Lam,Lan
路 - 0.1 Lo,Lu
游 - 0.1 Yau,Yu
辛 - 0.1 San,Hsin
靳 - 0.1 Kan,Chin
管 - 0.1 Kun,Kuan
柴 - 0.1 Chai,Chai
蒙 - 0.1 Mung,Meng
鲍 鮑 0.1 Pau,Pao
华 華 0.1 Wah,Hua
喻 - 0.1 Yu
祁 - 0.1 Kei,Chi
蒲 - 0.1 Po,Pu
房 - 0.1 Fong,Fang
滕 - 0.1 Tang,Teng
屈 - 0.1 Wat,Chu
饶 饒 0.1 Yiu,Jao
解 - 0.05 Hai,Hsieh
牟 - 0.1 Mau,Mou
艾 - 0.1 Ngai,Ai
尤 - 0.1 Yau,Yu
阳 陽 0.05 Yeung,Yang
时 時 0.1 Si,Shih
穆 - 0.1 Muk,Mu
农 農 0.05 Nung
司 - 0.05 Sze,Szu
卓 - 0.05 Cheuk,Cho
古 - 0.05 Koo,Ku
吉 - 0.05 Kat,Chi
缪 繆 0.05 Mau,Miao
简 簡 0.05 Kan,Chien
车 車 0.05 Che,Chu
项 項 0.05 Hong,Hsiang
连 連 0.05 Lin,Lien
麦 麥 0.05 Mak,Mai
褚 - 0.05 Chu
娄 婁 0.05 Lau,Lou
窦 竇 0.05 Tau,Tou
戚 - 0.05 Chik,Chi
岑 - 0.05 Shum,Sham,Tsen
景 - 0.05 King,Ching
党 黨 0.05 Tong,Tang
宫 宮 0.05 Kung,Kung
费 費 0.05 Fai,Fei
卜 - 0.05 Pok,Pu
冷 - 0.05 Lang,Leng
晏 - 0.05 Ngan,Yen
席 - 0.05 Chik,Hsi
卫 衛 0.05 Wai,Wei
米 - 0.05 Mai,Mi
柏 - 0.05 Pak,Po
宗 - 0.05 Chung,Tsung
桂 - 0.05 Kwai,Kuei
全 - 0.05 Chuen,Chuan
佟 - 0.05 Tung
应 應 0.05 Ying
臧 - 0.05 Chong,Tsang
闵 閔 0.05 Man,Min
苟 - 0.05 Kau,Kou
邬 鄔 0.05 Wu
边 邊 0.05 Pin,Pien
卞 - 0.05 Pin,Pien
姬 - 0.05 Kei,Chi
师 師 0.05 Sze,Shih
和 - 0.02 Wo,Ho
仇 - 0.02 Sau,Chiu
栾 欒 0.02 Luen,Luan
隋 - 0.02 Chui,Sui
商 - 0.02 Sheung,Shang
刁 - 0.02 Tiu,Tiao
沙 - 0.02 Sha
荣 榮 0.02 Wing,Jung
巫 - 0.02 Mo,Wu
寇 - 0.02 Kau,Kou
桑 - 0.02 Song,Sang
郎 - 0.02 Long,Lang
甄 - 0.02 Yan,Chen
丛 叢 0.02 Chung,Tsung
仲 - 0.02 Chung
虞 - 0.02 Yu
敖 - 0.02 Ngo,Ao
巩 鞏 0.02 Kung
明 - 0.02 Ming
佘 - 0.02 Sher,She
池 - 0.02 Chi,Chih
查 - 0.02 Cha,Cha
麻 - 0.02 Ma
苑 - 0.02 Yuen,Yuan
迟 遲 0.02 Chi,Chih
邝 鄺 0.02 Kwong,Kuang
洪 - 0.1 Hung,Ang
赖 賴 0.1 Lai,Lua
丘 - 0.02 Yau,Chiu
冼 - 0.02 Sin,Hsien
利 - 0.02 Lee,Li
植 - 0.02 Chik,Chih
容 - 0.02 Yung,Jung
浦 - 0.02 Po,Pu
耿 - 0.1 Kang,Keng
区 區 0.02 Au,Ou
欧阳 歐陽 0.05 Au-yeung,Auyeung,Ouyang
司马 司馬 0.02 Sze-ma,Szema,Ssuma
诸葛 諸葛 0.02 Chu-kot,Chuko
上官 - 0.02 Sheung-kwun,Shangkuan
东方 東方 0.02 Tung-fong,Tungfang
皇甫 - 0.02 Wong-po,Huangfu
令狐 - 0.02 Ling-wu,Linghu
慕容 - 0.02 Mo-yung,Mujung
司徒 - 0.02 Szeto,Seto,Situ,Ssutu
夏侯 - 0.02 Ha-hau,Hsiahou
尉迟 尉遲 0.02 Wat-chi,Yuchih
公孙 公孫 0.02 Kung-suen,Kungsun
长孙 長孫 0.02 Cheung-suen,Changsun
宇文 - 0.02 Yu-man,Yuwen
端木 - 0.02 Tuen-muk,Tuanmu
独孤 獨孤 0.02 Tuk-koo,Tuku
南宫 南宮 0.02 Nam-kung,Nankung
西门 西門 0.02 Sai-mun,Hsimen
申屠 - 0.02 San-to,Shentu
轩辕 軒轅 0.02 Hin-yuen,Hsuanyuan
澹台 澹臺 0.02 Tam-toi,Tantai
闻人 聞人 0.02 Man-yan,Wenjen
"""


@dataclass(frozen=True)
class Surname:
    simplified: str
    traditional: str
    share: float  # per cent of the population
    other_spellings: tuple[str, ...]  # Hong Kong, Taiwan and other spellings, as written


def _rows() -> tuple[Surname, ...]:
    rows: dict[str, Surname] = {}
    for line in _TABLE.strip().splitlines():
        simplified, traditional, share, others = line.split()
        rows.setdefault(simplified, Surname(simplified, simplified if traditional == "-" else traditional, float(share),
                                            tuple(others.split(","))))
    return tuple(rows.values())


SURNAMES = _rows()
COMPOUND_SURNAMES = frozenset(s.simplified for s in SURNAMES if len(s.simplified) == 2) | frozenset(
    s.traditional for s in SURNAMES if len(s.traditional) == 2)
_BY_HANZI = {form: s for s in SURNAMES for form in (s.simplified, s.traditional)}


def surname_at(text: str, start: int) -> Surname | None:
    """The surname that begins text[start:], a double surname before a single one."""
    return _BY_HANZI.get(text[start:start + 2]) or _BY_HANZI.get(text[start:start + 1])


def weight(surname: Surname) -> float:
    """0.5 for the rarest surnames in the table up to 1.5 for 王, 李, 张: evidence, not proof."""
    return 0.5 + min(surname.share, 5.0) / 5.0


def _ascii(spelling: str) -> str:
    return spelling.lower().replace("'", "").replace("’", "").replace("ü", "u").replace("-", "")


@cache
def latin_surnames() -> dict[str, frozenset[str]]:
    """Every Latin spelling of the surnames (lower case, no hyphen or apostrophe) -> their Hanzi."""
    from .names import reading  # names imports this module: read the table first, then pinyin

    out: dict[str, set[str]] = {}
    for s in SURNAMES:
        syllables = reading(s.simplified, surname=True)
        spellings = {"".join(syllables)} | {_ascii(o) for o in s.other_spellings}
        spellings.add(_ascii("".join(convert(syl, Style.WADEGILES, True) for syl in syllables)))
        for spelling in spellings:
            out.setdefault(spelling.replace("v", "u"), set()).add(s.simplified)
    return {k: frozenset(v) for k, v in out.items()}
