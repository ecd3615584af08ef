"""Quality conditions of a product, written against the element catalog (notice §三).

A condition set is a small JSON object, stored on the product:

    {"credit_must_hold": true,
     "all_of": [{"element": "infrastructure.iso_quality"}],
     "any_of": [{"category": "management"}, {"category": "brand"}]}

- `credit_must_hold`: the enterprise's quality credit holds (every credit condition);
- `all_of`: every reference is met;
- `any_of`: at least one reference is met (ignored when empty).
A reference is `{"element": <element type code>}` (held and valid on the profile's date) or
`{"category": <distinction category code>}` (at least one element of that category held).

Matching is a pure function of the profile (`elements.profile.QualityProfile`) and the
catalog's names, so it can run for a whole product list with two catalog queries."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

KEYS = ("credit_must_hold", "all_of", "any_of")


@dataclass(frozen=True)
class Catalog:
    """Names of the element catalog, for validation and for sentences."""

    categories: dict  # code -> (name, name_en, nature)
    types: dict  # code -> (name, name_en, category code, retired: bool)

    def _pick(self, name, name_en):
        lang = translation.get_language() or ""
        return name_en if lang.startswith("en") and name_en else name

    def category_name(self, code):
        name, name_en, _nature = self.categories.get(code, (code, code, ""))
        return self._pick(name, name_en)

    def element_name(self, code):
        name, name_en, *_rest = self.types.get(code, (code, code, "", False))
        return self._pick(name, name_en)


def catalog_load() -> Catalog:
    """The names and natures the conditions need, from the elements app's one (cached) read of
    the catalog."""
    from elements.selectors import element_catalog

    category_list, type_map = element_catalog()
    categories = {c.code: (c.name, c.name_en, c.nature) for c in category_list}
    types = {t.code: (t.name, t.name_en, t.category_id, t.retired_at is not None) for t in type_map.values()}
    return Catalog(categories=categories, types=types)


def _join(items):
    lang = translation.get_language() or ""
    return ("、" if lang.startswith("zh") else ", ").join(items)


def element_codes(conditions) -> set[str]:
    return {ref["element"] for key in ("all_of", "any_of") for ref in (conditions or {}).get(key, [])
            if "element" in ref}


def conditions_clean(data, *, catalog: Catalog, allow_retired=frozenset()) -> dict:
    """Validate and normalise a condition set. Every code must be in the catalog; retired
    element types are refused unless listed in `allow_retired` (codes the product already
    had, so an edit does not force a bank to drop a condition the bureau retired)."""
    if data in (None, ""):
        data = {}
    if not isinstance(data, dict):
        raise ValidationError(_("Quality conditions must be an object with credit_must_hold, all_of and any_of."))
    errors = []
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        errors.append(_("Unknown keys in the quality conditions: %(keys)s.") % {"keys": ", ".join(unknown)})
    credit = data.get("credit_must_hold", False)
    if not isinstance(credit, bool):
        errors.append(_("credit_must_hold must be true or false."))
    clean = {"credit_must_hold": credit is True, "all_of": [], "any_of": []}
    for key in ("all_of", "any_of"):
        refs = data.get(key, [])
        if not isinstance(refs, list):
            errors.append(_("%(key)s must be a list.") % {"key": key})
            continue
        for ref in refs:
            ref_clean = _ref_clean(ref, key, catalog, allow_retired, errors)
            if ref_clean is not None and ref_clean not in clean[key]:
                clean[key].append(ref_clean)
    if errors:
        raise ValidationError(errors)
    return clean


def _ref_clean(ref, key, catalog, allow_retired, errors):
    if not isinstance(ref, dict) or len(ref) != 1 or not ({"element", "category"} & set(ref)):
        errors.append(_('Each entry of %(key)s is {"element": code} or {"category": code}.') % {"key": key})
        return None
    if "category" in ref:
        code = ref["category"]
        category = catalog.categories.get(code)
        if category is None:
            errors.append(_("Unknown element category: %(code)s.") % {"code": code})
            return None
        if code == "credit":
            errors.append(_("Use credit_must_hold (or a single credit element) for quality credit, "
                            "not the credit category."))
            return None
        return {"category": code}
    code = ref["element"]
    element = catalog.types.get(code)
    if element is None:
        errors.append(_("Unknown element type: %(code)s.") % {"code": code})
        return None
    if element[3] and code not in allow_retired:
        errors.append(_("The element type %(name)s is retired and cannot be used in new conditions.")
                      % {"name": catalog.element_name(code)})
        return None
    return {"element": code}


def _ref_text(ref, catalog):
    if "element" in ref:
        return catalog.element_name(ref["element"])
    return _("a distinction in %(category)s") % {"category": catalog.category_name(ref["category"])}


def conditions_describe(conditions, *, catalog: Catalog) -> str:
    """One sentence, in the active language."""
    conditions = conditions or {}
    parts = []
    if conditions.get("credit_must_hold"):
        parts.append(_("quality credit holds"))
    parts += [_ref_text(ref, catalog) for ref in conditions.get("all_of", [])]
    any_of = conditions.get("any_of", [])
    if len(any_of) == 1:
        parts.append(_ref_text(any_of[0], catalog))
    elif any_of:
        parts.append(_("at least one of %(options)s") % {"options": _join(_ref_text(r, catalog) for r in any_of)})
    if not parts:
        return _("No quality conditions beyond the program's eligibility.")
    return _("Requires: %(parts)s.") % {"parts": "; ".join(parts)}


def _ref_met(ref, codes, categories):
    if "element" in ref:
        return ref["element"] in codes
    return ref["category"] in categories


def conditions_match(conditions, profile, *, catalog: Catalog) -> tuple[bool, list[str]]:
    """(meets, missing): whether the profile meets the conditions now, and one message per
    condition it misses, in the active language."""
    conditions = conditions or {}
    codes, categories = profile.held_codes(), profile.held_categories()
    missing = []
    if conditions.get("credit_must_hold") and not profile.quality_credit.holds:
        reasons = [r.message for r in profile.quality_credit.reasons if r.message]
        if reasons:
            missing.append(_("Quality credit must hold; it does not: %(reasons)s") % {"reasons": "; ".join(reasons)})
        else:
            missing.append(_("Quality credit must hold; it does not."))
    for ref in conditions.get("all_of", []):
        if not _ref_met(ref, codes, categories):
            if "element" in ref:
                missing.append(_("Needs %(name)s.") % {"name": catalog.element_name(ref["element"])})
            else:
                missing.append(_("Needs at least one distinction in %(category)s.")
                               % {"category": catalog.category_name(ref["category"])})
    any_of = conditions.get("any_of", [])
    if any_of and not any(_ref_met(ref, codes, categories) for ref in any_of):
        missing.append(_("Needs at least one of: %(options)s.")
                       % {"options": _join(_ref_text(r, catalog) for r in any_of)})
    return (not missing, missing)
