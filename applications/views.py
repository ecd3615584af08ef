"""Pages of the application workflow. Objects come through the selectors' doors (others are
404); every write calls a service; a refused step shows the service's message."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import ListView
from django_filters.views import FilterView

from audit.models import AuditAction
from audit.views import AuditedReadMixin
from banks import selectors as bank_selectors
from identity.choices import BANK_ROLES, Role
from identity.views import RoleRequiredMixin
from jingzhidai import money
from jingzhidai.errors import ApplicationError, error_text, errors_to_form, form_labels
from jingzhidai.forms import labelled_errors
from jingzhidai.paging import DeferredJoinPaginator
from jingzhidai.rows import UrlOf, ValueRowsMixin, esc, since, ymd
from jingzhidai.scoping import get_visible_or_404

from . import forms, selectors, services
from .choices import Action, LibraryMatch, Status
from .files import file_response
from .filters import ApplicationFilter
from .models import Application
from .workflow import DOCUMENTS_ADDABLE, ENTERPRISE_EDITABLE, WAITING, allowed_actions

# The fields a step's refusal may name, by their labels (a flash message never shows "amount").
STEP_LABELS = {**form_labels(forms.ProposeForm), **form_labels(forms.ContractForm),
               "reason": _lazy("Reason"), "note": _lazy("Note"), "question": _lazy("Question")}


def _error(request, error: ApplicationError):
    messages.error(request, error_text(error, STEP_LABELS))


STATUS_LABELS = dict(Status.choices)


class ApplicationListView(AuditedReadMixin, LoginRequiredMixin, ValueRowsMixin, FilterView):
    """The enterprise's applications; the bank's queue (with how long each has waited);
    the regulators' view of their district's applications. The rows are read as values
    (jingzhidai/rows.py): the columns shown, no model instances."""

    filterset_class = ApplicationFilter
    template_name = "applications/application_list.html"
    audit_object_type = "applications.application"
    audit_action = AuditAction.LIST
    paginate_by = 50
    paginator_class = DeferredJoinPaginator
    row_values = ("id", "created_at", "enterprise__name", "enterprise__uscc", "enterprise__district__name",
                  "bank__name", "product__name", "amount", "status", "submitted_at", "status_changed_at")

    def get_queryset(self):
        return selectors.application_list(self.request.user)

    def row_maker(self):
        url = UrlOf("applications:detail")
        user = self.request.user
        is_bank, is_enterprise = user.role in BANK_ROLES, user.role == Role.ENTERPRISE
        self.now = timezone.now()

        def make(row):
            row["pk"] = pk = row["id"]
            status = row["status"]
            # The row's markup (jingzhidai/rows.py), as the template's loop wrote it.
            enterprise = "" if is_enterprise else (
                f'<td>{esc(row["enterprise__name"])}<div class="small text-muted mono">{esc(row["enterprise__uscc"])}'
                f'</div></td><td>{esc(row["enterprise__district__name"] or "")}</td>')
            bank = "" if is_bank else f'<td>{esc(row["bank__name"])}</td>'
            row["is_waiting"] = status in WAITING
            waiting = since(row["status_changed_at"], self.now) if row["is_waiting"] else "—"
            row["html"] = mark_safe(
                f'<tr data-testid="application-row">\n'
                f'  <td class="mono"><a href="{esc(url(pk))}">{esc(Application.number_of(pk, row["created_at"]))}</a></td>\n'
                f'  {enterprise}\n  {bank}\n'
                f'  <td>{esc(row["product__name"])}</td>\n'
                f'  <td class="text-end">{esc(money.wan(row["amount"]))}</td>\n'
                f'  <td><span class="badge text-bg-secondary">{esc(STATUS_LABELS.get(status, status))}</span></td>\n'
                f'  <td>{ymd(row["submitted_at"]) or "—"}</td>\n'
                f'  <td>{waiting}</td>\n</tr>')
            return row

        return make

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["now"] = self.now
        ctx["is_bank"] = self.request.user.role in BANK_ROLES
        ctx["is_enterprise"] = self.request.user.role == Role.ENTERPRISE
        return ctx


def _application_form(request, *, data=None, initial=None, fixed_product=None, profile=None):
    enterprise = request.user.enterprise
    profile = profile or selectors.profile_for(enterprise)
    options = selectors.product_options(enterprise, profile)
    form = forms.ApplicationForm(data, initial=initial, product_options=options,
                                 claim_types=selectors.claimable_types(), held=profile.distinction_codes(),
                                 fixed_product=fixed_product)
    return form, profile


class ApplicationCreateView(RoleRequiredMixin, View):
    roles = (Role.ENTERPRISE,)
    template_name = "applications/application_form.html"

    def get(self, request):
        profile = selectors.profile_for(request.user.enterprise)  # computed once for the whole page
        form, profile = _application_form(request, initial=self._initial(request, profile), profile=profile)
        return render(request, self.template_name, {"form": form, "profile": profile})

    def _initial(self, request, profile):
        initial = {"claims": profile.distinction_codes(), "purpose": "quality"}
        if request.GET.get("product", "").isdigit():
            initial["product"] = int(request.GET["product"])
        return initial

    def post(self, request):
        form, profile = _application_form(request, data=request.POST)
        if form.is_valid():
            d = form.cleaned_data
            product = next(row["product"] for row in form.product_options if row["product"].pk == d["product"])
            try:
                app = services.application_create(
                    user=request.user, product=product, branch=d["branch"], amount=d["amount"],
                    term_months=d["term_months"], purpose=d["purpose"], purpose_description=d["purpose_description"],
                    need_statement=d["need_statement"], claims=d["claims"], authorise=d["authorise"],
                    profile=profile)
            except ApplicationError as e:
                errors_to_form(form, e)
            else:
                messages.success(request, _("The draft is saved. Attach evidence, then submit it."))
                return redirect("applications:detail", pk=app.pk)
        return render(request, self.template_name, {"form": form, "profile": profile})


class BranchOptionsView(RoleRequiredMixin, View):
    """htmx: the open branches of the chosen product's bank, as <option>s for the form."""

    roles = (Role.ENTERPRISE,)

    def get(self, request):
        product_id = request.GET.get("product", "")
        branches = []
        if product_id.isdigit():
            product = bank_selectors.products_open_to(request.user.enterprise).filter(pk=int(product_id)).first()
            if product is not None:
                branches = bank_selectors.branches_of(product.bank).filter(is_active=True)
        return render(request, "applications/_branch_options.html", {"branches": branches})


