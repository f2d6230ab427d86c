"""Progress.explanation holds the parts of the explanation (JSON) instead of a Vietnamese sentence.

The stored sentences cannot be turned back into parts: the column is dropped and added again,
empty, and the next recompute (nightly, or `recompute_progress`) writes the parts of every row,
since an empty explanation differs from the computed one.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_pending_alliance_source"),
    ]

    operations = [
        migrations.RemoveField(model_name="progress", name="explanation"),
        migrations.AddField(
            model_name="progress",
            name="explanation",
            field=models.JSONField(blank=True, default=dict, verbose_name="giải thích"),
        ),
    ]
