"""A ratchet over pyxform's own example and bug-report forms (tests/data/xlsform-examples): the forms that
load and render today keep doing so, the share of pyxform-convertible forms that load only grows, and
every refused form is refused with a message that names its problem."""
import warnings
from pathlib import Path

import pytest

from workbench.instruments.corpus import CRASHED, LOADED, REFUSED, classify, corpus_files, share_loaded

DATA = Path(__file__).parent / "data"
FOLDER = DATA / "xlsform-examples"
LOADED_LIST = DATA / "xlsform-examples-loaded.txt"  # one form a line: add a form when it starts loading
FLOOR = 59 / 65  # of the forms pyxform converts, the share that load and render with every label


@pytest.fixture(scope="module")
def results():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's warnings about the forms' Excel extensions
        return {r.name: r for r in (classify(p, FOLDER) for p in corpus_files(FOLDER))}


def test_the_forms_that_loaded_still_load_and_render_with_every_label(results):
    expected = LOADED_LIST.read_text(encoding="utf-8").split()
    assert expected and set(expected) <= set(results)
    assert {n: results[n].reason for n in expected if results[n].status != LOADED} == {}


def test_the_share_of_pyxform_convertible_forms_that_load_does_not_fall(results):
    assert share_loaded(list(results.values())) >= FLOOR


def test_no_form_crashes_the_loader_or_loses_a_label(results):
    assert {n: r.reason for n, r in results.items() if r.status not in (LOADED, REFUSED)} == {}
    assert not any(r.status == CRASHED for r in results.values())


def test_every_refusal_names_a_feature_not_python_or_a_misread_type(results):
    for name, r in results.items():
        if r.status != REFUSED:
            continue
        reason = r.reason
        assert "Traceback" not in reason and "__init__" not in reason and "unexpected keyword" not in reason, name
        assert "' is not in the choices sheet" not in reason or " from " not in reason.split("choice list")[-1], name
        assert any(word in reason for word in ("type '", "column '", "function '", "is not an XLSForm",
                                               "unsupported format", "has no name", "no question", "quoted text",
                                               "could not be read as an XLSForm")), (name, reason)
