"""The JSON report's writer gives exactly the bytes of ``json.dumps(..., indent=2)``."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from synthgate_plugins.reports.json import _dump

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=25,
)


@given(_VALUES, st.integers(min_value=0, max_value=6))
def test_the_writer_matches_the_standard_encoder(value: Any, indent: int) -> None:
    expected = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + " " * indent)
    assert _dump(value, indent) == expected


def test_escapes_and_empty_containers() -> None:
    value = {'a"b': ["é\n\t\x00", {}, [], 1.5, -0.0, 10**20, None, True]}
    assert _dump(value, 0) == json.dumps(value, indent=2, ensure_ascii=False)
