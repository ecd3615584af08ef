"""The HTML list pages read their rows as values (jingzhidai/rows.py) and render their filters'
options with `{% filter_options %}` (jingzhidai/templatetags/lists.py) since issue 10's fifth
increment. Each page must print exactly what the former way printed: the former row markup
(model instances, `get_…_display`, `{% url %}` per row) and the former option loop are kept here
and rendered beside the page, in both languages, for every role that has the page."""


import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from applications import selectors as app_selectors
from applications.filters import ApplicationFilter
from elements.filters import ListingFilter
from identity.navigation import MENUS, _app_menus, menu_for
from loans import selectors as loan_selectors
from loans.filters import LoanFilter
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

# The rows as the templates wrote them before (model instances).
APPLICATION_ROWS = """{% load money i18n humanize %}{% for a in object_list %}<tr data-testid="application-row">
  <td class="mono"><a href="{% url 'applications:detail' a.pk %}">{{ a.number }}</a></td>
  {% if not is_enterprise %}<td>{{ a.enterprise.name }}<div class="small text-muted mono">{{ a.enterprise.uscc }}</div></td><td>{{ a.enterprise.district.name|default:"" }}</td>{% endif %}
  {% if not is_bank %}<td>{{ a.bank.name }}</td>{% endif %}
  <td>{{ a.product.name }}</td>
  <td class="text-end">{{ a.amount|wan }}</td>
  <td><span class="badge text-bg-secondary">{{ a.get_status_display }}</span></td>
  <td>{{ a.submitted_at|date:"Y-m-d"|default:"—" }}</td>
  <td>{% if a.is_waiting %}{{ a.status_changed_at|timesince:now }}{% else %}—{% endif %}</td>
</tr>{% endfor %}"""

LOAN_ROWS = """{% load i18n banks_tags money %}{% for l in object_list %}<tr data-testid="loan-row">
  <td class="mono"><a href="{% url 'loans:detail' l.pk %}">{{ l.contract.number }}</a></td>
  {% if not is_enterprise %}<td>{{ l.enterprise.name }}<div class="small text-muted mono">{{ l.enterprise.uscc }}</div></td><td>{{ l.enterprise.district.name|default:"" }}</td>{% endif %}
  {% if not is_bank %}<td>{{ l.bank.name }}</td>{% endif %}
  <td>{{ l.product.name }}</td>
  <td class="text-end">{{ l.outstanding|wan }}</td>
  <td>{% if l.next_due_on %}{{ l.next_due_on|date:"Y-m-d" }} · {{ l.next_due_amount|money }}{% else %}—{% endif %}</td>
  <td><span class="badge text-bg-{% if l.status == 'overdue' or l.status == 'defaulted' %}danger{% elif l.status == 'settled' %}success{% else %}secondary{% endif %}">{{ l.get_status_display }}</span>{% if l.days_past_due %} <span class="small text-danger">{% blocktranslate count d=l.days_past_due %}{{ d }} day past due{% plural %}{{ d }} days past due{% endblocktranslate %}</span>{% endif %}</td>
  {% if not is_enterprise %}<td>{{ l.get_classification_display }}</td><td>{% if l.open_alerts %}<span class="badge text-bg-warning">{{ l.open_alerts }}</span>{% else %}0{% endif %}</td>{% endif %}
</tr>{% endfor %}"""


@pytest.fixture
def grown(world, product, held):
    call_command("grow_demo", applications=80, verbosity=0)  # with the loans of its contracts


def _tbody(html: str) -> str:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.rsplit("{% empty %}", 1)[0].strip()


def _rows_as_before(template, instances_by_pk, response, extra=None):
    ids = [row.pk for row in response.context["object_list"]]
    assert ids, "the page shows rows"
    context = {"object_list": [instances_by_pk[pk] for pk in ids], **(extra or {})}
    for key in ("is_bank", "is_enterprise", "now"):
        if key in response.context:
            context[key] = response.context[key]
    return Template(template).render(Context(context)).strip()


def _compare(world, who, url, params, template, instances):
    """Every language: the page's rows against the former markup over the same rows' instances."""
    shown = 0
    for language in ("zh-hans", "en"):
        client = client_for(world, who)
        client.cookies["django_language"] = language
        response = client.get(url, params)
        if response.status_code == 404 and "page" in params:
            return 0  # no second page for this role
        assert response.status_code == 200
        if not response.context["object_list"]:
            return 0
        with translation.override(language):
            before = _rows_as_before(template, instances, response)
        assert _tbody(response.content.decode()).split("<tr><td colspan")[0].strip() == before, (language, params)
        shown += len(response.context["object_list"])
    return shown


PARAMS = {"/applications/": [{}, {"page": 2}, {"status": "under_review"}, {"district": "110108"}, {"phase": "lending"}],
          "/loans/": [{}, {"page": 2}, {"status": "repaying"}, {"open": "true"}, {"district": "110108"}]}


@pytest.mark.parametrize("who", ["officer", "enterprise", "district", "admin"])
def test_application_rows_print_what_the_instances_printed(world, grown, who):
    instances = {a.pk: a for a in app_selectors.application_list(world.users[who])}
    shown = sum(_compare(world, who, "/applications/", params, APPLICATION_ROWS, instances)
                for params in PARAMS["/applications/"])
    assert shown > 0