class ApplicationEditView(RoleRequiredMixin, View):
    roles = (Role.ENTERPRISE,)
    template_name = "applications/application_form.html"

    def _get(self, request, pk):
        app = get_visible_or_404(selectors.applications_visible_to(request.user), pk=pk)
        if app.status not in ENTERPRISE_EDITABLE:
            messages.error(request, _("The application can only be changed while it is a draft or returned."))
            return app, False
        return app, True

    def get(self, request, pk):
        app, ok = self._get(request, pk)
        if not ok:
            return redirect("applications:detail", pk=app.pk)
        initial = {"product": app.product_id, "branch": app.branch_id, "amount": app.amount,
                   "term_months": app.term_months, "purpose": app.purpose,
                   "purpose_description": app.purpose_description, "need_statement": app.need_statement,
                   "claims": [c.element_type.code for c in app.claims.select_related("element_type")],
                   # Never pre-ticked: ticking it authorises the bank chosen now (a new bank needs its own).
                   "authorise": False}
        form, profile = _application_form(request, initial=initial, fixed_product=app.product)
        return render(request, self.template_name, {"form": form, "profile": profile, "application": app})

    def post(self, request, pk):
        app, ok = self._get(request, pk)
        if not ok:
            return redirect("applications:detail", pk=app.pk)
        form, profile = _application_form(request, data=request.POST, fixed_product=app.product)
        if form.is_valid():
            d = form.cleaned_data
            fields = {k: d[k] for k in ("branch", "amount", "term_months", "purpose", "purpose_description",
                                        "need_statement")}
            if d["product"] != app.product_id:
                fields["product"] = next(r["product"] for r in form.product_options if r["product"].pk == d["product"])
            try:
                services.application_update(application=app, user=request.user, claims=d["claims"],
                                            authorise=d["authorise"], **fields)
            except ApplicationError as e:
                errors_to_form(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect("applications:detail", pk=app.pk)
        return render(request, self.template_name, {"form": form, "profile": profile, "application": app})


def _contract_form(app, data=None):
    return forms.ContractForm(data, initial={"signed_on": timezone.localdate(), "amount": app.credit_line,
                                             "term_months": app.decided_term_months})


def _disburse_form(app, data=None):
    return forms.DisburseForm(data, initial={"date": timezone.localdate()})


# Steps with a form of their own (name in the page's context, the form, the service): a refusal
# shows the page again with the errors next to the fields.
STEP_FORMS = {
    Action.CONTRACT: ("contract_form", _contract_form, services.application_contract),
    Action.DISBURSE: ("disburse_form", _disburse_form, services.application_disburse),
}


class StepFormInvalid(Exception):
    def __init__(self, action, form):
        super().__init__(action)
        self.action, self.form = action, form


class ApplicationDetailView(AuditedReadMixin, LoginRequiredMixin, View):
    template_name = "applications/application_detail.html"
    audit_object_type = "applications.application"
    audit_object_kwarg = "pk"

    def get(self, request, pk):
        app = get_visible_or_404(selectors.applications_visible_to(request.user), pk=pk)
        return render_detail(request, app)


def render_detail(request, app, *, status=200, **step_forms):
    """The application page; `step_forms` (contract_form, disburse_form) are bound forms of a
    refused step, shown with their errors next to the fields."""
    user = request.user
    profile, profile_error = None, ""
    try:
        profile = services.profile_open(application=app, user=user)
    except ApplicationError as e:
        profile_error = str(e.message)
    rows = selectors.claims_matched(app, profile) if profile is not None else []
    visible_evidence = set(selectors.evidence_visible_to(user).filter(application=app).values_list("pk", flat=True))
    actions = allowed_actions(app.status, user.role)
    ctx = {
        "application": app, "profile": profile, "profile_error": profile_error, "rows": rows,
        "visible_evidence": visible_evidence, "history": selectors.history_of(app),
        "documents": selectors.documents_visible_to(user).filter(application=app).order_by("uploaded_at", "id"),
        "documents_addable": user.role == Role.ENTERPRISE and app.status in DOCUMENTS_ADDABLE,
        "document_form": forms.DocumentForm(auto_id="doc_%s"),
        "actions": actions, "Action": Action, "LibraryMatch": LibraryMatch,
        "is_enterprise": user.role == Role.ENTERPRISE, "is_bank": user.role in BANK_ROLES,
        "editable": user.role == Role.ENTERPRISE and app.status in ENTERPRISE_EDITABLE,
        "reviewing": user.role == Role.BANK_OFFICER and app.status == Status.UNDER_REVIEW,
        "authorisation": selectors.authorisation_shown(app),
        "disbursements": app.disbursements.select_related("recorded_by").order_by("date", "id"),
        "disbursed_total": selectors.disbursed_total(app),
        "contract": getattr(app, "contract", None) if hasattr(app, "contract") else None,
        "requests": app.verification_requests.select_related("element_type", "regulator_unit").order_by(
            "asked_at", "id"),
        "claimable": selectors.claimable_types() if user.role == Role.ENTERPRISE else [],
        "propose_form": forms.ProposeForm(initial={"credit_line": app.amount, "term_months": app.term_months,
                                                   "guarantee_type": (app.product.guarantee_types or [""])[0]}),
        "rate_range": bank_selectors.product_rate_range(app.product, bank_selectors.lpr_current())
        if Action.PROPOSE in actions else None,
        **{name: make(app) for name, make, _service in STEP_FORMS.values()},
        "contract_bounds": services.contract_signing_bounds(app) if Action.CONTRACT in actions else None,
        **step_forms,
    }
    return render(request, ApplicationDetailView.template_name, ctx, status=status)


# Every workflow step from the HTML side: the form field names match the API's.
def _step(action, app, user, post):
    if action == Action.PROPOSE:
        return services.application_propose(application=app, user=user, credit_line=post.get("credit_line"),
                                            annual_rate=post.get("annual_rate"),
                                            term_months=post.get("term_months"),
                                            guarantee_type=post.get("guarantee_type", ""),
                                            notes=post.get("notes", ""))
    if action in STEP_FORMS:
        _name, make, service = STEP_FORMS[action]
        form = make(app, post)
        if not form.is_valid():
            raise StepFormInvalid(action, form)
        try:
            return service(application=app, user=user, **form.cleaned_data)
        except ApplicationError as e:
            errors_to_form(form, e)
            raise StepFormInvalid(action, form)
    if action == Action.REJECT:
        return services.application_reject(application=app, user=user, reason=post.get("reason", ""))
    if action == Action.RETURN:
        return services.application_return(application=app, user=user, note=post.get("note", ""))
    return services.ACTIONS[action](application=app, user=user, note=post.get("note", ""))


class TransitionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        app = get_visible_or_404(selectors.applications_visible_to(request.user), pk=pk)
        if action not in Action.values:
            raise Http404
        try:
            _step(action, app, request.user, request.POST)
        except StepFormInvalid as e:
            return render_detail(request, app, status=400, **{STEP_FORMS[e.action][0]: e.form})
        except ApplicationError as e:
            _error(request, e)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": Action(action).label})
        return redirect("applications:detail", pk=app.pk)


class AuthoriseView(RoleRequiredMixin, View):
    roles = (Role.ENTERPRISE,)

    def post(self, request, pk):
        app = get_visible_or_404(selectors.applications_visible_to(request.user), pk=pk)
        try:
            services.authorisation_grant(application=app, user=request.user)
        except ApplicationError as e:
            _error(request, e)
        return redirect("applications:detail", pk=app.pk)


class EvidenceUploadView(RoleRequiredMixin, View):
    roles = (Role.ENTERPRISE,)

    def post(self, request, pk):
        app = get_visible_or_404(selectors.applications_visible_to(request.user), pk=pk)
        try:
            services.evidence_add(application=app, user=request.user, element_code=request.POST.get("element", ""),
                                  uploaded=request.FILES.get("file"))
        except ApplicationError as e:
            _error(request, e)
        else:
            messages.success(request, _("The file is attached."))
        return redirect("applications:detail", pk=app.pk)


class EvidenceDeleteView(RoleRequiredMixin, View):
    roles = (Role.ENTERPRISE,)

    def post(self, request, pk, evidence_id):
        ev = get_visible_or_404(selectors.evidence_visible_to(request.user), pk=evidence_id, application_id=pk)
        try:
            services.evidence_remove(evidence=ev, user=request.user)
        except ApplicationError as e:
            _error(request, e)
        return redirect("applications:detail", pk=pk)


class EvidenceDownloadView(AuditedReadMixin, LoginRequiredMixin, View):
    audit_object_type = "applications.evidence"
    audit_object_kwarg = "evidence_id"
    audit_action = AuditAction.EXPORT

    def get(self, request, pk, evidence_id):
        ev = get_visible_or_404(selectors.evidence_visible_to(request.user), pk=evidence_id, application_id=pk)
        return file_response(services.evidence_open(evidence=ev, user=request.user), name=ev.original_name,
                             content_type=ev.content_type)


class DocumentUploadView(RoleRequiredMixin, View):
    roles = (Role.ENTERPRISE,)

    def post(self, request, pk):
        app = get_visible_or_404(selectors.applications_visible_to(request.user), pk=pk)
        form = forms.DocumentForm(request.POST, request.FILES)
        if not form.is_valid():
            for line in labelled_errors(form):
                messages.error(request, line)
            return redirect("applications:detail", pk=app.pk)
        try:
            d = form.cleaned_data
            services.document_add(application=app, user=request.user, kind=d["kind"], note=d["note"],
                                  uploaded=d["file"])
        except ApplicationError as e:
            messages.error(request, error_text(e, form_labels(forms.DocumentForm)))
        else:
            messages.success(request, _("The document is attached."))
        return redirect("applications:detail", pk=app.pk)


class DocumentDeleteView(RoleRequiredMixin, View):
    roles = (Role.ENTERPRISE,)

    def post(self, request, pk, document_id):
        doc = get_visible_or_404(selectors.documents_visible_to(request.user), pk=document_id, application_id=pk)
        try:
            services.document_remove(document=doc, user=request.user)
        except ApplicationError as e:
            _error(request, e)
        else:
            messages.success(request, _("The document is removed."))
        return redirect("applications:detail", pk=pk)


class DocumentDownloadView(AuditedReadMixin, LoginRequiredMixin, View):
    audit_object_type = "applications.document"
    audit_object_kwarg = "document_id"
    audit_action = AuditAction.EXPORT

    def get(self, request, pk, document_id):
        doc = get_visible_or_404(selectors.documents_visible_to(request.user), pk=document_id, application_id=pk)
        return file_response(services.document_open(document=doc, user=request.user), name=doc.original_name,
                             content_type=doc.content_type)


class EvidenceReviewView(RoleRequiredMixin, View):
    roles = (Role.BANK_OFFICER,)

    def post(self, request, pk, evidence_id):
        ev = get_visible_or_404(selectors.evidence_visible_to(request.user), pk=evidence_id, application_id=pk)
        verdict = request.POST.get("verdict", "")
        if verdict not in ("verified", "rejected"):
            # No default: an unchosen verdict marks nothing.
            messages.error(request, _("Choose whether %(file)s is verified or rejected.") % {"file": ev.original_name})
            return redirect("applications:detail", pk=pk)
        try:
            ev = services.evidence_review(evidence=ev, user=request.user, verified=verdict == "verified",
                                          reason=request.POST.get("reason", ""))
        except ApplicationError as e:
            _error(request, e)
        else:
            messages.success(request, _("%(file)s: %(review)s.") % {"file": ev.original_name,
                                                                     "review": ev.get_review_display()})
        return redirect("applications:detail", pk=pk)


class VerificationRequestCreateView(RoleRequiredMixin, View):
    roles = (Role.BANK_OFFICER,)

    def post(self, request, pk):
        app = get_visible_or_404(selectors.applications_visible_to(request.user), pk=pk)
        try:
            services.verification_request_create(application=app, user=request.user,
                                                 element_code=request.POST.get("element", ""),
                                                 question=request.POST.get("question", ""))
        except ApplicationError as e:
            _error(request, e)
        else:
            messages.success(request, _("The request was sent to the district regulator."))
        return redirect("applications:detail", pk=app.pk)


class AccessLogView(RoleRequiredMixin, ListView):
    """The enterprise sees every time a bank opened its profile or an evidence file."""

    roles = (Role.ENTERPRISE, Role.PLATFORM_ADMIN)
    template_name = "applications/accesslog_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.access_log_summary(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = selectors.access_log_decorate(ctx["object_list"])
        return ctx


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "applications/notification_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.notifications_visible_to(self.request.user).order_by("-created_at", "-id")

    def post(self, request):
        ids = request.POST.getlist("id") or None
        services.notifications_mark_read(user=request.user, ids=[int(i) for i in ids if i.isdigit()] if ids else None)
        return redirect("applications:notifications")


class NotificationOpenView(LoginRequiredMixin, View):
    def get(self, request, pk):
        n = get_visible_or_404(selectors.notifications_visible_to(request.user), pk=pk)
        services.notifications_mark_read(user=request.user, ids=[n.pk])
        return redirect(n.url or "applications:notifications")
