"""Probe finding 9 in the administrators' console: a deeply nested workflow file is refused with the file named,
and the audit list answers odd sort and page parameters with a page, never a 500."""
from __future__ import annotations

import pytest

from tests.documents.test_workflow_upload import generic_templates, problems_of, upload


@pytest.mark.parametrize("toml", [
    "x = " + "[" * 40_000 + "]" * 40_000 + "\n",
    "x = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n",
    "a" + ".a" * 20_000 + " = 1\n",
])
def test_a_deeply_nested_workflow_file_is_refused_naming_the_file(app, admin_http, toml):
    response = upload(admin_http, "section_16g_8.toml", toml, **generic_templates())
    assert response.status_code == 422
    problems = problems_of(response)
    assert "<code>section_16g_8.toml</code>" in problems and "verschachtelt" in problems


@pytest.mark.parametrize("query", [
    "sort=99", "sort=-1", "sort=abc", "sort=0&desc=abc", "page=-5", "page=abc", "page=9223372036854775808",
    "page=" + "9" * 5000, "page_size=100000000", "search=%00", "flt0_0=%00", "flt1_1=" + "x" * 10_000,
    "flt99_99=1", "sort=" + "9" * 30,
])
def test_the_audit_list_answers_odd_parameters_with_a_page(admin_http, query):
    response = admin_http.get(f"/admin/audit/?{query}")
    assert response.status_code in (200, 302, 400, 404), response.status_code
    assert response.status_code != 500
