from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from jingzhidai.audit import ReadOnlyAdminMixin
from jingzhidai.network import client_ip

from . import services
from .models import ApiToken, District, Enterprise, RegulatorUnit, SecurityEvent, User

# django-axes registers its sign-in logs with delete (and a clean-up action); ours are append-only.
for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        _axes_admin = type(admin.site._registry[_model])
        admin.site.unregister(_model)
        admin.site.register(_model, type(_axes_admin.__name__, (ReadOnlyAdminMixin, _axes_admin), {}))


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "user", "kind", "actor_name", "address")
    list_filter = ("kind",)
    list_select_related = ("user",)
    search_fields = ("user__username", "actor_name", "address")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are listed by prefix; the key is never stored, so never shown. Deleting one
    revokes it; new ones come only from the token endpoint."""

    list_display = ("prefix", "user", "created")
    list_select_related = ("user",)
    search_fields = ("user__username", "prefix")
    fields = readonly_fields = ("prefix", "user", "created")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "role", "enterprise", "bank", "regulator_unit", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("enterprise", "bank", "regulator_unit")
    raw_id_fields = ("enterprise",)
    readonly_fields = ("must_change_password",)
    fieldsets = UserAdmin.fieldsets + (
        ("京质贷", {"fields": ("role", "enterprise", "bank", "bank_branch", "regulator_unit", "phone",
                             "must_change_password")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("京质贷", {"fields": ("role", "enterprise", "bank", "bank_branch", "regulator_unit")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            # The admin chose the first password: the owner must replace it.
            services.account_password_set_recorded(actor=request.user, account=obj, address=client_ip(request))
        elif change and "is_active" in form.changed_data and not obj.is_active:
            services.api_tokens_revoke(user=obj)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            account = User.objects.get(pk=id)
            services.account_password_set_recorded(actor=request.user, account=account, address=client_ip(request))
        return response


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("uscc", "name", "legal_form", "status", "district", "regulator_unit")
    list_filter = ("legal_form", "status", "district")
    search_fields = ("uscc", "name")
    list_select_related = ("district", "regulator_unit")


admin.site.register(District)
admin.site.register(RegulatorUnit)
