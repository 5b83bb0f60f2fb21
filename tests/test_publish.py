"""make publish and the site it copies: a lock, copies only of what changed, the last good
brief of a failing article kept, a feed a real parser accepts, reproducible outputs."""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser

from pipeline import jsonio
from pipeline.model.aligned import AlignedDocument
from pipeline.model.quality import Report
from pipeline.model.scripts import SCRIPTS
from pipeline.ops.publish import SITE_FILES
from pipeline.stages.render import headline_doubted, render_html
from pipeline.stages.render.site import CHECKSUMS

from .conftest import REPO, SEEDS, Build

BASE_URL = "https://briefs.example.org/zh/"
SLUGS = [s.stem for s in SEEDS]
RUMOUR = "28-point-plan-draft"  # its title drops 外傳 ("reportedly"): the checks doubt it


def publish(copied: Build, dest: Path, base_url: str = BASE_URL) -> subprocess.CompletedProcess:
    return copied.make("publish", f"DEST={dest}", f"BASE_URL={base_url}")


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under `folder`: its modification time and its sha256."""
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def status(result: subprocess.CompletedProcess) -> dict[str, str]:
    """slug → the first word of its status line."""
    return {line.split()[1].rstrip(":"): line.split()[0] for line in (result.stdout + result.stderr).splitlines()
            if len(line.split()) > 1 and line.split()[1].rstrip(":") in SLUGS}


def test_publish_copies_the_site_and_a_rerun_changes_nothing(copied: Build, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    first = publish(copied, dest)
    assert first.returncode == 0, first.stderr
    assert status(first) == {slug: "updated" for slug in SLUGS}
    checked = subprocess.run(["sha256sum", "-c", CHECKSUMS], cwd=dest, capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout.count(": OK") == 3 * len(SLUGS) + 3, checked.stdout
    before, built = snapshot(dest), snapshot(copied.out)
    again = publish(copied, dest)
    assert again.returncode == 0, again.stderr
    assert status(again) == {slug: "unchanged" for slug in SLUGS}
    assert snapshot(dest) == before, "a run with nothing new touches no published file"
    assert {k: v for k, v in snapshot(copied.out).items() if not k.endswith("publish.log")} == \
        {k: v for k, v in built.items() if not k.endswith("publish.log")}, "nor anything in the build"


def test_feed_is_valid_atom_with_absolute_ids_and_enclosure_lengths(copied: Build, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    assert publish(copied, dest).returncode == 0
    feed = feedparser.parse((dest / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.id == BASE_URL and feed.feed.language == "en"
    assert {link.rel: link.href for link in feed.feed.links}["self"] == BASE_URL + "feed.xml"
    assert len(feed.entries) == len(SLUGS)
    for e in feed.entries:
        assert e.id.startswith(BASE_URL) and e.id.endswith("/index.html")
        pdfs = [link for link in e.links if link.rel == "enclosure"]
        assert len(pdfs) == 2
        for link in pdfs:
            assert int(link.length) == (dest / link.href[len(BASE_URL):]).stat().st_size
        assert e.updated_parsed is not None


def test_without_an_absolute_base_url_publish_refuses(copied: Build, tmp_path: Path) -> None:
    result = publish(copied, tmp_path / "www", base_url="./")
    assert result.returncode != 0 and "BASE_URL" in result.stderr and "absolute" in result.stderr
    assert not (tmp_path / "www").exists()


def test_failing_article_keeps_its_last_good_brief(copied: Build, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    assert publish(copied, dest).returncode == 0
    before = snapshot(dest)
    bad = copied.source / f"{SLUGS[0]}.md"
    bad.write_text("---\ndate: not-a-date\n---\n\n文字。\n", encoding="utf-8")
    result = publish(copied, dest)
    assert result.returncode != 0
    line = next(said for said in result.stderr.splitlines() if said.startswith("FAILED"))
    assert SLUGS[0] in line
    assert line.startswith("FAILED") and "kept the last good brief" in line and "not-a-date" in line
    assert status(result)[SLUGS[1]] == "unchanged"
    after = snapshot(dest)
    assert {k: v for k, v in after.items() if k.startswith(SLUGS[0])} == \
        {k: v for k, v in before.items() if k.startswith(SLUGS[0])}


def test_an_article_taken_out_leaves_the_published_site(copied: Build, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    assert publish(copied, dest).returncode == 0
    (copied.source / f"{SLUGS[0]}.md").unlink()
    result = publish(copied, dest)
    assert result.returncode == 0, result.stderr
    assert not (dest / SLUGS[0]).exists() and (dest / SLUGS[1] / "index.html").is_file()
    assert SLUGS[0] not in (dest / "index.html").read_text(encoding="utf-8")


def test_a_second_run_is_refused_while_one_holds_the_lock(copied: Build, tmp_path: Path) -> None:
    copied.out.mkdir(exist_ok=True)
    with open(copied.out / ".publish.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = publish(copied, tmp_path / "www")
    assert result.returncode != 0 and "another publish is running" in result.stderr
    assert not (tmp_path / "www").exists()


def test_pages_and_site_files_are_made_from_their_inputs_alone(copied: Build, tmp_path: Path) -> None:
    """Rendered again later, in another folder, the pages, index, feed, manifest and
    checksums come out byte for byte the same: no clock, no folder name in them."""
    assert copied.make().returncode == 0
    for slug in SLUGS:
        doc = jsonio.load(AlignedDocument, copied.out / slug / "reviewed.json")
        report = jsonio.load(Report, copied.out / slug / "quality.json")
        page = (copied.out / slug / "index.html").read_bytes()
        assert render_html(doc, list(SCRIPTS), report).encode("utf-8") == page
    again = tmp_path / "again"
    shutil.copytree(copied.out, again)
    for name in (*SITE_FILES, CHECKSUMS):
        (again / name).unlink()
    made = subprocess.run([sys.executable, "-m", "pipeline", "site", str(again), *SLUGS, "--scripts", *SCRIPTS,
                           "--base-url", "./"], cwd=REPO, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    for name in (*SITE_FILES, CHECKSUMS):
        assert (again / name).read_bytes() == (copied.out / name).read_bytes(), name


def test_publish_without_base_url_asks_for_it_by_name(tmp_path: Path) -> None:
    """The user typed no BASE_URL: the message names the variable, not the default "./"."""
    env = {k: v for k, v in os.environ.items() if k != "BASE_URL"}
    result = subprocess.run(["make", "-C", str(REPO), "publish", f"DEST={tmp_path / 'www'}",
                             f"BUILD_DIR={tmp_path / 'build'}", f"SOURCE_DIR={tmp_path}"],
                            capture_output=True, text=True, env=env)
    assert result.returncode != 0
    assert "give the absolute address DEST is served at as BASE_URL=https://" in result.stderr
    assert "'./'" not in result.stderr and not (tmp_path / "www").exists()


def doubted(build: Build) -> set[str]:
    """The seeds whose headline the checks doubt and no editor reviewed."""
    return {slug for slug in SLUGS
            if headline_doubted(jsonio.load(AlignedDocument, build.out / slug / "reviewed.json"))}


def review_headline(build: Build, slug: str) -> None:
    """An editor's English for a brief's title, in its corrections file."""
    doc = jsonio.load(AlignedDocument, build.out / slug / "reviewed.json")
    (build.source / f"{slug}.corrections.tsv").write_text(
        f"zh\ten\n{''.join(r.original() for r in doc.title.rows)}\t{doc.title.en}\n", encoding="utf-8")


def test_publish_names_the_briefs_whose_headline_is_doubted(copied: Build, tmp_path: Path) -> None:
    assert RUMOUR in doubted(copied)
    result = publish(copied, tmp_path / "www")
    assert result.returncode == 0, result.stderr
    for line in result.stdout.splitlines():
        if len(line.split()) > 1 and line.split()[1].rstrip(":") in SLUGS:
            assert ("headline doubted" in line) is (line.split()[1].rstrip(":") in doubted(copied)), line


def test_strict_publish_holds_back_doubted_headlines_and_publishes_the_rest(copied: Build, tmp_path: Path) -> None:
    """STRICT=1: a brief whose headline is doubted and not reviewed is not published (nor
    listed), the run fails naming it; a brief whose headline an editor reviewed goes out."""
    others = [slug for slug in SLUGS if slug != RUMOUR]
    for slug in others:
        review_headline(copied, slug)
    dest = tmp_path / "www"
    result = copied.make("publish", f"DEST={dest}", f"BASE_URL={BASE_URL}", "STRICT=1")
    assert result.returncode != 0 and RUMOUR in result.stderr and "STRICT=1" in result.stderr
    assert doubted(copied) == {RUMOUR}
    assert status(result) == {RUMOUR: "held", **{slug: "updated" for slug in others}}
    assert not (dest / RUMOUR).exists()
    for slug in others:
        assert (dest / slug / "index.html").is_file()
    for name in ("index.html", "feed.xml", "manifest.json", CHECKSUMS):
        assert RUMOUR not in (dest / name).read_text(encoding="utf-8"), name
    checked = subprocess.run(["sha256sum", "-c", CHECKSUMS], cwd=dest, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
    # Once an editor has reviewed the headline, the brief goes out.
    review_headline(copied, RUMOUR)
    again = copied.make("publish", f"DEST={dest}", f"BASE_URL={BASE_URL}", "STRICT=1")
    assert again.returncode == 0, again.stderr
    assert (dest / RUMOUR / "index.html").is_file() and RUMOUR in (dest / "index.html").read_text(encoding="utf-8")
