"""Bytes to text, for the text formats (pandoc reads only UTF-8): what encoding a file is in.

A byte order mark names the encoding (UTF-8, UTF-16LE, UTF-16BE); otherwise UTF-8, else
GB18030 or Big5, whichever reads as Chinese, unless the bytes read as Korean (`decode`).
Line ends become LF and control characters are dropped (`normalise`) before pandoc sees
the text. DOCX and ODT carry their own encoding. No pandoc and no AST here.
"""
from __future__ import annotations

import codecs
import functools
import re
from pathlib import Path
from typing import Iterator

from pipeline.errors import SourceError
from pipeline.model.document import CONTROL

ACCEPTED = "UTF-8, UTF-16, GB18030 or Big5"
# A byte order mark is a declaration: the file is read in that encoding or refused.
BOMS = (
    (codecs.BOM_UTF8, "UTF-8 with BOM", "utf-8"),
    (codecs.BOM_UTF16_LE, "UTF-16LE", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "UTF-16BE", "utf-16-be"),
)
# Without a mark and not UTF-8: GB18030 and Big5 are both candidates, and the reading
# most like Chinese wins (a tie goes to GB18030). Each is read with the first of its
# codecs that decodes the bytes: CP950, Big5 as Windows writes it, only where plain Big5
# fails (on €, box drawing and 碁銹裏墻恒粧嫺), as it maps a few symbols differently.
LEGACY = (("GB18030", ("gb18030",)), ("Big5", ("big5", "cp950")))
# Chinese prose decoded right has well over 90% of its non-ASCII characters among the
# common ones (`_chinese_share`); Big5 read as GB18030, GB18030 read as Big5, or
# Shift-JIS read as GB18030 have typically a third or less. Below it the bytes are refused.
CHINESE_SHARE = 0.5
# EUC-KR puts its 2,350 Hangul syllables at 0xB0A1–0xC8FE, the very codes where GB 2312
# puts level 1 hanzi, so Korean reads as GB18030 to common Chinese characters only (99% in
# `_chinese_share` for a Korean news text): no Chinese share can tell them apart. What
# does is how the bytes look as Korean (`_korean_reading`): read as EUC-KR (or CP949, its
# Windows superset), Korean prose has nearly all its letters among the standard's common
# syllables and a space between words. Measured per sentence of Korean news: ≥ 94% common
# syllables (美·中·北 Hanja are the rest), ≥ 0.14 word spaces per syllable. The 250 lines
# of the WMT21 dev set (also in Traditional, also two at a time), the seeds, their
# paragraphs and sentences read as CP949 from GB18030: ≤ 87% syllables (100% in some short
# unpunctuated runs) but ≤ 0.03 spaces per syllable, Chinese being written without
# spaces; from Big5: spaces from "— —" and the like, but ≤ 50% syllables. Each property
# alone would refuse some Chinese; both together refuse none of them.
KOREAN = (("EUC-KR", "euc_kr"), ("CP949", "cp949"))
KOREAN_SHARE = 0.8
KOREAN_SPACES = 0.1  # word spaces per Hangul syllable; Korean words average 3–4 syllables
HANGUL = "\uac00-\ud7a3"
WORD_SPACE = re.compile(f"(?<=[{HANGUL}]) (?=[{HANGUL}])")


