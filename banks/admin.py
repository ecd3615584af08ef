"""Django admin: a read-mostly view for platform staff. Status decisions are not made here
(status is read-only): they go through the portal pages or the API, which record the history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jingzhidai.audit import ReadOnlyAdminMixin

from .models import (
    Bank,
    BankStatusChange,
    Branch,
    InstitutionKind,
    LoanPrimeRate,
    Product,
    ProductStatusChange,
)


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


class BankStatusChangeInline(ReadOnlyInline):
    model = BankStatusChange
    fields = ("at", "action", "from_status", "to_status", "actor_name", "reason")
    readonly_fields = fields


class ProductStatusChangeInline(ReadOnlyInline):
    model = ProductStatusChange
    fields = ("at", "action", "from_status", "to_status", "actor_name", "reason")
    readonly_fields = fields


@admin.register(Bank)
class BankAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "status", "admitted_on")
    list_filter = ("status", "kind")
    search_fields = ("name", "name_en", "credit_code")
    list_select_related = ("kind",)
    readonly_fields = ("status",)
    inlines = [BranchInline, BankStatusChangeInline]

    def has_add_permission(self, request):
        return False  # admission writes the first history row: portal page or API

    def has_delete_permission(self, request, obj=None):
        return False  # removal is a status with history, never a delete


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ("name", "bank", "status", "rate_kind", "amount_min", "amount_max")
    list_filter = ("status", "rate_kind", "bank")
    search_fields = ("name", "bank__name")
    list_select_related = ("bank",)
    readonly_fields = ("status", "conditions")  # conditions are validated against the catalog by the services
    inlines = [ProductStatusChangeInline]

    def has_add_permission(self, request):
        return False  # publication writes the first history row and validates the conditions

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoanPrimeRate)
class LoanPrimeRateAdmin(admin.ModelAdmin):
    list_display = ("effective_on", "one_year", "five_year")


admin.site.register(InstitutionKind)
