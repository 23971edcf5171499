"""The 34 provincial-level divisions of China, some major cities, and the countries abroad where
reprisals reach people (transnational repression), for recognising and generalising places.

A place that mentions a province or one of these cities generalises to the province; a place that
names a country abroad (or one of the diaspora's cities) to the country; anything else to "a
place in China". Names are given in simplified and traditional Hanzi, pinyin and the common
English or minority forms (Tibet/Xizang, Ürümqi/Urumchi, Kashgar/Qeshqer, Ngaba/Aba).
"""

from dataclasses import dataclass

from .match import Hit, TermMatcher
from .normalize import is_cjk, match_key


@dataclass(frozen=True)
class Province:
    """A province of China, or a country abroad (`abroad`): the coarsest level of a place."""

    en: str
    zh: str
    abroad: bool = False

    def name_like(self, sample: str) -> str:
        """The province's name in the script of `sample`: Hanzi for a Hanzi place, else English."""
        return self.zh if any(is_cjk(c) for c in sample) else self.en


# (English name, short Hanzi name, other spellings). 4 municipalities, 23 provinces (Taiwan
# included, as in the PRC's own count), 5 autonomous regions, 2 special administrative regions.
_PROVINCES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Beijing", "北京", ("北京市", "Peking")),
    ("Tianjin", "天津", ("天津市",)),
    ("Shanghai", "上海", ("上海市",)),
    ("Chongqing", "重庆", ("重庆市", "重慶", "Chungking")),
    ("Hebei", "河北", ("河北省",)),
    ("Shanxi", "山西", ("山西省",)),
    ("Liaoning", "辽宁", ("辽宁省", "遼寧")),
    ("Jilin", "吉林", ("吉林省",)),
    ("Heilongjiang", "黑龙江", ("黑龙江省", "黑龍江")),
    ("Jiangsu", "江苏", ("江苏省", "江蘇")),
    ("Zhejiang", "浙江", ("浙江省",)),
    ("Anhui", "安徽", ("安徽省",)),
    ("Fujian", "福建", ("福建省",)),
    ("Jiangxi", "江西", ("江西省",)),
    ("Shandong", "山东", ("山东省", "山東")),
    ("Henan", "河南", ("河南省",)),
    ("Hubei", "湖北", ("湖北省",)),
    ("Hunan", "湖南", ("湖南省",)),
    ("Guangdong", "广东", ("广东省", "廣東", "Canton")),
    ("Hainan", "海南", ("海南省",)),
    ("Sichuan", "四川", ("四川省", "Szechuan", "Szechwan")),
    ("Guizhou", "贵州", ("贵州省", "貴州")),
    ("Yunnan", "云南", ("云南省", "雲南")),
    ("Shaanxi", "陕西", ("陕西省", "陝西")),
    ("Gansu", "甘肃", ("甘肃省", "甘肅")),
    ("Qinghai", "青海", ("青海省",)),
    ("Taiwan", "台湾", ("台湾省", "臺灣", "台灣")),
    ("Inner Mongolia", "内蒙古", ("内蒙古自治区", "內蒙古", "Nei Mongol", "Southern Mongolia")),
    ("Guangxi", "广西", ("广西壮族自治区", "廣西")),
    ("Tibet", "西藏", ("西藏自治区", "Xizang", "Tibet Autonomous Region")),
    ("Ningxia", "宁夏", ("宁夏回族自治区", "寧夏")),
    ("Xinjiang", "新疆", ("新疆维吾尔自治区", "新疆維吾爾自治區", "East Turkistan", "East Turkestan")),
    ("Hong Kong", "香港", ("香港特别行政区", "Hongkong")),
    ("Macau", "澳门", ("澳门特别行政区", "澳門", "Macao")),
)

