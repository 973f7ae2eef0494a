"""The streaming readers alone: encodings, delimiters, Excel's numbers, XML names, refusals."""

from __future__ import annotations

import codecs
import io
from typing import Any

import pytest

from mianshi.integrations.connectors.adapters.files import writers
from mianshi.integrations.connectors.adapters.files.readers import (
    FileRefused,
    ReadOptions,
    read_records,
)
from mianshi.integrations.connectors.tests.files.conftest import xlsx_bytes


def _read(fmt: str, data: bytes, **options: Any) -> list[Any]:
    return list(read_records(fmt, io.BytesIO(data), ReadOptions(**options)))


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + "姓名,手机\n张三,13812345678\n".encode(),
        "姓名,手机\r\n张三,13812345678\r\n".encode(),
        "姓名;手机\n张三;13812345678\n".encode("gbk"),
        "姓名\t手机\n张三\t13812345678\n".encode("utf-16"),
    ],
    ids=["utf8-bom", "utf8-crlf", "gbk-semicolon", "utf16-tab"],
)
def test_csv_encodings_and_delimiters(data: bytes) -> None:
    [row] = _read("csv", data)
    assert (row.number, row.data) == (2, {"姓名": "张三", "手机": "13812345678"})


def test_csv_rows_beyond_the_header_and_blank_lines() -> None:
    rows = _read("csv", b"a,b\n1,2,3\n\n4,5\n")
    assert [(r.number, r.overflow) for r in rows] == [(2, True), (4, False)]


@pytest.mark.parametrize(
    "data", [b"a,a\n1,2\n", b",\n1,2\n", b"\xff\xfe\x00"], ids=["twice", "none", "garbage"]
)
def test_a_csv_header_that_names_nothing_usable_is_refused(data: bytes) -> None:
    with pytest.raises(FileRefused):
        _read("csv", data)


def test_excel_numbers_and_dates_read_as_text() -> None:
    import datetime as dt

    book = xlsx_bytes([["phone", "born", "n"], [13812345678.0, dt.datetime(1995, 3, 7), 2.5]])
    [row] = _read("xlsx", book.getvalue())
    assert row.data == {"phone": "13812345678", "born": "1995-03-07", "n": "2.5"}


@pytest.mark.parametrize("data", [b"not a zip", b"PK\x03\x04broken"], ids=["text", "zip"])
def test_a_damaged_excel_file_is_refused(data: bytes) -> None:
    with pytest.raises(FileRefused):
        _read("xlsx", data)


def test_xml_names_namespaces_attributes_and_repeated_children() -> None:
    body = (
        '<r:people xmlns:r="urn:x"><r:person id="7"><r:name>张三</r:name>'
        '<field name="手机 号">138</field><tag>a</tag><tag>b</tag></r:person></r:people>'
    )
    [row] = _read("xml", body.encode(), record="person")
    assert row.data == {"@id": "7", "name": "张三", "手机 号": "138", "tag": ["a", "b"]}


def test_malformed_xml_is_refused() -> None:
    with pytest.raises(FileRefused):
        _read("xml", b"<records><record><a>1</record></records>")


def test_writers_neutralise_formulas_and_read_back() -> None:
    rows = [{"a": "=HYPERLINK(1)", "b c": "x\x07y"}]
    text = "".join(writers.csv_stream(["a", "b c"], rows))
    assert _read("csv", text.encode())[0].data == {"a": "'=HYPERLINK(1)", "b c": "xy"}
    book = writers.xlsx_file(["a", "b c"], rows).read()
    assert _read("xlsx", book)[0].data == {"a": "=HYPERLINK(1)", "b c": "xy"}
    xml = "".join(writers.xml_stream(["a", "b c"], rows))
    assert _read("xml", xml.encode())[0].data == {"a": "=HYPERLINK(1)", "b c": "xy"}
