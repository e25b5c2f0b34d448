from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "anying.campaigns"
    label = "campaigns"
    verbose_name = "专项行动"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import demo, permissions, services

        permissions.register()
        assert services.LIFECYCLE  # registered on import
        hooks.register_demo("campaigns", 112, demo.load)  # after the registers it tags
        register(MenuEntry("专项行动", "campaigns:list", "flag", "campaigns.view", section="执法检查", order=306))