# Provincial capitals and other cities and prefectures that recur in reprisal cases.
_CITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Hebei", ("石家庄", "Shijiazhuang")),
    ("Shanxi", ("太原", "Taiyuan")),
    ("Liaoning", ("沈阳", "瀋陽", "Shenyang", "大连", "Dalian")),
    ("Jilin", ("长春", "長春", "Changchun")),
    ("Heilongjiang", ("哈尔滨", "Harbin")),
    ("Jiangsu", ("南京", "Nanjing", "苏州", "蘇州", "Suzhou")),
    ("Zhejiang", ("杭州", "Hangzhou", "宁波", "Ningbo", "温州", "溫州", "Wenzhou")),
    ("Anhui", ("合肥", "Hefei")),
    ("Fujian", ("福州", "Fuzhou", "厦门", "廈門", "Xiamen")),
    ("Jiangxi", ("南昌", "Nanchang")),
    ("Shandong", ("济南", "濟南", "Jinan", "青岛", "青島", "Qingdao", "临沂", "Linyi")),
    ("Henan", ("郑州", "鄭州", "Zhengzhou")),
    ("Hubei", ("武汉", "武漢", "Wuhan")),
    ("Hunan", ("长沙", "長沙", "Changsha")),
    ("Guangdong", ("广州", "廣州", "Guangzhou", "深圳", "Shenzhen", "东莞", "Dongguan", "佛山", "Foshan")),
    ("Hainan", ("海口", "Haikou")),
    ("Sichuan", ("成都", "Chengdu", "阿坝", "阿壩", "Ngaba", "甘孜", "Kardze", "Garze", "Ganzi")),
    ("Guizhou", ("贵阳", "貴陽", "Guiyang")),
    ("Yunnan", ("昆明", "Kunming")),
    ("Shaanxi", ("西安", "Xi'an")),
    ("Gansu", ("兰州", "蘭州", "Lanzhou", "甘南", "Gannan")),
    ("Qinghai", ("西宁", "西寧", "Xining", "玉树", "玉樹", "Yushu", "Jyekundo")),
    ("Inner Mongolia", ("呼和浩特", "Hohhot")),
    ("Guangxi", ("南宁", "南寧", "Nanning")),
    ("Tibet", ("拉萨", "拉薩", "Lhasa", "日喀则", "日喀則", "Shigatse", "Xigaze", "昌都", "Chamdo", "Qamdo")),
    ("Ningxia", ("银川", "銀川", "Yinchuan")),
    ("Xinjiang", ("乌鲁木齐", "烏魯木齊", "Urumqi", "Ürümqi", "Urumchi", "喀什", "Kashgar", "Kashi", "Qeshqer",
                  "和田", "Hotan", "Khotan", "伊宁", "伊寧", "Yining", "Ghulja", "阿克苏", "Aksu", "吐鲁番",
                  "Turpan", "Turfan")),
    ("Taiwan", ("台北", "臺北", "Taipei", "高雄", "Kaohsiung")),
)

# Countries where the diaspora lives, or through which people are returned (the reprisals
# literature's list: Central Asia, Turkey, South and Southeast Asia, Europe, North America,
# Oceania). Two-letter forms ("US", "UK") are left out: they are ordinary words once folded.
_COUNTRIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("United States", "美国", ("美國", "USA", "United States of America", "America")),
    ("Canada", "加拿大", ()),
    ("United Kingdom", "英国", ("英國", "Britain", "Great Britain", "England", "Scotland")),
    ("Ireland", "爱尔兰", ("愛爾蘭",)),
    ("Germany", "德国", ("德國", "Deutschland")),
    ("France", "法国", ("法國",)),
    ("Netherlands", "荷兰", ("荷蘭", "Holland", "The Netherlands")),
    ("Belgium", "比利时", ("比利時",)),
    ("Switzerland", "瑞士", ()),
    ("Austria", "奥地利", ("奧地利",)),
    ("Italy", "意大利", ("義大利",)),
    ("Spain", "西班牙", ()),
    ("Sweden", "瑞典", ()),
    ("Norway", "挪威", ()),
    ("Denmark", "丹麦", ("丹麥",)),
    ("Finland", "芬兰", ("芬蘭",)),
    ("Poland", "波兰", ("波蘭",)),
    ("Czech Republic", "捷克", ("Czechia",)),
    ("Ukraine", "乌克兰", ("烏克蘭",)),
    ("Russia", "俄罗斯", ("俄羅斯", "Russian Federation")),
    ("Turkey", "土耳其", ("Türkiye", "Turkiye")),
    ("Kazakhstan", "哈萨克斯坦", ("哈薩克斯坦", "哈薩克", "Qazaqstan")),
    ("Kyrgyzstan", "吉尔吉斯斯坦", ("吉爾吉斯斯坦", "吉爾吉斯", "Kyrgyz Republic")),
    ("Uzbekistan", "乌兹别克斯坦", ("烏茲別克斯坦", "烏茲別克")),
    ("Tajikistan", "塔吉克斯坦", ("塔吉克",)),
    ("Afghanistan", "阿富汗", ()),
    ("Pakistan", "巴基斯坦", ()),
    ("India", "印度", ()),
    ("Nepal", "尼泊尔", ("尼泊爾",)),
    ("Bhutan", "不丹", ()),
    ("Mongolia", "蒙古国", ("蒙古國",)),
    ("Japan", "日本", ()),
    ("South Korea", "韩国", ("韓國", "Republic of Korea", "Korea")),
    ("Thailand", "泰国", ("泰國",)),
    ("Vietnam", "越南", ("Viet Nam",)),
    ("Laos", "老挝", ("寮國",)),
    ("Myanmar", "缅甸", ("緬甸", "Burma")),
    ("Cambodia", "柬埔寨", ()),
    ("Malaysia", "马来西亚", ("馬來西亞",)),
    ("Singapore", "新加坡", ()),
    ("Indonesia", "印度尼西亚", ("印度尼西亞", "印尼")),
    ("Philippines", "菲律宾", ("菲律賓", "The Philippines")),
    ("Australia", "澳大利亚", ("澳大利亞", "澳洲")),
    ("New Zealand", "新西兰", ("紐西蘭",)),
    ("Egypt", "埃及", ()),
    ("Saudi Arabia", "沙特阿拉伯", ("沙烏地阿拉伯", "沙特")),
    ("United Arab Emirates", "阿联酋", ("阿聯酋", "UAE")),
)

