"""Page forms of the party network; text goes through TextForm (docs/adr/0011)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.forms import DATE
from gridgov.core.inputs import TextForm

from .choices import CentralKind, LinkLevel, OrgKind, PostRole

CODE = forms.RegexField(regex=r"^\d{6,32}$", max_length=32)


class GridFilterForm(TextForm):
    grid = forms.RegexField(label=_("Grid code"), regex=r"^\d{6,32}$", max_length=32,
                            required=False)  # fmt: skip


class OrgForm(TextForm):
    kind = forms.ChoiceField(label=_("kind"), choices=OrgKind.choices)
    name = forms.CharField(label=_("name"), max_length=100)
    grid = forms.RegexField(label=_("Grid code"), regex=r"^\d{6,32}$", max_length=32)
    parent = forms.TypedChoiceField(label=_("parent organisation"), coerce=int, required=False,
                                    empty_value=None)  # fmt: skip
    founded_on = forms.DateField(label=_("founded on"), required=False, widget=DATE)

    def __init__(self, *args, parents=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((o.pk, str(o)) for o in parents),
        ]


class PostForm(TextForm):
    role = forms.ChoiceField(label=_("post"), choices=PostRole.choices)
    resident = forms.ChoiceField(label=_("party member"), required=False)
    user = forms.CharField(label=_("user name"), max_length=150, required=False)
    since = forms.DateField(label=_("since"), required=False, widget=DATE)

    def __init__(self, *args, members=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["resident"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((str(m.public_id), m.name) for m in members),
        ]  # type: ignore[attr-defined]


class CentralForm(TextForm):
    kind = forms.ChoiceField(label=_("kind"), choices=CentralKind.choices)
    keeper = forms.ChoiceField(label=_("party member"))
    name = forms.CharField(label=_("name of the model post"), max_length=100, required=False)
    since = forms.DateField(label=_("since"), required=False, widget=DATE)

    def __init__(self, *args, members=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["keeper"].choices = [(str(m.public_id), m.name) for m in members]  # type: ignore[attr-defined]


class LinkForm(TextForm):
    level = forms.ChoiceField(label=_("level"), choices=LinkLevel.choices)
    source = forms.CharField(
        label=_("who links"), max_length=40,
        help_text=_("A post's number, a central household's number or a party member's id"),
    )  # fmt: skip
    target = forms.CharField(
        label=_("whom they link"), max_length=40,
        help_text=_("An organisation's or central household's number, or a resident's or "
                    "household's id"),
    )  # fmt: skip
    since = forms.DateField(label=_("since"), required=False, widget=DATE)


class EndForm(TextForm):
    on = forms.DateField(label=_("ends on"), required=False, widget=DATE)


class RosterForm(TextForm):
    grid = forms.RegexField(regex=r"^\d{6,32}$", max_length=32, required=False)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)
