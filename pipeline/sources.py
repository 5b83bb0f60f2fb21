"""What in the source folder is an article: the one list of files Make builds.

Make splits words at spaces and hands $ ' ` ; | ( ) { } and quotes to the shell, so a
file name that reaches a Makefile's `$(shell …)` or a recipe can run a command (a file
named c'${IFS}]||{touch,PWNED3};['.md did). So Make never lists the folder itself: it
runs this module, with the system Python and nothing but its standard library (it runs
before the venv exists), and gets back only the articles whose names are proved safe:
letters and digits of any script, "_", and "." or "-" after the first character
(`SAFE_NAME`). The build names every other file as an error (`problems`), with the name
shown escaped, and builds the rest:

- a name that is not safe (a space, a quote, a "$"…), with a safe one to rename it to;
- a file of a type no reader reads (a .pdf, a .doc), but the glossary, corrections and
  approvals;
- two articles for one slug (a.md and a.docx): neither is built;
- a symbolic link, which could make a brief of any file on the machine, and anything
  else that is not a regular file (a FIFO would stall the reader).
Hidden files (an editor's swap file) and folders are not read, and not named.

    python3 pipeline/sources.py source    # the articles to build, one per line
"""
from __future__ import annotations

import re
import stat
import sys
from collections import defaultdict
from pathlib import Path

# The extensions the read stage reads (read.FORMATS), in any case: Windows and word
# processors write them in capitals too (ARTICLE.DOCX). Kept here, not imported, so that
# this module needs nothing but the standard library; tests/test_hostile.py checks both agree.
TYPES = ("md", "markdown", "txt", "html", "htm", "docx", "odt", "rst")
# Not articles, but read beside them (glossary.py; corrections.py: corrections and approvals).
COMPANIONS = re.compile(r"glossary\.tsv|.+\.(?:corrections|approved)\.tsv")
# \w is any script's letters and digits, and "_": nothing Make or the shell gives a meaning.
SAFE_NAME = re.compile(r"\w[\w.-]*")


def _shown(name: str) -> str:
    """A name as an error message may print it: escaped if it holds anything but safe
    characters, so a control character in it cannot rewrite the terminal or a log."""
    return name if SAFE_NAME.fullmatch(name) else ascii(name)


def _renamed(name: str) -> str:
    """A safe name for an unsafe one: each run of other characters becomes "-"."""
    stem, dot, extension = name.rpartition(".")
    safe = re.sub(r"[^\w.-]+", "-", stem if dot else name).strip("-.") or "article"
    return f"{safe}.{extension}" if dot and SAFE_NAME.fullmatch(extension) else safe


def scan(folder: Path) -> tuple[list[str], list[str]]:
    """The article file names of `folder` that are built, sorted; and one problem line
    ("error: folder/name: what is wrong") for each other file that is not."""
    articles: dict[str, list[str]] = defaultdict(list)  # slug → its files
    problems: list[str] = []
    try:
        names = sorted(entry.name for entry in folder.iterdir())
    except OSError:
        return [], []  # no source folder: nothing to build, as Make sees it
    for name in names:
        path = folder / name
        if name.startswith("."):
            continue
        kind = path.lstat().st_mode
        if stat.S_ISDIR(kind):
            continue
        if stat.S_ISLNK(kind):
            problems.append(f"error: {folder}/{_shown(name)}: a symbolic link, not read (an article is read "
                            "from a file in the source folder itself: copy it in)")
        elif not stat.S_ISREG(kind):
            problems.append(f"error: {folder}/{_shown(name)}: not a regular file, not read")
        elif not SAFE_NAME.fullmatch(name):
            problems.append(f"error: {folder}/{_shown(name)}: a file name make cannot build safely: only "
                            f"letters, digits, '_', and '.' or '-' after the first, are allowed "
                            f"(rename it {_renamed(name)})")
        elif name.rpartition(".")[2].lower() in TYPES:
            articles[name.rpartition(".")[0]].append(name)
        elif not COMPANIONS.fullmatch(name):
            problems.append(f"error: {folder}/{name}: not an article: the types read are "
                            f"{' '.join('.' + t for t in TYPES)} (save a .doc as .docx, a PDF's text as .txt)")
    for slug, files in articles.items():
        if len(files) > 1:
            problems.append(f"error: {folder}/{slug}.*: two files for one brief ({' '.join(files)}): "
                            "neither is built; rename or remove one")
    return sorted(files[0] for files in articles.values() if len(files) == 1), problems


if __name__ == "__main__":
    print("\n".join(scan(Path(sys.argv[1]))[0]))
