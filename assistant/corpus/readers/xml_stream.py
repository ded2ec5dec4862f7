"""Streaming, defused parsing of one XML part of an untrusted office file (xlsx_parts, docx_table).

Owns the one way such a part is parsed: decompressed in chunks up to MAX_PART_BYTES, parsed by
defusedxml's iterparse (a DTD, an entity declaration or an external reference is refused outright),
the element count capped, and each *record* element (a row, a cell, a shared string…) dropped from
the tree once the caller has read it, so memory stays flat however long the part is.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from defusedxml.ElementTree import iterparse

from assistant.corpus.readers import limits
from assistant.errors import IngestError


def local(tag: str) -> str:
    """``{namespace}name`` → ``name``."""
    return tag.rsplit("}", 1)[-1]


def elements(archive: zipfile.ZipFile, member: str, name: str, kind: str,
             records: frozenset[str]) -> Iterator[tuple[object, list]]:
    """(element, its open ancestors) at the end of every element of ``member``.

    An element whose local name is in ``records``, or a child of the root, is removed from its parent
    after the caller has seen it; everything it holds was complete when it was yielded.
    """
    data = limits.read_part(archive, member, name)
    stack: list = []
    count = 0
    try:
        for event, elem in iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True):
            if event == "start":
                stack.append(elem)
                count += 1
                if count > limits.MAX_XML_ELEMENTS:
                    raise limits.too_many(name, f"“{member[:60]}”中的 XML 元素", limits.MAX_XML_ELEMENTS)
                continue
            stack.pop()
            yield elem, stack
            if stack and (len(stack) == 1 or local(elem.tag) in records):
                stack[-1].remove(elem)
    except IngestError:
        raise
    except Exception as exc:  # ParseError, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
        raise IngestError(f"{name}：不是有效的 {kind} 文件（{member[:60]} 无法解析：{type(exc).__name__}）") from exc
