"""Every library the site's code imports is declared in pyproject.toml, so a fresh install has it."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("config", "goals", "indicators", "municipalities", "notifications")


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0] for requirement in project["dependencies"]}
    return {name.lower().replace("_", "-") for name in names}


def _imported_modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update({alias.name.split(".")[0]: path for alias in node.names})
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found[node.module.split(".")[0]] = path
    return found


def test_every_third_party_import_is_a_declared_dependency():
    distributions = packages_distributions()
    declared = _declared()
    missing = {}
    for module, path in _imported_modules().items():
        if module in sys.stdlib_module_names or module in APPS or module == "__future__":
            continue
        names = {name.lower().replace("_", "-") for name in distributions.get(module, [module])}
        if not names & declared:
            missing[module] = str(path.relative_to(ROOT))
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
