"""Every package directory is listed for setuptools, and data files ship with the package."""

from __future__ import annotations

import tomllib
from importlib.resources import files

from tests.conftest import REPO_ROOT


def test_every_package_directory_is_listed() -> None:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    mapping: dict[str, str] = config["package-dir"]
    found = set()
    for package, directory in mapping.items():
        root = REPO_ROOT / directory
        for init in root.rglob("__init__.py"):
            relative = init.parent.relative_to(root)
            found.add(".".join([package, *relative.parts]))
    assert found == listed


def test_policies_and_schemas_are_importable_resources() -> None:
    assert (files("synthgate.policies") / "default.yaml").is_file()
    for which in ("manifest", "policy", "report"):
        assert (files("synthgate.schemas") / f"{which}.schema.json").is_file()
