"""Forms of the registry pages. They parse what a person typed; the services decide.

A ServiceError names the field it is about; `show_error` puts its message next to that field
(or above the form when the field is not on it), so a page never repeats a service's rules.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core.errors import ServiceError
from gridgov.core.forms import DateRangeForm
from gridgov.core.inputs import TextForm
from gridgov.grids.models import Grid

from . import services
from .choices import (
    DETAIL_LABELS,
    DETAIL_VALUES,
    DocumentType,
    HouseholdType,
    OrganisationKind,
    PlaceKind,
    Relation,
    ResidenceStatus,
    ResidentStatus,
    Sex,
    TagKind,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK: list[tuple[str, Any]] = [("", "—")]

# What the services call a field, where a form calls it something else.
FIELD_ALIASES = {"to": "household", "grid_code": "grid", "building_code": "building"}


def show_error(form: forms.Form, error: ServiceError) -> None:
    """Put a service's refusal next to the field it names (or above the form)."""
    name = error.field or ""
    name = FIELD_ALIASES.get(name, name)
    if name.startswith("details."):
        name = "detail_" + name.split(".", 1)[1]
    form.add_error(name if name in form.fields else None, str(error.message))


def grid_choices(grids: list[Grid]) -> list[tuple[str, str]]:
    """Grids as options, indented by depth so that a street's communities sit under it."""
    top = min((g.depth for g in grids), default=0)
    return [(g.code, f"{'　' * (g.depth - top)}{g.name} {g.code}") for g in grids]


# ---------------------------------------------------------------- lists


