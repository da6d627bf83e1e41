"""The checkbox multiple choice (``CheckList``): a SelectMultiple's options and value, ticked without Ctrl."""
import pytest
import traitlets

from workbench.apps.widgets import CheckList

OPTIONS = [("Олена Тихоліс", "olena"), ("Ірина Колосаєнко", "iryna"), ("Андрій Вербанюк", "andrii")]


def ticked(check_list) -> list[str]:
    return [box.description for box in check_list.children if box.value]


def test_each_option_is_a_checkbox_and_the_value_says_which_are_ticked():
    check_list = CheckList(options=OPTIONS, value=("iryna",))
    assert [box.description for box in check_list.children] == [label for label, _ in OPTIONS]
    assert check_list.value == ("iryna",) and ticked(check_list) == ["Ірина Колосаєнко"]
    check_list.children[2].value = True  # a tap on «Андрій Вербанюк»
    assert check_list.value == ("iryna", "andrii")
    check_list.children[1].value = False
    assert check_list.value == ("andrii",)


def test_the_value_is_set_from_python_and_cleared_with_an_empty_tuple():
    check_list = CheckList(options=OPTIONS)
    changes = []
    check_list.observe(lambda change: changes.append(change["new"]), "value")
    check_list.value = ["olena", "andrii", "olena"]  # a list, a repeat: a tuple, each once
    assert check_list.value == ("olena", "andrii") and ticked(check_list) == ["Олена Тихоліс", "Андрій Вербанюк"]
    check_list.value = ()
    assert ticked(check_list) == [] and changes == [("olena", "andrii"), ()]  # the boxes followed: no more changes


def test_a_value_not_offered_is_refused_as_a_select_multiple_refuses_it():
    check_list = CheckList(options=OPTIONS, value=("olena",))
    with pytest.raises(traitlets.TraitError, match="ghost"):
        check_list.value = ("olena", "ghost")
    assert check_list.value == ("olena",)


def test_new_labels_keep_the_ticks_and_new_options_keep_those_still_offered():
    check_list = CheckList(options=OPTIONS, value=("olena", "andrii"))
    boxes = check_list.children
    check_list.options = [("Olena Tykholis", "olena"), ("Iryna Kolosaienko", "iryna"), ("Andrii Verbaniuk", "andrii")]
    assert check_list.children == boxes and ticked(check_list) == ["Olena Tykholis", "Andrii Verbaniuk"]
    check_list.options = ["andrii", "petro"]  # plain values are their own labels
    assert check_list.value == ("andrii",) and ticked(check_list) == ["andrii"]
