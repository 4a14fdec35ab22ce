"""Columns to fields: by name and alias, by --map, and by a saved mapping file; bad mappings refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskcli.services.exchange import mapping

HEADER = ("Customer ID", "Full Name", "E-mail", "Tel", "Company", "Twitter", "Fax")


def test_columns_match_fields_by_name_and_alias_and_the_rest_are_listed() -> None:
    """Headers as other desks write them find their fields; unknown columns are listed, not dropped silently."""
    found = mapping.build("customers", HEADER, {})
    assert [(header, name) for _i, header, name in found.columns] == [
        ("Customer ID", "external_id"), ("Full Name", "name"), ("E-mail", "email"), ("Tel", "phone"),
        ("Company", "organisation"),
    ]
    assert found.unmapped == ("Twitter", "Fax")


def test_map_options_come_first_and_can_leave_a_column_out() -> None:
    """--map "Fax=phone" uses a column no alias matches; --map "Tel=" leaves one out."""
    overrides = mapping.parse_map_options(["Fax=mobile", "Tel="])
    found = mapping.build("customers", HEADER, overrides)
    assert ("Fax", "mobile") in [(header, name) for _i, header, name in found.columns]
    assert "phone" not in found.fields()
    assert found.ignored == ("Tel",)


def test_map_matches_a_column_ignoring_case_and_punctuation() -> None:
    """--map 'e mail=email' finds the column "E-mail"."""
    found = mapping.build("customers", HEADER, {"e mail": "email"})
    assert ("E-mail", "email") in [(header, name) for _i, header, name in found.columns]


def test_two_columns_that_look_like_one_field_keep_the_first_and_say_so() -> None:
    """E-mail and Email both look like email: the first is used, the second listed with a note."""
    found = mapping.build("customers", ("Name", "E-mail", "Email"), {})
    assert ("E-mail", "email") in [(header, name) for _i, header, name in found.columns]
    assert found.unmapped == ("Email",)
    assert "also looks like email" in found.notes[0]


@pytest.mark.parametrize(
    ("maps", "message"),
    [
        (["Tel=phone", "Fax=phone"], "the field phone is mapped from two columns"),
        (["Tel=phone", "Tel=mobile"], "the column 'Tel' is mapped twice"),
        (["Tel=fone"], r"'fone' is not a field of a customers import \(did you mean phone\?\)"),
        (["Telephone=phone"], "the file has no column 'Telephone'"),
        (["Tel"], 'expected "COLUMN=field"'),
    ],
    ids=["field-twice", "column-twice", "unknown-field", "unknown-column", "no-equals"],
)
def test_bad_mappings_are_refused_with_what_is_wrong(maps: list[str], message: str) -> None:
    """A column mapped twice, a field mapped twice, an unknown field or column: each named."""
    with pytest.raises(mapping.MappingError, match=message):
        mapping.build("customers", HEADER, mapping.parse_map_options(maps))


def test_a_saved_mapping_reads_back_the_same(tmp_path: Path) -> None:
    """--save-mapping writes the columns and options; --mapping reads them for the next file."""
    found = mapping.build("customers", HEADER, mapping.parse_map_options(["Fax=mobile"]))
    path = mapping.save(tmp_path / "map.toml", "customers", found, {"date_format": "DD/MM/YYYY", "separator": "|"})
    saved = mapping.load(path, "customers")
    assert mapping.build("customers", HEADER, saved.columns).columns == found.columns
    assert saved.columns["Twitter"] == ""  # decided once: left out next time too
    assert saved.options == {"date_format": "DD/MM/YYYY", "separator": "|"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind = 'customers'\n[columns]\nTel = 3\n", r"columns\.Tel"),
        ("kind = 'people'\n", "kind"),
        ("kind = 'customers'\ncolour = 'blue'\n", "colour"),
        ("kind = 'customers'\n[options]\ndate_fmt = 'x'\n", r"options\.date_fmt"),
        ("kind = ", "not valid TOML"),
    ],
)
def test_a_broken_mapping_file_names_the_file_and_the_field(tmp_path: Path, text: str, message: str) -> None:
    """A mapping file is validated like the policy files: file, field, what was expected."""
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mapping.MappingError, match=message) as caught:
        mapping.load(path, "customers")
    assert str(path) in caught.value.message


def test_a_mapping_file_for_the_other_kind_is_refused(tmp_path: Path) -> None:
    """A calls mapping is not used for customers."""
    path = tmp_path / "map.toml"
    path.write_text("kind = 'calls'\n", encoding="utf-8")
    with pytest.raises(mapping.MappingError, match="is for importing calls, not customers"):
        mapping.load(path, "customers")
