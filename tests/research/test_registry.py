"""The notebook registry: discovery, parameters, reserved names, and notebooks that cannot be read."""

import pytest
from django.urls import reverse

from research import registry

pytestmark = pytest.mark.django_db


def test_parameters_are_read_with_help_and_reserved_ones_set_apart(make_notebook):
    make_notebook(
        "needs",
        parameters="year_from = 2015  # First year to include\nlabel = 'x'  # A label\n",
        datasets=["tta_needs"],
        brief="needs-brief",
    )
    notebook = registry.get("needs")
    assert [(p.name, p.type_name, p.help) for p in notebook.parameters] == [
        ("year_from", "int", "First year to include"),
        ("label", "str", "A label"),
    ]
    assert {p.name for p in notebook.reserved} == {"results_dir", "sensitive", "tta_needs_csv"}
    assert notebook.brief == "needs-brief" and notebook.datasets == ["tta_needs"]


def test_a_notebook_without_a_parameters_cell_is_listed_with_the_reason(make_notebook, role_user, client_for):
    make_notebook("plain", ["print(1)"], parameters=None)
    notebook = registry.get("plain")
    assert not notebook.runnable and "no cell tagged" in notebook.error
    client = client_for(role_user("researcher"))
    assert b"no cell tagged" in client.get(reverse("research:index")).content
    response = client.post(reverse("research:notebook", args=["plain"]), {})
    assert b"cannot be run" in response.content


def test_a_malformed_ipynb_is_listed_not_a_crash(research_dirs, role_user, client_for):
    (research_dirs / "broken.ipynb").write_text('{"cells": [ not json')
    (research_dirs / "BAD name.ipynb").write_text("{}")
    notebooks = {n.slug: n for n in registry.discover()}
    assert "not a valid Jupyter notebook" in notebooks["broken"].error
    assert "file name" in notebooks["BAD name"].error
    page = client_for(role_user("researcher")).get(reverse("research:index"))
    assert page.status_code == 200 and b"not a valid Jupyter notebook" in page.content


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"n": "three"}, "must be a whole number"),
        ({"nope": "1"}, "has no parameter \u201cnope\u201d"),
        ({"results_dir": "/etc"}, "set by the platform"),
        ({"__import__('os')": "1"}, "not a valid parameter name"),
        ({"ratio": "nan"}, "finite number"),
        ({"flag": "maybe"}, "true or false"),
    ],
)
def test_bad_parameters_are_refused_with_a_reason(make_notebook, given, message):
    make_notebook("typed", parameters="n = 3  # count\nratio = 0.5  # share\nflag = True  # a flag\n")
    with pytest.raises(registry.ParameterError, match=message):
        registry.validate_parameters(registry.get("typed"), given)


def test_unknown_slugs_and_path_tricks_are_not_found(research_dirs):
    for slug in ("../config/settings", "missing", "", "a/b"):
        with pytest.raises(registry.NotebookNotFound):
            registry.get(slug)
