from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

# The record models staff edit, by app. Editors may delete the rows that belong to a record
# (a wrong participant, a duplicated paragraph); only publishers delete records themselves.
RECORDS = {
    "meetings": [
        "country",
        "organization",
        "person",
        "personname",
        "meetingseries",
        "seriesname",
        "meeting",
        "participant",
        "remark",
        "meetingsource",
    ],
    "declarations": [
        "topic",
        "declaration",
        "declarationtitle",
        "paragraph",
        "declarationsource",
        "commitment",
        "commitmentupdate",
    ],
}
EDITOR_MAY_DELETE = {
    "meetings": ["personname", "seriesname", "participant", "remark", "meetingsource"],
    "declarations": [
        "declarationtitle",
        "paragraph",
        "declarationsource",
        "commitment",
        "commitmentupdate",
    ],
}
PUBLISHED_RECORDS = {
    "meetings": ["meetingseries", "meeting"],
    "declarations": ["topic", "declaration"],
}
# Public statements and kept permalinks: publishers write them, editors read them.
PUBLISHER_ONLY = {
    "trilateral": ["correction"],
    "declarations": ["paragraphanchoralias"],
}


def codenames(models, actions):
    return {
        app_label: [f"{action}_{model}" for model in names for action in actions]
        for app_label, names in models.items()
    }


def merge(*groups):
    merged = {}
    for group in groups:
        for app_label, names in group.items():
            merged.setdefault(app_label, []).extend(names)
    return merged


EDITOR = merge(
    codenames(RECORDS, ["view", "add", "change"]),
    codenames(EDITOR_MAY_DELETE, ["delete"]),
    codenames(PUBLISHER_ONLY, ["view"]),
)
PUBLISHER = merge(
    codenames(RECORDS, ["view", "add", "change", "delete"]),
    codenames(PUBLISHED_RECORDS, ["publish"]),
    codenames(PUBLISHER_ONLY, ["view", "add", "change", "delete"]),
)


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in (("Editor", EDITOR), ("Publisher", PUBLISHER)):
        query = Q(pk__in=[])
        for app_label, names in wanted.items():
            query |= Q(content_type__app_label=app_label, codename__in=names)
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(query))


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Publisher"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("trilateral", "0002_corrections"),
        ("meetings", "0002_history_and_publish_permission"),
        ("declarations", "0002_history_anchor_aliases_and_publish_permission"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
