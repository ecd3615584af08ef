"""An authorisation names one bank and ends with a recorded reason; an application may hold
several over time (one active). Authorisations left active for a bank the application no
longer goes to (drafts moved before this change) are ended here."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.utils import timezone


def end_stale(apps, schema_editor):
    Authorisation = apps.get_model("applications", "Authorisation")
    Authorisation.objects.filter(revoked_at__isnull=True).exclude(bank_id=F("application__bank_id")).update(
        revoked_at=timezone.now(), end_reason="bank_changed")


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0003_orphan_files_sweep_schedule'),
        ('banks', '0005_seed_lpr_and_history'),
        ('identity', '0005_enterprise_reference_data_without_fk_constraints'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='authorisation',
            options={'ordering': ['granted_at', 'id'], 'verbose_name': 'authorisation', 'verbose_name_plural': 'authorisations'},
        ),
        migrations.AddField(
            model_name='authorisation',
            name='end_reason',
            field=models.CharField(blank=True, max_length=40, verbose_name='why it ended'),
        ),
        migrations.RunPython(end_stale, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='authorisation',
            name='application',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='authorisations', to='applications.application', verbose_name='application'),
        ),
        migrations.AlterField(
            model_name='authorisation',
            name='bank',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='banks.bank', verbose_name='bank'),
        ),
        migrations.AddConstraint(
            model_name='authorisation',
            constraint=models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('application',), name='one_active_authorisation_per_application'),
        ),
    ]