class ResidentSearchForm(TextForm):
    """The filters of registry.search.ResidentFilter, as a person fills them in."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=40,
        help_text=_("Name, pinyin or initials (zs), the last 4 digits, or a full ID or phone."),
        # The error paragraph is always on the page: live search swaps its text in.
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "aria-describedby": "id_q_helptext id_q_error",
            }
        ),
    )
    grid = forms.ChoiceField(label=_("Grid"), required=False)
    tag = forms.ChoiceField(label=_("tag"), required=False, choices=BLANK + TagKind.choices)
    residence_status = forms.ChoiceField(
        label=_("residence status"), required=False, choices=BLANK + ResidenceStatus.choices
    )
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[*ResidentStatus.choices, ("all", _("All"))],
    )

    def __init__(self, *args: Any, grids: list[Grid], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = BLANK + grid_choices(grids)  # type: ignore[attr-defined]


class GridFilterForm(TextForm):
    grid = forms.ChoiceField(label=_("Grid"), required=False)

    def __init__(self, *args: Any, grids: list[Grid], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = BLANK + grid_choices(grids)  # type: ignore[attr-defined]


class HouseholdFilterForm(GridFilterForm):
    address = forms.CharField(label=_("address"), required=False, max_length=60)


class AccessLogFilterForm(DateRangeForm):
    actor = forms.CharField(label=_("Username"), required=False, max_length=150)


# ---------------------------------------------------------------- residents


class ResidentForm(TextForm):
    """A resident's facts. Editing never shows the numbers: empty keeps those on record."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    document_type = forms.ChoiceField(
        label=_("document type"), choices=DocumentType.choices, initial=DocumentType.RESIDENT_ID
    )
    id_number = forms.CharField(
        label=_("ID number"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    birth_date = forms.DateField(
        label=_("birth date"),
        required=False,
        widget=DATE,
        help_text=_("Only for documents that do not carry it; an ID card number does."),
    )
    sex = forms.ChoiceField(label=_("sex"), required=False, choices=BLANK + Sex.choices)
    phone = forms.CharField(
        label=_("phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    relation = forms.ChoiceField(label=_("relation to head"), choices=Relation.choices)
    residence_status = forms.ChoiceField(
        label=_("residence status"),
        choices=ResidenceStatus.choices,
        initial=ResidenceStatus.REGISTERED,
    )
    floating_until = forms.DateField(
        label=_("residence registration valid until"), required=False, widget=DATE
    )
    nationality = forms.CharField(label=_("nationality"), required=False, max_length=60)
    party_member = forms.BooleanField(label=_("party member"), required=False)

    def __init__(self, *args: Any, editing: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing is not None:
            id_field = self.fields["id_number"]
            id_field.required = False
            id_field.help_text = _("Leave empty to keep %(masked)s.") % {
                "masked": editing.id_masked
            }
            if editing.phone_masked:
                self.fields["phone"].help_text = _("Leave empty to keep %(masked)s.") % {
                    "masked": editing.phone_masked
                }
                self.fields["clear_phone"] = forms.BooleanField(
                    label=_("Remove the phone number"), required=False
                )

    def resident_in(self) -> services.ResidentIn:
        d = self.cleaned_data
        return services.ResidentIn(
            name=d["name"],
            id_number=d.get("id_number") or "",
            relation=d["relation"],
            document_type=d["document_type"],
            phone=d.get("phone") or "",
            residence_status=d["residence_status"],
            floating_until=d.get("floating_until"),
            nationality=d.get("nationality") or "",
            party_member=bool(d.get("party_member")),
            birth_date=d.get("birth_date"),
            sex=d.get("sex") or "",
        )

    @staticmethod
    def initial_for(resident: Any) -> dict[str, Any]:
        return {
            "name": resident.name,
            "document_type": resident.document_type,
            "relation": resident.relation,
            "residence_status": resident.residence_status,
            "floating_until": resident.floating_until,
            "nationality": resident.nationality,
            "party_member": resident.party_member,
            "birth_date": resident.birth_date,
            "sex": resident.sex,
        }


class NewResidentForm(ResidentForm):
    date = forms.DateField(label=_("Moved in on"), widget=DATE, initial=timezone.localdate)


class MoveForm(TextForm):
    TRANSFER, OUT, DEATH = "transfer", "out", "death"

    action = forms.ChoiceField(
        label=_("What happened"),
        widget=forms.RadioSelect,
        choices=[
            (TRANSFER, _("Moved to another household here")),
            (OUT, _("Moved out of the area")),
            (DEATH, _("Died")),
        ],
        initial=TRANSFER,
    )
    household = forms.CharField(
        label=_("Household number"),
        required=False,
        max_length=36,
        help_text=_("Type the number shown on the household's page, or find it below."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # Filled by the radio buttons of the household search (registry/_household_pick.html).
    pick = forms.UUIDField(required=False)
    date = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["target"] = None
        if data.get("action") == self.TRANSFER:
            typed = (data.get("household") or "").strip()
            target = data.get("pick")
            if target is None and typed:
                try:
                    target = uuid.UUID(typed)
                except ValueError:
                    self.add_error("household", _("A household number looks like 8-4-4-4-12."))
            if target is None and not self.errors:
                self.add_error("household", _("Pick the household or type its number."))
            data["target"] = target
        return data


# ---------------------------------------------------------------- households, places …


class GridChoiceForm(TextForm):
    """A registration form: the grid is one the person may register in."""

    grid = forms.ChoiceField(label=_("Grid"))

    def __init__(self, *args: Any, grids: list[Grid], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = grid_choices(grids)  # type: ignore[attr-defined]
        if len(grids) == 1:
            self.fields["grid"].initial = grids[0].code


class HouseholdForm(GridChoiceForm):
    address = forms.CharField(label=_("address"), max_length=200)
    household_type = forms.ChoiceField(label=_("household type"), choices=HouseholdType.choices)
    building = forms.CharField(
        label=_("Building code"),
        required=False,
        max_length=32,
        help_text=_("Optional: the 20-digit code of the building it is in."),
    )
    unit = forms.CharField(label=_("unit"), required=False, max_length=10)
    floor = forms.IntegerField(label=_("floor"), required=False, min_value=-9, max_value=200)
    room = forms.CharField(label=_("room"), required=False, max_length=20)


class GeoJSONField(forms.JSONField):
    """A JSON text box that shows nothing, not "null", when there is no value."""

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)


class BuildingFieldsForm(TextForm):
    """What is said of a building (services.BuildingIn); the location can be picked on
    the map beside the form, or typed."""

    name = forms.CharField(label=_("name"), max_length=100, help_text=_("e.g. 3号楼"))
    lon = forms.FloatField(
        label=_("longitude"), min_value=-180, max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )  # fmt: skip
    lat = forms.FloatField(
        label=_("latitude"), min_value=-90, max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )  # fmt: skip
    floors = forms.IntegerField(label=_("floors"), min_value=1, max_value=200, initial=1)
    units = forms.IntegerField(label=_("units"), min_value=1, max_value=99, initial=1)
    footprint = GeoJSONField(
        label=_("footprint"),
        required=False,
        help_text=_("Optional: the outline as a GeoJSON Polygon."),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )


class BuildingForm(GridChoiceForm, BuildingFieldsForm):
    field_order = ["grid"]


class PlaceFieldsForm(TextForm):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=PlaceKind.choices)
    address = forms.CharField(label=_("address"), required=False, max_length=200)
    lon = forms.FloatField(label=_("longitude"), required=False, min_value=-180, max_value=180,
                           widget=forms.NumberInput(attrs={"step": "any"}))  # fmt: skip
    lat = forms.FloatField(label=_("latitude"), required=False, min_value=-90, max_value=90,
                           widget=forms.NumberInput(attrs={"step": "any"}))  # fmt: skip


class PlaceForm(GridChoiceForm, PlaceFieldsForm):
    field_order = ["grid"]


class ComponentFieldsForm(TextForm):
    """What may be corrected of a component: its id stays."""

    name = forms.CharField(label=_("name"), max_length=100)
    lon = forms.FloatField(label=_("longitude"), min_value=-180, max_value=180,
                           widget=forms.NumberInput(attrs={"step": "any"}))  # fmt: skip
    lat = forms.FloatField(label=_("latitude"), min_value=-90, max_value=90,
                           widget=forms.NumberInput(attrs={"step": "any"}))  # fmt: skip


class ComponentForm(GridChoiceForm, ComponentFieldsForm):
    code = forms.CharField(
        label=_("component id"),
        max_length=16,
        min_length=16,
        help_text=_("16 digits: county 6, major class 2, minor class 2, serial 6."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    field_order = ["grid", "code"]


class OrganisationFieldsForm(TextForm):
    name = forms.CharField(label=_("name"), max_length=150)
    kind = forms.ChoiceField(label=_("kind"), choices=OrganisationKind.choices)
    credit_code = forms.CharField(
        label=_("unified social credit code"), required=False, max_length=18
    )
    address = forms.CharField(label=_("address"), required=False, max_length=200)
    contact_name = forms.CharField(label=_("contact"), required=False, max_length=50)
    phone = forms.CharField(
        label=_("phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )


class OrganisationForm(GridChoiceForm, OrganisationFieldsForm):
    field_order = ["grid"]


class OrganisationEditForm(OrganisationFieldsForm):
    """The phone is shown masked: left empty it stays; "remove" clears it."""

    remove_phone = forms.BooleanField(label=_("Remove the phone"), required=False)

    def __init__(self, *args: Any, masked_phone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if masked_phone:
            self.fields["phone"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
                "masked": masked_phone
            }
        else:
            del self.fields["remove_phone"]

    def phone_change(self) -> str | None:
        """What update_organisation takes: None keeps, "" removes, else the new number."""
        if self.cleaned_data.get("remove_phone"):
            return ""
        return self.cleaned_data["phone"] or None


# ---------------------------------------------------------------- tags


def detail_items(tag: Any) -> list[tuple[str, str]]:
    """A tag's details as (label, value) for people to read."""
    return [
        (str(DETAIL_LABELS.get(k, k)), str(DETAIL_VALUES.get(v, v)))
        for k, v in services.shown_details(tag.details).items()
    ]


class TagForm(TextForm):
    kind = forms.ChoiceField(label=_("tag"), choices=TagKind.choices)
    start = forms.DateField(label=_("from"), widget=DATE, initial=timezone.localdate)
    end = forms.DateField(label=_("until"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Picking another kind fetches that kind's own fields (registry/_tag_details.html).
        self.fields["kind"].widget.attrs.update(
            {"hx-get": reverse("registry:tag_fields"), "hx-target": "#tag-details"}
        )
        kind = (self.data.get("kind") if self.is_bound else None) or TagKind.HARDSHIP
        self.tag_kind = kind if kind in TagKind.values else TagKind.HARDSHIP
        for key, choices in services.TAG_DETAILS.get(self.tag_kind, {}).items():
            label = DETAIL_LABELS.get(key, key)
            if choices is None:
                self.fields[f"detail_{key}"] = forms.CharField(
                    label=label, required=False, max_length=100
                )
            elif choices == services.PHONE:
                self.fields[f"detail_{key}"] = forms.CharField(
                    label=label, required=False, max_length=20,
                    widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
                )  # fmt: skip
            else:
                options = [(c, DETAIL_VALUES.get(c, c)) for c in choices]
                self.fields[f"detail_{key}"] = forms.ChoiceField(
                    label=label, required=False, choices=BLANK + options
                )

    @property
    def detail_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("detail_")]

    def details(self) -> dict[str, str]:
        return {
            name[len("detail_") :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("detail_") and value
        }


class TagReviewForm(TextForm):
    end = forms.DateField(
        label=_("Ended on"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty if it still holds."),
    )


class RevealForm(TextForm):
    reason = forms.CharField(
        label=_("Why do you need to see it?"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    field = forms.ChoiceField(choices=[("id_number", "id_number"), ("phone", "phone")])