class EncodingError(ValueError):
    """Bytes in no accepted encoding. `offset` is the first byte that none of the
    encodings tried reads, or None when one reads them all but not as Chinese."""

    def __init__(self, problem: str, offset: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.offset = offset


def decode_file(path: Path) -> tuple[str, str]:
    """The file's text and the name of its encoding (`decode`); `SourceError` naming the
    file if it is in no accepted encoding."""
    try:
        return decode(path.read_bytes())
    except EncodingError as err:
        raise SourceError(str(path), err.problem) from None


def decode(data: bytes) -> tuple[str, str]:
    """`data` as text, and the name of its encoding. In order: a byte order mark decides;
    else UTF-8; else GB18030 or Big5, whichever reads as Chinese. Raises `EncodingError`."""
    if data.startswith(codecs.BOM_UTF32_LE):  # else taken for UTF-16LE, its NULs then dropped
        raise EncodingError("UTF-32 text, which is not accepted (use UTF-8)", 0)
    for bom, name, codec in BOMS:
        if data.startswith(bom):
            return _decode_marked(data, bom, name, codec), name
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as err:
        return _decode_legacy(data, err.start)


def _decode_marked(data: bytes, bom: bytes, name: str, codec: str) -> str:
    try:
        return data[len(bom):].decode(codec)
    except UnicodeDecodeError as err:
        offset = len(bom) + err.start  # the codec counts from after the mark
        mark = name.removesuffix(" with BOM")
        raise EncodingError(f"not {ACCEPTED} text: it starts with the {mark} byte order mark, "
                            f"but byte {offset} (0x{data[offset]:02X}) is not {mark}", offset) from None


def _decode_legacy(data: bytes, utf8_fails_at: int) -> tuple[str, str]:
    """GB18030 and Big5 both decode many byte strings: the reading most like Chinese wins,
    unless the bytes are Korean, which both would read as Chinese nonsense."""
    korean = _korean_reading(data)
    if korean is not None:
        share, name = korean
        raise EncodingError(f"looks like Korean ({name}), not Chinese: read as {name}, {share:.0%} of its "
                            "letters are Hangul and its words are spaced apart (only Chinese is read)", None)
    furthest = utf8_fails_at  # the bytes before it fit at least one encoding
    readings: list[tuple[float, str, str]] = []
    for name, family in LEGACY:
        text, fails_at = _decode_first(data, family)
        if text is None:
            furthest = max(furthest, fails_at)
        else:
            readings.append((_chinese_share(text), text, name))
    if not readings:
        raise EncodingError(f"not {ACCEPTED} text: byte {furthest} (0x{data[furthest]:02X}) "
                            "fits none of them", furthest)
    share, text, name = max(readings, key=lambda reading: reading[0])  # first of equals
    if share < CHINESE_SHARE:
        raise EncodingError(f"not {ACCEPTED} text: it decodes as {name}, but only {share:.0%} "
                            "of its characters are common Chinese ones", None)
    return text, name


def _decode_first(data: bytes, family: tuple[str, ...]) -> tuple[str | None, int]:
    """`data` in the first of these codecs that decodes it; else None, and the furthest
    byte any of them reached."""
    furthest = 0
    for codec in family:
        try:
            return data.decode(codec), len(data)
        except UnicodeDecodeError as err:
            furthest = max(furthest, err.start)
    return None, furthest


def _korean_reading(data: bytes) -> tuple[float, str] | None:
    """The share of common Hangul and the encoding's name, if `data` reads as Korean in
    EUC-KR or CP949: mostly KS X 1001 syllables, spaced into words (see KOREAN)."""
    for name, codec in KOREAN:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        letters = [c for c in text if c >= "\x80" and not _is_punctuation(c)]
        syllables = sum(c in _common_hangul() for c in letters)
        if not syllables:
            return None
        share, spaces = syllables / len(letters), len(WORD_SPACE.findall(text)) / syllables
        return (share, name) if share >= KOREAN_SHARE and spaces >= KOREAN_SPACES else None
    return None


@functools.cache
def _common_hangul() -> frozenset[str]:
    """KS X 1001's 2,350 Hangul syllables (EUC-KR 0xB0A1–0xC8FE), chosen by the standard
    as the ones in common use, as GB 2312 level 1 and 常用字 are for hanzi. CP949's other
    8,822 are rare in Korean, but are what Big5 bytes mostly read as in CP949."""
    return _decodable((bytes((lead, trail)) for lead in range(0xB0, 0xC9) for trail in range(0xA1, 0xFF)),
                      "euc_kr")


def _chinese_share(text: str) -> float:
    """How much of the non-ASCII text is common Chinese, in one script or the other.

    Counted per script, so that a wrong decoding, which scatters over both scripts' rare
    and common characters alike, scores low even where it hits common ones."""
    wide = [c for c in text if c >= "\x80"]
    if not wide:
        return 0.0
    hans, hant = _common_hanzi()
    return max(sum(c in common or _is_punctuation(c) for c in wide) for common in (hans, hant)) / len(wide)


def _is_punctuation(char: str) -> bool:
    """General punctuation (— … “”), CJK punctuation (。「」), full-width forms (，！), ·."""
    code = ord(char)
    return 0x2000 <= code <= 0x206F or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or code == 0xB7


@functools.cache
def _common_hanzi() -> tuple[frozenset[str], frozenset[str]]:
    """The most used characters of each script, as the two standards rank them themselves:
    GB 2312's level 1 (3,755 simplified, rows 0xB0–0xD7) and Big5's 常用字 (5,401
    traditional, 0xA440–0xC67E). No frequency list to ship, and none tuned to any text."""
    hans = _decodable((bytes((lead, trail)) for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF)),
                      "gb2312")
    big5_trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    hant = _decodable((code for lead in range(0xA4, 0xC7) for trail in big5_trails
                       if (code := bytes((lead, trail))) <= b"\xc6\x7e"), "big5")
    return hans, hant


def _decodable(codes: Iterator[bytes], codec: str) -> frozenset[str]:
    characters = set()
    for code in codes:
        try:
            characters.add(code.decode(codec))
        except UnicodeDecodeError:  # unassigned code points at the end of a row
            pass
    return frozenset(characters)


def normalise(text: str) -> str:
    """LF line ends (CRLF and lone CR too) and no control characters, before pandoc:
    nothing else changes. A leading byte order mark is not text either (GB18030 has one)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", text)
