"""API of the partner list: `/api/v1/banks/`, `/api/v1/products/`, `/api/v1/bank-staff/`.
Reads of admitted banks and their active products are public; writes go through the services
and each object is looked up through the door of the action (other banks' objects are 404)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from identity.choices import BANK_ROLES, Role
from identity.models import User
from identity.throttling import AddressRateThrottle
from jingzhidai.api import ScopedPrimaryKeyField, ScopedQuerysetMixin, inline_choice
from jingzhidai.limits import EMAIL, NOTE, PASSWORD, TEXT
from jingzhidai.network import client_ip
from jingzhidai.scoping import get_visible_or_404

from . import conditions as cond
from . import selectors, services
from .choices import BankAction, BankStatus, GuaranteeType, ProductAction, ProductStatus, RateKind
from .filters import BankFilter, ProductFilter, StaffFilter
from .models import Bank, BankStatusChange, Branch, InstitutionKind, Product, ProductStatusChange

# Serializers -------------------------------------------------------------------------------


class KindSerializer(serializers.ModelSerializer):
    class Meta:
        model = InstitutionKind
        fields = ["code", "name", "name_en"]


class BranchSerializer(serializers.ModelSerializer):
    district_name = serializers.CharField(source="district.name", read_only=True)

    class Meta:
        model = Branch
        fields = ["id", "name", "district", "district_name", "address", "phone", "is_active"]
        read_only_fields = ["id"]


class BankSerializer(serializers.ModelSerializer):
    kind = KindSerializer(read_only=True)
    status = inline_choice(BankStatus.choices, read_only=True)
    branches = serializers.SerializerMethodField()

    class Meta:
        model = Bank
        fields = ["id", "name", "name_en", "kind", "credit_code", "status", "head_office", "beijing_office",
                  "beijing_address", "contact_name", "contact_phone", "contact_email", "admitted_on", "branches"]

    def get_branches(self, bank) -> list[dict]:
        # Uses the prefetched branches (no query per bank).
        return [BranchSerializer(b).data for b in bank.branches.all() if b.is_active]


class BankWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.SlugRelatedField(slug_field="code", queryset=InstitutionKind.objects.all())
    credit_code = serializers.CharField(max_length=30, required=False, allow_blank=True)
    head_office = serializers.CharField(max_length=200, required=False, allow_blank=True)
    beijing_office = serializers.CharField(max_length=200, required=False, allow_blank=True)
    beijing_address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True, max_length=EMAIL)
    admitted_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=NOTE,
                                 help_text=_("Admission note; it is the reason recorded in the history."))


class TransitionSerializer(serializers.Serializer):
    action = inline_choice(BankAction.choices)
    reason = serializers.CharField(max_length=NOTE)


class ProductTransitionSerializer(serializers.Serializer):
    action = inline_choice([c for c in ProductAction.choices if c[0] != ProductAction.PUBLISH])
    reason = serializers.CharField(max_length=NOTE)


class StatusChangeSerializer(serializers.ModelSerializer):
    action = inline_choice(BankAction.choices, read_only=True)
    from_status = inline_choice([("", "")] + BankStatus.choices, read_only=True)
    to_status = inline_choice(BankStatus.choices, read_only=True)

    class Meta:
        model = BankStatusChange
        fields = ["action", "from_status", "to_status", "reason", "actor_name", "at"]


class ProductStatusChangeSerializer(serializers.ModelSerializer):
    action = inline_choice(ProductAction.choices, read_only=True)
    from_status = inline_choice([("", "")] + ProductStatus.choices, read_only=True)
    to_status = inline_choice(ProductStatus.choices, read_only=True)

    class Meta:
        model = ProductStatusChange
        fields = ["action", "from_status", "to_status", "reason", "actor_name", "at"]


class BankRefSerializer(serializers.ModelSerializer):
    status = inline_choice(BankStatus.choices, read_only=True)

    class Meta:
        model = Bank
        fields = ["id", "name", "name_en", "status"]


class ProductSerializer(serializers.ModelSerializer):
    bank = BankRefSerializer(read_only=True)
    effective_rate = serializers.SerializerMethodField()
    conditions_text = serializers.SerializerMethodField()
    status = inline_choice(ProductStatus.choices, read_only=True)

    class Meta:
        model = Product
        fields = ["id", "bank", "name", "name_en", "description", "amount_min", "amount_max", "term_min_months",
                  "term_max_months", "rate_kind", "rate_min", "rate_max", "spread_min_bp", "spread_max_bp",
                  "effective_rate", "guarantee_types", "conditions", "conditions_text", "status", "updated_at"]

    @extend_schema(responses=inline_serializer("EffectiveRate", {
        "min": serializers.DecimalField(max_digits=6, decimal_places=3),
        "max": serializers.DecimalField(max_digits=6, decimal_places=3),
        "lpr": serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True),
        "lpr_effective_on": serializers.DateField(allow_null=True)}))
    def get_effective_rate(self, product) -> dict | None:
        lpr = self.context.get("lpr")
        rates = selectors.product_rate_range(product, lpr)
        if rates is None:
            return None
        based = product.rate_kind == RateKind.LPR_SPREAD
        return {"min": str(rates[0]), "max": str(rates[1]), "lpr": str(lpr.one_year) if based else None,
                "lpr_effective_on": lpr.effective_on if based else None}

    def get_conditions_text(self, product) -> str:
        return cond.conditions_describe(product.conditions, catalog=self.context["catalog"])


class ProductWriteSerializer(serializers.Serializer):
    bank = ScopedPrimaryKeyField(selectors.banks_with_products_manageable_by, queryset=Bank.objects.none(),
                                 required=False, help_text=_("Defaults to your own bank (bank administrators)."))
    name = serializers.CharField(max_length=100)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=TEXT)
    amount_min = serializers.DecimalField(max_digits=16, decimal_places=2)
    amount_max = serializers.DecimalField(max_digits=16, decimal_places=2)
    term_min_months = serializers.IntegerField(min_value=1, max_value=360)
    term_max_months = serializers.IntegerField(min_value=1, max_value=360)
    rate_kind = serializers.ChoiceField(choices=RateKind.choices)
    rate_min = serializers.DecimalField(max_digits=6, decimal_places=3, required=False, allow_null=True)
    rate_max = serializers.DecimalField(max_digits=6, decimal_places=3, required=False, allow_null=True)
    spread_min_bp = serializers.IntegerField(required=False, allow_null=True)
    spread_max_bp = serializers.IntegerField(required=False, allow_null=True)
    guarantee_types = serializers.ListField(child=serializers.ChoiceField(choices=GuaranteeType.choices))
    conditions = serializers.JSONField(required=False, help_text=_(
        'Quality conditions: {"credit_must_hold": bool, "all_of": [ref], "any_of": [ref]}, '
        'ref = {"element": element type code} or {"category": category code}.'))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=NOTE,
                                   help_text=_("Why (kept in the history)."))


class ProductMatchSerializer(serializers.Serializer):
    product = ProductSerializer()
    meets = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())


class StaffSerializer(serializers.ModelSerializer):
    bank = BankRefSerializer(read_only=True)
    role = inline_choice([(r, Role(r).label) for r in BANK_ROLES], read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "email", "phone", "role", "bank", "bank_branch", "is_active",
                  "last_login", "date_joined"]


class StaffCreateSerializer(serializers.Serializer):
    bank = ScopedPrimaryKeyField(selectors.banks_with_products_manageable_by, queryset=Bank.objects.none(),
                                 required=False, help_text=_("Defaults to your own bank (bank administrators)."))
    username = serializers.RegexField(r"^[\w.@+-]+$", max_length=150)
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"}, max_length=PASSWORD)
    role = inline_choice([(r, Role(r).label) for r in BANK_ROLES])
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=EMAIL)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    bank_branch = ScopedPrimaryKeyField(selectors.staff_branches_for, queryset=Branch.objects.none(), required=False,
                                        allow_null=True)


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"}, max_length=PASSWORD)


def _own_bank_or(user, bank):
    """The bank a write is for: the one named (platform admins) or the user's own."""
    if bank is not None:
        return bank
    if user.bank_id:
        return user.bank
    raise serializers.ValidationError({"bank": [_("Name the bank.")]})


