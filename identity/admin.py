from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import District, Enterprise, RegulatorUnit, User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "role", "enterprise", "bank", "regulator_unit", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("enterprise", "bank", "regulator_unit")
    raw_id_fields = ("enterprise",)
    fieldsets = UserAdmin.fieldsets + (
        ("京质贷", {"fields": ("role", "enterprise", "bank", "bank_branch", "regulator_unit", "phone")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("京质贷", {"fields": ("role", "enterprise", "bank", "bank_branch", "regulator_unit")}),
    )


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("uscc", "name", "legal_form", "status", "district", "regulator_unit")
    list_filter = ("legal_form", "status", "district")
    search_fields = ("uscc", "name")
    list_select_related = ("district", "regulator_unit")


admin.site.register(District)
admin.site.register(RegulatorUnit)
