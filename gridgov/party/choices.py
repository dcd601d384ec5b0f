from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    """The three tiers of plan 1's network ("村黨支部+村民黨小組+黨員中心戶", with a general
    branch above the grid branches where a village has several)."""

    GENERAL_BRANCH = "general_branch", _("Party general branch")
    BRANCH = "branch", _("Grid party branch")
    GROUP = "group", _("Party group")


class PostRole(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    COMMITTEE = "committee", _("Committee member")
    GROUP_LEADER = "group_leader", _("Party group leader")


# Roles that sit on a (general) branch committee (班子成員 / 支部委員).
COMMITTEE_ROLES = (PostRole.SECRETARY, PostRole.DEPUTY_SECRETARY, PostRole.COMMITTEE)


class CentralKind(models.TextChoices):
    HOUSEHOLD = "household", _("Party central household")
    MODEL_POST = "model_post", _("Party model post")


class LinkLevel(models.TextChoices):
    """The five links of the contact pyramid, named by what is linked to (plan 1)."""

    BRANCH = "branch", _("Committee member → grid branch")
    GROUP = "group", _("Branch committee member → party group")
    CENTRAL = "central", _("Group leader → central household")
    MEMBER = "member", _("Central household → party member")
    HOUSEHOLD = "household", _("Party member → household")
