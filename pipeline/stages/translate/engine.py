"""The engine: a loaded translator and tokenizer, and what it does with a batch of inputs.

The Argos package's CTranslate2 weights and SentencePiece model are used directly
(argostranslate.translate would pull in stanza and torch and try to download at run
time). All sentences go to the model in one batched call with beam search; of each
sentence's hypotheses one is kept (choice.py), and a sentence whose hypotheses all fail
a check is searched again on its retry inputs (inputs.Attempts). With the English the
engine keeps what later stages need to judge it: the attention, summed per source clause
for the aligner, the model's log-probability of the English, how far the other
hypotheses agree with it, and how far it relies on each stretch of its input
(reliance.py). It also scores a given English as if the model had chosen it (`force`:
an editor's English, or a labelled one in an evaluation).
"""
from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import cast

from pipeline.lang import senses
from pipeline.lang.senses import Word
from pipeline.model.segments import Sentence
from pipeline.model.translations import Translation, detokenize
from pipeline.stages.translate.choice import Candidate, _agreement, _pick
from pipeline.stages.translate.inputs import (
    Attempts,
    Prepared,
    common_prefix,
    looked_up,
    repair,
    tidy,
)
from pipeline.stages.translate.provision import locate
from pipeline.stages.translate.reliance import measure_reliance

RETRY_BEAM = 8      # a greedy search's last, wider retry, and how far `force` looks for an editor's English
# A name alone is judged known from this beam at least: judged by a greedy search, more names
# came out unknown and were inlined, and QUALITY=fast lost 0.12 chrF on the dev set.
NAME_BEAM = 4
MAX_BATCH_TOKENS = 2048
MAX_DECODING_LENGTH = 256


@dataclass(frozen=True)
class Decoding:
    """How widely the model searches, and how the English is chosen from what it finds."""

    beam: int                      # beam width; the whole beam comes back as hypotheses
    consensus: bool                # choose by minimum Bayes risk among those passing the checks
    reliance: bool = True          # score the English without each stretch of input (the "dropped" check)
    wider: int = 0                 # the beam of a last retry of the best input so far (0: none)


# No wider setting: a 16-wide beam won nothing on text it was not tuned on, for 3.6x the
# search time (bench/eval_choice.py; chrF against "default", 95 % interval: dev set +0.19
# [-0.25, +0.64], 279 unseen TED segments +0.26 [-0.49, +0.94], 305 news segments of issue
# 23 -0.23), nor did the quality estimator as the chooser (alone -0.2 to -2 chrF; added to
# the consensus at beam 16, dev set cross-validated +0.33 [-0.11, +0.77], TED +0.22
# [-0.45, +0.86]). README, "Choices, with numbers".
QUALITIES = {
    "fast": Decoding(beam=1, consensus=False, reliance=False, wider=RETRY_BEAM),
    "default": Decoding(beam=4, consensus=True),
}