class PublicReadMixin:
    """Lists and details answer anyone; every other action needs a signed-in user."""

    public_actions = ("list", "retrieve")

    def get_permissions(self):
        if self.action in self.public_actions:
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_throttles(self):
        if self.action in self.public_actions and not self.request.user.is_authenticated:
            return [AddressRateThrottle()]
        return super().get_throttles()


class ProductContextMixin:
    """Products are shown with their rate against the LPR in force and their conditions as a
    sentence: load the LPR and the catalog's names once per request, not once per product."""

    product_actions = None  # None: every action shows products

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        if self.product_actions is None or self.action in self.product_actions:
            ctx["catalog"] = cond.catalog_load()
            ctx["lpr"] = selectors.lpr_current()
        return ctx


# Viewsets ----------------------------------------------------------------------------------


class BankViewSet(ScopedQuerysetMixin, PublicReadMixin, ProductContextMixin, mixins.ListModelMixin,
                  mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Partner banks. Anyone reads the admitted ones; platform admins and the municipal bureau
    admit, edit, suspend, reinstate and remove them."""

    public_actions = ("list", "retrieve", "products")
    product_actions = ("products",)
    serializer_class = BankSerializer
    filterset_class = BankFilter
    queryset = Bank.objects.none()  # for the schema; requests use the doors below
    scope = staticmethod(selectors.banks_visible_to)
    action_scopes = {"partial_update": selectors.banks_manageable_by, "transition": selectors.banks_manageable_by,
                     "branches": selectors.banks_with_branches_manageable_by,
                     "history": selectors.banks_with_history_visible_to}

    def scoped(self, queryset):
        return queryset.prefetch_related("branches__district").order_by("name")

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return BankWriteSerializer
        return BankSerializer

    @extend_schema(request=BankWriteSerializer, responses={201: BankSerializer})
    def create(self, request):
        data = BankWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        bank = services.bank_admit(actor=request.user, name=fields.pop("name"), kind=fields.pop("kind"),
                                   note=fields.pop("note"), admitted_on=fields.pop("admitted_on", None), **fields)
        return Response(BankSerializer(self._fresh(bank)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BankWriteSerializer, responses=BankSerializer)
    def partial_update(self, request, pk=None):
        bank = self.get_object()
        data = BankWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        bank = services.bank_update(actor=request.user, bank=bank, **data.validated_data)
        return Response(BankSerializer(self._fresh(bank)).data)

    def _fresh(self, bank):
        return Bank.objects.select_related("kind").prefetch_related("branches__district").get(pk=bank.pk)

    @extend_schema(request=TransitionSerializer, responses={200: BankSerializer, 409: OpenApiResponse(
        description="The action is not allowed from the bank's current status.")})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Suspend, reinstate, remove or admit again, with a reason (kept in the history)."""
        bank = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bank = services.bank_transition(actor=request.user, bank=bank, **data.validated_data)
        return Response(BankSerializer(self._fresh(bank)).data)

    @extend_schema(responses=StatusChangeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        """Every decision on the bank: who, when, from, to, why (admins, regulators, own staff)."""
        bank = self.get_object()
        return Response(StatusChangeSerializer(selectors.bank_history(bank), many=True).data)

    @extend_schema(responses=ProductSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def products(self, request, pk=None):
        """Products of the bank that the caller may see (public: active products of an admitted bank)."""
        bank = self.get_object()
        qs = selectors.products_visible_to(request.user).filter(bank=bank).order_by("name", "pk")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(
            ProductSerializer(page, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=BranchSerializer, responses={201: BranchSerializer})
    @action(detail=True, methods=["post"])
    def branches(self, request, pk=None):
        """Add a Beijing branch (网点)."""
        bank = self.get_object()
        data = BranchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        branch = services.branch_create(actor=request.user, bank=bank, name=fields.pop("name"),
                                        district=fields.pop("district"), **fields)
        return Response(BranchSerializer(branch).data, status=status.HTTP_201_CREATED)


class ProductViewSet(ScopedQuerysetMixin, PublicReadMixin, ProductContextMixin, mixins.ListModelMixin,
                     mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """京质贷 products. Anyone reads active products of admitted banks; a bank administrator
    publishes, edits and withdraws its own bank's products (platform admins any bank's)."""

    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    queryset = Product.objects.none()  # for the schema; requests use the doors below
    scope = staticmethod(selectors.products_visible_to)
    action_scopes = {"partial_update": selectors.products_manageable_by,
                     "transition": selectors.products_manageable_by}

    def scoped(self, queryset):
        return queryset.order_by("bank__name", "name", "pk")

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return ProductWriteSerializer
        return ProductSerializer

    def _out(self, product):
        product = Product.objects.select_related("bank", "bank__kind").get(pk=product.pk)
        return ProductSerializer(product, context=self.get_serializer_context()).data

    @extend_schema(request=ProductWriteSerializer, responses={201: ProductSerializer})
    def create(self, request):
        if not selectors.banks_with_products_manageable_by(request.user).exists():
            raise PermissionDenied  # a role that publishes no products at all
        data = ProductWriteSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        bank = _own_bank_or(request.user, fields.pop("bank", None))
        product = services.product_create(actor=request.user, bank=bank, **fields)
        return Response(self._out(product), status=status.HTTP_201_CREATED)

    @extend_schema(request=ProductWriteSerializer, responses=ProductSerializer)
    def partial_update(self, request, pk=None):
        product = self.get_object()
        data = ProductWriteSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "bank" in fields:
            raise serializers.ValidationError({"bank": [_("A product cannot move to another bank.")]})
        product = services.product_update(actor=request.user, product=product, **fields)
        return Response(self._out(product))

    @extend_schema(request=ProductTransitionSerializer, responses={200: ProductSerializer, 409: OpenApiResponse(
        description="The action is not allowed from the product's current status.")})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Withdraw a product, or publish it again, with a reason (kept in the history)."""
        product = self.get_object()
        data = ProductTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.product_transition(actor=request.user, product=product, **data.validated_data)
        return Response(self._out(product))

    @extend_schema(responses=ProductStatusChangeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        """Status decisions on the product (who, when, from, to, why)."""
        product = get_visible_or_404(selectors.products_with_history_visible_to(request.user), pk=pk)
        return Response(ProductStatusChangeSerializer(selectors.product_history(product), many=True).data)

    @extend_schema(responses=ProductMatchSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def matching(self, request):
        """For a signed-in enterprise: every open product, whether its profile meets the product's
        quality conditions today, and what it misses."""
        if request.user.role != Role.ENTERPRISE:
            raise PermissionDenied(_("Only enterprise users have a quality profile to match."))
        ctx = self.get_serializer_context()
        rows = _matches_for(request.user.enterprise, catalog=ctx["catalog"])
        return Response([{"product": ProductSerializer(r["product"], context=ctx).data, "meets": r["meets"],
                          "missing": r["missing"]} for r in rows])


def _matches_for(enterprise, *, catalog):
    from elements.selectors import profile_get

    profile = profile_get(enterprise=enterprise)
    return selectors.product_matches(selectors.products_open_to(enterprise), profile, catalog=catalog)


class StaffViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bank staff accounts: a bank administrator manages its own bank's officers and approvers."""

    serializer_class = StaffSerializer
    filterset_class = StaffFilter
    queryset = User.objects.none()  # for the schema; requests use the doors below
    # Reading goes through what the user may see; every other action through what it manages.
    scope = staticmethod(selectors.staff_manageable_by)
    action_scopes = {"list": selectors.staff_visible_to, "retrieve": selectors.staff_visible_to}

    def scoped(self, queryset):
        return queryset.order_by("bank__name", "username")

    @extend_schema(request=StaffCreateSerializer, responses={201: StaffSerializer})
    def create(self, request):
        if not selectors.staff_roles_assignable_by(request.user):
            raise PermissionDenied  # a role that opens no accounts at all
        data = StaffCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        bank = _own_bank_or(request.user, fields.pop("bank", None))
        branch = fields.pop("bank_branch", None)
        user = services.staff_create(actor=request.user, bank=bank, branch=branch, address=client_ip(request),
                                     **fields)
        return Response(StaffSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=StaffSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        user = services.staff_set_active(actor=request.user, account=self.get_object(), active=False)
        return Response(StaffSerializer(user).data)

    @extend_schema(request=None, responses=StaffSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        user = services.staff_set_active(actor=request.user, account=self.get_object(), active=True)
        return Response(StaffSerializer(user).data)

    @extend_schema(request=PasswordSerializer, responses=StaffSerializer)
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, pk=None):
        data = PasswordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.staff_reset_password(actor=request.user, account=self.get_object(),
                                             password=data.validated_data["password"], address=client_ip(request))
        return Response(StaffSerializer(user).data)


def register(router):
    router.register("banks", BankViewSet, basename="bank")
    router.register("products", ProductViewSet, basename="product")
    router.register("bank-staff", StaffViewSet, basename="bank-staff")

