"""deckkit.jsonlines: the one line protocol of the kernel fork and the Mermaid worker."""

import io

import pytest

from deckkit import jsonlines


def test_a_message_goes_as_one_line_over_text_and_binary_streams_and_comes_back_whole():
    text, binary = io.StringIO(), io.BytesIO()
    jsonlines.send(text, {"svg": "<svg>σ</svg>", "n": 1})
    jsonlines.send(binary, {"pid": 42})
    assert text.getvalue().count("\n") == 1 and binary.getvalue().endswith(b"\n")
    assert list(jsonlines.each(io.StringIO(text.getvalue() + "\n"))) == [
        {"svg": "<svg>σ</svg>", "n": 1}]   # a blank line is no message
    assert list(jsonlines.each(io.BytesIO(binary.getvalue()))) == [{"pid": 42}]


def test_anything_but_an_object_per_line_is_named_not_taken():
    with pytest.raises(ValueError, match="not a JSON line: 'Warning: some library"):
        jsonlines.parse("Warning: some library printed this\n")
    with pytest.raises(ValueError, match="not a JSON object"):
        jsonlines.parse(b"[1, 2]\n")
