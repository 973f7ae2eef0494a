from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    """Public-recruitment mode (事业单位公开招聘): plans and posts, qualification screening,
    exams, examiners and 回避, synthesis, 公示 and 编制."""

    name = "mianshi.recruitment"
    label = "recruitment"
    verbose_name = _("Public recruitment")
