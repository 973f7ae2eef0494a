"""Every audit action the code base writes has a label (compliance/actions.py, issue 14).

The codes are collected from the source, where they are emitted: the action of every call
to audit_record / audit_read, of every function that passes its own `action` parameter on
to them (and its callers), and the `audit_action` of the API's audited pagination. A code
built at run time (an f-string, an attribute) is listed in DYNAMIC with the values it takes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import translation

from mianshi.compliance.actions import (
    ACTION_LABELS,
    action_label,
    actor_label,
    object_type_label,
)
from mianshi.integrations.automation.models import RunStatus
from mianshi.integrations.connectors.files.kinds import KINDS
from mianshi.invitations.models import DeliveryStatus, InvitationStatus
from mianshi.reviews.models import FeedbackStatus

ROOT = Path(__file__).resolve().parents[3]
AUDIT = {"audit_record", "audit_read"}
# (file, expression) → the codes it takes. A new run-time code fails the test until listed.
DYNAMIC: dict[tuple[str, str], list[str]] = {
    ("mianshi/accounts/services/users.py", "f'user.{verb}'"): ["user.activate", "user.deactivate"],
    ("mianshi/compliance/pagination.py", "self.audit_action"): [],  # paginate(audit_action=…)
    ("mianshi/integrations/automation/services/runs.py", "f'transition_action.{status}'"): [
        f"transition_action.{s}" for s in (RunStatus.DONE, RunStatus.SKIPPED, RunStatus.FAILED)
    ],
    ("mianshi/integrations/connectors/files/exports.py", "f'{kind}.export'"): [
        f"{kind}.export" for kind in KINDS
    ],
    ("mianshi/integrations/connectors/files/imports.py", "f'{spec.kind}.import'"): [
        f"{kind}.import" for kind in KINDS
    ],
    ("mianshi/recruitment/services/hiring.py", "f'recruitment.result.{status}'"): [
        "recruitment.result.failed",
        "recruitment.result.withdrawn",
    ],
    ("mianshi/invitations/services/sending.py", "f'delivery.{status}'"): [
        f"delivery.{s}" for s in (DeliveryStatus.SENT, DeliveryStatus.FAILED)
    ],
    ("mianshi/invitations/services/tracking.py", "f'invitation.{to.value}'"): [
        f"invitation.{s}"
        for s in (InvitationStatus.OPENED, InvitationStatus.STARTED, InvitationStatus.COMPLETED)
    ],
    ("mianshi/reviews/services/feedback.py", "f'decision.feedback_{status}'"): [
        f"decision.feedback_{s}" for s in (FeedbackStatus.SENT, FeedbackStatus.FAILED)
    ],
    ("mianshi/reviews/services/offers.py", "f'offer.{action}'"): [
        f"offer.{verb}" for verb in ("propose", "approve", "return", "hire")
    ],
}


@dataclass
class Module:
    path: str  # relative to the repository
    tree: ast.Module
    constants: dict[str, str] = field(default_factory=dict)  # NAME = "text" at top level
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)  # name → (module, name)


def _modules() -> Iterator[Module]:
    for top in ("mianshi", "config"):
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in relative or "/migrations/" in relative:
                continue
            module = Module(relative, ast.parse(path.read_text(encoding="utf-8")))
            for node in module.tree.body:
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                    for target in node.targets:
                        if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                            module.constants[target.id] = node.value.value
                elif isinstance(node, ast.ImportFrom) and node.module:
                    for alias in node.names:
                        module.imported[alias.asname or alias.name] = (node.module, alias.name)
            yield module


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            yield node


def _params(func: ast.FunctionDef) -> list[str]:
    args = func.args
    return [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]


def _action_arg(call: ast.Call, wrappers: dict[str, int]) -> ast.expr | None:
    """The expression a call passes as the action (keyword, or a wrapper's position)."""
    for keyword in call.keywords:
        if keyword.arg in {"action", "audit_action"}:
            return keyword.value
    position = wrappers.get(_name(call), -1)
    return call.args[position] if 0 <= position < len(call.args) else None


class Collector:
    """Walks every module once to find the wrappers, once more to read the codes."""

    def __init__(self) -> None:
        self.modules = {m.path: m for m in _modules()}
        self.by_name = {
            m.path.removesuffix(".py").replace("/", "."): m for m in self.modules.values()
        }
        self.by_name |= {k.removesuffix(".__init__"): m for k, m in self.by_name.items()}
        self.wrappers: dict[str, int] = {}  # function → position of its `action` parameter
        self.codes: set[str] = set()
        self.unlisted: list[tuple[str, str]] = []

    def run(self) -> None:
        for module in self.modules.values():
            for func in _functions(module.tree):
                self._wrapper(func)
        for module in self.modules.values():
            for func in _functions(module.tree):
                for call in ast.walk(func):
                    if isinstance(call, ast.Call):
                        self._call(module, func, call)

    def _wrapper(self, func: ast.FunctionDef) -> None:
        params = _params(func)
        for call in ast.walk(func):
            if isinstance(call, ast.Call) and _name(call) in AUDIT:
                arg = _action_arg(call, {})
                # the parameter itself, or one branch of a choice (not inside an f-string)
                parts = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
                names = [n.id for n in parts if isinstance(n, ast.Name)]
                for name in (n for n in names if n in params):
                    self.wrappers[func.name] = params.index(name)
                    self._default(func, name)

    def _default(self, func: ast.FunctionDef, param: str) -> None:
        defaults = func.args.defaults
        offset = len(func.args.args) - len(defaults)
        for i, default in enumerate(defaults):
            if func.args.args[offset + i].arg == param:
                self.codes.add(ast.literal_eval(default))

    def _call(self, module: Module, func: ast.FunctionDef, call: ast.Call) -> None:
        is_audit = _name(call) in AUDIT or _name(call) in self.wrappers
        arg = _action_arg(call, self.wrappers)
        if arg is None or not (is_audit or any(k.arg == "audit_action" for k in call.keywords)):
            return
        self._expression(module, func, arg)

    def _expression(self, module: Module, func: ast.FunctionDef, expr: ast.expr) -> None:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            self.codes.add(expr.value)
        elif isinstance(expr, ast.IfExp):
            self._expression(module, func, expr.body)
            self._expression(module, func, expr.orelse)
        elif isinstance(expr, ast.Name) and func.name in self.wrappers and expr.id in _params(func):
            return  # the wrapper's callers name the code
        elif isinstance(expr, ast.Name) and self._named(module, func, expr.id):
            return
        elif (module.path, ast.unparse(expr)) in DYNAMIC:
            self.codes.update(DYNAMIC[(module.path, ast.unparse(expr))])
        else:
            self.unlisted.append((module.path, ast.unparse(expr)))

    def _named(self, module: Module, func: ast.FunctionDef, name: str) -> bool:
        """A local assignment, a module constant or an imported one; False when none."""
        local = [n.value for n in ast.walk(func) if isinstance(n, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)]  # fmt: skip
        for value in local:
            self._expression(module, func, value)
        if local:
            return True
        if name in module.constants:
            self.codes.add(module.constants[name])
            return True
        source, original = module.imported.get(name, ("", ""))
        found = self.by_name.get(source)
        if found is not None and original in found.constants:
            self.codes.add(found.constants[original])
            return True
        return False


def _collected() -> Collector:
    collector = Collector()
    collector.run()
    return collector


def test_every_emitted_action_code_has_a_label() -> None:
    collector = _collected()
    assert not collector.unlisted, "a code built at run time: list its values in DYNAMIC"
    assert len(collector.codes) > 140  # the collector still finds the code base's calls
    missing = sorted(collector.codes - ACTION_LABELS.keys())
    assert not missing, f"add a label to compliance/actions.py for {missing}"


def test_the_collector_follows_wrappers_and_constants() -> None:
    codes = _collected().codes
    # login_failed's default, a wrapper's caller, a local variable, an imported constant
    assert {"login.failed", "login.failed_otp", "recording.view", "recording.download"} <= codes
    assert {"audit.verified", "event.list", "candidate.list"} <= codes


def test_labels_are_words_in_both_languages() -> None:
    with translation.override("en"):
        assert action_label("login.success") == "Signed in"
        assert action_label("no.such_code") == "no.such_code"
        assert object_type_label("candidates.candidate") == "candidate"
        assert object_type_label("files.export") == "file export"
        assert object_type_label("x") == "x"
        assert actor_label("candidate") == "the candidate" and actor_label("hr_sh") == "hr_sh"
        assert actor_label("unknown:1a2b") == "unknown user 1a2b"
    for code, label in ACTION_LABELS.items():
        with translation.override("en"):
            assert str(label) != code and "." not in str(label).rstrip(".")
