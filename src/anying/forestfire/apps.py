from django.apps import AppConfig


class ForestfireConfig(AppConfig):
    name = "anying.forestfire"
    label = "forestfire"
    verbose_name = "森林防火"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register
        from anying.incidents import views_desk
        from anying.warning import hooks as warning_hooks

        from . import board, demo, layers, lifecycles, permissions, recipients  # noqa: F401 - lifecycles register

        permissions.register()
        layers.register()
        warning_hooks.register_recipient_source(recipients.provider)
        if board.desk_panel not in views_desk.DESK_PANELS:
            views_desk.DESK_PANELS.append(board.desk_panel)  # 值班台: today's levels, checkpoints, open fire reports
        hooks.register_demo("forestfire", 92, demo.load)
        register(MenuEntry("森林防火总览", "forestfire:board", "tree", "forestfire.view", section="森林防火", order=940),
                 MenuEntry("火险等级", "forestfire:levels", "thermometer-half", "forestfire.view", section="森林防火",
                           order=941),
                 MenuEntry("检查站与进山登记", "forestfire:checkpoints", "signpost-split", "forestfire.view",
                           section="森林防火", order=942),
                 MenuEntry("护林员巡护", "forestfire:rangers", "person-walking", "forestfire.view", section="森林防火",
                           order=943),
                 MenuEntry("野外用火", "forestfire:fire_uses", "fire", "forestfire.view", section="森林防火", order=944),
                 MenuEntry("火情报告", "forestfire:reports", "exclamation-octagon", "forestfire.view", section="森林防火",
                           order=945),
                 MenuEntry("防火期与禁火令", "forestfire:bans", "calendar-x", "forestfire.view", section="森林防火",
                           order=946),
                 MenuEntry("森林防火责任人", "forestfire:responsibilities", "people", "forestfire.view",
                           section="森林防火", order=947))
