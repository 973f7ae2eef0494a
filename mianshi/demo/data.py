"""Content of the demo deployment: an org, staff, three jobs, a bilingual question bank.

Plain data so the loader stays short; everything is written through the services.
"""

DEMO_PASSWORD = "Mianshi-Demo-2026"

# (code, name, kind, parent code)
UNITS = [
    ("hq", "总部", "hq", None),
    ("hq-hr", "人力资源部", "department", "hq"),
    ("sh", "上海分公司", "branch", "hq"),
    ("sh-sales", "上海销售部", "department", "sh"),
    ("sh-tech", "上海技术部", "department", "sh"),
    ("sz", "深圳分公司", "branch", "hq"),
    ("sz-sales", "深圳销售部", "department", "sz"),
    ("sz-service", "深圳客服部", "department", "sz"),
]

# (username, display name, role, unit code, what they show in the demo)
USERS = [
    ("admin", "系统演示管理员", "hr_admin", "hq", "HR admin over the whole organisation"),
    ("hr_sh", "上海HR 王敏", "hr", "sh", "HR recruiter, Shanghai branch only"),
    ("hr_sz", "深圳HR 陈静", "hr", "sz", "HR recruiter, Shenzhen branch only"),
    ("mgr_sh_sales", "销售经理 刘强", "dept_manager", "sh-sales", "manager, Shanghai sales only"),
    ("int_sh_1", "面试官 赵磊", "interviewer", "sh", "interviewer, assigned candidates only"),
    ("int_sh_2", "面试官 孙丽", "interviewer", "sh", "interviewer, assigned candidates only"),
    ("auditor", "审计员 周洁", "auditor", "hq", "auditor, reads the audit trail only"),
]

# Competency models: name → [(dimension, weight, [sub-items])]
MODELS: dict[str, list[tuple[str, int, list[str]]]] = {
    "销售胜任力模型": [
        ("沟通能力", 30, ["语言逻辑性", "倾听能力", "表情亲和力"]),
        ("客户导向", 25, []),
        ("抗压能力", 20, []),
        ("目标达成", 25, []),
    ],
    "客服管理胜任力模型": [
        ("沟通能力", 25, ["语言逻辑性", "倾听能力"]),
        ("问题解决", 30, []),
        ("团队管理", 25, []),
        ("情绪稳定", 20, []),
    ],
    "技术岗胜任力模型": [
        ("问题解决", 40, []),
        ("技术能力", 30, []),
        ("沟通协作", 20, []),
        ("学习能力", 10, []),
    ],
}

# (title, unit code, model, headcount, education, years, description)
JOBS = [
    (
        "销售代表",
        "sh-sales",
        "销售胜任力模型",
        5,
        "college",
        1,
        "负责华东区域客户开发与维护，完成季度销售目标。",
    ),
    (
        "客服主管",
        "sz-service",
        "客服管理胜任力模型",
        1,
        "bachelor",
        3,
        "带领15人客服团队，负责服务质量、投诉处理与排班。",
    ),
    (
        "软件工程师",
        "sh-tech",
        "技术岗胜任力模型",
        3,
        "bachelor",
        2,
        "参与招聘平台后端开发，使用 Python 与 PostgreSQL。",
    ),
]

# Rubric: {level: (description, [keywords])}
Rubric = dict[int, tuple[str, list[str]]]

