"""District regulators' inbox of verification requests (notice §四 (二)): answer confirmed or
not confirmed, with a note and an optional file; overdue requests are marked."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django_filters.views import FilterView

from applications import selectors
from applications.choices import VerificationStatus
from applications.files import file_response
from applications.filters import VerificationRequestFilter
from applications.services import verification_answer_open, verification_request_answer
from audit.models import AuditAction
from audit.views import AuditedReadMixin
from identity.choices import BANK_ROLES, Role
from identity.views import RoleRequiredMixin
from jingzhidai.errors import ApplicationError, errors_to_form
from jingzhidai.paging import DeferredJoinPaginator
from jingzhidai.rows import UrlOf, ValueRowsMixin, esc, ymd
from jingzhidai.scoping import get_visible_or_404

from .forms import AnswerForm

STATUS_LABELS = dict(VerificationStatus.choices)
OVERDUE_ROW = ' class="table-danger"'


def overdue_badge() -> str:
    return f' <span class="badge text-bg-danger" data-testid="overdue">{esc(_("overdue"))}</span>'


class InboxView(RoleRequiredMixin, ValueRowsMixin, FilterView):
    """The district's inbox; the bureau's and admins' view of all requests; a bank's own
    requests (sent and answered: the list behind its verification figures). The rows are read
    as values (jingzhidai/rows.py): the columns shown, no model instances."""

    roles = (Role.DISTRICT_REGULATOR, Role.CITY_REGULATOR, Role.PLATFORM_ADMIN, *BANK_ROLES)
    filterset_class = VerificationRequestFilter
    template_name = "regulators/verificationrequest_list.html"
    paginate_by = 50
    paginator_class = DeferredJoinPaginator
    row_values = ("id", "enterprise__name", "enterprise__uscc", "element_type__name", "application__bank_id",
                  "application__bank__name", "asked_at", "due_on", "status")

    def get_queryset(self):
        return selectors.verification_inbox(self.request.user)

    def row_maker(self):
        url = UrlOf("regulators:request_detail")
        today = timezone.localdate()

        def make(row):
            row["pk"] = pk = row["id"]
            status = row["status"]
            # VerificationRequest.is_overdue, for a row.
            overdue = status == VerificationStatus.OPEN and row["due_on"] < today
            # The row's markup (jingzhidai/rows.py), as the template's loop wrote it.
            row["html"] = mark_safe(
                f'<tr data-testid="request-row"{OVERDUE_ROW if overdue else ""}>\n'
                f'  <td><a href="{esc(url(pk))}">{pk}</a></td>\n'
                f'  <td>{esc(row["enterprise__name"])}<div class="small text-muted mono">{esc(row["enterprise__uscc"])}'
                f'</div></td>\n'
                f'  <td>{esc(row["element_type__name"])}</td><td>{esc(row["application__bank__name"])}</td>\n'
                f'  <td>{ymd(row["asked_at"])}</td>\n'
                f'  <td>{ymd(row["due_on"])}{overdue_badge() if overdue else ""}</td>\n'
                f'  <td>{esc(STATUS_LABELS.get(status, status))}</td>\n</tr>')
            return row

        return make


class RequestDetailView(AuditedReadMixin, LoginRequiredMixin, View):
    template_name = "regulators/verificationrequest_detail.html"
    audit_object_type = "applications.verificationrequest"
    audit_object_kwarg = "pk"

    def _context(self, request, req, form=None):
        user = request.user
        can_answer = selectors.verification_answerable_by(req, user)
        evidence = selectors.evidence_visible_to(user).filter(application_id=req.application_id,
                                                               claim_id=req.claim_id)
        return {"req": req, "form": form or AnswerForm(), "can_answer": can_answer, "evidence": evidence,
                "overdue": req.is_overdue()}

    def get(self, request, pk):
        req = get_visible_or_404(selectors.verification_requests_visible_to(request.user), pk=pk)
        return render(request, self.template_name, self._context(request, req))

    def post(self, request, pk):
        req = get_visible_or_404(selectors.verification_requests_visible_to(request.user), pk=pk)
        form = AnswerForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                verification_request_answer(request=req, user=request.user, confirmed=d["confirmed"], note=d["note"],
                                            uploaded=d["file"], level=d["level"], issuer=d["issuer"],
                                            certificate_no=d["certificate_no"], granted_on=d["granted_on"],
                                            expires_on=d["expires_on"])
            except ApplicationError as e:
                errors_to_form(form, e)
            else:
                messages.success(request, _("Your answer was sent to the bank."))
                return redirect("regulators:request_detail", pk=req.pk)
        return render(request, self.template_name, self._context(request, req, form), status=400)


class AnswerFileView(AuditedReadMixin, LoginRequiredMixin, View):
    audit_object_type = "applications.verificationrequest"
    audit_object_kwarg = "pk"
    audit_action = AuditAction.EXPORT

    def get(self, request, pk):
        req = get_visible_or_404(selectors.verification_answer_files_visible_to(request.user), pk=pk)
        if not req.answer_file:
            raise Http404
        return file_response(verification_answer_open(verification_request=req, user=request.user),
                             name=req.answer_file_name,
                             content_type=req.answer_file_content_type)
