# Bilingual news briefs.
#   make          install what is missing, then build every brief in source/
#   make test     run the test suite;  make check: ruff and mypy (both clean)
#   make bench    run the benchmarks (BENCH_ARTICLES=300: corpus size);  make eval: score translation (dev set), names, alignment, checks, quality estimator
#   make assess TSV=in.tsv OUT=out.tsv   any zh/en pairs scored (confidence, reasons);  make train-qe: learn the estimator again
#   make clean    remove build/;  make clean-memory: empty the translation memory
#   make watch    build, then rebuild whenever source/ changes, everything kept loaded
#   make review   edit the English in a browser;  make xliff / make import XLIFF=f: CAT tools
#   make publish DEST=dir BASE_URL=https://…/ [STRICT=1: hold back doubted headlines]  (scheduled runs)
#   make serve    preview on 127.0.0.1
#   make doctor   check what the build needs and say what to fix
# Options (make VAR=value): SCRIPTS="zh-Hant zh-Hans" (PDFs to make), QUALITY=fast|default
# (translation search: fast is greedy, default checks the 4-best), SOURCE_DIR, BUILD_DIR,
# BASE_URL (for the feed), MEMORY (translation memory file), PYTHON (interpreter for the venv).

SHELL       := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SECONDARY:            # keep every stage's JSON: it is what makes rebuilds incremental
.SUFFIXES:
MAKEFLAGS   += --no-builtin-rules --no-print-directory

PYTHON     ?= python3
VENV       ?= .venv
PY         := $(VENV)/bin/python
SOURCE_DIR ?= source
BUILD_DIR  ?= build
SCRIPTS    ?= zh-Hant zh-Hans
QUALITY    ?= default
ifeq ($(filter $(QUALITY),fast default),)
$(error QUALITY=$(QUALITY): use fast or default (best, a 16-wide beam, was dropped: it won nothing on unseen text; README, "Choices, with numbers"))
endif
# The translation memory (SQLite) makes a rebuild translate only new sentences; it lives in
# the user's cache folder unless MEMORY=path says otherwise.
MEMORY     ?=
ifneq ($(MEMORY),)
export BRIEFS_MEMORY := $(abspath $(MEMORY))
endif
BASE_URL   ?= ./
DEBS       := fonts-noto-cjk libharfbuzz-subset0 poppler-utils

# The articles of SOURCE_DIR whose file names are proved safe (pipeline/sources.py: it
# needs only Python's standard library, so it runs before the venv exists). Make never lists the folder
# itself: a name holding a quote, a "$" or a space would reach the shell through it. Every
# other file there (an unsafe name, a .pdf, two files for one slug, a symbolic link) is
# named as an error by the build, and the other briefs build.
# The venv's interpreter once there is one: pyenv's python3 is a shell script that takes
# some 0.1 s to start, and every make (the runner's plans too) lists the folder.
ARTICLES := $(shell $(if $(wildcard $(PY)),$(PY),$(PYTHON)) -I pipeline/sources.py '$(SOURCE_DIR)')
SOURCES  := $(addprefix $(SOURCE_DIR)/,$(ARTICLES))
SLUGS    := $(basename $(ARTICLES))
# Each slug's source file, for the read rule: SOURCE_OF_<slug> = source/<slug>.<ext>.
$(foreach a,$(ARTICLES),$(eval SOURCE_OF_$(basename $(a)) := $(SOURCE_DIR)/$(a)))

