"""The transition map: every allowed transition succeeds, every refused one is a 409 that
changes nothing; maker-checker; the rules each step enforces."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.choices import Action, Status
from applications.models import Application, HistoryEntry
from applications.workflow import TRANSITIONS
from banks import services as bank_services
from elements import rules
from elements.selectors import profile_get
from jingzhidai.errors import ApplicationError, TransitionNotAllowed

from ..helpers import client_for
from .conftest import HELD, UNHELD, product_fields, upload

pytestmark = pytest.mark.django_db

# Who takes each action in the world, and the payload the API needs.
ACTOR = {Action.SUBMIT: "enterprise", Action.WITHDRAW: "enterprise", Action.ACCEPT: "officer",
         Action.RETURN: "officer", Action.PROPOSE: "officer", Action.APPROVE: "approver", Action.REJECT: "approver",
         Action.CONTRACT: "officer", Action.DISBURSE: "approver"}
PAYLOAD = {Action.RETURN: {"note": "请补充材料"}, Action.REJECT: {"reason": "不符合信贷政策"},
           Action.PROPOSE: {"credit_line": "1000000", "annual_rate": "3.6", "term_months": 12,
                            "guarantee_type": "credit"},
           Action.CONTRACT: {"number": "HT-X-1"}, Action.DISBURSE: {"amount": "100000"}}
PAIRS = [(action, status) for action in Action.values for status in Status.values]


@pytest.mark.parametrize(("action", "status"), PAIRS)
def test_every_transition_through_the_api(flow, world, action, status):
    """Allowed: 200, the target status, one new history row. Refused: 409 and nothing changes."""
    app = flow.to(status)
    before = Application.objects.get(pk=app.pk)
    history = HistoryEntry.objects.filter(application=app).count()
    client = client_for(world, ACTOR[action], api=True)
    url = reverse(f"api:application-{action}", args=[app.pk])
    response = client.post(url, PAYLOAD.get(action, {}), format="json")
    after = Application.objects.get(pk=app.pk)
    transition = TRANSITIONS[action]
    if status in transition.sources:
        assert response.status_code == 200, response.json()
        assert after.status == transition.target
        assert response.json()["status"] == transition.target
        entry = HistoryEntry.objects.filter(application=app).latest("id")
        assert (entry.action, entry.from_status, entry.to_status, entry.actor) == (
            action, status, transition.target, world.users[ACTOR[action]])
        assert getattr(after, transition.stamp) is not None
        assert HistoryEntry.objects.filter(application=app).count() == history + 1
    else:
        if status == Status.DRAFT and ACTOR[action] != "enterprise":
            assert response.status_code == 404  # banks do not see drafts at all
        else:
            assert response.status_code == 409, (response.status_code, response.json())
            assert response.json()["code"] == "transition_not_allowed"
        assert after.status == before.status == status
        assert after.status_changed_at == before.status_changed_at
        assert HistoryEntry.objects.filter(application=app).count() == history


@pytest.mark.parametrize("action", [Action.ACCEPT, Action.PROPOSE, Action.RETURN])
def test_enterprise_cannot_take_bank_steps(flow, world, action):
    app = flow.to(Status.SUBMITTED if action != Action.PROPOSE else Status.UNDER_REVIEW)
    response = client_for(world, "enterprise", api=True).post(
        reverse(f"api:application-{action}", args=[app.pk]), PAYLOAD.get(action, {}), format="json")
    assert response.status_code == 403
    assert Application.objects.get(pk=app.pk).status == app.status


def test_officer_cannot_approve_and_approver_cannot_accept(flow, world):
    proposed = flow.to(Status.PROPOSED)
    r = client_for(world, "officer", api=True).post(reverse("api:application-approve", args=[proposed.pk]))
    assert r.status_code == 403
    submitted = flow.to(Status.SUBMITTED)
    r = client_for(world, "approver", api=True).post(reverse("api:application-accept", args=[submitted.pk]))
    assert r.status_code == 403
    assert Application.objects.get(pk=proposed.pk).status == Status.PROPOSED
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED


class TestMakerChecker:
    def test_the_proposer_cannot_approve_or_reject(self, flow, world):
        """Only officers propose and only approvers decide; the rule still bites when the
        proposer later becomes an approver (a promotion between the two steps)."""
        from identity.choices import Role

        app = flow.to(Status.PROPOSED)
        proposer = world.officer
        proposer.role = Role.BANK_APPROVER
        proposer.save(update_fields=["role"])
        for call in (lambda: services.application_approve(application=app, user=proposer),
                     lambda: services.application_reject(application=app, user=proposer, reason="x")):
            with pytest.raises(TransitionNotAllowed) as e:
                call()
            assert e.value.code == "maker_checker"
        r = client_for(world, "officer", api=True).post(reverse("api:application-approve", args=[app.pk]))
        assert r.status_code == 409 and r.json()["code"] == "maker_checker"
        assert Application.objects.get(pk=app.pk).status == Status.PROPOSED
        services.application_approve(application=app, user=world.approver)
        app.refresh_from_db()
        assert app.status == Status.APPROVED and app.decided_by == world.approver and app.proposed_by == proposer

    def test_maker_checker_is_also_a_database_constraint(self, flow, world):
        from django.db import IntegrityError, transaction

        app = flow.to(Status.APPROVED)
        with pytest.raises(IntegrityError), transaction.atomic():
            Application.objects.filter(pk=app.pk).update(decided_by=app.proposed_by)


class TestRules:
    def test_reject_needs_a_reason_the_enterprise_sees(self, flow, world):
        app = flow.to(Status.PROPOSED)
        r = client_for(world, "approver", api=True).post(reverse("api:application-reject", args=[app.pk]),
                                                          {"reason": " "}, format="json")
        assert r.status_code == 400
        assert Application.objects.get(pk=app.pk).status == Status.PROPOSED
        app = services.application_reject(application=app, user=world.approver, reason="现金流不足")
        detail = client_for(world, "enterprise", api=True).get(reverse("api:application-detail", args=[app.pk]))
        assert detail.json()["decision_reason"] == "现金流不足"
        assert detail.json()["status"] == Status.REJECTED

    def test_return_needs_a_note_and_the_enterprise_answers(self, flow, world):
        app = flow.to(Status.SUBMITTED)
        with pytest.raises(ApplicationError):
            services.application_return(application=app, user=world.officer, note="")
        app = services.application_return(application=app, user=world.officer, note="请补充设备采购合同")
        services.evidence_add(application=app, user=world.enterprise, element_code=HELD, uploaded=upload())
        app = services.application_submit(application=app, user=world.enterprise, note="已补充")
        assert app.status == Status.SUBMITTED
        assert list(app.history.values_list("to_status", flat=True)) == [
            Status.SUBMITTED, Status.RETURNED, Status.SUBMITTED]

    def test_submit_needs_the_authorisation(self, flow, world):
        app = flow.draft(authorise=False)
        with pytest.raises(ApplicationError) as e:
            services.application_submit(application=app, user=world.enterprise)
        assert e.value.code == "authorisation_required"
        services.authorisation_grant(application=app, user=world.enterprise)
        assert services.application_submit(application=app, user=world.enterprise).status == Status.SUBMITTED
        assert app.authorisations.get().granted_at <= timezone.now()

    def test_claims_the_library_lacks_need_evidence(self, flow, world):
        app = flow.draft(claims=[HELD, UNHELD])
        with pytest.raises(ApplicationError) as e:
            services.application_submit(application=app, user=world.enterprise)
        assert e.value.code == "evidence_required"
        services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload())
        assert services.application_submit(application=app, user=world.enterprise).status == Status.SUBMITTED

    def test_withdraw_ends_the_authorisation(self, flow, world):
        app = flow.to(Status.UNDER_REVIEW)
        services.application_withdraw(application=app, user=world.enterprise)
        app.refresh_from_db()
        assert app.authorisations.get().revoked_at is not None
        r = client_for(world, "officer", api=True).get(reverse("api:application-profile", args=[app.pk]))
        assert r.status_code == 403

    def test_propose_within_the_product(self, flow, world):
        app = flow.to(Status.UNDER_REVIEW)
        for bad in ({"credit_line": "99"}, {"annual_rate": "9.9"}, {"term_months": 60},
                    {"guarantee_type": "mortgage"}):
            data = {"credit_line": "1000000", "annual_rate": "3.6", "term_months": 12, "guarantee_type": "credit",
                    **bad}
            with pytest.raises(ApplicationError):
                services.application_propose(application=app, user=world.officer, **data)
        assert Application.objects.get(pk=app.pk).status == Status.UNDER_REVIEW

    def test_propose_waits_for_evidence_checks_and_open_requests(self, flow, world):
        app = flow.draft(claims=[HELD, UNHELD])
        ev = services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload())
        services.application_submit(application=app, user=world.enterprise)
        services.application_accept(application=app, user=world.officer)
        terms = dict(credit_line="1000000", annual_rate="3.6", term_months=12, guarantee_type="credit")
        with pytest.raises(ApplicationError) as e:
            services.application_propose(application=app, user=world.officer, **terms)
        assert e.value.code == "evidence_unchecked"
        with pytest.raises(ApplicationError):
            services.evidence_review(evidence=ev, user=world.officer, verified=False, reason="")
        services.evidence_review(evidence=ev, user=world.officer, verified=True)
        req = services.verification_request_create(application=app, user=world.officer, element_code=UNHELD,
                                                   question="请核实该企业是否为中华老字号")
        with pytest.raises(ApplicationError) as e:
            services.application_propose(application=app, user=world.officer, **terms)
        assert e.value.code == "verification_open"
        services.verification_request_answer(request=req, user=world.district, confirmed=False, note="未查到")
        assert services.application_propose(application=app, user=world.officer, **terms).status == Status.PROPOSED

    def test_contract_and_disbursements_never_exceed_the_contract(self, flow, world):
        app = flow.to(Status.APPROVED)
        with pytest.raises(ApplicationError):
            services.application_contract(application=app, user=world.officer, number="HT-1",
                                          signed_on=timezone.localdate(), amount="2000000")
        app = services.application_contract(application=app, user=world.officer, number="HT-1",
                                            signed_on=timezone.localdate(), amount="800000")
        assert app.contract.maturity_on > app.contract.signed_on
        services.application_disburse(application=app, user=world.approver, amount="500000")
        with pytest.raises(TransitionNotAllowed) as e:
            services.application_disburse(application=app, user=world.approver, amount="300000.01")
        assert e.value.code == "over_contract"
        services.application_disburse(application=app, user=world.officer, amount="300000")
        assert sum(d.amount for d in app.disbursements.all()) == Decimal("800000")
        r = client_for(world, "approver", api=True).post(reverse("api:application-disburse", args=[app.pk]),
                                                          {"amount": "1"}, format="json")
        assert r.status_code == 409
        assert app.disbursements.count() == 2

    def test_contract_numbers_are_unique_within_a_bank(self, flow, world):
        first = flow.to(Status.CONTRACTED)
        second = flow.to(Status.APPROVED)
        with pytest.raises(ApplicationError) as e:
            services.application_contract(application=second, user=world.officer, number=first.contract.number,
                                          signed_on=timezone.localdate())
        assert e.value.code == "duplicate"
        assert Application.objects.get(pk=second.pk).status == Status.APPROVED


class TestNewApplications:
    def test_only_products_the_enterprise_meets(self, world, product, held):
        demanding = bank_services.product_create(actor=world.admin, bank=world.bank, **product_fields(
            name="创新贷", conditions={"all_of": [{"element": "innovation.patent_award_gold"}]}))
        with pytest.raises(ApplicationError) as e:
            services.application_create(user=world.enterprise, product=demanding, amount=Decimal("1000000"),
                                        term_months=12, purpose="quality", need_statement="x")
        assert e.value.code == "conditions_not_met"
        assert not Application.objects.exists()

    def test_amount_and_term_within_the_product(self, world, product, held):
        for amount, term in ((Decimal("50"), 12), (Decimal("1000000"), 48)):
            with pytest.raises(ApplicationError):
                services.application_create(user=world.enterprise, product=product, amount=amount,
                                            term_months=term, purpose="quality", need_statement="x")
        assert not Application.objects.exists()

    def test_claims_default_to_the_profile_and_may_add(self, world, product, held):
        app = services.application_create(user=world.enterprise, product=product, amount=Decimal("1000000"),
                                          term_months=12, purpose="quality", need_statement="x")
        assert [(c.element_type.code, c.origin) for c in app.claims.all()] == [(HELD, "profile")]
        app2 = services.application_create(user=world.enterprise, product=product, amount=Decimal("1000000"),
                                           term_months=12, purpose="quality", need_statement="x",
                                           claims=[HELD, UNHELD])
        assert {(c.element_type.code, c.origin) for c in app2.claims.all()} == {(HELD, "profile"),
                                                                                 (UNHELD, "added")}
        with pytest.raises(ApplicationError):
            services.application_create(user=world.enterprise, product=product, amount=Decimal("1000000"),
                                        term_months=12, purpose="quality", need_statement="x",
                                        claims=["credit.no_penalty_3y"])

    @pytest.mark.parametrize("action", ["suspend", "remove"])
    def test_a_suspended_or_removed_bank_gets_no_new_application_but_carries_on(self, flow, world, action):
        held_app = flow.to(Status.SUBMITTED)
        draft = flow.draft()
        bank_services.bank_transition(actor=world.admin, bank=world.bank, action=action, reason="测试")
        with pytest.raises(ApplicationError) as e:
            flow.draft()
        assert e.value.code == "bank_closed"
        with pytest.raises(ApplicationError):
            services.application_submit(application=draft, user=world.enterprise)
        assert Application.objects.get(pk=draft.pk).status == Status.DRAFT
        # The application the bank already holds runs to the end.
        app = services.application_accept(application=held_app, user=world.officer)
        app = services.application_propose(application=app, user=world.officer, credit_line="1000000",
                                           annual_rate="3.6", term_months=12, guarantee_type="credit")
        app = services.application_approve(application=app, user=world.approver)
        app = services.application_contract(application=app, user=world.officer, number="HT-S",
                                            signed_on=timezone.localdate())
        app = services.application_disburse(application=app, user=world.approver, amount="1000000")
        assert app.status == Status.DISBURSED

    def test_only_enterprise_users_apply(self, world, product, held):
        with pytest.raises(ApplicationError):
            services.application_create(user=world.officer, product=product, amount=Decimal("1000000"),
                                        term_months=12, purpose="quality", need_statement="x")


class TestProfileBuiltOnce:
    """The quality profile (six queries) is built once per create or submit."""

    @pytest.fixture
    def builds(self, monkeypatch):
        import applications.selectors
        import applications.services
        from elements.selectors import profile_get

        calls = []

        def spy(**kwargs):
            calls.append(kwargs)
            return profile_get(**kwargs)

        monkeypatch.setattr(applications.services, "profile_get", spy)
        monkeypatch.setattr(applications.selectors, "profile_get", spy)
        return calls

    def test_submit_builds_the_profile_once(self, flow, world, builds):
        app = flow.draft(claims=[HELD, UNHELD])
        services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload())
        builds.clear()
        services.application_submit(application=app, user=world.enterprise)
        assert len(builds) == 1

    def test_create_builds_the_profile_once(self, flow, world, builds):
        services.application_create(user=world.enterprise, product=flow.product, amount=Decimal("1000000"),
                                    term_months=12, purpose="quality", need_statement="x")
        assert len(builds) == 1

    def test_update_of_product_and_claims_builds_the_profile_once(self, flow, world, builds):
        from banks import services as bank_services

        from .conftest import product_fields

        app = flow.draft(claims=[HELD])
        other = bank_services.product_create(actor=world.admin, bank=world.bank, **product_fields(name="另一产品"))
        builds.clear()
        services.application_update(application=app, user=world.enterprise, product=other, claims=[HELD, UNHELD])
        assert len(builds) == 1
        assert app.claims.count() == 2

    def test_create_page_builds_the_profile_once(self, flow, world, builds):
        r = client_for(world, "enterprise").post(reverse("applications:create"), {
            "product": flow.product.pk, "amount": "1000000", "term_months": "12", "purpose": "quality",
            "need_statement": "x", "claims": [HELD], "authorise": "on"})
        assert r.status_code == 302, r.content.decode()[:2000]
        assert len(builds) == 1


def test_a_proposal_keeps_the_rules_version_it_was_computed_under(flow, world, monkeypatch):
    """Issue 11: a new rules version does not rewrite what an officer saw; a profile computed
    before the change still says the old version, one computed now says the new one."""
    monkeypatch.setattr(rules, "RULES_VERSION", "jzd-credit-2025.1")
    app = flow.to(Status.PROPOSED)
    monkeypatch.undo()
    assert rules.RULES_VERSION == "jzd-credit-2026.1"
    app.refresh_from_db()
    assert app.decision_profile["rules_version"] == "jzd-credit-2025.1"
    assert profile_get(enterprise=app.enterprise).rules_version == "jzd-credit-2026.1"
