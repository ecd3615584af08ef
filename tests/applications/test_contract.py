"""The contract follows the approval: amount at most the credit line, the approved rate, a term
at most the approved one, a plausible signing date, maturity computed from signing date and
term; disbursement dates within the contract's life. Every refusal names its fields (API
`extra.fields`, next to the field on the page) and changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.choices import Status
from applications.models import Application, Contract
from jingzhidai.dates import add_months
from jingzhidai.errors import ApplicationError

from ..helpers import client_for

pytestmark = pytest.mark.django_db


def _contract(app, user, **kw):
    return services.application_contract(application=app, user=user, number=kw.pop("number", f"HT-{app.pk}"), **kw)


def _refused(app, user, field, **kw):
    with pytest.raises(ApplicationError) as e:
        _contract(app, user, **kw)
    assert e.value.code == "invalid" and field in e.value.extra["fields"], e.value.extra
    assert Application.objects.get(pk=app.pk).status == Status.APPROVED and not Contract.objects.exists()
    return e.value


class TestContractMatchesTheApproval:
    """The flow's approval: credit line 1,000,000 yuan, 3.6 %, 12 months."""

    def test_defaults_are_the_approved_terms_signed_today_maturity_computed(self, flow, world):
        app = _contract(flow.to(Status.APPROVED), world.officer)
        c = app.contract
        today = timezone.localdate()
        assert (c.amount, c.annual_rate, c.term_months, c.signed_on) == (Decimal("1000000"), Decimal("3.6"), 12,
                                                                         today)
        assert c.maturity_on == add_months(today, 12)

    def test_the_bank_may_lend_less_and_for_shorter(self, flow, world):
        app = _contract(flow.to(Status.APPROVED), world.officer, amount="600000", term_months=6,
                        annual_rate="3.600")
        assert (app.contract.amount, app.contract.term_months) == (Decimal("600000"), 6)
        assert app.contract.maturity_on == add_months(app.contract.signed_on, 6)

    @pytest.mark.parametrize("rate", ["23.9", "3.7", "3.5"])
    def test_any_other_rate_is_refused(self, flow, world, rate):
        _refused(flow.to(Status.APPROVED), world.officer, "annual_rate", annual_rate=rate)

    @pytest.mark.parametrize("term", [13, 360, 1_000_000, 0, -1])
    def test_a_term_beyond_the_approved_one_is_refused(self, flow, world, term):
        _refused(flow.to(Status.APPROVED), world.officer, "term_months", term_months=term)

    def test_an_amount_above_the_credit_line_is_refused(self, flow, world):
        _refused(flow.to(Status.APPROVED), world.officer, "amount", amount="1000000.01")

    @pytest.mark.parametrize("signed", [date(1, 1, 1), date(1900, 1, 1), date(9999, 12, 31)])
    def test_an_implausible_signing_date_is_refused(self, flow, world, signed):
        _refused(flow.to(Status.APPROVED), world.officer, "signed_on", signed_on=signed)

    def test_the_signing_date_is_not_before_the_approval(self, flow, world):
        app = flow.to(Status.APPROVED)
        _refused(app, world.officer, "signed_on", signed_on=timezone.localdate(app.decided_at) - timedelta(days=1))

    def test_the_signing_date_is_not_in_the_future_unless_the_setting_allows(self, flow, world, settings):
        app = flow.to(Status.APPROVED)
        tomorrow = timezone.localdate() + timedelta(days=1)
        _refused(app, world.officer, "signed_on", signed_on=tomorrow)
        settings.CONTRACT_SIGNED_ON_MAX_DAYS_AHEAD = 1
        assert _contract(app, world.officer, signed_on=tomorrow).contract.signed_on == tomorrow

    @pytest.mark.parametrize("maturity", [date(9999, 12, 31), date(2000, 1, 1)])
    def test_a_maturity_other_than_signing_plus_term_is_refused(self, flow, world, maturity):
        error = _refused(flow.to(Status.APPROVED), world.officer, "maturity_on", maturity_on=maturity)
        assert add_months(timezone.localdate(), 12).isoformat() in error.extra["fields"]["maturity_on"][0]

    def test_the_computed_maturity_may_be_restated(self, flow, world):
        maturity = add_months(timezone.localdate(), 12)
        assert _contract(flow.to(Status.APPROVED), world.officer, maturity_on=maturity).contract.maturity_on == maturity

    def test_every_bad_field_is_named_at_once(self, flow, world):
        error = _refused(flow.to(Status.APPROVED), world.officer, "annual_rate", annual_rate="23.9", term_months=360,
                         signed_on=date(1, 1, 1), amount="2000000", number=" ")
        assert set(error.extra["fields"]) == {"number", "amount", "annual_rate", "term_months", "signed_on"}


