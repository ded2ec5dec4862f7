"""Lexical scores: BM25 over character uni+bi-grams, built in memory from the indexed texts.

Measured on the retrieval eval (evals/results): character n-grams beat jieba words on these short
indicator names, whose words are often glued abbreviations (等保, 网厅, 12329短信). ASCII runs such
as 12329, APP or 4G stay whole tokens, so an exact code or acronym in a query counts.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from assistant.text import normalize, runs

Tokenizer = Callable[[str], list[str]]


def char_ngrams(text: str) -> list[str]:
    """The characters, then the bigrams, of each CJK run (repeats kept: BM25 counts them); ASCII runs whole."""
    tokens: list[str] = []
    for run in runs(text):
        if run.isascii():
            tokens.append(run)
        else:
            tokens.extend(run)
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def jieba_words(text: str) -> list[str]:
    """The alternative measured in the eval: jieba's search-mode words (ASCII runs kept whole)."""
    import jieba

    jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise
    words = jieba.lcut_for_search(normalize(text))
    return [w for w in words if runs(w)]


TOKENIZERS: dict[str, Tokenizer] = {"char": char_ngrams, "jieba": jieba_words}


class LexicalIndex:
    """BM25 (bm25s, Lucene variant) over a fixed list of texts; scores every text for a query."""

    def __init__(self, texts: Sequence[str], tokenizer: Tokenizer = char_ngrams):
        import bm25s

        self.tokenizer = tokenizer
        self.size = len(texts)
        self._bm25 = bm25s.BM25()
        if self.size:
            # an empty token list would be dropped by bm25s and shift the row numbers
            corpus = [tokenizer(t) or ["\x00"] for t in texts]
            self._bm25.index(corpus, show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        """One BM25 score per indexed text (0 where nothing matches)."""
        if not self.size:
            return np.zeros(0, np.float32)
        ids = self._bm25.get_tokens_ids(sorted(set(self.tokenizer(query))))
        if not ids:
            return np.zeros(self.size, np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

    def coverage(self, query: str) -> np.ndarray:
        """BM25 divided by the query's total IDF: roughly the weighted share of the query matched.

        Unlike dividing by the best match of the query, this is absolute: a text sharing only one
        common character (支出 in 支出相关性 for 房屋租金支出) stays low even when nothing does better.
        """
        scores = self.scores(query)
        mass = self.idf_mass(query)
        return scores / mass if mass > 0 else scores

    def idf_mass(self, query: str) -> float:
        """Σ Lucene IDF over the query's distinct tokens; a token absent from the corpus counts fully."""
        indptr = self._bm25.scores["indptr"] if self.size else None
        vocab = self._bm25.vocab_dict if self.size else {}
        total = 0.0
        for token in set(self.tokenizer(query)):
            i = vocab.get(token)
            df = int(indptr[i + 1] - indptr[i]) if i is not None else 0
            total += math.log(1 + (self.size - df + 0.5) / (df + 0.5))
        return total
