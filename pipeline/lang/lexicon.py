"""The names stage's dictionaries as one SQLite store: CC-CEDICT's names, words, companies
and senses, and jieba's dictionary with every CC-CEDICT name added as a word.

Language knowledge only (no stage imported): made once from CC-CEDICT (cedict.py) and
jieba, ~10 s, then kept in the user's cache folder (`_kept`); a stage reads the rows of
an article's strings only (`lexicon`, the names stage's and the senses check's tagger and
dictionaries) or a word's senses (`senses`), in milliseconds.
"""
from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import pickle
import sqlite3
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import code
from pipeline.cache import folder as cache_folder, memory_location
from pipeline.jsonio import replaced
from pipeline.lang import cedict
from pipeline.lang.cedict import Entry

if TYPE_CHECKING:
    from pipeline.lang.glossary import Glossary

NAME_FREQUENCY = 100  # jieba counts; its dictionary's median word has about 3


@dataclass(frozen=True)
class Lexicon:
    """The dictionaries as far as one article can use them: their rows for the strings that
    occur in it, its glossary's names added as words."""

    entries: dict[str, Entry]  # CC-CEDICT's names
    brands: dict[str, Entry]   # CC-CEDICT's companies whose name is a common word too (小米)
    common: frozenset[str]     # CC-CEDICT's words that are no names
    own: frozenset[str]        # the words of jieba's own dictionary
    tagger: object             # jieba.posseg.POSTokenizer, every dictionary and glossary name a word


def lexicon(texts: list[str], glossary: Glossary) -> Lexicon:
    """What the names stage (names.find) reads of the dictionaries for `texts`, exactly as
    if they were loaded whole: every dictionary looks up only strings of the text (jieba
    too: a word and the prefixes it tries), so the rows of every substring up to the
    longest word are all it needs, some tens of thousands of the 700,000. The glossary's names are added as
    CC-CEDICT's were (see _fill), the frequency total counted for those the text lacks too."""
    import jieba
    store = _store()
    total, longest = store.execute("SELECT total, longest FROM about").fetchone()
    glossary_tags = {zh: _tag(term.kind) for zh, term in glossary.terms.items()}
    wanted = {text[i:j] for text in texts for i in range(len(text))
              for j in range(i + 1, min(i + longest, len(text)) + 1)}
    rows = store.execute("SELECT word.* FROM json_each(?) JOIN word ON word.zh = json_each.value",
                         (json.dumps([*wanted | glossary_tags.keys()], ensure_ascii=False),))
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    entries: dict[str, Entry] = {}
    brands: dict[str, Entry] = {}
    common, own = set(), set()
    for zh, count, tag, is_own, is_common, entry in rows:
        if count is not None:
            freq[zh] = count
        if tag:
            tags[zh] = tag
        if is_own:
            own.add(zh)
        if is_common:
            common.add(zh)
        if entry:
            (brands if is_common else entries)[zh] = pickle.loads(entry)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
    # Added in the order, and with the tags, that adding them with CC-CEDICT's names gives:
    # a name in both as the same kind once, a name in both as two kinds twice, the later
    # tag (in sorted order) winning.
    for zh, tag in sorted(glossary_tags.items()):
        named = _tag(entries[zh].senses[0].kind) if zh in entries else ""
        if tag != named:
            tokenizer.add_word(zh, max(freq.get(zh) or 0, NAME_FREQUENCY), tag)
            tags[zh] = max(tag, named)
    tokenizer.user_word_tag_tab = {}  # the tags are set above
    tagger = object.__new__(_posseg().POSTokenizer)
    tagger.tokenizer, tagger.word_tag_tab = tokenizer, tags
    return Lexicon(entries, brands, frozenset(common), frozenset(own), tagger)


def _tag(kind: str) -> str:
    """jieba's tag for a name of this kind."""
    return {"person": "nr", "place": "ns", "org": "nt"}.get(kind, "nz")


@cache
def _store() -> sqlite3.Connection:
    import jieba
    return _kept("lexicon", f"cedict{cedict.CEDICT_SHA256[:8]}-jieba{jieba.__version__}", _fill)