SETUP   := $(VENV)/.installed $(VENV)/.debs $(VENV)/.model
STAGE    = $(PY) -m pipeline
# The code and data each output depends on, found by pipeline/code.py (the modules its stages
# import, followed through the package, and the data files they read), written to a file
# Make includes and makes again whenever a module of the package changes.
PACKAGE_CODE := $(shell find pipeline -name '*.py' -not -path '*/__pycache__/*')
CODE_MK      := $(BUILD_DIR)/.code.mk
PAGES   := $(foreach s,$(SLUGS),$(BUILD_DIR)/$(s)/index.html)
PDFS    := $(foreach s,$(SLUGS),$(foreach c,$(SCRIPTS),$(BUILD_DIR)/$(s)/$(s).$(c).pdf))
# QUALITY is recorded in a file rewritten, when Make starts, only if it changed: switching
# it re-translates (the file is newer than every brief), leaving it alone rebuilds nothing.
QUALITY_STAMP := $(BUILD_DIR)/.quality
$(shell mkdir -p $(BUILD_DIR) && { [ "$$(cat $(QUALITY_STAMP) 2>/dev/null)" = "$(QUALITY)" ] || echo "$(QUALITY)" > $(QUALITY_STAMP); })
# What the index is made of besides the briefs, likewise: the feed's BASE_URL, which articles
# there are (one taken out of source/ leaves the index) and which PDFs they have.
SITE_STAMP := $(BUILD_DIR)/.site
SITE_IS    := $(BASE_URL) $(SCRIPTS) $(SLUGS)
$(shell { [ "$$(cat $(SITE_STAMP) 2>/dev/null)" = '$(SITE_IS)' ] || echo '$(SITE_IS)' > $(SITE_STAMP); })

.PHONY: all briefs site watch setup test check bench eval clean clean-memory review xliff import publish serve doctor assess train-qe
.DEFAULT_GOAL := all

# Make decides what is stale; `pipeline build` (pipeline/ops/runner.py) runs Make's plan for
# the briefs in one process, stage by stage across articles: the model loaded once and the
# sentences of every stale article translated together (make -jN: N worker processes),
# then the index. One bad article cannot stop the others; the index is then written for
# whatever built, and the exit status reports any failure. The recipe runs under make -n
# too (+), where the runner prints the plan and runs nothing. `make briefs` runs the same
# plan a process per command, as plain Make.
all: setup
	@+status=0; \
	$(STAGE) build --python $(PY) --build $(BUILD_DIR) --source-dir '$(SOURCE_DIR)' briefs site || status=$$?; \
	if [ $$status -ne 0 ]; then echo "make: some briefs failed; see the errors above" >&2; fi; \
	exit $$status

briefs: $(PAGES) $(PDFS)

# make watch: build, then build again whenever a file in SOURCE_DIR or templates/ changes,
# in one process that keeps the model, the dictionaries and WeasyPrint loaded, so that an
# edit is rebuilt in its own time only (Ctrl-C stops). Files that are no articles are named
# at each build, as `make` names them.
watch: setup
	@+$(STAGE) watch --python $(PY) --build $(BUILD_DIR) --source-dir '$(SOURCE_DIR)' briefs site

site: $(BUILD_DIR)/index.html

setup: $(SETUP)

# --- setup: each step leaves a stamp in the venv, so it runs once -------------------
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]' 2> >(grep -v 'is ignored: it is neither' >&2)
	@touch $@

# $(call APT,packages,why): install the Debian packages not installed yet (through sudo
# when not root), then leave the target's stamp.
define APT
@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
if [ -n "$$missing" ]; then \
  echo "installing Debian packages $(2):" $$missing; \
  sudo=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
fi
@mkdir -p $(VENV) && touch $@
endef

# WeasyPrint needs a CJK font, and harfbuzz's subsetter to embed it quickly;
# the tests read PDFs with poppler's pdftotext.
$(VENV)/.debs:
	$(call APT,$(DEBS),for the PDFs)

$(VENV)/.model: | $(VENV)/.installed
	@$(STAGE) model
	@touch $@

# CODE_<output> for every output (pipeline/code.py, standard library only).
$(CODE_MK): $(PACKAGE_CODE)
	@$(if $(wildcard $(PY)),$(PY),$(PYTHON)) -I pipeline/code.py make > $@.tmp && mv $@.tmp $@
include $(CODE_MK)

