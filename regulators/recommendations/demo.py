"""Demo recommended list: demo-enterprise and four enterprises of the registry that hold a
distinction opt in (the four through accounts of their own, which have no password); the list
is built; Bank of Beijing (demo-officer-2) invites demo-enterprise to apply. Idempotent: nothing
is added once a list exists."""

from django.contrib.auth.hashers import make_password

from banks.models import PRODUCT_OPEN_TO_APPLICATIONS, Product
from elements.models import Distinction
from elements.selectors import profiles_get
from identity.choices import Role
from identity.models import User

from . import services
from .models import RecommendedList


def _say(stdout, text):
    if stdout:
        stdout.write(text)


def seed(stdout=None):
    users = {u.username: u for u in User.objects.filter(username__in=[
        "demo-enterprise", "demo-enterprise-2", "demo-city", "demo-officer-2"]).select_related("enterprise")}
    if len(users) < 4:
        _say(stdout, "regulators: demo users missing, recommended list skipped")
        return
    if RecommendedList.objects.exists():
        _say(stdout, "regulators: a recommended list is already there")
        return
    services.recommendation_opt_in(user=users["demo-enterprise"])
    skip = {users["demo-enterprise"].enterprise_id, users["demo-enterprise-2"].enterprise_id}
    candidates = list(Distinction.objects.exclude(enterprise_id__in=skip).order_by("enterprise_id").values_list(
        "enterprise_id", flat=True).distinct()[:40])
    profiles = profiles_get(enterprise_ids=candidates)
    chosen = [u for u in candidates if profiles[u].quality_credit.holds and profiles[u].distinction_codes()][:4]
    for i, uscc in enumerate(chosen, start=1):
        user, _ = User.objects.get_or_create(username=f"demo-recommended-{i}", defaults=dict(
            role=Role.ENTERPRISE, enterprise_id=uscc, first_name=f"企业联系人{i}", password=make_password(None)))
        services.recommendation_opt_in(user=user)
    snapshot = services.recommended_list_build(user=users["demo-city"])
    officer = users["demo-officer-2"]
    entry = snapshot.entries.filter(enterprise_id=users["demo-enterprise"].enterprise_id).first()
    if entry is not None:
        product = Product.objects.filter(PRODUCT_OPEN_TO_APPLICATIONS, bank_id=officer.bank_id).order_by("pk").first()
        services.invitation_create(user=officer, entry=entry, product=product,
                                   message="贵公司已入选本月京质贷推荐名单，欢迎申请我行京质贷产品。")
    _say(stdout, f"regulators: recommended list with {snapshot.entries_count} enterprises, one invitation")