# (key, type, lang, text, prep s, answer s, retakes, [dimensions], rubric)
QUESTIONS: list[tuple[str, str, str, str, int, int, int, list[str], Rubric]] = [
    (
        "intro-zh",
        "self_intro",
        "zh-hans",
        "请用1–2分钟做一个自我介绍，重点介绍与应聘岗位相关的经历。",
        30,
        120,
        1,
        ["沟通能力"],
        {
            3: ("结构清晰，突出与岗位相关的经历和成果", ["经历", "成果", "岗位"]),
            2: ("介绍完整但与岗位关联较弱", ["经历"]),
            1: ("内容零散，缺少与岗位相关的信息", []),
        },
    ),
    (
        "intro-en",
        "self_intro",
        "en",
        "Please introduce yourself in one to two minutes, "
        "focusing on experience relevant to this role.",
        30,
        120,
        1,
        ["沟通协作"],
        {
            3: (
                "Clear structure, relevant experience and results",
                ["experience", "result", "role"],
            ),
            2: ("Complete but weakly related to the role", ["experience"]),
            1: ("Scattered, nothing relevant to the role", []),
        },
    ),
    (
        "bei-persuade",
        "behavioural",
        "zh-hans",
        "请讲述一次你说服犹豫不决的客户签单的经历：当时的情境、你的任务、采取的行动和最终结果。",
        60,
        180,
        1,
        ["沟通能力", "客户导向"],
        {
            3: (
                "完整的关键行为事件：情境、任务、行动、结果俱全，结果可量化",
                ["客户", "需求", "方案", "签约", "结果"],
            ),
            2: ("有事件但要素不全，行动或结果模糊", ["客户", "沟通"]),
            1: ("没有具体事件，只有泛泛而谈", []),
        },
    ),
    (
        "bei-crossdept",
        "behavioural",
        "zh-hans",
        "请讲述一次跨部门项目协调的经历，你遇到了什么困难，如何解决？",
        60,
        180,
        1,
        ["沟通能力", "问题解决"],
        {
            3: (
                "说明协调对象、冲突点、具体行动与可验证的结果",
                ["跨部门", "协调", "冲突", "推进", "结果"],
            ),
            2: ("描述了协调过程，但结果或个人作用不清楚", ["协调", "部门"]),
            1: ("没有具体经历", []),
        },
    ),
    (
        "bei-target",
        "behavioural",
        "zh-hans",
        "请描述一次你没有完成销售目标的经历，你从中学到了什么？",
        60,
        150,
        1,
        ["目标达成", "抗压能力"],
        {
            3: ("坦诚分析原因，给出改进行动及之后的改善结果", ["原因", "改进", "复盘", "目标"]),
            2: ("承认未达成并有反思，但缺少后续行动", ["反思"]),
            1: ("回避问题或归咎外部", []),
        },
    ),
    (
        "bei-conflict-en",
        "behavioural",
        "en",
        "Tell us about a time you resolved a conflict within your team. "
        "What was the situation, what did you do, and what was the result?",
        60,
        180,
        1,
        ["沟通协作", "团队管理"],
        {
            3: (
                "Full STAR: situation, task, own actions, measurable result",
                ["conflict", "listen", "agree", "result"],
            ),
            2: ("An event with missing parts of STAR", ["team", "conflict"]),
            1: ("No concrete event", []),
        },
    ),
    (
        "bei-complaint",
        "behavioural",
        "zh-hans",
        "请举例说明你如何处理一位情绪激动的投诉客户。",
        60,
        150,
        1,
        ["情绪稳定", "问题解决"],
        {
            3: ("先安抚情绪、倾听、确认问题、给出方案并跟进回访", ["安抚", "倾听", "方案", "回访"]),
            2: ("解决了问题但忽略情绪或跟进", ["解决"]),
            1: ("与客户争执或推诿", []),
        },
    ),
    (
        "sit-churn",
        "situational",
        "zh-hans",
        "假设一位大客户在合同到期前一周表示要转向竞争对手，你会怎么做？",
        60,
        150,
        1,
        ["客户导向", "抗压能力"],
        {
            3: (
                "了解真实原因、评估价值、提出差异化方案并争取高层支持",
                ["原因", "价值", "方案", "竞争对手"],
            ),
            2: ("有挽留动作但缺少分析", ["挽留"]),
            1: ("直接降价或放弃", []),
        },
    ),
    (
        "sit-staffing",
        "situational",
        "zh-hans",
        "如果你的团队在高峰期有两名客服同时请假，你会如何安排工作？",
        45,
        120,
        1,
        ["团队管理", "问题解决"],
        {
            3: (
                "评估工作量，调整排班与优先级，启用预案并与上级沟通",
                ["排班", "优先级", "预案", "沟通"],
            ),
            2: ("有安排但考虑不全面", ["安排"]),
            1: ("没有可行安排", []),
        },
    ),
    (
        "sit-bug-en",
        "situational",
        "en",
        "A key customer reports a production bug on a Friday evening. What do you do?",
        45,
        120,
        1,
        ["问题解决", "沟通协作"],
        {
            3: (
                "Assess impact, communicate, mitigate, fix, post-mortem",
                ["impact", "rollback", "customer", "fix"],
            ),
            2: ("Fixes the bug but neglects communication", ["fix"]),
            1: ("Waits until Monday", []),
        },
    ),
    (
        "ability-sales-math",
        "ability",
        "zh-hans",
        "某产品单价120元，上月销量800件，本月销量增长25%。本月销售额是多少？请说明计算过程。",
        60,
        90,
        0,
        ["目标达成"],
        {
            3: ("答案12万元，过程正确清晰", ["1000", "120000", "12万"]),
            2: ("思路正确但计算有误", ["25%"]),
            1: ("思路错误", []),
        },
    ),
    (
        "ability-english",
        "ability",
        "en",
        "Describe your favourite product and explain to a customer why they should buy it.",
        30,
        90,
        1,
        ["沟通能力"],
        {
            3: (
                "Fluent, persuasive, benefits tied to customer needs",
                ["benefit", "need", "value"],
            ),
            2: ("Understandable with gaps", ["product"]),
            1: ("Hard to follow", []),
        },
    ),
    (
        "ability-staff-math",
        "ability",
        "zh-hans",
        "客服每人每小时处理12个工单，每天需处理960个工单，每人每天工作8小时，至少需要多少名客服？请说明过程。",
        60,
        90,
        0,
        ["问题解决"],
        {
            3: ("答案10人，过程正确", ["10", "96"]),
            2: ("思路正确但计算有误", ["960"]),
            1: ("思路错误", []),
        },
    ),
    (
        "demo-debug",
        "skills_demo",
        "zh-hans",
        "请共享屏幕，演示你如何排查一个接口响应变慢的问题。",
        120,
        300,
        1,
        ["技术能力", "问题解决"],
        {
            3: (
                "系统地定位：日志、指标、慢查询、性能分析，并验证修复",
                ["日志", "慢查询", "索引", "验证"],
            ),
            2: ("能找到部分原因但方法零散", ["日志"]),
            1: ("无法展示排查过程", []),
        },
    ),
    (
        "demo-refactor-en",
        "skills_demo",
        "en",
        "Share your screen and walk us through refactoring a function you wrote.",
        120,
        300,
        1,
        ["技术能力", "沟通协作"],
        {
            3: (
                "Tests first, small steps, explains trade-offs",
                ["test", "rename", "extract", "trade-off"],
            ),
            2: ("Refactors but without safety net", ["refactor"]),
            1: ("Cannot show a refactoring", []),
        },
    ),
    (
        "bei-learning",
        "behavioural",
        "zh-hans",
        "请讲述一次你在短时间内学习新技术并应用到项目中的经历。",
        60,
        150,
        1,
        ["学习能力", "技术能力"],
        {
            3: ("学习方法具体，应用场景与效果明确", ["学习", "文档", "实践", "上线", "效果"]),
            2: ("有学习经历但应用效果不清楚", ["学习"]),
            1: ("没有具体事例", []),
        },
    ),
    (
        "sit-roadmap",
        "situational",
        "zh-hans",
        "客户要求的功能与公司产品规划冲突，你会如何沟通和处理？",
        45,
        120,
        1,
        ["沟通协作", "客户导向"],
        {
            3: (
                "理解客户真实需求，与产品团队沟通，给出替代方案并管理预期",
                ["需求", "替代方案", "预期", "产品"],
            ),
            2: ("只做单方面沟通", ["沟通"]),
            1: ("直接拒绝或盲目承诺", []),
        },
    ),
]

