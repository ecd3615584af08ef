"""Loans for every contract without one, set-based, for benchmarks at 1,000,000 applications
(`grow_demo --no-loans` then this; `loans_reconcile` opens them one by one, about 20 a
second: hours for the 330,000 contracts of 1,000,000 applications):

    DATABASE_URL=postgres://…/jzd_speed1m .venv/bin/python manage.py shell < bench/open_loans.py

One INSERT … SELECT of the loans (figures from the disbursements; status repaying; the next
due date is the first monthly date after the first disbursement or the signing) and one of
their history rows. No schedule rows (instalments): the loan book lists do not read them; the
nightly job leaves a loan without a schedule as it is. PostgreSQL only."""

import time

from django.db import connection, transaction

started = time.monotonic()
with transaction.atomic(), connection.cursor() as cursor:
    cursor.execute("""
        INSERT INTO loans_loan (repayment_method, status, status_changed_at, disbursed, first_disbursed_on,
            repaid_principal, repaid_interest, outstanding, maturity_on, days_past_due, extension_reason,
            closed_reason, classification, created_at, application_id, bank_id, contract_id, enterprise_id,
            product_id, next_due_on)
        SELECT c.repayment_method, 'repaying', c.recorded_at, COALESCE(d.total, 0), d.first, 0, 0,
               COALESCE(d.total, 0), c.maturity_on, 0, '', '', 'normal', c.recorded_at, c.application_id,
               c.bank_id, c.id, a.enterprise_id, a.product_id,
               (COALESCE(d.first, c.signed_on) + interval '1 month')::date
        FROM applications_contract c
        JOIN applications_application a ON a.id = c.application_id
        LEFT JOIN (SELECT contract_id, SUM(amount) AS total, MIN(date) AS first
                   FROM applications_disbursement GROUP BY contract_id) d ON d.contract_id = c.id
        WHERE NOT EXISTS (SELECT 1 FROM loans_loan l WHERE l.contract_id = c.id)""")
    loans = cursor.rowcount
    cursor.execute("""
        INSERT INTO loans_loanhistory (loan_id, action, from_status, to_status, actor_id, actor_name, note, at,
                                       classification, effective_on)
        SELECT l.id, 'open', '', 'repaying', c.recorded_by_id, '', '合同 ' || c.number, l.created_at, 'normal',
               l.created_at::date
        FROM loans_loan l JOIN applications_contract c ON c.id = l.contract_id
        WHERE NOT EXISTS (SELECT 1 FROM loans_loanhistory h WHERE h.loan_id = l.id)""")
for table in ("loans_loan", "loans_loanhistory"):
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
print(f"open_loans: {loans} loans in {time.monotonic() - started:.1f} s")
