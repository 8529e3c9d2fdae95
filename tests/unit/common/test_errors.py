"""Problem details without a server: where malformed JSON broke, the language of an answer, the
catalogue of titles and sentences, and the documentation of every kind of error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kraftsamla_common import errors, i18n
from kraftsamla_common.errors import Kind, MalformedJson, json_pointer_at, language_of, problem_response

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("doc", "pointer"),
    [
        ('{"a": {"b": tru}}', "/a/b"),  # a value broken: the member it belongs to
        ('{"title": }', "/title"),  # a value missing
        ('{"a" 1}', "/a"),  # the colon missing
        ('{"a": "abc', "/a"),  # a string not closed
        ("[1, 2, ]", "/2"),  # an element missing
        ('{"a": 1, }', ""),  # a name expected: the object it is in
        ('{"vision": {"sv": "a",}}', "/vision"),
        ('{"a": 1 "b": 2}', "/a"),  # a comma missing after a
        ('{"a": [1, {"x/y": [}]}', "/a/1/x~1y/0"),  # RFC 6901 escapes
        ('{"t~": [1, }', "/t~0/1"),
        ('{"k\\"q": [true, fals]}', '/k"q/1'),  # an escaped quote in a name
        ('{"a": {"b": 1}, "c": [1, 2], "d": x}', "/d"),  # closed containers are left
        ('{"a": "}{][", "b": ?}', "/b"),  # brackets inside strings are text
        ("", ""),
        ('{"a": 1} x', ""),  # data after the document
        ("[[[", "/0/0/0"),
    ],
)
def test_the_pointer_names_the_nearest_valid_location(doc: str, pointer: str) -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(doc)
    assert json_pointer_at(doc, caught.value.pos) == pointer


def test_line_and_column_count_as_the_json_decoder_does() -> None:
    doc = '{\n  "a": [\n    1,\n    ?\n  ]\n}'
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(doc)
    problem = MalformedJson.of(caught.value)
    [error] = problem.errors or []
    assert (error["line"], error["column"]) == (caught.value.lineno, caught.value.colno) == (4, 5)
    assert error["pointer"] == "/a/1" and error["position"] == caught.value.pos
    assert problem.kind is Kind.MALFORMED_JSON and problem.status == 400
    assert str(problem) == "The body is not valid JSON (line 4, column 5): Expecting value."


@pytest.mark.parametrize(
    ("header", "language"),
    [("sv", "sv"), ("fi-FI,fi;q=0.9", "fi"), ("de-DE,en;q=0.5", "en"), (None, "en"), ("nb, sv;q=0.1", "sv")],
)
def test_an_answer_is_in_the_language_asked_for(header: str | None, language: str) -> None:
    assert language_of({"accept-language": header} if header else {}) == language
    response = problem_response(
        Kind.NOT_FOUND,
        errors.said("problem_detail_region_not_found", region="x"),
        language=language_of({"accept-language": header} if header else {}),
    )
    body = json.loads(bytes(response.body))
    assert body["title"] == i18n.Messages(language)("problem_not_found")  # type: ignore[arg-type]
    assert response.headers["content-language"] == language
    assert response.headers["vary"] == "Accept-Language"


def test_the_titles_differ_by_language() -> None:
    titles = {lang: Kind.UNSUPPORTED_MEDIA_TYPE.title(lang) for lang in i18n.LANGUAGES}
    assert titles == {
        "en": "Unsupported Media Type",
        "sv": "Medietypen stöds inte",
        "fi": "Mediatyyppiä ei tueta",
    }


def test_the_catalogue_is_complete() -> None:
    assert i18n.check_catalogues("kraftsamla_common") == []
    for kind in Kind:
        for language in i18n.LANGUAGES:
            assert i18n.Messages(language).has(kind.title_key), (kind, language)


def test_every_kind_has_one_uri_and_a_page_in_the_api_guide() -> None:
    assert len({k.slug for k in Kind}) == len(Kind)
    assert Kind.VALIDATION.uri() == "https://kraftsamla.se/problems/validation"
    assert Kind.NOT_FOUND.uri("https://errors.example.org/") == "https://errors.example.org/not-found"
    guide = (ROOT / "docs" / "api-guide.md").read_text()
    missing = [k.slug for k in Kind if f"`{k.slug}`" not in guide]
    assert not missing, f"docs/api-guide.md does not explain {missing}"


def test_an_http_status_without_a_kind_is_about_blank() -> None:
    body = json.loads(bytes(problem_response(None, status=418).body))
    assert body == {"type": "about:blank", "title": "I'm a Teapot", "status": 418}


def test_a_sentence_of_a_services_catalogue_is_worded_when_the_answer_is_written() -> None:
    """``saying(package)``: a detail and an error's message of that package's catalogue, worded in
    the answer's language as ``kraftsamla_common.wording`` words a part (here a name given in several
    languages); the exception's own text is the English."""
    said = errors.saying("kraftsamla_common")
    region = {"sv": "Lappland", "fi": "Lappi", "en": "Lapland"}
    problem = errors.Conflict(said("problem_detail_region_not_found", region=region))
    assert str(problem) == "Region Lapland was not found."
    message = said("problem_detail_region_not_found", region=region)
    for language, text in [("sv", "Regionen Lappland hittades inte."), ("fi", "Aluetta Lappi ei löytynyt.")]:
        response = problem_response(
            problem.kind,
            problem.detail,
            language=language,
            errors=[{"pointer": "/region", "message": message}],
        )
        body = json.loads(bytes(response.body))
        assert body["detail"] == text
        assert body["errors"] == [{"pointer": "/region", "message": text}]
        assert response.headers["content-language"] == language
