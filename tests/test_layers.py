"""The layers of ``workbench/``, read from the source with ``ast`` (imports inside functions count too):

- only the store (``workbench/store/``) runs SQL: no ``.execute``, ``.executemany``, ``.executescript``
  or ``.query`` call and no ``db[...]`` table access anywhere else;
- the store imports neither analysis, apps nor forms (it is what they stand on);
- analysis, evaluation and charts import neither apps nor forms (they work without widgets);
- instruments do not import the store (an instrument is data, read before any database exists).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"
SQL_CALLS = {"execute", "executemany", "executescript", "query"}
DATABASE_NAMES = {"db", "database"}
FORBIDDEN = {  # layer: the layers it must not import
    "workbench.store": ("workbench.analysis", "workbench.apps", "workbench.forms"),
    "workbench.analysis": ("workbench.apps", "workbench.forms"),
    "workbench.evaluation": ("workbench.apps", "workbench.forms"),
    "workbench.charts": ("workbench.apps", "workbench.forms"),
    "workbench.instruments": ("workbench.store",),
}


def modules() -> dict[str, Path]:
    """``{dotted module name: file}`` of every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, tree: ast.AST) -> set[str]:
    """The absolute names ``name`` (a module at ``path``) imports, relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def sql_outside_the_store(tree: ast.AST) -> list[str]:
    """Each SQL call or ``db[...]`` access in ``tree``, as ``line: code``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            found.append(f"{node.lineno}: .{node.func.attr}(…)")
        elif isinstance(node, ast.Subscript):
            target = node.value
            named = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else ""
            if named in DATABASE_NAMES:
                found.append(f"{node.lineno}: {named}[…]")
    return found


def in_layer(name: str, layer: str) -> bool:
    return name == layer or name.startswith(layer + ".")


MODULES = modules()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_module_keeps_to_its_layer(name):
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    if not in_layer(name, "workbench.store"):
        assert sql_outside_the_store(tree) == [], f"{name} runs SQL; move it into workbench/store/"
    for layer, forbidden in FORBIDDEN.items():
        if in_layer(name, layer):
            wrong = sorted(i for i in imported(name, path, tree) if any(in_layer(i, f) for f in forbidden))
            assert wrong == [], f"{name} ({layer}) imports {wrong}"


def test_the_checks_see_what_they_look_for():
    # The rules must be able to fail: fed code that breaks them, they say so.
    tree = ast.parse("from ..analysis.gas import x\nimport workbench.apps.case\n"
                     "def f(db, self):\n    db.execute('select 1')\n    self.db['cases'].get(1)\n")
    assert imported("workbench.store.plans", PACKAGE / "store" / "plans.py", tree) >= {
        "workbench.analysis.gas", "workbench.apps.case"}
    assert [line.split(":")[0] for line in sql_outside_the_store(tree)] == ["4", "5"]
    assert len(MODULES) > 50 and "workbench.store.connection" in MODULES
