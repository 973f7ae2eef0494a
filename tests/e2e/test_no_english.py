"""No English left in the zh-Hans UI (issue 14): the rule that tells an English word a
zh-Hans user should not meet from names, codes and units. The walk that applies it to every
page of the demo, as every HR role and as a candidate, is in test_page_walks.py.
"""

from __future__ import annotations

from tests.e2e.english import english_words


def test_english_words_are_found_outside_the_allow_list() -> None:
    assert english_words("导出CSV，AI评估 Mianshi") == []
    assert english_words("候选人 candidate00@example.com 打开 http://x/i/abc/ 或 /jobs/3/") == []
    assert english_words("选项 A 或 B，等级 S，北京时间 (UTC+8)") == []
    assert english_words("员工 SH-2027-001 · fa72bb66e… · {candidate_name} · 文件（.xlsx）") == []
    assert english_words("状态：behavioural 题目") == ["behavioural"]
    assert english_words("Not Found") == ["Not", "Found"]
    assert english_words("为 hr_sh 设置新密码") == []
    assert english_words("邮箱: admin@demo.mianshi.local · 权限 org:read") == []
    assert english_words("签名（Standard Webhooks），名为 Event_… 的 Schema") == []
    assert english_words("动作 login.success") == ["login", "success"]