# Questions answered in the page instead of on camera (F-48): key → (answer type, options).
ANSWER_TYPES: dict[str, tuple[str, list[dict[str, str]]]] = {
    "ability-sales-math": ("text", []),
    "ability-staff-math": (
        "choice",
        [
            {"key": "A", "text": "8 人"},
            {"key": "B", "text": "10 人"},
            {"key": "C", "text": "12 人"},
            {"key": "D", "text": "80 人"},
        ],
    ),
}

# Template per job: (name, job title, question keys in order)
TEMPLATES = [
    (
        "销售代表一面",
        "销售代表",
        [
            "intro-zh",
            "bei-persuade",
            "bei-target",
            "sit-churn",
            "ability-sales-math",
            "ability-english",
        ],
    ),
    (
        "客服主管一面",
        "客服主管",
        ["intro-zh", "bei-complaint", "sit-staffing", "ability-staff-math", "bei-crossdept"],
    ),
    (
        "软件工程师技术面",
        "软件工程师",
        ["intro-en", "bei-learning", "sit-bug-en", "demo-debug", "demo-refactor-en", "sit-roadmap"],
    ),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "晓东",
    "海燕",
    "志强",
    "思远",
    "雨桐",
    "子涵",
    "浩然",
]

# Where the 30 demo applications stand: (job title, stage) repeated over the candidates.
# Only stages the product reaches without an interview: a candidate further on (interview
# done, AI scored, second round, offer, hire) must have a recorded and analysed interview
# behind the stage and its score. Those are the demo interviews below (recorded through the
# server by `demo_interviews`, analysed by the worker) and the demo hire (employees.py).
PIPELINE = [
    ("销售代表", "applied"),
    ("销售代表", "applied"),
    ("销售代表", "screening"),
    ("销售代表", "screening"),
    ("销售代表", "invited"),
    ("销售代表", "invited"),
    ("销售代表", "invited"),
    ("销售代表", "rejected"),
    ("销售代表", "rejected"),
    ("销售代表", "talent_pool"),
    ("销售代表", "talent_pool"),
    ("销售代表", "applied"),
    ("客服主管", "applied"),
    ("客服主管", "screening"),
    ("客服主管", "invited"),
    ("客服主管", "invited"),
    ("客服主管", "screening"),
    ("客服主管", "applied"),
    ("客服主管", "rejected"),
    ("客服主管", "talent_pool"),
    ("软件工程师", "applied"),
    ("软件工程师", "applied"),
    ("软件工程师", "screening"),
    ("软件工程师", "invited"),
    ("软件工程师", "invited"),
    ("软件工程师", "screening"),
    ("软件工程师", "applied"),
    ("软件工程师", "screening"),
    ("软件工程师", "rejected"),
    ("软件工程师", "talent_pool"),
]


