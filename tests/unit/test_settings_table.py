"""The README's configuration table lists exactly the settings there are, with their defaults."""

from __future__ import annotations

import re

from codincod.config import Settings, describe_settings, environment_names
from tests.support import ROOT


def readme_rows() -> dict[str, list[str]]:
    """The rows of the table under "## Configuration" (other sections show settings too)."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\| `(CODINCOD_[A-Z0-9_]+)` \|", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in line.strip("|").split("|")]
    return rows


def test_every_setting_is_in_the_readme_and_nothing_else() -> None:
    documented = set(readme_rows())
    settings = {environment_names(name)[0] for name in Settings.model_fields}
    assert documented == settings, (documented - settings, settings - documented)


def test_the_readme_names_the_node_fallbacks() -> None:
    rows = readme_rows()
    for name in Settings.model_fields:
        names = environment_names(name)
        for fallback in names[1:]:
            assert fallback in rows[names[0]][1], (name, fallback)


def test_every_setting_explains_itself() -> None:
    for item in describe_settings(Settings()):
        assert item.description, item.name
        assert item.current != "" and item.default != ""
