"""Forms of the moral bank's pages: receive a declaration, vote, the committee's check,
an objection and its ruling, a veto, and the keeper's redemption."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.inputs import TextForm

from .choices import Board, Channel, FundSource, GoodsKind, Source

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DeclarationForm(TextForm):
    card = forms.CharField(label=_("Card number"), max_length=8)
    item: Any = forms.ChoiceField(label=_("Item of the rules"))
    points = forms.IntegerField(
        label=_("Points"), required=False, min_value=-1000, max_value=1000,
        help_text=_("Leave empty for the item's points."),
    )  # fmt: skip
    source = forms.ChoiceField(label=_("Brought by"), choices=Source.choices)
    reporter = forms.CharField(
        label=_("Hamlet head or reporter"), max_length=50, required=False,
        help_text=_("Kept by the committee: never shown to the household nor on the notice."),
    )  # fmt: skip
    channel = forms.ChoiceField(label=_("Received"), choices=Channel.choices)
    happened_on = forms.DateField(label=_("Date of the deed"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    what = forms.CharField(label=_("What happened"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    evidence = forms.CharField(label=_("Evidence (described)"), max_length=200, required=False)
    evidence_files = forms.FileField(label=_("Photos or documents"), required=False)

    def __init__(self, *args: Any, items: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            (i.code, f"{i.code} · {i.title} ({i.points:+d})") for i in items if not i.is_veto
        ]


class VoteForm(TextForm):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda v: v == "1"
    )
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)


class CheckForm(TextForm):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda v: v == "1"
    )
    points = forms.IntegerField(label=_("Points"), required=False, min_value=-1000, max_value=1000)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ObjectionForm(TextForm):
    text = forms.CharField(
        label=_("Objection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    channel = forms.ChoiceField(label=_("Received"), choices=Channel.choices)
    raised_by = forms.CharField(label=_("Raised by"), max_length=50, required=False)


class RulingForm(TextForm):
    upheld = forms.TypedChoiceField(
        choices=[("0", _("Dismiss")), ("1", _("Uphold"))], coerce=lambda v: v == "1"
    )
    ruling = forms.CharField(label=_("Ruling"), max_length=500)


class VetoForm(TextForm):
    card = forms.CharField(label=_("Card number"), max_length=8)
    item: Any = forms.ChoiceField(label=_("Veto item"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    reason = forms.CharField(label=_("Reason"), max_length=500)
    board = forms.ChoiceField(label=_("Published on"), choices=Board.choices)

    def __init__(self, *args: Any, items: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            (i.code, i.title) for i in items if i.is_veto
        ]


class RedeemForm(TextForm):
    card = forms.CharField(
        label=_("Card number"), max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                      "autofocus": True}),
    )  # fmt: skip
    key = forms.CharField(widget=forms.HiddenInput, max_length=60)


class FundForm(TextForm):
    on = forms.DateField(label=_("Date"), widget=DATE)
    direction = forms.ChoiceField(
        label=_("In or out"), choices=[("in", _("money in")), ("out", _("money out"))]
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", "—"), *FundSource.choices]
    )
    yuan = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, max_digits=12,
                              decimal_places=2)  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=200)


class GoodsForm(TextForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=GoodsKind.choices)
    price = forms.IntegerField(label=_("Price in points"), min_value=1, max_value=100000)
    unit = forms.CharField(label=_("Unit"), max_length=10, initial="件")


class StockForm(TextForm):
    point: Any = forms.ChoiceField(label=_("Redemption point"))
    goods: Any = forms.ChoiceField(label=_("Goods"))
    kind = forms.ChoiceField(label=_("Stock in or out"),
                             choices=[("in", _("stock in")), ("out", _("stock out"))])  # fmt: skip
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, points: Any = (), goods: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].choices = [(str(p.public_id), p.name) for p in points]  # type: ignore[attr-defined]
        self.fields["goods"].choices = [(str(g.pk), g.name) for g in goods]  # type: ignore[attr-defined]
