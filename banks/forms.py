from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from elements.models import ElementCategory, ElementType
from identity.choices import Role
from jingzhidai.forms import BootstrapMixin, RateField, WanAmountField
from jingzhidai.limits import TEXT

from . import selectors
from .choices import BankAction, GuaranteeType, ProductAction, RateKind
from .models import Bank, Branch

WAN = Decimal("10000")


class BankForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Bank
        fields = ["name", "name_en", "kind", "credit_code", "head_office", "beijing_office", "beijing_address",
                  "contact_name", "contact_phone", "contact_email", "admitted_on", "note"]
        widgets = {"admitted_on": forms.DateInput(attrs={"type": "date"}), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True


class TransitionForm(BootstrapMixin, forms.Form):
    action = forms.ChoiceField(label=_("Decision"), choices=BankAction.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, allowed=None, **kwargs):
        """`allowed`: the actions the object's current status allows (the select offers only them)."""
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["action"].choices = [c for c in self.fields["action"].choices if c[0] in allowed]


class ProductTransitionForm(TransitionForm):
    action = forms.ChoiceField(label=_("Decision"),
                               choices=[c for c in ProductAction.choices if c[0] != ProductAction.PUBLISH])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class BranchForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Branch
        fields = ["name", "district", "address", "phone", "is_active"]


def _category_choices():
    return [(c.code, c.name) for c in ElementCategory.objects.exclude(code="credit").order_by("order")]


def _element_choices(keep=()):
    qs = ElementType.objects.select_related("category").order_by("category__order", "order", "code")
    return [(t.code, f"{t.category.name} · {t.name}") for t in qs if t.retired_at is None or t.code in keep]


class ProductForm(BootstrapMixin, forms.Form):
    """Amounts are entered in 万元 (10k yuan) and stored in yuan; conditions are picked from the
    element catalog and stored as the JSON of `banks.conditions`."""

    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=TEXT)
    amount_min_wan = WanAmountField(label=_("Minimum amount (10k yuan)"))
    amount_max_wan = WanAmountField(label=_("Maximum amount (10k yuan)"))
    term_min_months = forms.IntegerField(label=_("Shortest term (months)"), min_value=1, max_value=360)
    term_max_months = forms.IntegerField(label=_("Longest term (months)"), min_value=1, max_value=360)
    rate_kind = forms.ChoiceField(label=_("Rate"), choices=RateKind.choices)
    rate_min = RateField(label=_("Lowest annual rate (%)"), required=False,
                                  help_text=_("Fixed range only."))
    rate_max = RateField(label=_("Highest annual rate (%)"), required=False)
    spread_min_bp = forms.IntegerField(label=_("Lowest spread over LPR (bp)"), required=False,
                                       help_text=_("LPR plus a spread only; may be negative."))
    spread_max_bp = forms.IntegerField(label=_("Highest spread over LPR (bp)"), required=False)
    guarantee_types = forms.MultipleChoiceField(label=_("Guarantee types offered"), choices=GuaranteeType.choices,
                                                widget=forms.CheckboxSelectMultiple)
    credit_must_hold = forms.BooleanField(label=_("Quality credit must hold"), required=False, initial=True)
    all_elements = forms.MultipleChoiceField(label=_("Elements that must all be held"), required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 8}))
    all_categories = forms.MultipleChoiceField(label=_("Categories each needing a distinction"), required=False,
                                               widget=forms.CheckboxSelectMultiple)
    any_categories = forms.MultipleChoiceField(
        label=_("At least one of: a distinction in these categories…"), required=False,
        widget=forms.CheckboxSelectMultiple)
    any_elements = forms.MultipleChoiceField(label=_("…or one of these elements"), required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 8}))
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=100)

    def __init__(self, *args, keep_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        elements, categories = _element_choices(keep_codes), _category_choices()
        self.fields["all_elements"].choices = self.fields["any_elements"].choices = elements
        self.fields["all_categories"].choices = self.fields["any_categories"].choices = categories

    @classmethod
    def initial_from(cls, product):
        c = product.conditions or {}
        refs = {key: c.get(key, []) for key in ("all_of", "any_of")}
        return {
            "name": product.name, "name_en": product.name_en, "description": product.description,
            "amount_min_wan": product.amount_min / WAN, "amount_max_wan": product.amount_max / WAN,
            "term_min_months": product.term_min_months, "term_max_months": product.term_max_months,
            "rate_kind": product.rate_kind, "rate_min": product.rate_min, "rate_max": product.rate_max,
            "spread_min_bp": product.spread_min_bp, "spread_max_bp": product.spread_max_bp,
            "guarantee_types": product.guarantee_types, "credit_must_hold": c.get("credit_must_hold", False),
            "all_elements": [r["element"] for r in refs["all_of"] if "element" in r],
            "all_categories": [r["category"] for r in refs["all_of"] if "category" in r],
            "any_elements": [r["element"] for r in refs["any_of"] if "element" in r],
            "any_categories": [r["category"] for r in refs["any_of"] if "category" in r],
        }

    def product_fields(self) -> dict:
        d = self.cleaned_data
        fixed = d["rate_kind"] == RateKind.FIXED
        return {
            "name": d["name"], "name_en": d["name_en"], "description": d["description"],
            "amount_min": d["amount_min_wan"] * WAN, "amount_max": d["amount_max_wan"] * WAN,
            "term_min_months": d["term_min_months"], "term_max_months": d["term_max_months"],
            "rate_kind": d["rate_kind"],
            "rate_min": d["rate_min"] if fixed else None, "rate_max": d["rate_max"] if fixed else None,
            "spread_min_bp": None if fixed else d["spread_min_bp"],
            "spread_max_bp": None if fixed else d["spread_max_bp"],
            "guarantee_types": list(d["guarantee_types"]),
            "conditions": {
                "credit_must_hold": d["credit_must_hold"],
                "all_of": [{"element": c} for c in d["all_elements"]] + [{"category": c} for c in d["all_categories"]],
                "any_of": [{"category": c} for c in d["any_categories"]] + [{"element": c} for c in d["any_elements"]],
            },
        }


# Service field names -> form field names, to show service errors next to the right input.
PRODUCT_ERROR_FIELDS = {"amount_min": "amount_min_wan", "amount_max": "amount_max_wan"}


class StaffForm(BootstrapMixin, forms.Form):
    bank = forms.ModelChoiceField(label=_("Bank"), queryset=Bank.objects.none(), required=False)
    username = forms.RegexField(label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$",
                                help_text=_("Letters, digits and @/./+/-/_ only."))
    first_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"))
    bank_branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none(), required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password = forms.CharField(label=_("Initial password"), strip=False, widget=forms.PasswordInput,
                               help_text=_("At least 12 characters, not common, not only digits."))

    def __init__(self, *args, actor, banks, **kwargs):
        super().__init__(*args, **kwargs)
        if actor.role == Role.PLATFORM_ADMIN:
            self.fields["bank"].queryset = banks
            self.fields["bank"].required = True
        else:
            del self.fields["bank"]
        # The same rules as services.staff_create: one selector for roles, one for branches.
        self.fields["bank_branch"].queryset = selectors.staff_branches_for(actor, open_only=True)
        self.fields["role"].choices = [(r, Role(r).label) for r in selectors.staff_roles_assignable_by(actor)]


class PasswordForm(BootstrapMixin, forms.Form):
    password = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput,
                               help_text=_("At least 12 characters, not common, not only digits."))