class Model:
    """A loaded translator and tokenizer; load once per process."""

    def __init__(self, directory: Path, threads: int | None = None) -> None:
        import ctranslate2
        import sentencepiece
        self.directory = directory
        self.tokenizer = sentencepiece.SentencePieceProcessor(
            model_file=str(directory / "sentencepiece.model"))
        self.translator = ctranslate2.Translator(
            str(directory / "model"), device="cpu",
            intra_threads=threads or int(os.environ.get("BRIEFS_THREADS", "0")))

    def tokenize(self, text: str) -> list[str]:
        return self.tokenizer.encode(text, out_type=str)

    @cached_property
    def vocabulary(self) -> set[str]:
        return set(json.loads((self.directory / "model" / "shared_vocabulary.json").read_text("utf-8")))

    def english_pieces(self, text: str) -> list[str]:
        """Target pieces for a given English (the package ships no target tokenizer):
        longest vocabulary match first, word by word."""
        pieces: list[str] = []
        for word in text.split():
            rest = "▁" + word
            while rest:
                size = next((n for n in range(len(rest), 0, -1) if rest[:n] in self.vocabulary), 1)
                pieces.append(rest[:size])
                rest = rest[size:]
        return pieces

    def clause_starts(self, clauses: list[str], tokens: list[str]) -> list[int]:
        """Index of each clause's first source token (the tokens of a prefix are a prefix)."""
        starts, prefix = [], ""
        for clause in clauses:
            starts.append(common_prefix(self.tokenize(prefix), tokens) if prefix else 0)
            prefix += clause
        return starts

    def _sources(self, prepared: list[Prepared]) -> list[list[str]]:
        return [self.tokenize("".join(p.clauses)) for p in prepared]

    def search(self, sources: list[list[str]], beam: int) -> list[list[Candidate]]:
        """The whole beam for every source, as candidates."""
        results = self.translator.translate_batch(
            sources, beam_size=beam, num_hypotheses=beam, max_batch_size=MAX_BATCH_TOKENS,
            batch_type="tokens", max_decoding_length=MAX_DECODING_LENGTH, return_attention=True,
            return_scores=True)
        return [[Candidate(h, a, s, i) for i, (h, a, s) in enumerate(zip(r.hypotheses, r.attention, r.scores))]
                for r in results]

    def translate(self, attempts: list[Attempts], decoding: Decoding = QUALITIES["default"]) -> list[Translation]:
        """Translate in one batch from each sentence's first input. A sentence whose
        hypotheses all fail a check is tried again on each of its retry inputs (see
        Attempts.steps) that differs from those tried, the failing sentences of a step in
        one batch; the attempt with the fewest problems wins, the earliest on a tie."""
        if not attempts:
            return []
        unknown = self.unknown_names(attempts, max(decoding.beam, NAME_BEAM))
        attempts = [dataclasses.replace(a, unknown=frozenset(a.names().keys() & unknown)) for a in looked_up(attempts)]
        sentences = [a.sentence for a in attempts]
        inputs = [a.first() for a in attempts]
        picks = [_pick(s, p, c, decoding.consensus) for s, p, c in
                 zip(sentences, inputs, self.search(self._sources(inputs), decoding.beam))]
        # Each (input, beam) is searched once per sentence.
        tried = [{("".join(p.clauses), decoding.beam)} for p in inputs]
        for step in range(max(len(a.steps) for a in attempts)):
            failing, tries, beams = [], [], []
            for i, pick in enumerate(picks):
                if not pick.problems or step >= len(attempts[i].steps):
                    continue
                wider = attempts[i].steps[step] == "wider"
                if wider and not decoding.wider:
                    continue
                retry = attempts[i].retry(step, detokenize(pick.chosen.pieces), inputs[i])
                beam = decoding.wider if wider else decoding.beam
                if ("".join(retry.clauses), beam) not in tried[i]:
                    tried[i].add(("".join(retry.clauses), beam))
                    failing.append(i)
                    tries.append(retry)
                    beams.append(beam)
            for beam in sorted(set(beams)):
                batch = [(i, prep) for i, prep, b in zip(failing, tries, beams) if b == beam]
                found = self.search(self._sources([prep for _, prep in batch]), beam)
                for (i, prep), candidates in zip(batch, found):
                    repick = _pick(sentences[i], prep, candidates, decoding.consensus)
                    if repick.problems < picks[i].problems:
                        picks[i], inputs[i] = repick, prep
        units = []
        for a, p, pick in zip(attempts, inputs, picks):
            assert a.words is not None  # looked_up gave every attempt its words
            units.append(self.unit(a.sentence, p, pick.chosen, pick.agreement, a.words))
        if decoding.reliance:
            measure_reliance(self, units, [pick.chosen for pick in picks])
        return units

    def unknown_names(self, attempts: list[Attempts], beam: int) -> set[str]:
        """Of the sentences' names found in the article (Attempts.names), those the model,
        given each name alone, writes in none of its accepted English in the whole beam. It
        then mostly misses them in a sentence too (of 392 such mentions in 20 news
        articles, the English of the sentence missed 198 of the 205 names found unknown,
        and 33 of the 187 found known), and a sentence that misses a name is searched
        again with it in English: found unknown, it is in English from the first search."""
        forms = {zh: e for a in attempts for zh, e in a.names().items()}
        names = sorted(forms)
        found = self.search([self.tokenize(zh) for zh in names], beam) if names else []
        return {zh for zh, candidates in zip(names, found)
                if not any(forms[zh].found_in(detokenize(c.pieces)) for c in candidates)}

    def score(self, pairs: list[tuple[str, list[str]]]) -> list[float]:
        """The model's log-probability of each (source text, English pieces), end included."""
        if not pairs:
            return []
        results = self.translator.score_batch([self.tokenize(text) for text, _ in pairs], [p for _, p in pairs],
                                              max_batch_size=MAX_BATCH_TOKENS, batch_type="tokens")
        return [sum(r.log_probs) for r in results]

    def force(self, sentences: list[Sentence], prepared: list[Prepared], english: list[str],
              decoding: Decoding = QUALITIES["default"]) -> list[Translation]:
        """What the model makes of a given English for each sentence (an editor's, or a
        labelled one in the evaluation): its attention, log-probability and agreement with
        the model's own hypotheses, exactly as if the model had chosen it. An English the
        model itself proposes (in a beam of RETRY_BEAM) keeps the model's own pieces; other
        English is cut into pieces by vocabulary, which the model finds less likely."""
        sources = self._sources(prepared)
        own = self.search(sources, max(decoding.beam, RETRY_BEAM))
        chosen: list[Candidate | None] = [
            next((c for c in found if detokenize(c.pieces) == e.strip()), None) for e, found in zip(english, own)]
        todo = [i for i, c in enumerate(chosen) if c is None]
        targets = [self.english_pieces(english[i]) for i in todo]
        if todo:
            results = self.translator.translate_batch(
                [sources[i] for i in todo], target_prefix=targets, beam_size=1, max_batch_size=MAX_BATCH_TOKENS,
                batch_type="tokens", max_decoding_length=MAX_DECODING_LENGTH, return_attention=True)
            scores = self.score([("".join(prepared[i].clauses), target) for i, target in zip(todo, targets)])
            for i, target, result, scored in zip(todo, targets, results, scores):
                chosen[i] = Candidate(target, result.attention[0][:len(target)], scored / (len(target) + 1), -1)
        forced = cast("list[Candidate]", chosen)  # every None in it was forced just above
        out = []
        words = senses.words([s.hans for s in sentences], [{e.zh for c in p.expected for e in c} for p in prepared])
        for sentence, prep, candidate, found, mine in zip(sentences, prepared, forced, own, words):
            others = [detokenize(c.pieces) for c in found[:decoding.beam] if c is not candidate]
            out.append(self.unit(sentence, prep, candidate, _agreement(detokenize(candidate.pieces), others), mine))
        measure_reliance(self, out, forced)
        return out

    def unit(self, sentence: Sentence, prep: Prepared, chosen: Candidate,
             agreement: float, words: tuple[Word, ...]) -> Translation:
        """The kept English of a sentence with its attention per clause and per source
        piece, and which of its `words` the English carries in none of their senses."""
        tokens = self.tokenize("".join(prep.clauses))
        bounds = [*self.clause_starts(prep.clauses, tokens), len(tokens) + 1]
        attention = [[round(sum(row[a:b]), 4) for a, b in zip(bounds, bounds[1:])]
                     for row in chosen.attention]
        expected = [e for clause in prep.expected for e in clause]
        pieces, attention, repairs = repair(tidy(chosen.pieces), attention, prep.inlined, expected)
        unsensed = [(w.zh, w.suggestion()) for w in senses.unsensed(words, detokenize(pieces))]
        return Translation(sentence.id, "".join(prep.clauses), pieces, attention, prep.expected,
                           max(chosen.rank, 0), chosen.repairs + repairs, round(chosen.score, 4), round(agreement, 4),
                           unsensed=unsensed)


@cache
def default_model() -> Model:
    return Model(locate())
