"""Every test says in a docstring what it expects (CONVENTIONS: tests with
teeth), so a failure reads as the behaviour that broke."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def undocumented_tests(root: Path) -> list[str]:
    """``path:line name`` of each test function under ``root`` without a
    docstring."""
    missing = []
    for path in sorted(root.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and node.name.startswith("test")
                and not ast.get_docstring(node)
            ):
                missing.append(f"{path.relative_to(root)}:{node.lineno} {node.name}")
    return missing


def test_every_test_has_a_docstring():
    """No test function in tests/ lacks a docstring."""
    assert undocumented_tests(TESTS) == []


def test_a_test_without_a_docstring_is_found(tmp_path):
    """The check finds a test written without one, and not one with one."""
    (tmp_path / "test_sample.py").write_text(
        'def test_said():\n    """Says."""\n\n\ndef test_silent():\n    pass\n'
    )
    assert undocumented_tests(tmp_path) == ["test_sample.py:5 test_silent"]