# --- one article: each stage's JSON under build/<slug>/ -------------------------------
.SECONDEXPANSION:
$(BUILD_DIR)/%/document.json: $$(SOURCE_OF_$$*) $(CODE_document) | $(SETUP)
	@$(STAGE) read $< $@

$(BUILD_DIR)/%/scripts.json: $(BUILD_DIR)/%/document.json $(CODE_scripts)
	@$(STAGE) scripts $< $@

$(BUILD_DIR)/%/segments.json: $(BUILD_DIR)/%/scripts.json $(CODE_segments)
	@$(STAGE) segment $< $@

GLOSSARIES := $(wildcard $(SOURCE_DIR)/glossary.tsv)

$(BUILD_DIR)/%/names.json: $(BUILD_DIR)/%/segments.json $(CODE_names) $(GLOSSARIES)
	@$(STAGE) names $< $@ $(if $(GLOSSARIES),--glossary $(GLOSSARIES))

$(BUILD_DIR)/%/translations.json: $(BUILD_DIR)/%/segments.json $(BUILD_DIR)/%/names.json $(CODE_translations) $(GLOSSARIES) $(QUALITY_STAMP) | $(VENV)/.model
	@$(STAGE) translate $< $@ --names $(word 2,$^) --quality $(QUALITY) $(if $(GLOSSARIES),--glossary $(GLOSSARIES))

$(BUILD_DIR)/%/aligned.json: $(BUILD_DIR)/%/segments.json $(BUILD_DIR)/%/translations.json $(CODE_aligned) $(GLOSSARIES) | $(VENV)/.model
	@$(STAGE) align $(wordlist 1,2,$^) $@ $(if $(GLOSSARIES),--glossary $(GLOSSARIES))

