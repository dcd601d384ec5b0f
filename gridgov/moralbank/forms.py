"""Forms of the moral bank's pages: receive a declaration, vote, the committee's check,
an objection and its ruling, a veto, and the keeper's redemption."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.inputs import TextForm

from .choices import Board, Category, Channel, FundSource, GoodsKind, Source

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choices(form: forms.Form, name: str, pairs: list[tuple[str, str]]) -> None:
    form.fields[name].choices = pairs  # type: ignore[attr-defined]


def _days(meetings: Any) -> list[tuple[str, str]]:
    return [(str(m.public_id), f"{m.held_on:%Y-%m-%d}") for m in meetings]


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
    channel = forms.ChoiceField(label=_("Received"), choices=Channel.choices[:3])
    happened_on = forms.DateField(label=_("Date of the deed"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    what = forms.CharField(label=_("What happened"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    evidence = forms.CharField(label=_("Evidence (described)"), max_length=200, required=False)
    evidence_files = forms.FileField(label=_("Photos or documents"), required=False)

    def __init__(self, *args: Any, items: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        _choices(
            self,
            "item",
            [(i.code, f"{i.code} · {i.title} ({i.points:+d})") for i in items if not i.is_veto],
        )


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
    channel = forms.ChoiceField(label=_("Received"), choices=Channel.choices[:3])
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
        _choices(self, "item", [(i.code, i.title) for i in items if i.is_veto])


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
        _choices(self, "point", [(str(p.public_id), p.name) for p in points])
        _choices(self, "goods", [(str(g.pk), g.name) for g in goods])


class MeetingForm(TextForm):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    present = forms.IntegerField(label=_("Representatives present"), min_value=0, max_value=10000)
    total = forms.IntegerField(label=_("Representatives in all"), min_value=1, max_value=10000)
    resolution = forms.CharField(label=_("Resolution"), max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class RulesForm(TextForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    items = forms.CharField(
        label=_("Items"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One item per line: code | category | item | points | evidence (yes/no) | "
                    "cap | quarter or year. Categories: %(c)s.")
        % {"c": ", ".join(Category.values)},
    )  # fmt: skip

    def clean_items(self) -> list[dict[str, Any]]:
        rows = []
        for n, line in enumerate(self.cleaned_data["items"].splitlines(), 1):
            if not line.strip():
                continue
            cells = [c.strip() for c in line.split("|")]
            cells += [""] * (7 - len(cells))
            try:
                points = int(cells[3] or "0")
                cap = int(cells[5]) if cells[5] else None
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)d: points and cap are whole numbers.") % {"n": n}
                ) from None
            rows.append({
                "code": cells[0], "category": cells[1], "title": cells[2], "points": points,
                "evidence_required": cells[4].lower() in ("yes", "y", "是", "1"),
                "cap": cap, "cap_period": cells[6],
            })  # fmt: skip
        return rows


class AdoptForm(TextForm):
    rule_set: Any = forms.ChoiceField(label=_("Draft"))
    meeting: Any = forms.ChoiceField(label=_("Adopted by the meeting of"))
    published_on = forms.DateField(label=_("Published on"), widget=DATE)
    applies_from = forms.DateField(label=_("Applies from"), widget=DATE)

    def __init__(self, *args: Any, drafts: Any = (), meetings: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "rule_set", [(str(r.public_id), f"v{r.version} {r.title}") for r in drafts])
        _choices(self, "meeting", _days(meetings))


class GroupForm(TextForm):
    meeting: Any = forms.ChoiceField(label=_("Elected by the meeting of"))
    starts_on = forms.DateField(label=_("In office from"), widget=DATE)
    members = forms.CharField(label=_("Members (usernames, one per line)"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip

    def __init__(self, *args: Any, meetings: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "meeting", _days(meetings))


class PublicObjectionForm(TextForm):
    text = forms.CharField(
        label=_("Your objection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what is wrong with this item. The household does not see who objected."),
    )  # fmt: skip
    raised_by = forms.CharField(
        label=_("Your name (optional)"), max_length=50, required=False,
        help_text=_("Kept by the village committee only; no phone or ID numbers."),
    )  # fmt: skip
