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
