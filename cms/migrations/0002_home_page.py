"""Replace Wagtail's welcome page with the site's home page and point the default site at it."""

from django.db import migrations

INTRO = (
    "<p>Task Force Commons is where federally funded human-trafficking task forces learn from each other: "
    "police, prosecutors and victim-service partners ask peers, read practices vetted by training and "
    "technical assistance staff, and get matched to the help they need.</p>"
)


def create_home(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cms", "HomePage")
    if HomePage.objects.exists():
        return
    Page.objects.filter(depth=2, slug="home").delete()
    home_ct, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    Locale = apps.get_model("wagtailcore", "Locale")
    root = Page.objects.get(depth=1)
    locale = Locale.objects.order_by("pk").first()
    home = HomePage.objects.create(
        title="Task Force Commons",
        draft_title="Task Force Commons",
        slug="home",
        content_type=home_ct,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        live=True,
        locale=locale,
        intro=INTRO,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Task Force Commons"},
    )


class Migration(migrations.Migration):
    dependencies = [("cms", "0001_initial"), ("wagtailcore", "0098_apitoken")]
    operations = [migrations.RunPython(create_home, migrations.RunPython.noop)]
