"""Requests that act once (jingzhidai.once), and the hourly beat task that prunes them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

NAME = "jingzhidai: prune request records (Idempotency-Key, form tokens)"


def declare(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = Crontab.objects.get_or_create(minute="40", hour="*", day_of_week="*", day_of_month="*",
                                                month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.update_or_create(name=NAME, defaults={"task": "jingzhidai.request_records_prune",
                                                               "crontab": schedule, "enabled": True})


def undeclare(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('django_celery_beat', '0019_alter_periodictasks_options'),
        ('identity', '0005_enterprise_reference_data_without_fk_constraints'),
    ]

    operations = [
        migrations.CreateModel(
            name='RequestRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('api', 'API request (Idempotency-Key)'), ('form', 'Form post (one-time token)')], max_length=4, verbose_name='kind')),
                ('key', models.CharField(max_length=255, verbose_name='key')),
                ('fingerprint', models.CharField(max_length=64)),
                ('method', models.CharField(max_length=10)),
                ('path', models.CharField(max_length=500)),
                ('status_code', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('headers', models.JSONField(blank=True, default=dict)),
                ('body', models.BinaryField(blank=True, default=b'')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='received')),
                ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='answered')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'request record',
                'verbose_name_plural': 'request records',
                'constraints': [models.UniqueConstraint(fields=('kind', 'user', 'key'), name='request_record_once')],
            },
        ),
        migrations.RunPython(declare, undeclare),
    ]
