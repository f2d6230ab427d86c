"""The apps' imports run one way (README, "Architecture"): plans → cooperatives → coop_tracker.lib;
accounts → coop_tracker.lib and cooperatives.models; coop_tracker.lib imports no app; none of
them imports api, which sits on top of them."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("accounts", "cooperatives", "plans", "coop_tracker/lib")
APPS = ("accounts", "cooperatives", "plans")


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def refused(path: str, name: str) -> bool:
    """Whether the file at `path` (from the project's root) must not import `name`."""
    if within(name, "api"):  # the API sits on top of the apps, like the project package
        return True
    if path.startswith("cooperatives/"):
        return within(name, "plans")
    if path.startswith("accounts/"):
        return within(name, "plans") or (within(name, "cooperatives") and not within(name, "cooperatives.models"))
    if path.startswith("coop_tracker/lib/"):
        return any(within(name, app) for app in APPS)
    return False


def imported(path: str, source: str):
    """(line, name) of every absolute import in a module's source, in function bodies too; a name
    from `from x import y` is `x.y`. A relative import stays inside its own top-level package, so
    it never crosses from one app to another."""
    for node in ast.walk(ast.parse(source, path)):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


def violations(path: str, source: str) -> list[str]:
    return [f"{path}:{line} imports {name}" for line, name in imported(path, source) if refused(path, name)]


def checked_files() -> list[str]:
    paths = (path.relative_to(ROOT) for folder in CHECKED for path in (ROOT / folder).rglob("*.py"))
    return sorted(str(path) for path in paths if "migrations" not in path.parts)


def test_the_apps_import_one_way():
    files = checked_files()
    assert {"cooperatives/management/commands/import_registry.py", "coop_tracker/lib/forms.py"} <= set(files)
    found = [problem for path in files for problem in violations(path, (ROOT / path).read_text())]
    assert not found, "Imports against the architecture:\n" + "\n".join(found)


def test_the_check_reports_every_import_against_the_arrows():
    assert violations("cooperatives/views.py", "from plans.models import Plan\n") == [
        "cooperatives/views.py:1 imports plans.models.Plan"
    ]
    assert violations("accounts/forms.py", "import os\nfrom cooperatives.forms import X\n") == [
        "accounts/forms.py:2 imports cooperatives.forms.X"
    ]
    in_a_function = "def f():\n    import plans.signals\n"
    assert violations("cooperatives/management/commands/x.py", in_a_function) == [
        "cooperatives/management/commands/x.py:2 imports plans.signals"
    ]
    assert violations("coop_tracker/lib/forms.py", "from cooperatives import models\n") == [
        "coop_tracker/lib/forms.py:1 imports cooperatives.models"
    ]
    assert violations("accounts/views.py", "from api.serializers import X\n") == [
        "accounts/views.py:1 imports api.serializers.X"
    ]


def test_the_check_lets_the_allowed_arrows_through():
    allowed = "from cooperatives.models import AdminUnit\nfrom coop_tracker.lib.forms import style_fields\n"
    assert violations("accounts/forms.py", allowed) == []
    assert violations("plans/views.py", "from cooperatives.charts import rating_chart\n") == []


# Reading a spreadsheet knows nothing of the registry (cooperatives/importing/__init__.py): these
# modules import no model, directly or through another module of the project.
REGISTRY_FREE = ("cooperatives/importing/reading.py", "cooperatives/importing/text.py")


def every_import(path: str, source: str):
    """(line, name) of every import in a module's source, relative ones made absolute."""
    package = path.removesuffix(".py").split("/")[:-1]
    for node in ast.walk(ast.parse(source, path)):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield from ((node.lineno, f"{module}.{alias.name}") for alias in node.names)


def registry_imports(path: str, source: str) -> list[str]:
    free = {name.removesuffix(".py").replace("/", ".") for name in REGISTRY_FREE}
    return [
        f"{path}:{line} imports {name}"
        for line, name in every_import(path, source)
        if within(name, "cooperatives") and not any(within(name, module) for module in free)
    ]


def test_reading_a_spreadsheet_imports_nothing_of_the_registry():
    found = [problem for path in REGISTRY_FREE for problem in registry_imports(path, (ROOT / path).read_text())]
    assert not found, "Reading a file must not import the registry:\n" + "\n".join(found)


def test_the_registry_free_check_sees_relative_imports_too():
    path = "cooperatives/importing/reading.py"
    assert registry_imports(path, "from cooperatives.models import Organisation\n") == [
        f"{path}:1 imports cooperatives.models.Organisation"
    ]
    assert registry_imports(path, "def f():\n    from ..models import Rating\n") == [
        f"{path}:2 imports cooperatives.models.Rating"
    ]
    assert registry_imports(path, "from .values import PARSERS\n") == [
        f"{path}:1 imports cooperatives.importing.values.PARSERS"
    ]
    assert registry_imports(path, "from .text import fold\nimport csv\nfrom django.utils import timezone\n") == []
