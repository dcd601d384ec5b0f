from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive governance")
    PARTY = "party", _("Party building")
    ENFORCEMENT = "enforcement", _("Administrative enforcement")
    ENTERPRISE_SAFETY = "enterprise_safety", _("Enterprise safety")


class GridKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive grid")
    DEDICATED = "dedicated", _("Dedicated grid")


class DedicatedType(models.TextChoices):
    PARTY_GOVERNMENT = "party_government", _("Party or government body")
    HOSPITAL = "hospital", _("Hospital")
    SCHOOL = "school", _("School")
    ENTERPRISE = "enterprise", _("Enterprise")
    INDUSTRIAL_PARK = "industrial_park", _("Industrial park")
    BUSINESS_DISTRICT = "business_district", _("Business district")
    OFFICE_BUILDING = "office_building", _("Office building")
    MARKET = "market", _("Market")


class RoadKind(models.TextChoices):
    ROAD = "road", _("Road")
    LANE = "lane", _("Lane")


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACCEPTED = "accepted", _("Accepted")
    DISCARDED = "discarded", _("Discarded")