def _fill(db: sqlite3.Connection) -> None:
    """CC-CEDICT's names, words and companies named with words (see names._brand), and
    jieba's dictionary (frequencies, their total, its part-of-speech tags) with every
    CC-CEDICT name added as a word: a row per word, or prefix of one; and every CC-CEDICT
    sense, a row each (see `senses`: under a second of the build, 10 MB of the 25). Made
    once, ~10 s, then kept: see _kept."""
    import jieba
    data = cedict.read()
    entries, common, brands = cedict.parse(data)
    own = _jieba()
    tokenizer = jieba.Tokenizer()
    # jieba's dictionary copied from the one loaded already, not read again (a second).
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(own.FREQ), own.total, True
    # Frequent enough to hold together (英伟达, not 英|伟达), not so frequent that a name
    # splits a common word (独立|法院, not 独|立法院); a word jieba knows keeps its count.
    for word, tag in sorted({(zh, _tag(entry.senses[0].kind)) for zh, entry in entries.items()}):
        tokenizer.add_word(word, max(tokenizer.FREQ.get(word) or 0, NAME_FREQUENCY), tag)
    # The tags jieba.posseg would read from its dictionary file, and the names' over them,
    # as its tagger joins them for any added word (makesure_userdict_loaded).
    tags = object.__new__(_posseg().POSTokenizer)
    tags.load_word_tag(own.get_dict_file())
    tag_of = {**tags.word_tag_tab, **tokenizer.user_word_tag_tab}
    keys = tokenizer.FREQ.keys() | tag_of.keys() | entries.keys() | common
    db.execute("CREATE TABLE word (zh TEXT PRIMARY KEY, freq INTEGER, tag TEXT, own INTEGER, common INTEGER,"
               " entry BLOB) WITHOUT ROWID")
    db.executemany("INSERT INTO word VALUES (?, ?, ?, ?, ?, ?)",
                   ((zh, tokenizer.FREQ.get(zh), tag_of.get(zh), bool(own.FREQ.get(zh)), zh in common,
                     pickle.dumps(entry, pickle.HIGHEST_PROTOCOL) if (entry := entries.get(zh) or brands.get(zh))
                     else None) for zh in keys))
    db.execute("CREATE TABLE about (total INTEGER, longest INTEGER)")
    db.execute("INSERT INTO about VALUES (?, ?)", (tokenizer.total, max(map(len, keys))))
    db.execute("CREATE TABLE sense (zh TEXT, n INTEGER, proper INTEGER, text TEXT, PRIMARY KEY (zh, n)) WITHOUT ROWID")
    db.executemany("INSERT INTO sense VALUES (?, ?, ?, ?)", cedict.sense_rows(data))


def _posseg():
    """jieba.posseg, imported without reading jieba's dictionary file for the tags of its
    default tagger (half a second at every import): a Lexicon's tagger brings its own, and
    the default one is never used."""
    import jieba
    if "jieba.posseg" not in sys.modules:
        jieba.dt.get_dict_file = io.BytesIO
        try:
            import jieba.posseg
        finally:
            del jieba.dt.get_dict_file
    return sys.modules["jieba.posseg"]


def cedict_names() -> dict[str, Entry]:
    """zh-Hans → every usable proper noun of CC-CEDICT (see cedict.usable_senses), all of
    them: the names stage reads only an article's (see `lexicon`)."""
    return {zh: pickle.loads(entry) for zh, entry
            in _store().execute("SELECT zh, entry FROM word WHERE entry IS NOT NULL AND NOT common")}


def senses(words: Iterable[str], proper: bool = True) -> dict[str, list[str]]:
    """zh-Hans word → its CC-CEDICT senses, each as the dictionary writes it between its
    slashes ("gross profit margin; gross margin", "CL:個|个[ge4]", "see 湖北省[Hu2 bei3
    Sheng3]"), those of every entry of that simplified form in the file's order (小米:
    Xiaomi…, then millet); a word the dictionary lacks is absent. Proper nouns (entries
    whose pinyin is capitalised) are included unless not `proper`. Read from the
    store, the rows of `words` only: an article's words in a millisecond."""
    rows = _store().execute("SELECT sense.zh, sense.text FROM json_each(?) JOIN sense ON sense.zh = json_each.value"
                            " WHERE ? OR NOT sense.proper ORDER BY sense.zh, sense.n",
                            (json.dumps(sorted(set(words)), ensure_ascii=False), proper))
    found: dict[str, list[str]] = {}
    for zh, text in rows:
        found.setdefault(zh, []).append(text)
    return found


def _kept(kind: str, inputs: str, fill: Callable[[sqlite3.Connection], None]) -> sqlite3.Connection:
    """The SQLite database `fill` writes, kept in the user's cache folder (else beside the
    translation memory, when that cannot be written), named by what it is made from
    (`inputs`) and the digest of the code that makes it (`code.digest`), so that a
    later stage opens it at once and reads only the rows it needs, whichever memory it
    uses; the older database of the same kind is removed. Written to a temporary file and
    renamed (jsonio.replaced), so that a parallel build never opens half of one; made in
    memory, each time, when no folder can be written."""
    name = f"{kind}-{inputs}-{code.digest('lexicon')[:12]}.sqlite3"
    folders = list(dict.fromkeys([cache_folder(), memory_location().parent]))
    for folder in folders:
        if (folder / name).is_file():
            return _opened((folder / name).as_uri() + "?mode=ro")
    for folder in filter(_writable, folders):
        with replaced(folder / name) as tmp, contextlib.closing(sqlite3.connect(tmp)) as made:
            fill(made)
            made.commit()
            for old in folder.glob(f"{kind}-*.sqlite3"):
                old.unlink(missing_ok=True)
        return _opened((folder / name).as_uri() + "?mode=ro")
    made = _opened(":memory:")
    fill(made)
    return made


def _writable(folder: Path) -> bool:
    """Whether the store can be written in `folder` (made if missing)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def _opened(uri: str) -> sqlite3.Connection:
    """A connection any thread may use: the store is kept open for the process (`_store`),
    and the review server rebuilds in the thread of each save. Only read once made, and
    builds run one at a time, so no two threads use it at once."""
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


@cache
def _jieba():
    """jieba's tokenizer with its own dictionary only, loaded once per process."""
    import jieba
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.check_initialized()
    return tokenizer
