"""A clock step may name the due date it served (`cycle`): a clock whose due date moves on to a
new cycle (a renewed certificate) climbs its ladder again. Steps without a cycle keep their
old key; steps with one are unique per cycle."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0008_notification_preferences'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='clockstep',
            name='one_clock_step_per_rung',
        ),
        migrations.AddField(
            model_name='clockstep',
            name='cycle',
            field=models.DateField(blank=True, null=True, verbose_name='期限'),
        ),
        migrations.AddConstraint(
            model_name='clockstep',
            constraint=models.UniqueConstraint(condition=models.Q(('cycle__isnull', True)), fields=('clock', 'content_type', 'object_id', 'code'), name='one_clock_step_per_rung'),
        ),
        migrations.AddConstraint(
            model_name='clockstep',
            constraint=models.UniqueConstraint(condition=models.Q(('cycle__isnull', False)), fields=('clock', 'content_type', 'object_id', 'code', 'cycle'), name='one_clock_step_per_rung_and_cycle'),
        ),
    ]
