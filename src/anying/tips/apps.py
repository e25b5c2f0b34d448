from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "anying.tips"
    label = "tips"
    verbose_name = "群众举报"

    def ready(self):
        from . import permissions

        permissions.register()
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import demo, escalation, rewards, workflow  # noqa: F401 - lifecycles

        hooks.register_demo("tips", 50, demo.load)
        from anying.core import workqueue

        from . import work

        workqueue.register(*work.SOURCES)  # the 待办 of every module (core/workqueue.py)
        if related_tips not in hooks.RELATED_RECORDS:
            hooks.RELATED_RECORDS.append(related_tips)
        register(MenuEntry("举报受理", "tip_list", "megaphone", "tips.view", section="群众举报", order=400, badge="tips"),
                 MenuEntry("举报统计", "tip_stats", "pie-chart", "tips.view", section="群众举报", order=405),
                 MenuEntry("举报二维码", "tip_poster", "qr-code", "tips.view", section="群众举报", order=407),
                 MenuEntry("处理与奖励规则", "tip_rules", "sliders", "tips.configure", section="群众举报", order=409))


def related_tips(record, user) -> list[tuple[str, str]]:
    """The tips a hazard, inspection or penalty came from, for that record's page (both ways)."""
    from django.urls import reverse

    from .models import Tip

    manager = getattr(record, "tips", None)
    if manager is None or getattr(manager, "model", None) is not Tip:
        return []
    return [(f"来源举报 {tip.display_code}", reverse("tip_detail", args=[tip.pk]))
            for tip in manager.visible_to(user).only("pk", "code")]