# The review server's own templates do not shape the briefs.
TEMPLATES := $(filter-out templates/review%,$(wildcard templates/*))

# An editor's corrections (source/<slug>.corrections.tsv) and approvals (rows found right as
# the model wrote them, source/<slug>.approved.tsv) are applied after alignment, so adding or
# changing one re-renders the brief without translating anything. Each article's stamp
# records which of the two files it has, rewritten only when that changes, so deleting one
# rebuilds the brief too.
CORRECTIONS = $(SOURCE_DIR)/$(1).corrections.tsv
APPROVALS   = $(SOURCE_DIR)/$(1).approved.tsv
$(shell for s in $(SLUGS); do mkdir -p $(BUILD_DIR)/$$s; f=$(BUILD_DIR)/$$s/.corrections; \
  want=absent; [ -f $(SOURCE_DIR)/$$s.corrections.tsv ] && want=present; \
  [ -f $(SOURCE_DIR)/$$s.approved.tsv ] && want="$$want approved"; have=; \
  [ -f $$f ] && read -r have < $$f; [ "$$have" = "$$want" ] || echo $$want > $$f; done)

$(BUILD_DIR)/%/reviewed.json: $(BUILD_DIR)/%/aligned.json $(BUILD_DIR)/%/.corrections $$(wildcard $$(call CORRECTIONS,$$*)) $$(wildcard $$(call APPROVALS,$$*)) $(CODE_reviewed) $(GLOSSARIES)
	@$(STAGE) corrections $< $@ $(if $(wildcard $(call CORRECTIONS,$*)),--corrections $(call CORRECTIONS,$*)) $(if $(wildcard $(call APPROVALS,$*)),--approved $(call APPROVALS,$*)) $(if $(GLOSSARIES),--glossary $(GLOSSARIES))

$(BUILD_DIR)/%/quality.json: $(BUILD_DIR)/%/reviewed.json $(CODE_quality)
	@$(STAGE) quality $< $@

# Writing a page or a PDF also touches build/<slug>/.published, which the index depends on (below).
$(BUILD_DIR)/%/index.html: $(BUILD_DIR)/%/reviewed.json $(BUILD_DIR)/%/quality.json $(TEMPLATES) $(CODE_render)
	@$(STAGE) html $(wordlist 1,2,$^) $@ --scripts $(SCRIPTS)
	@touch $(@D)/.published

$(BUILD_DIR)/%.pdf: $$(dir $$@)reviewed.json $(TEMPLATES) $(CODE_render)
	@$(STAGE) pdf $< $@ --script $(lastword $(subst ., ,$*))
	@touch $(@D)/.published

# XLIFF for CAT tools: one unit per row, reviewed rows final, flagged rows needs-review.
$(BUILD_DIR)/%.xlf: $$(dir $$@)reviewed.json $$(dir $$@)quality.json $(CODE_xliff)
	@$(STAGE) xliff $(wordlist 1,2,$^) $@

# The index lists every brief that has a page, including ones whose newest source failed.
# It depends on each page's .published stamp, which no rule makes: depending on the pages
# or their reviewed.json would have Make try again to rebuild a brief that just failed,
# and fail the index with it, so one bad file would keep every other brief off the index.
# With it come feed.xml, manifest.json (what each brief is and was made with) and SHA256SUMS.
$(BUILD_DIR)/index.html: $(wildcard $(BUILD_DIR)/*/.published) $(SITE_STAMP) $(TEMPLATES) $(CODE_site) $(GLOSSARIES) | $(VENV)/.installed
	@$(STAGE) site $(BUILD_DIR) $(SLUGS) --scripts $(SCRIPTS) --base-url '$(BASE_URL)' $(if $(GLOSSARIES),--glossary $(GLOSSARIES))

# --- publishing ------------------------------------------------------------------------
# make publish DEST=dir BASE_URL=https://…/: from cron or a systemd timer (deploy/). Under a
# lock, builds what changed, then copies each changed output into DEST in one rename,
# checksums last; a failing article keeps its last good brief; one status line per article.
DEST ?=
# Without it the feed's links would be relative: publish asks for it (the default ./ is plain make's).
NO_BASE_URL := make publish: give the absolute address DEST is served at as BASE_URL=https://example.org/briefs/ (the feed's links and ids are made from it)
publish: setup
	@test -n "$(DEST)" || { echo "make publish: give the folder to publish to, DEST=path" >&2; exit 2; }
	@$(if $(filter file,$(origin BASE_URL)),echo "$(NO_BASE_URL)" >&2; exit 2)
	@$(STAGE) publish --dest '$(DEST)' --source-dir '$(SOURCE_DIR)' --build $(BUILD_DIR) --base-url '$(BASE_URL)' \
	  --make-args SCRIPTS='$(SCRIPTS)' QUALITY=$(QUALITY) $(if $(MEMORY),MEMORY='$(MEMORY)')

# make serve: the built site on http://127.0.0.1:$(SERVE_PORT)/ (Python's http.server).
SERVE_PORT ?= 8000
serve: all
	@echo "Serving $(BUILD_DIR) at http://127.0.0.1:$(SERVE_PORT)/ (Ctrl-C stops)"
	@$(PY) -m http.server --bind 127.0.0.1 --directory $(BUILD_DIR) $(SERVE_PORT)

# --- editors ---------------------------------------------------------------------------
# make review: the briefs on http://127.0.0.1:$(REVIEW_PORT)/ with the English editable;
# Save writes source/<slug>.corrections.tsv and rebuilds that brief. The port is checked
# first: a second make review would otherwise build everything, then find it taken.
REVIEW_PORT ?= 8765
review: setup
	@$(STAGE) review --check-port --port $(REVIEW_PORT)
	@$(MAKE) -s all || echo "make review: some briefs failed (above); serving the others" >&2
	@$(STAGE) review --source-dir $(SOURCE_DIR) --build $(BUILD_DIR) --port $(REVIEW_PORT) --python $(PY) \
	  --make-args SCRIPTS='$(SCRIPTS)' QUALITY=$(QUALITY)

xliff: setup
	@$(MAKE) -s -k $(foreach s,$(SLUGS),$(BUILD_DIR)/$(s)/$(s).xlf)

# make import XLIFF=path: an edited XLIFF merged into the article's corrections, then rebuilt.
import: setup
	@test -n "$(XLIFF)" || { echo "make import: give the file, XLIFF=path/to/file.xlf" >&2; exit 2; }
	@$(STAGE) import $(XLIFF) --source-dir $(SOURCE_DIR) --build $(BUILD_DIR)
	@$(MAKE) -s all

# --- checks ----------------------------------------------------------------------------
# make doctor: what the build needs, checked the way the build uses it, with what to fix.
doctor: | $(VENV)/.installed
	@$(STAGE) doctor

test: setup $(VENV)/.browser
	@$(PY) -m pytest -q

# make check: lint (ruff) and types (mypy), configured in pyproject.toml; CI runs it.
check: setup
	@$(PY) -m ruff check pipeline tests bench
	@$(PY) -m mypy

# The review page is tested in a real browser: Debian's chromium, driven by its chromedriver.
BROWSER_DEBS := chromium chromium-driver
$(VENV)/.browser:
	$(call APT,$(BROWSER_DEBS),for the browser test)

# opencc-python-reimplemented installs a module named `opencc` too: it gets its own venv.
# BENCH_ARTICLES: the size of the generated corpus of bench/scale.py (300 take about two
# hours on 2 cores: the raw engine twice, three cold builds); results in build/bench/.
BENCH_ARTICLES ?= 300
bench: setup $(VENV)/.bench-debs
	@test -x $(VENV)/opencc-reimplemented/bin/python || $(PYTHON) -m venv $(VENV)/opencc-reimplemented
	@$(VENV)/opencc-reimplemented/bin/pip install --quiet --disable-pip-version-check \
	  opencc-python-reimplemented==0.1.7 2> >(grep -v 'is ignored: it is neither' >&2)
	@$(PY) bench/run.py $(VENV)/opencc-reimplemented/bin/python $(BENCH_ARTICLES)

# GNU time gives the benchmark each build's peak memory.
$(VENV)/.bench-debs:
	$(call APT,time,for the benchmark)

# Translation scores at each QUALITY (EVAL_TSV=any zh/en TSV), names not in the glossary
# found (by kind and region, beside the raw model), clause pairs against the hand-aligned
# gold set, and how many hand-labelled misleading sentences the checks flag.
EVAL_TSV ?=
eval: setup
	@$(PY) bench/eval.py $(EVAL_TSV)
	@$(PY) bench/eval_names.py
	@$(PY) bench/eval_alignment.py
	@$(PY) bench/eval_checks.py
	@$(PY) bench/eval_qe.py

# make train-qe: the quality estimator's parameters (pipeline/data/qe.json) learned again from
# the labelled data (tests/data/misleading.tsv, ../shared/eval/qe/); the same data give the same
# file, byte for byte. Forcing every labelled English through the model takes some 20 minutes
# on 2 cores the first time; it is cached under build/qe/ (QE_FRESH=1 forces it again).
train-qe: setup
	@$(PY) bench/train_qe.py

# make assess TSV=in.tsv OUT=out.tsv: any zh/en pairs (a TSV with a header; other columns kept)
# scored by the quality estimator and the checks: columns confidence and reasons added.
TSV ?=
OUT ?= $(basename $(TSV)).assessed.tsv
assess: setup
	@test -n "$(TSV)" || { echo "make assess: give the file, TSV=path/to/pairs.tsv (columns zh and en) [OUT=path]" >&2; exit 2; }
	@$(STAGE) assess '$(TSV)' '$(OUT)'

clean:
	rm -rf $(BUILD_DIR)

# The translation memory lives outside build/ (see MEMORY), so `make clean` keeps it.
clean-memory: | $(VENV)/.installed
	@$(STAGE) memory --clear
