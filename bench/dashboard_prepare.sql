-- Loans for the contracts grow_demo wrote (loans_reconcile opens them one by one, ~30 a second:
-- three hours for a million applications), in bulk, with a dated history: every loan opened at
-- its contract, one in two has repaid 10 % of its principal a month after the first drawing,
-- one in twenty fell overdue two months in (one in three of those cured a month later), one in
-- fifty was classified 次级 as of three months in. Idempotent (only contracts without a loan).
INSERT INTO loans_loan (contract_id, application_id, enterprise_id, bank_id, repayment_method, status,
                        status_changed_at, disbursed, first_disbursed_on, repaid_principal, repaid_interest,
                        outstanding, maturity_on, days_past_due, extension_reason, closed_reason, classification,
                        created_at)
SELECT c.id, c.application_id, a.enterprise_id, c.bank_id, c.repayment_method, 'repaying', c.recorded_at,
       COALESCE(d.total, 0), d.first, 0, 0, COALESCE(d.total, 0), c.maturity_on, 0, '', '', 'normal', c.recorded_at
FROM applications_contract c
JOIN applications_application a ON a.id = c.application_id
LEFT JOIN (SELECT contract_id, SUM(amount) AS total, MIN(date) AS first FROM applications_disbursement
           GROUP BY contract_id) d ON d.contract_id = c.id
WHERE NOT EXISTS (SELECT 1 FROM loans_loan l WHERE l.contract_id = c.id);

INSERT INTO loans_loanhistory (loan_id, action, from_status, to_status, actor_name, note, at, classification)
SELECT l.id, 'open', '', 'repaying', '', 'bench', l.created_at, ''
FROM loans_loan l WHERE NOT EXISTS (SELECT 1 FROM loans_loanhistory h WHERE h.loan_id = l.id);

INSERT INTO loans_repayment (loan_id, bank_id, date, principal, interest, reference, source, recorded_at)
SELECT l.id, l.bank_id, l.first_disbursed_on + 30, round(l.disbursed * 0.1, 2), round(l.disbursed * 0.003, 2),
       'BENCH-' || l.id, 'demo', l.created_at + interval '31 days'
FROM loans_loan l
WHERE l.id % 2 = 0 AND l.first_disbursed_on IS NOT NULL AND l.first_disbursed_on + 30 < current_date
  AND NOT EXISTS (SELECT 1 FROM loans_repayment r WHERE r.reference = 'BENCH-' || l.id AND r.bank_id = l.bank_id);

INSERT INTO loans_loanhistory (loan_id, action, from_status, to_status, actor_name, note, at, classification)
SELECT l.id, 'overdue', 'repaying', 'overdue', '', 'bench', l.created_at + interval '60 days', ''
FROM loans_loan l WHERE l.id % 20 = 1 AND l.created_at + interval '60 days' < now()
  AND NOT EXISTS (SELECT 1 FROM loans_loanhistory h WHERE h.loan_id = l.id AND h.action = 'overdue');

INSERT INTO loans_loanhistory (loan_id, action, from_status, to_status, actor_name, note, at, classification)
SELECT l.id, 'cure', 'overdue', 'repaying', '', 'bench', l.created_at + interval '90 days', ''
FROM loans_loan l WHERE l.id % 60 = 1 AND l.created_at + interval '90 days' < now()
  AND NOT EXISTS (SELECT 1 FROM loans_loanhistory h WHERE h.loan_id = l.id AND h.action = 'cure');

INSERT INTO loans_loanhistory (loan_id, action, from_status, to_status, actor_name, note, at, classification,
                               effective_on)
SELECT l.id, 'classify', 'repaying', 'repaying', '', 'bench', l.created_at + interval '91 days', 'substandard',
       (l.created_at + interval '90 days')::date
FROM loans_loan l WHERE l.id % 50 = 3 AND l.created_at + interval '91 days' < now()
  AND NOT EXISTS (SELECT 1 FROM loans_loanhistory h WHERE h.loan_id = l.id AND h.action = 'classify');

ANALYZE loans_loan; ANALYZE loans_loanhistory; ANALYZE loans_repayment;
