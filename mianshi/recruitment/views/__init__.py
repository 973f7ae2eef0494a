"""Thin views over the recruitment services and selectors: plans (plans, posts, calendar,
screening), exams (written exam, shortlist, examiners, panels, 回避, marks), results
(synthesis, 体检/考察, 公示, hire, quota)."""
