"""The layers of portal/ hold: imports go one way, no cycle, no import hidden inside a function.

    blueprints -> web/, tasks/, services/, domain/, models/   (never another blueprint)
    tasks/     -> channels/, services/, domain/, models/
    channels/  -> services/, domain/, models/
    web/       -> services/, domain/, models/
    services/  -> services listed before them in portal.services.ORDER, domain/, models/, pdf/
    models/    -> domain/ (constants)
    domain/    -> nothing of the portal outside domain/, and neither Flask nor SQLAlchemy
"""
import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"
BLUEPRINTS = {"auth", "backoffice", "customer", "device", "documents", "engineer", "sign", "site", "verify"}
LEAVES = {"config", "extensions", "labels", "pdf"}  # import nothing of the portal
BASE = {"domain", "models", "extensions", "labels"}
ALLOWED = {
    "domain": {"domain"},
    "models": {"domain", "models", "extensions"},
    "services": BASE | {"services", "pdf"},
    "tasks": BASE | {"services", "tasks", "channels"},
    "channels": BASE | {"services", "channels"},
    "web": BASE | {"services", "web"},
    "seed": BASE | {"services", "seed", "pdf"},
    "cli": BASE | {"cli", "services", "seed", "tasks"},
    **{leaf: {leaf} for leaf in LEAVES},
    **{bp: BASE | {"web", "services", "tasks", "pdf", bp} for bp in BLUEPRINTS},
}
NOT_IN_DOMAIN = ("flask", "flask_babel", "flask_login", "flask_sqlalchemy", "flask_wtf", "sqlalchemy", "werkzeug",
                 "wtforms", "jinja2")


def module_name(path: Path) -> str:
    parts = path.relative_to(PORTAL.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve(name: str) -> str:
    """`portal.a.b` as the module that exists: a module or package, else its parent (an imported name)."""
    while name.count(".") > 0:
        relative = Path(*name.split("."))
        if (PORTAL.parent / relative).with_suffix(".py").exists() or (PORTAL.parent / relative).is_dir():
            return name
        name = name.rsplit(".", 1)[0]
    return name


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every import of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names] if node.module.startswith("portal") \
                else [node.module]
            found += [(name, node.lineno, id(node) in top) for name in names]
    return found


FILES = sorted(PORTAL.rglob("*.py"))
GRAPH = {module_name(f): {resolve(n) for n, _line, _top in imports(f) if n.startswith("portal.")} for f in FILES}


def area(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "__init__"


def test_every_arrow_points_the_allowed_way():
    wrong = []
    for path in FILES:
        source = module_name(path)
        if source == "portal":
            continue  # the app factory wires everything together
        mine = area(source)
        for name, line, _top in imports(path):
            if mine == "domain" and name.split(".")[0] in NOT_IN_DOMAIN:
                wrong.append(f"{source}:{line} imports {name}")
            if not name.startswith("portal."):
                continue
            target = area(resolve(name))
            if target not in ALLOWED[mine]:
                wrong.append(f"{source}:{line} imports {name} ({mine} -> {target})")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_services_use_only_services_listed_before_them():
    from portal.services import ORDER

    rank = {name: i for i, name in enumerate(ORDER)}
    stated = {module_name(f).split(".")[-1] for f in (PORTAL / "services").glob("*.py")} - {"services"}
    assert stated == set(ORDER), "every service module is in portal.services.ORDER, once"
    wrong = []
    for source in sorted(m for m in GRAPH if m.startswith("portal.services.")):
        for target in sorted(GRAPH[source]):
            if target.startswith("portal.services.") and rank[target.split(".")[-1]] >= rank[source.split(".")[-1]]:
                wrong.append(f"{source} -> {target}")
    assert not wrong, "a service uses one that is not lower in ORDER:\n" + "\n".join(wrong)


def test_no_import_cycle():
    cycles, state = [], {}

    def visit(module, trail):
        state[module] = "open"
        for target in sorted(GRAPH.get(module, ())):
            if state.get(target) == "open":
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PORTAL)))
def test_imports_are_at_the_top_of_the_module(path):
    inner = [f"line {line}: {name}" for name, line, top in imports(path) if not top]
    assert not inner, "an import inside a function or class hides a dependency:\n" + "\n".join(inner)


# The request commits in one place; background jobs and the CLI commit their own progress; idempotency records
# are claimed and answered in transactions of their own. (A sign-in session's last-seen time is written after the
# response on a connection of its own, portal.web.session, never through the request's session.)
# portal/models/postgres.py ends a request's read-only transaction with COMMIT (it wrote nothing: the same as a
# rollback, which would make psycopg forget its prepared statements).
COMMITTING = {"portal/web/forms.py", "portal/web/idempotency.py", "portal/tasks", "portal/cli",
              "portal/models/postgres.py"}


def test_only_the_form_path_jobs_and_the_cli_commit():
    wrong = []
    for path in FILES:
        where = str(path.relative_to(PORTAL.parent))
        if any(where == allowed or where.startswith(allowed + "/") for allowed in COMMITTING):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit" \
                    and ast.unparse(node.func.value) in ("db.session", "session"):
                wrong.append(f"{where}:{node.lineno}")
    assert not wrong, "commits outside portal.web.forms.commit():\n" + "\n".join(wrong)
