from django.apps import AppConfig


class NoticesConfig(AppConfig):
    """Notifications (通知): an outbox of notices to people, delivered in-app, by e-mail or by
    a webhook (enterprise WeChat, DingTalk, an SMS gateway) with retries (ADR 0017)."""

    name = "gridgov.notices"
    label = "notices"
