from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_observation_indicator_index_from_unique_key"),
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
