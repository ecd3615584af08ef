"""Instalment.loan without an index of its own: the unique (loan, number) serves every lookup by
loan. Only the index is dropped (Django's AlterField would also drop and re-add the foreign key,
checking every schedule row again)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('loans', '0007_loan_product_required'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='instalment',
                    name='loan',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name='instalments', to='loans.loan'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "loans_instalment_loan_id_046f3c30"',
                    reverse_sql='CREATE INDEX "loans_instalment_loan_id_046f3c30" ON "loans_instalment" ("loan_id")',
                ),
            ],
        ),
    ]
