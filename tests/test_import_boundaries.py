"""The trust boundaries, as import rules: intake.age stands alone; the encrypt side has no secrets."""

import ast
import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "intake"
AGE_MODULES = sorted(p.stem for p in (PACKAGE / "age").glob("*.py") if p.stem != "__init__")


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return names


def loaded_modules(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, check=True, text=True)
    return json.loads(out.stdout.splitlines()[-1])


def test_age_imports_only_the_standard_library_and_cryptography():
    allowed_third_party = {"cryptography"}
    for path in (PACKAGE / "age").glob("*.py"):
        for name in imported_names(path):
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or top in allowed_third_party, f"{path.name} imports {name}"
            assert top != "intake", f"{path.name} imports {name}: use relative imports within intake.age only"


def test_loading_all_of_age_loads_no_flask_and_nothing_else_of_intake():
    code = "import importlib\n" + "".join(f"importlib.import_module('intake.age.{m}')\n" for m in AGE_MODULES)
    modules = loaded_modules(code)
    assert not [m for m in modules if m.split(".")[0] in {"flask", "werkzeug", "jinja2", "flask_wtf"}]
    assert [m for m in modules if m.startswith("intake")] == ["intake", "intake.age"] + [f"intake.age.{m}" for m in AGE_MODULES]


def test_encrypting_never_loads_identities_or_decryption():
    modules = loaded_modules(
        "from intake import age\n"
        "r = age.parse_recipient('age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p')\n"
        "import io; age.encrypt_bytes([r], b'x')"
    )
    assert "intake.age.identities" not in modules
    assert "intake.age.reader" not in modules
    assert "intake.age.keyfile" not in modules


def test_the_command_line_does_not_load_flask_for_key_tools():
    modules = loaded_modules("import intake.cli")
    assert "flask" not in modules


def test_the_staff_desk_never_loads_flask():
    desk = sorted(p.stem for p in (PACKAGE / "desk").glob("*.py") if p.stem != "__init__")
    modules = loaded_modules("import importlib\n" + "".join(f"importlib.import_module('intake.desk.{m}')\n" for m in desk))
    assert not [m for m in modules if m.split(".")[0] in {"flask", "werkzeug", "jinja2", "flask_wtf", "flask_babel"}]
    assert not [m for m in modules if m.startswith("intake.web")]


def test_the_desk_is_a_library_that_imports_neither_click_nor_the_command_line():
    """Its commands live in intake.cli; the desk (intake.desk) is plain functions and classes."""
    for path in sorted((PACKAGE / "desk").rglob("*.py")):
        tree = ast.parse(path.read_text())
        depth = len(path.relative_to(PACKAGE).parts) - 1  # how many dots reach intake/
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level == 0:
                    names = [module]
                elif node.level > depth:
                    names = [module]  # beyond intake/: would be an error anyway
                else:
                    base = ["intake", *path.relative_to(PACKAGE).parts[:-1]][: 1 + depth - node.level + 1]
                    names = [".".join([*base, module] if module else base)] + \
                        [".".join([*base, module, alias.name] if module else [*base, alias.name]) for alias in node.names]
            for name in names:
                assert name.split(".")[0] != "click", f"{path.relative_to(PACKAGE)} imports {name}"
                assert not (name == "intake.cli" or name.startswith("intake.cli.")), f"{path.relative_to(PACKAGE)} imports {name}"
    modules = loaded_modules("import intake.desk.importer, intake.desk.listing, intake.desk.exports.bundle, intake.desk.migrate, "
                             "intake.desk.quarantine, intake.desk.review")
    assert "click" not in modules and not [m for m in modules if m == "intake.cli" or m.startswith("intake.cli.")]


def test_the_web_modules_import_each_other_without_cycles():
    """One direction between any two web modules (the logs used to import security and back)."""
    web = PACKAGE / "web"
    edges = {}
    for path in web.glob("*.py"):
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                targets |= {node.module} if node.module else {alias.name for alias in node.names}
        edges[path.stem] = {t.split(".")[0] for t in targets if (web / f"{t.split('.')[0]}.py").exists()}

    def reaches(start, goal, seen=()):
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, (*seen, nxt))) for nxt in edges.get(start, ()))

    cycles = sorted(m for m in edges if reaches(m, m))
    assert not cycles, f"import cycles through {cycles}"
