from django.db import migrations


def forget_next_change(apps, schema_editor):
    """The stored moment leaves midnight out: emptied, it is worked out on the next read."""
    apps.get_model("trilateral", "CacheGeneration").objects.update(next_change_at=None)


class Migration(migrations.Migration):
    """The next moment pages change unprompted is no longer only a scheduled publication: midnight
    too (pages that read the date)."""

    dependencies = [
        ("trilateral", "0004_cache_generation"),
    ]

    operations = [
        migrations.RenameField(
            model_name="cachegeneration",
            old_name="next_publication_at",
            new_name="next_change_at",
        ),
        migrations.RunPython(forget_next_change, migrations.RunPython.noop),
    ]
