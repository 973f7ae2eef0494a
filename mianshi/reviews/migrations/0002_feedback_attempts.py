from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_scores_ratings_decisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="feedback_attempts",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
    ]
