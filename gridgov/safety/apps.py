from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Enterprise safety grids (plan 6, 企業安全網格化管理): the enterprise's deduction rules,
    violations with joint liability, the month's deductions forming the incentive fund, the
    safety model and the worst department, the monthly bulletin (docs/adr/0030)."""

    name = "gridgov.safety"
    label = "safety"