def id_number(region: str, birth: str, seq: int, female: bool) -> str:
    """A checksum-valid 18-digit PRC ID number (GB 11643) for fictional people."""
    order = seq * 2 + (0 if female else 1)
    body = f"{region}{birth}{order:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


# --- The demo's recorded interviews (`manage.py demo_interviews`, run by `make demo`) --------
# Two candidates answer through the real recording path; the worker verifies, checks and
# analyses their answers. The questions are in English: espeak-ng's English is what the
# offline speech model hears well (its Mandarin is not, see MODELS.md), so the synthetic
# answers are English too, and they use the rubric's keywords where a good answer would.

# (title, unit code, model, headcount, education, years, description)
INTERVIEW_JOB = (
    "海外客户经理",
    "sh-sales",
    "销售胜任力模型",
    2,
    "bachelor",
    2,
    "负责海外英语客户的开发与维护，英文面试。",
)
INTERVIEW_TEMPLATE = "海外客户经理英文视频面试"

# Same row layout as QUESTIONS; both are video answers.
INTERVIEW_QUESTIONS: list[tuple[str, str, str, str, int, int, int, list[str], Rubric]] = [
    (
        "demo-customer-en",
        "behavioural",
        "en",
        "Tell us about a time you won over a difficult customer. "
        "What was the situation, what did you do, and what was the result?",
        30,
        120,
        1,
        ["沟通能力", "客户导向"],
        {
            3: (
                "Full story: the situation, own actions and a measurable result",
                ["customer", "listened", "solution", "contract", "result"],
            ),
            2: ("A story with missing parts", ["customer"]),
            1: ("No concrete example", []),
        },
    ),
    (
        "demo-target-en",
        "behavioural",
        "en",
        "Describe a time you missed a sales target. What did you learn, and what did you change?",
        30,
        120,
        1,
        ["目标达成", "抗压能力"],
        {
            3: (
                "Honest reasons, a concrete change and a later improvement",
                ["target", "reason", "plan", "improved", "result"],
            ),
            2: ("Reflection without a change", ["learned"]),
            1: ("Avoids the question or blames others", []),
        },
    ),
]

# (name, gender, answers spoken per question, positions answered in two recordings — as
# when the candidate's page reloaded mid-answer: the analysis stitches them into one)
INTERVIEW_CANDIDATES: list[tuple[str, str, list[str], list[int]]] = [
    (
        "林晓东",
        "male",
        [
            "Last year a large customer in Shanghai wanted to cancel our contract. "
            "My task was to keep the account. I listened to the customer for an hour and "
            "found that late deliveries were the real problem. I proposed a solution with a "
            "weekly delivery report. As a result, the customer signed a new two year contract.",
            "In the second quarter I missed my sales target by twenty percent. The main reason "
            "was that I spent too much time on small customers. I learned to plan my week "
            "around the largest opportunities, and I made a new plan with my manager. "
            "The next quarter my result improved to one hundred and ten percent of the target.",
        ],
        [1],
    ),
    (
        "郭雨桐",
        "female",
        [
            "I think some customers are difficult. I always try to be polite and friendly "
            "with everyone, and I think good communication is important in sales.",
            "I do not remember missing a target. The market was very hard that year, "
            "so it was not really my fault.",
        ],
        [],
    ),
]
