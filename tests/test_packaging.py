"""A plain `pip install .` gives a working intake: templates, styles and all subpackages ship."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    (path,) = out.glob("intake-*.whl")
    return path


def test_wheel_holds_every_module_template_and_stylesheet(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"intake/{p.relative_to(ROOT / 'intake')}" for p in (ROOT / "intake").rglob("*.py")}
    expected |= {f"intake/templates/{p.name}" for p in (ROOT / "templates").glob("*.html")}
    expected |= {"intake/web/static/intake.css"}
    expected |= {f"intake/desk/rules/{p.name}" for p in (ROOT / "intake" / "desk" / "rules").glob("*.toml")}
    catalogues = {f"intake/{p.relative_to(ROOT / 'intake')}" for p in (ROOT / "intake" / "translations").glob("*/LC_MESSAGES/messages.*")}
    assert {f"intake/translations/{code}/LC_MESSAGES/messages.mo" for code in ("en", "zh_Hans", "zh_Hant", "ug", "bo")} <= catalogues
    expected |= catalogues
    assert expected <= names, sorted(expected - names)
    assert not [n for n in names if n.startswith(("tests/", "keys/", "bench/"))]


def test_installed_package_runs_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    (tmp_path / "recipients.txt").write_text("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n")
    code = (
        "import intake, sys\n"
        f"assert intake.__file__.startswith({str(target)!r}), intake.__file__\n"
        "from intake.web import create_app\n"
        "app = create_app({'INTAKE_DATA_DIR': 'data', 'INTAKE_RECIPIENTS': 'recipients.txt', 'SECRET_KEY': 'x' * 40})\n"
        "page = app.test_client().get('/')\n"
        "assert page.status_code == 200 and b'Report a reprisal' in page.data, page.status_code\n"
        "assert app.test_client().get('/static/intake.css').status_code == 200\n"
        "page = app.test_client().get('/?lang=zh_Hant')\n"
        "assert '\\u5831\\u544a\\u5831\\u5fa9\\u884c\\u70ba'.encode() in page.data, 'no zh_Hant catalogue'\n"  # 報告報復行為
        "from intake.cli import main\n"
        "sys.exit(main(['--version']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "0.1.0" in result.stdout
