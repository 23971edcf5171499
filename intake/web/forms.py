"""The report and follow-up forms. Only the fields marked R in the domain field list are
required: a report must be possible without a single identifying detail."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation, ValidationError

from . import choices
from ..receipt import has_typo, normalize_receipt
from ..submission.dates import normalize_date
from ..submission.schema import NO_CHARGE

SHORT = 300
LONG = 20_000

# Our own wording for what WTForms would say in English: Flask-WTF's translation of WTForms'
# messages is off (WTF_I18N_ENABLED=False, it reloads a catalogue on every request), so every
# validator and choice field below carries one of these, translated by our catalogues.
TOO_LONG = _l("This answer is too long: please shorten it to at most %(max)d characters.")
NOT_AN_OPTION = _l("Please choose one of the options shown.")
CHOOSE_ONE = _l("Please choose one.")


# C0 control characters but tab, line feed and carriage return (ord < 32, not "\t\n\r").
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _no_control_characters(form, field) -> None:
    if isinstance(field.data, str) and _CONTROL.search(field.data):
        raise ValidationError(_l("This field contains characters that are not allowed."))


def _text_only(form, field) -> None:
    """A file part under a text field's name (no browser sends one): refused before the other
    checks, which expect text."""
    if field.data is not None and not isinstance(field.data, str):
        raise StopValidation(_l("This field contains characters that are not allowed."))


def typed(field) -> str:
    """What was typed into a text field: "" for a file part under its name (_text_only refused it)."""
    return field.data if isinstance(field.data, str) else ""


def short(label, *validators, description=""):
    return StringField(label, [_text_only, *validators, Length(max=SHORT, message=TOO_LONG), _no_control_characters], description=description)


def long(label, *validators, description=""):
    return TextAreaField(label, [_text_only, *validators, Length(max=LONG, message=TOO_LONG), _no_control_characters], description=description)


def radio(label, choices, required=CHOOSE_ONE):
    return RadioField(label, [InputRequired(message=required)], choices=choices, invalid_choice_message=NOT_AN_OPTION)


def select(label, choices):
    return SelectField(label, choices=choices, default="", invalid_choice_message=NOT_AN_OPTION)


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def __init__(self, label, **kwargs):
        super().__init__(label, invalid_choice_message=NOT_AN_OPTION, **kwargs)


def check_receipt(text: str) -> None:
    """A typed receipt code: a typo (the check symbol disagrees) is told apart from a non-code."""
    if has_typo(text):
        raise ValidationError(_l("This receipt code has a mistake in it: please check each letter and digit against the code you kept."))
    if normalize_receipt(text) is None:
        raise ValidationError(_l("This does not look like a receipt code (21 letters and digits in three groups, like ABCDEFG-1234567-HJKMNPQ)."))


class IncidentForm(Form):
    """One incident (one act). The first is required; the others only if used."""

    violations = MultiCheckboxField(_l("What happened? Tick all that apply."), choices=choices.VIOLATIONS)
    start_date = short(_l("When did it start?"), description=_l("Year and month at least, for example 2024-05. A full date if you know it."))
    start_approximate = BooleanField(_l("The date is approximate"))
    end_date = short(_l("When did it end?"), description=_l("Leave empty if it is still going on."))
    ongoing = BooleanField(_l("It is still going on"))
    province = short(_l("Where? Province or region"), description=_l("For example Sichuan, Xinjiang, Hong Kong, or a country abroad."))
    place = short(_l("Place, if you want to say more"), description=_l("City, police station, airport, detention centre…"))
    narrative = long(_l("What happened?"), description=_l("In your own words: what was done, how, who said what. Dates and places help."))
    perpetrator = select(_l("Who did it?"), [SelectChoice("", "—"), *choices.PERPETRATORS])
    perpetrator_details = short(_l("Unit, names or ranks, if known"))
    legal_basis = long(_l("Reason given or law cited, if any"), description=_l("For example 'picking quarrels and provoking trouble' or 'inciting subversion'."))
    warrant = long(_l("Was a warrant or written decision shown? By whom?"))
    lawyer_and_family = long(_l("Could they see a lawyer? Was the family told? Are visits allowed?"))
    ill_treatment = long(_l("Ill-treatment and medical details, if any"))
    family_affected = long(_l("Family members affected, and what happened to them"))

    def is_used(self) -> bool:
        return any(f.data for name, f in self._fields.items() if name not in ("start_approximate", "ongoing", "perpetrator")) or bool(self.perpetrator.data)

    def validate_incident(self, required: bool, *, fields_ok: bool | None = None) -> bool:
        """Field-level checks always; the R fields only when this incident is required or used.

        `fields_ok`: the caller has just run the field-level checks (ReportForm.validate(), whose
        FieldList validates every entry), with this result; they are not run a second time.
        """
        ok = self.validate() if fields_ok is None else fields_ok
        if not (required or self.is_used()):
            return ok
        if not self.violations.data:
            self.violations.errors = list(self.violations.errors) + [_l("Please tick at least one kind of violation.")]
            ok = False
        if typed(self.start_date):
            normalized = normalize_date(typed(self.start_date))
            if normalized is None or (len(normalized) == 4 and not self.ongoing.data):
                self.start_date.errors = list(self.start_date.errors) + [_l("Please give at least the year and month, for example 2024-05.")]
                ok = False
        elif not self.ongoing.data:
            self.start_date.errors = list(self.start_date.errors) + [_l("Please give at least the year and month, or tick 'still going on'.")]
            ok = False
        if typed(self.end_date) and normalize_date(typed(self.end_date)) is None:
            self.end_date.errors = list(self.end_date.errors) + [_l("Please write the date like 2024-05 or 2024-05-17.")]
            ok = False
        for field, message in (
            (self.province, _l("Please say at least the province or region (or the country, if abroad).")),
            (self.narrative, _l("Please describe what happened.")),
            (self.perpetrator, _l("Please choose who did it ('Unknown' is fine).")),
        ):
            if not typed(field).strip():
                field.errors = list(field.errors) + [message]
                ok = False
        return ok


# The report form's required questions, as the page marks them "(required)": the intro says how
# many (tests/test_web_forms.py counts the marks on the page).
REQUIRED_QUESTIONS = 15


def field_names(form) -> set[str]:
    """The names of every input of `form` (the slots' included), as the browser sends them."""
    names = set()
    for field in form:
        if field.type == "FieldList":
            for entry in field.entries:
                names |= field_names(entry.form)
        else:
            names.add(field.name)
    return names


def problems(form) -> list[tuple[str, str, str]]:
    """(anchor id, question, message) of every error of `form`, in the order of the form, for the
    error summary at the top of the page: each links to the input it is about (the first option
    of a list of choices)."""
    found = []
    for field in form:
        if field.type == "FieldList":
            for entry in field.entries:
                found += problems(entry.form)
        elif field.errors and field.type != "CSRFTokenField":
            anchor = f"{field.id}-0" if field.type in ("RadioField", "MultiCheckboxField") else field.id
            found += [(anchor, str(field.label.text), str(message)) for message in field.errors]
    return found


class RelatedPersonForm(Form):
    """Someone affected besides the victim (a spouse, a child, a lawyer). Every slot is optional."""

    relation = select(_l("How is this person related to the person this happened to?"), [SelectChoice("", "—"), *choices.RELATED_RELATIONS])
    name = short(_l("Their name"), description=_l("Optional. It goes to the UN only if they agree (the last question below)."))
    name_other = short(_l("Name in Chinese characters, pinyin or other spellings"))
    minor = select(_l("Are they under 18?"), choices.YES_NO_UNSURE)
    lives = select(_l("Where do they live?"), choices.LIVES)
    violations = MultiCheckboxField(_l("What was done to them? Tick all that apply."), choices=choices.VIOLATIONS)
    what_happened = long(_l("What happened to them?"), description=_l("For example: questioned by police, refused a passport, a child refused school."))
    consent_named = select(_l("Do they agree that their name is given to the UN?"), choices.YES_NO_UNSURE)

    def is_used(self) -> bool:
        return any(field.data for field in self)

    def validate_person(self, *, fields_ok: bool) -> bool:
        """A used slot must say who the person is; an unused one is not stored."""
        if self.is_used() and not self.relation.data:
            self.relation.errors = list(self.relation.errors) + [_l("Please say how this person is related to the person this happened to.")]
            return False
        return fields_ok


class ReportForm(FlaskForm):
    # A. Reporter
    anonymous = BooleanField(_l("Report anonymously"), description=_l("We will not ask who you are. Fields about you are ignored."))
    relation = radio(_l("Who are you in relation to the person this happened to?"), choices.RELATIONS)
    how_known = radio(_l("How do you know what happened?"), choices.HOW_KNOWN)
    reporter_name = short(_l("Your name"))
    reporter_organisation = short(_l("Your organisation"))
    contact_channel = select(_l("May we contact you? How?"), choices.CONTACT_CHANNELS)
    contact_details = short(_l("Contact details"), description=_l("A Signal number or an email address that is safe for you. Leave empty if you are not sure."))

    # B. The person or people concerned
    victim_kind = radio(_l("Did this happen to one person or a group?"), choices.VICTIM_KINDS)
    group_size = IntegerField(
        _l("About how many people?"),
        [Optional(), NumberRange(min=1, max=1_000_000, message=_l("Please give a number from %(min)d to %(max)d."))],
        invalid_value_message=_l("Please write the number in digits, for example 12."),
    )
    victim_name = short(_l("Full name"))
    victim_name_other = short(_l("Name in Chinese characters, pinyin or other spellings"))
    victim_sex = select(_l("Sex"), choices.SEXES)
    victim_age = short(_l("Age or year of birth"))
    victim_nationality = short(_l("Nationality"))
    victim_ethnicity = short(_l("Ethnicity"))
    victim_religion = short(_l("Religion or belief"))
    victim_occupation = short(_l("Occupation"))
    victim_hr_work = long(_l("Their human rights work, and any organisation they belong to"))
    victim_is_defender = select(_l("Is this person a human rights defender?"), choices.YES_NO_UNSURE)
    victim_id_document = short(_l("ID document type and number"), description=_l("Only if you want the UN to use it."))
    victim_residence = short(_l("Where they live (province, city)"))
    status = radio(_l("Where is the person now?"), choices.STATUSES)
    detention_place = short(_l("Place of detention"))
    detention_kind = select(_l("Kind of place of detention"), choices.DETENTION_KINDS)
    holding_authority = short(_l("Authority holding them"))
    arrest_date = short(_l("When were they arrested, or when did the detention begin?"),
                        description=_l("Year and month at least, for example 2024-05. A full date if you know it."))
    arrest_place = short(_l("Where were they arrested?"), description=_l("For example at home, at the airport, or at the police station after a summons."))
    charges = MultiCheckboxField(_l("Charges, if any are known. Tick all that apply."), choices=choices.CHARGES)
    charges_wording = short(_l("The charge as written or read out, if known"), description=_l("For example the words of the detention notice, or the article of the law."))
    health = long(_l("Health, medical needs, care refused"))

    # People affected besides the victim: four slots, none required.
    related = FieldList(FormField(RelatedPersonForm), min_entries=4, max_entries=4)

    # C. UN cooperation
    un_body = radio(_l("Which part of the UN did they cooperate with?"), choices.UN_BODIES, required=_l("Please choose one ('Not sure' is fine)."))
    cooperation_kind = radio(_l("What kind of cooperation?"), choices.COOPERATION_KINDS)
    cooperated_by = select(_l("Who cooperated with the UN?"), choices.COOPERATED_BY)
    cooperation_date = short(_l("When was the cooperation?"))
    link_evidence = long(_l("Why do you think it happened because of the UN cooperation?"), description=_l("What the authorities said, the timing, questions about UN contact."))
    un_already_raised = short(_l("Has a UN body already raised the case? Reference if known"))
    government_replied = select(_l("Did the government reply to an earlier UN letter about the person?"), choices.GOVERNMENT_REPLIED)
    earlier_sg_report = select(_l("Was the case in an earlier report of the UN Secretary-General on reprisals?"), choices.YES_NO_UNSURE)
    earlier_sg_report_year = short(_l("Year of that report"), description=_l("For example 2023."))

    # D. Incidents: three slots, the first required; no JavaScript needed to add more.
    incidents = FieldList(FormField(IncidentForm), min_entries=3, max_entries=3)

    # Something about to happen: it can make the case urgent.
    imminent_kind = select(_l("What is about to happen?"), choices.IMMINENT_KINDS)
    imminent_date = short(_l("When?"), description=_l("Year and month, or the full date, for example 2025-03 or 2025-03-14."))
    imminent_date_unsure = BooleanField(_l("I am not sure of the date"))
    imminent_details = short(_l("What is planned, and where?"), description=_l("For example: the trial at the Intermediate People's Court, or the Human Rights Council session."))

    # E. Remedies
    remedies = long(_l("Steps taken in China, and what came of them"), description=_l("Complaints, petitions (xinfang), lawsuits; or why that was impossible."))
    remedies_response = long(_l("How did the authorities respond?"), description=_l("For example: no answer, the complaint was not registered, the family was threatened."))
    others_informed = long(_l("Other organisations or bodies already told"))

    # F. Consent and risk
    consent_store = BooleanField(_l("I agree that the organisation stores and reads this report"), [InputRequired(message=_l("We cannot accept the report without this consent."))])
    consent_share_un = radio(_l("May we share it confidentially with UN experts (special procedures)?"), choices.SHARE_WITH_UN)
    consent_name_public = radio(_l("May the person's name appear in public UN documents?"), choices.NAME_PUBLIC)
    consent_sg_report = radio(_l("May the case appear in the UN Secretary-General's yearly report on reprisals?"), choices.SG_REPORT)
    consent_given_by = select(_l("Who agreed to this?"), choices.CONSENT_GIVEN_BY)
    still_in_china = select(_l("Is the person, or their family, still in China?"), choices.YES_NO_UNSURE)
    never_disclose = long(_l("Anything that must never be disclosed, or safety worries"))

    # Follow-up link
    follow_up_of = short(_l("Receipt code of an earlier report"), description=_l("If this adds to a report you sent before."))

    def validate_follow_up_of(self, field) -> None:
        if typed(field):
            check_receipt(typed(field))

    def validate_imminent_date(self, field) -> None:
        if typed(field):
            normalized = normalize_date(typed(field))
            if normalized is None or len(normalized) < 7:
                raise ValidationError(_l("Please write the date like 2025-03 or 2025-03-14."))

    def validate_arrest_date(self, field) -> None:
        if typed(field):
            normalized = normalize_date(typed(field))
            if normalized is None or len(normalized) < 7:
                raise ValidationError(_l("Please write the date like 2024-05 or 2024-05-17."))

    def validate_charges(self, field) -> None:
        if NO_CHARGE in (field.data or []) and len(field.data) > 1:
            raise ValidationError(_l("Please tick either the charges or 'No charge known', not both."))

    def validate_earlier_sg_report_year(self, field) -> None:
        if typed(field):
            normalized = normalize_date(typed(field))
            if normalized is None or len(normalized) != 4:
                raise ValidationError(_l("Please write the year in four digits, for example 2023."))
            if self.earlier_sg_report.data != "yes":
                raise ValidationError(_l("Please choose 'Yes' above, or leave the year empty."))

    def validate_imminent_kind(self, field) -> None:
        if not field.data and (typed(self.imminent_date).strip() or self.imminent_date_unsure.data
                               or typed(self.imminent_details).strip()):
            raise ValidationError(_l("Please choose what is about to happen."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)  # every incident's and person's field-level checks included
        for index, entry in enumerate(self.incidents.entries):
            # As IncidentForm.validate() returns: no field of the entry has an error.
            fields_ok = not any(field.errors for field in entry.form)
            ok = entry.form.validate_incident(required=index == 0, fields_ok=fields_ok) and ok
        for entry in self.related.entries:
            ok = entry.form.validate_person(fields_ok=not any(field.errors for field in entry.form)) and ok
        # FieldList caches its entries' errors during validate(); refresh it with ours.
        for slots in (self.incidents, self.related):
            errors = [entry.errors for entry in slots.entries]
            slots.errors = errors if any(errors) else []
        return ok


class FollowUpForm(FlaskForm):
    receipt = short(_l("Receipt code of your earlier report"), InputRequired(message=_l("Please enter the receipt code.")))
    message = long(_l("What is new?"), InputRequired(message=_l("Please write what is new.")))
    consent_store = BooleanField(_l("I agree that the organisation stores and reads this report"), [InputRequired(message=_l("We cannot accept the report without this consent."))])

    def validate_receipt(self, field) -> None:
        check_receipt(typed(field))


class MessagesForm(FlaskForm):
    """The messages page: the receipt code of the first report (a follow-up has none of its own)."""

    receipt = short(_l("Receipt code of your report"), InputRequired(message=_l("Please enter the receipt code.")))

    def validate_receipt(self, field) -> None:
        check_receipt(typed(field))
