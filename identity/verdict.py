"""The self-check's one verdict (issue 14): what holds, what does not, and what to do next, so a
green "eligible" never sits above a yellow "quality credit does not hold"."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from .choices import Role


@dataclass
class Verdict:
    tone: str  # success / warning / danger (Bootstrap alert)
    title: str
    holds: list = field(default_factory=list)
    fails: list = field(default_factory=list)
    steps: list = field(default_factory=list)  # [(text, url or "")]


def check_verdict(result, user=None) -> Verdict:
    """The verdict on an Eligibility (services.enterprise_check) for the person reading it: an
    anonymous visitor is told to sign up (or sign in), the enterprise's own user to apply, and
    anyone whose quality credit does not hold what would mend the listing."""
    if not result.valid:
        return Verdict("danger", _("The code is not valid."), fails=list(result.errors),
                       steps=[(_("Check the code on the business licence and try again."), "")])
    if not result.eligible:
        return Verdict("danger", _("Cannot apply: the enterprise does not meet the conditions of notice §2.1."),
                       fails=[*result.errors, *result.reasons],
                       steps=[(_("If the registry is wrong, ask your district market regulation bureau to check "
                                 "the enterprise's registration, then check again."), "")])
    holds = [_("Registered in Beijing and an independent legal person (notice §2.1).")]
    credit = result.quality_credit
    if credit is not None and not credit.get("holds"):
        steps = [(str(r), "") for r in credit.get("remedies", [])]
        steps.append((_("Once the listing is mended, check again; until then you may apply only for products "
                        "that do not require quality credit."), ""))
        return Verdict("warning", _("Not yet: the enterprise may apply, but its quality credit does not hold."),
                       holds=holds, fails=list(credit.get("reasons", [])), steps=steps)
    if credit is not None:
        holds.append(_("Quality credit holds (notice §3.1): not on the abnormal-operation or serious dishonesty "
                       "list, no market-regulation violation case and no failed spot check in the last 3 years."))
    return Verdict("success", _("Yes: the enterprise can apply for 京质贷."), holds=holds,
                   steps=_next_steps(result, user))


def _next_steps(result, user) -> list:
    if user is None or not user.is_authenticated:
        return [(_("Open an enterprise account (your district bureau confirms it), then apply."), reverse("identity:signup")),
                (_("Already have an account? Sign in and apply."), reverse("identity:login"))]
    if user.role == Role.ENTERPRISE and user.enterprise_id == result.uscc:
        return [(_("Apply now: choose a partner bank's product."), reverse("applications:create"))]
    return []