# Cities abroad that recur in these cases (Geneva for the UN itself).
_CITIES_ABROAD: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Switzerland", ("日内瓦", "日內瓦", "Geneva", "Genève")),
    ("Turkey", ("伊斯坦布尔", "伊斯坦堡", "Istanbul", "安卡拉", "Ankara")),
    ("Kazakhstan", ("阿拉木图", "阿拉木圖", "Almaty")),
    ("Kyrgyzstan", ("比什凯克", "比斯凱克", "Bishkek")),
    ("India", ("达兰萨拉", "達蘭薩拉", "Dharamsala", "Dharamshala", "新德里", "New Delhi")),
    ("Nepal", ("加德满都", "加德滿都", "Kathmandu")),
    ("Thailand", ("曼谷", "Bangkok")),
    ("United Kingdom", ("伦敦", "倫敦", "London")),
    ("Germany", ("柏林", "Berlin", "慕尼黑", "Munich", "München")),
    ("France", ("巴黎", "Paris")),
    ("Netherlands", ("阿姆斯特丹", "Amsterdam", "海牙", "The Hague")),
    ("Belgium", ("布鲁塞尔", "布魯塞爾", "Brussels")),
    ("United States", ("纽约", "紐約", "New York", "华盛顿", "華盛頓", "Washington")),
    ("Canada", ("多伦多", "多倫多", "Toronto", "温哥华", "溫哥華", "Vancouver")),
    ("Australia", ("悉尼", "雪梨", "Sydney", "墨尔本", "墨爾本", "Melbourne")),
    ("Japan", ("东京", "東京", "Tokyo")),
)

PROVINCES: tuple[Province, ...] = tuple(Province(en, zh) for en, zh, _ in _PROVINCES)
COUNTRIES: tuple[Province, ...] = tuple(Province(en, zh, abroad=True) for en, zh, _ in _COUNTRIES)
_BY_EN = {p.en: p for p in PROVINCES + COUNTRIES}


def _terms() -> list[tuple[str, str]]:
    # The owner of a term is "P:<province>" for a province or country name, "C:<province>" for a city.
    terms = [(match_key(name), f"P:{en}") for en, zh, others in _PROVINCES + _COUNTRIES for name in (en, zh) + others]
    terms += [(match_key(name), f"C:{en}") for en, names in _CITIES + _CITIES_ABROAD for name in names]
    return terms


_MATCHER = TermMatcher(_terms())  # built once; never changed after import


@dataclass(frozen=True)
class PlaceHit:
    start: int
    end: int
    province: Province
    is_city: bool


def find_places(text: str) -> list[PlaceHit]:
    """Province and city names in a normalised text."""
    return [_place_hit(hit) for hit in _MATCHER.find(text)]


def _place_hit(hit: Hit) -> PlaceHit:
    return PlaceHit(hit.start, hit.end, _BY_EN[hit.owner[2:]], hit.owner.startswith("C:"))


def province_of(text: str) -> Province | None:
    """The province a normalised place text is in: a province name first, else a city's."""
    hits = find_places(text)
    for hit in hits:
        if not hit.is_city:
            return hit.province
    return hits[0].province if hits else None


def is_province_name(text: str) -> bool:
    """Whether the whole normalised text is one province's name (a coarse place, kept as it is)."""
    text = text.strip()
    hits = find_places(text)
    return len(hits) == 1 and not hits[0].is_city and hits[0].start == 0 and hits[0].end == len(text)
