"""Pages of long lists whose rows are wide (many joins, subqueries per row): the page's ids
are taken with OFFSET from a narrow query the database answers from an index (no joins it does
not need for the filter, no per-row subqueries), then the wide rows of those ids only. The
cost of a deep page is then walking index entries, not building every skipped row ("deferred
join"). One query more per page, whatever the page."""

from django.core.paginator import Paginator
from django.db.models import QuerySet


class DeferredJoinPaginator(Paginator):
    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {obj.pk: obj for obj in self.object_list.filter(pk__in=ids)} if ids else {}
        # In the order of the ids (a row that changed in between keeps its place on this page).
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
