"""The reporter's language: chosen by a `lang` link parameter, else from Accept-Language.

No cookie remembers it: every link and form action carries `?lang=<code>` (see `keep_language`),
so the choice survives the submit round trip and the error pages, including those raised
before a view runs (413, the CSRF 400), which read it from the query string too.

The codes are stable: they name the catalogues (intake/translations/<code>/) and are stored as
`form_language` in report.json.
"""

from dataclasses import dataclass
from pathlib import Path

from flask import request, url_for
from flask_babel import get_locale

TRANSLATIONS = Path(__file__).parent.parent / "translations"


@dataclass(frozen=True)
class Language:
    code: str  # catalogue folder and report.json form_language
    name: str  # in its own script, for the language switch
    tag: str  # BCP 47, for the lang and hreflang attributes
    direction: str = "ltr"


LANGUAGES = (
    Language("en", "English", "en"),
    Language("zh_Hans", "简体中文", "zh-Hans"),
    Language("zh_Hant", "繁體中文", "zh-Hant"),
    Language("ug", "ئۇيغۇرچە", "ug", "rtl"),
    Language("bo", "བོད་ཡིག", "bo"),
)
BY_CODE = {language.code: language for language in LANGUAGES}
DEFAULT = "en"
_TRADITIONAL_REGIONS = {"tw", "hk", "mo"}


def match(tag: str) -> str | None:
    """Our code for a language tag or code ('zh-TW', 'zh_Hans', 'ug-CN', 'en-GB'), or None."""
    primary, *rest = tag.strip().lower().replace("_", "-").split("-")
    if primary == "zh":
        subtags = set(rest)
        if "hant" in subtags:
            return "zh_Hant"
        if "hans" in subtags:
            return "zh_Hans"
        return "zh_Hant" if subtags & _TRADITIONAL_REGIONS else "zh_Hans"
    return primary if primary in ("en", "ug", "bo") else None


def select_locale() -> str:
    """Flask-Babel's locale selector: the link's choice, else the browser's preference."""
    chosen = match(request.args.get("lang", ""))
    if chosen:
        return chosen
    for tag, quality in request.accept_languages:  # best first
        if quality > 0 and (code := match(tag)):
            return code
    return DEFAULT


def current() -> Language:
    return BY_CODE.get(str(get_locale()), BY_CODE[DEFAULT])


def keep_language(endpoint: str, values: dict) -> None:
    """URL defaults of the blueprint: every url_for() link and form action carries the language."""
    values.setdefault("lang", current().code)


def switch_links() -> list[tuple[Language, str]]:
    """(language, URL of this page in that language); error pages link to the report form."""
    endpoint = request.endpoint if request.endpoint in ("intake.report", "intake.follow_up", "intake.safety") else "intake.report"
    return [(language, url_for(endpoint, lang=language.code)) for language in LANGUAGES]


def template_context() -> dict:
    return {"language": current(), "switch_links": switch_links}
