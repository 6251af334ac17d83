"""Hostile round 62a: inputs that were silently ignored, and profile files whose names differ only in case."""

from __future__ import annotations

import json

from tco import api


def test_an_id_that_matches_exactly_comes_before_a_file_name_in_another_case(run, user_profile) -> None:
    """Defect: with long-gpu.toml (id long-gpu) and long-GPU.toml (id long-gpu2) in one TCO_PROFILE_PATH folder,
    `tco profiles show long-gpu` showed long-gpu2 (the file name matched without regard to case, and sorted
    first), and `tco compare long-gpu long-gpu2` said they 'name the same option'. The file whose own id is the
    one asked for comes first; the other file's name still finds it when no file has that id."""
    user_profile("accelerators", "long-gpu", 'id = "long-gpu"\nextends = "h100-sxm"\naliases = []\nname = "Long one"\n')
    user_profile("accelerators", "long-GPU", 'id = "long-gpu2"\nextends = "h100-sxm"\naliases = []\nname = "Long two"\n')
    for ref, name in (("long-gpu", "Long one"), ("LONG-GPU", "Long one"), ("long-gpu2", "Long two")):
        shown = run("profiles", "show", ref, "-f", "json")
        assert shown.exit_code == 0, shown.stderr
        assert json.loads(shown.stdout)["results"][0]["accelerator"]["name"] == name, ref
    result = run("compare", "long-gpu", "long-gpu2", "-w", "gpt3-1.3b")
    assert result.exit_code == 0, result.stderr
    assert "long-gpu and long-gpu2 tie" in result.stderr


def test_a_file_name_in_another_case_with_its_own_id_is_preferred_to_none(user_profile) -> None:
    """Long-GPU.toml whose id is long-gpu is the file of id long-gpu, before long-gpu.toml whose id is
    long-gpu2 (the id, not the spelling of the file's name, decides)."""
    user_profile("accelerators", "Long-GPU", 'id = "long-gpu"\nextends = "h100-sxm"\naliases = []\nname = "Long one"\n')
    user_profile("accelerators", "long-gpu", 'id = "long-gpu2"\nextends = "h100-sxm"\naliases = []\nname = "Long two"\n')
    assert api.load_accelerator("long-gpu").name == "Long one"
    assert api.load_accelerator("long-gpu2").name == "Long two"