class TestContractApi:
    def _post(self, world, app, lang="zh-hans", **data):
        client = client_for(world, "approver", api=True)
        client.raise_request_exception = False
        return client.post(reverse("api:application-contract", args=[app.pk]), {"number": "HT-API-1", **data},
                           format="json", HTTP_ACCEPT_LANGUAGE=lang)

    def test_the_reported_values_are_400s_with_field_messages_in_both_languages(self, flow, world):
        app = flow.to(Status.APPROVED)
        bad = {"annual_rate": "23.9", "term_months": 360, "signed_on": "0001-01-01", "maturity_on": "9999-12-31"}
        zh = self._post(world, app, **bad)
        assert zh.status_code == 400
        fields = zh.json()["extra"]["fields"]
        assert {"annual_rate", "term_months", "signed_on"} <= set(fields)
        assert "利率" in fields["annual_rate"][0]
        en = self._post(world, app, lang="en", **bad).json()["extra"]["fields"]
        assert "approved rate" in en["annual_rate"][0]
        assert Application.objects.get(pk=app.pk).status == Status.APPROVED

    def test_a_term_of_a_million_months_is_a_400_not_an_overflow(self, flow, world):
        response = self._post(world, flow.to(Status.APPROVED), term_months=1_000_000)
        assert response.status_code == 400 and "term_months" in response.json()["extra"]["fields"]

    def test_the_approved_terms_go_through(self, flow, world):
        response = self._post(world, flow.to(Status.APPROVED))
        assert response.status_code == 200 and response.json()["contract"]["annual_rate"] == "3.600"


class TestContractPage:
    def test_a_refused_contract_shows_the_errors_next_to_the_fields(self, flow, world):
        app = flow.to(Status.APPROVED)
        client = client_for(world, "approver")
        response = client.post(reverse("applications:act", args=[app.pk, "contract"]),
                               {"number": "HT-WEB-9", "signed_on": "1900-01-01", "term_months": "13"},
                               HTTP_ACCEPT_LANGUAGE="en")
        page = response.content.decode()
        assert response.status_code == 400
        assert 'id="id_signed_on_error"' in page and "approval" in page
        assert 'id="id_term_months_error"' in page
        assert 'value="HT-WEB-9"' in page  # what was typed stays
        assert Application.objects.get(pk=app.pk).status == Status.APPROVED
        absurd = client.post(reverse("applications:act", args=[app.pk, "contract"]),
                             {"number": "HT-WEB-9", "signed_on": "2026-01-01", "term_months": "1000000"})
        assert absurd.status_code == 400 and 'id="id_term_months_error"' in absurd.content.decode()

    def test_the_form_offers_the_approved_terms(self, flow, world):
        app = flow.to(Status.APPROVED)
        page = client_for(world, "approver").get(reverse("applications:detail", args=[app.pk])).content.decode()
        assert 'name="term_months"' in page and 'value="12"' in page and 'name="maturity_on"' not in page


class TestDisbursementDates:
    @pytest.mark.parametrize("day", [date(1900, 1, 1), date(1, 1, 1)])
    def test_before_the_signing_date_is_refused(self, flow, world, day):
        app = flow.to(Status.CONTRACTED)
        with pytest.raises(ApplicationError) as e:
            services.application_disburse(application=app, user=world.approver, amount="1", date=day)
        assert "date" in e.value.extra["fields"] and not app.disbursements.exists()

    def test_in_the_future_is_refused(self, flow, world):
        app = flow.to(Status.CONTRACTED)
        with pytest.raises(ApplicationError) as e:
            services.application_disburse(application=app, user=world.approver, amount="1",
                                          date=timezone.localdate() + timedelta(days=1))
        assert "date" in e.value.extra["fields"]

    def test_a_refused_disbursement_shows_the_error_next_to_the_date(self, flow, world):
        app = flow.to(Status.CONTRACTED)
        response = client_for(world, "approver").post(reverse("applications:act", args=[app.pk, "disburse"]),
                                                     {"amount": "1", "date": "1900-01-01"})
        assert response.status_code == 400 and 'id="id_date_error"' in response.content.decode()
        assert not app.disbursements.exists()