@pytest.mark.parametrize("who", ["officer", "enterprise", "district", "city"])
def test_loan_rows_print_what_the_instances_printed(world, grown, who):
    instances = {loan.pk: loan for loan in loan_selectors.loan_list(world.users[who])}
    shown = sum(_compare(world, who, "/loans/", params, LOAN_ROWS, instances) for params in PARAMS["/loans/"])
    assert shown > 0


# The option loop as the list templates wrote it, for a choice field and a model choice field.
OPTIONS_BEFORE = {
    "choice": """{% for val, label in field.field.choices %}<option value="{{ val }}"{% if field.value == val %} selected{% endif %}>{% if val %}{{ label }}{% else %}{% translate "All statuses" %}{% endif %}</option>{% endfor %}""",
    "model": """{% for val, label in field.field.choices %}<option value="{{ val|default_if_none:'' }}"{% if field.value|stringformat:"s" == val|stringformat:"s" %} selected{% endif %}>{% if val %}{{ label }}{% else %}{% translate "All statuses" %}{% endif %}</option>{% endfor %}""",
    "label": """{% for val, label in field.field.choices %}<option value="{{ val|default_if_none:'' }}"{% if field.value|stringformat:"s" == val|stringformat:"s" %} selected{% endif %}>{{ label }}</option>{% endfor %}""",
}
OPTIONS_NOW = {
    "choice": """{% load lists %}{% filter_options field _("All statuses") %}""",
    "model": """{% load lists %}{% filter_options field _("All statuses") %}""",
    "label": """{% load lists %}{% filter_options field %}""",
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("filterset,who,name,data", [
    (ApplicationFilter, "officer", "status", {}), (ApplicationFilter, "officer", "status", {"status": "proposed"}),
    (ApplicationFilter, "officer", "status", {"status": ""}), (ApplicationFilter, "officer", "age", {"age": "7"}),
    (ApplicationFilter, "officer", "district", {}), (ApplicationFilter, "officer", "district", {"district": "110108"}),
    (ApplicationFilter, "officer", "product", {}), (ApplicationFilter, "officer", "product", {"product": "PRODUCT"}),
    (ApplicationFilter, "district", "product", {"product": "999999"}),
    (LoanFilter, "officer", "classification", {"classification": "loss"}), (LoanFilter, "officer", "overdue", {}),
    (LoanFilter, "officer", "product", {"product": "PRODUCT"}), (LoanFilter, "city", "district", {"district": "110105"}),
])
def test_filter_options_print_what_the_loop_printed(world, product, filterset, who, name, data, language):
    data = {k: str(product.pk) if v == "PRODUCT" else v for k, v in data.items()}
    request = RequestFactory().get("/", data)
    request.user = world.users[who]
    field = filterset(request.GET, request=request).form[name]
    with translation.override(language):
        for kind in OPTIONS_BEFORE:
            before = Template("{% load i18n %}" + OPTIONS_BEFORE[kind]).render(Context({"field": field}))
            now = Template(OPTIONS_NOW[kind]).render(Context({"field": field}))
            if kind == "choice" and hasattr(field.field, "queryset"):
                continue  # the pages compare a model choice as text (the "model" form)
            assert now == before, kind
            assert "<option" in now


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("data,chosen", [({}, None), ({"current": ""}, None), ({"current": "true"}, "true"),
                                         ({"current": "false"}, "false"), ({"current": "junk"}, None)])
def test_a_yes_no_filter_offers_all_yes_and_no(world, data, chosen, language):
    """The loop gave a yes/no filter (NullBooleanField) no option: an empty select nobody could
    use. Now: "All" (filters nothing), "Yes", "No", the one sent selected."""
    request = RequestFactory().get("/", data)
    request.user = world.users["district"]
    field = ListingFilter(request.GET, request=request).form["current"]
    with translation.override(language):
        html = Template("""{% load lists %}{% filter_options field %}""").render(Context({"field": field}))
        labels = [str(translation.gettext("All")), str(translation.gettext("Yes")), str(translation.gettext("No"))]
    values = ["", "true", "false"]
    expected = "".join(f'<option value="{v}"{" selected" if v == chosen else ""}>{label}</option>'
                       for v, label in zip(values, labels, strict=True))
    assert html == expected
    assert labels[0] == ("全部" if language == "zh-hans" else "All")


@pytest.mark.parametrize("who", ["enterprise", "officer", "approver", "bank_admin", "district", "city", "admin"])
def test_the_menu_kept_per_role_is_the_menu_built_for_the_user(world, who):
    from django.urls import NoReverseMatch, reverse

    user = world.users[who]
    built = []
    for label, name in MENUS.get(user.role, []) + _app_menus().get(user.role, []):
        try:
            built.append({"label": label, "url": reverse(name), "name": name})
        except NoReverseMatch:
            continue
    assert menu_for(user) == built
    assert menu_for(user) == built  # the kept one
    with translation.override("en"):
        english = [str(item["label"]) for item in menu_for(user)]
    with translation.override("zh-hans"):
        chinese = [str(item["label"]) for item in menu_for(user)]
    assert english[0] == "Home" and chinese[0] == "首页"
