from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdType(models.TextChoices):
    """Household types that decide purchased-service funding (R-FUND-2)."""

    SELF_GOVERNING = "self_governing", _("Self-governing courtyard")
    UNIT = "unit", _("Unit courtyard")
    PROPERTY_MANAGED = "property_managed", _("Property-managed estate")
    AGRICULTURAL = "agricultural", _("Agricultural scattered courtyard")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class DocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card")
    FOREIGN_PERMANENT_ID = "foreign_permanent_id", _("Foreigner's permanent residence ID")
    PASSPORT = "passport", _("Passport")
    HK_MACAO_PERMIT = "hk_macao_permit", _("Hong Kong/Macao residents' permit")
    TAIWAN_PERMIT = "taiwan_permit", _("Taiwan residents' permit")


class ResidenceStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered resident")
    FLOATING = "floating", _("Floating population")
    FOREIGN = "foreign", _("Foreign national")


class ResidentStatus(models.TextChoices):
    ACTIVE = "active", _("Lives here")
    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")


class ResidentEventKind(models.TextChoices):
    MOVE_IN = "move_in", _("Moved in")
    TRANSFER = "transfer", _("Moved to another household")
    MOVE_OUT = "move_out", _("Moved out")
    DEATH = "death", _("Died")
    CORRECTION = "correction", _("Corrected")


class TagKind(models.TextChoices):
    """Groups that need attention (R-REG-2)."""

    HARDSHIP = "hardship", _("Hardship family")
    UNEMPLOYED = "unemployed", _("Unemployed")
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    EMPTY_NEST = "empty_nest", _("Empty-nest elderly")
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")
    DISABILITY = "disability", _("Person with disability")
    SPECIAL_GROUP = "special_group", _("Special group")
    FLOATING = "floating", _("Floating population")
    FOREIGNER = "foreigner", _("Foreigner")


# Labels of the fields a tag of each kind carries (services.TAG_DETAILS) and of their values:
# the tag form's labels, and the Chinese headers and values of the tags import (registry.xlsx).
DETAIL_LABELS = {
    "assistance": _("Assistance"),
    "category": _("Disability category"),
    "grade": _("Disability grade"),
    "guardian": _("Guardian"),
    "guardian_phone": _("Guardian's phone"),
    "parents_work_in": _("Parents work in"),
    "emergency_contact": _("Emergency contact"),
    "emergency_contact_phone": _("Emergency contact's phone"),
    "group": _("Group"),
    "since": _("Unemployed since"),
    "registered": _("Registered as unemployed"),
    "from_place": _("Comes from"),
    "purpose": _("Purpose of stay"),
}
DETAIL_VALUES = {
    "minimum_living": _("Minimum living allowance"),
    "extreme_poverty": _("Extreme poverty support"),
    "low_income": _("Low income"),
    "other": _("Other"),
    "visual": _("Visual"),
    "hearing": _("Hearing"),
    "speech": _("Speech"),
    "physical": _("Physical"),
    "intellectual": _("Intellectual"),
    "mental": _("Mental"),
    "multiple": _("Multiple"),
    "community_correction": _("Under community correction"),
    "released_prisoner": _("Released from prison"),
    "drug_user": _("Drug user"),
    "mental_illness": _("Serious mental illness"),
    "petitioner": _("Petitioner"),
    "yes": _("Yes"),
    "no": _("No"),
}


class PlaceKind(models.TextChoices):
    SHOP = "shop", _("Shop")
    RESTAURANT = "restaurant", _("Restaurant")
    RENTAL = "rental", _("Rental housing")
    PUBLIC_VENUE = "public_venue", _("Public venue")
    WORKSHOP = "workshop", _("Workshop")
    WAREHOUSE = "warehouse", _("Warehouse")
    RELIGIOUS = "religious", _("Religious venue")
    OTHER = "other", _("Other place")


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SOCIAL = "social", _("Social organisation")
    UNIT = "unit", _("Unit in the area")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")


class ComponentMajor(models.TextChoices):
    """Component major classes, GB/T 30428 (formerly CJ/T 214)."""

    PUBLIC_UTILITIES = "01", _("Public utilities")
    TRAFFIC = "02", _("Traffic facilities")
    CITY_APPEARANCE = "03", _("City appearance and environment")
    LANDSCAPING = "04", _("Landscaping")
    OTHER = "05", _("Other facilities")
