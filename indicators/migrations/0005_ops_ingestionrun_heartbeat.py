from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_ingest_perf_reply_digests"),
    ]

    operations = [
        migrations.AddField(
            model_name="ingestionrun",
            name="heartbeat_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Opdateres jævnligt, mens hentningen kører; står den stille, er processen stoppet.",
                null=True,
                verbose_name="senest i live",
            ),
        ),
    ]
