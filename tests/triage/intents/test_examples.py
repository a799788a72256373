from collections import Counter

import pytest

from kefu.domain.intents import INTENTS
from kefu.triage.embedding import DEFAULT_EMBEDDER, ENGLISH_EMBEDDER, get_embedder
from kefu.triage.intents.examples import BadExamples, parse_examples, shipped_examples
from kefu.triage.intents.vector_cache import shipped_cache


def test_shipped_examples_cover_every_intent_in_at_least_twelve_languages() -> None:
    examples = shipped_examples()
    languages = {e.language for e in examples}
    assert len(languages) >= 12
    for language in languages:
        counts = Counter(e.intent for e in examples if e.language == language)
        assert set(counts) == set(INTENTS), language
        assert min(counts.values()) >= 10, language
    major = {"en", "zh", "es", "ru"}
    for language in major:
        counts = Counter(e.intent for e in examples if e.language == language)
        assert min(counts.values()) >= 20, language


def test_shipped_examples_are_unique_and_use_the_taxonomy() -> None:
    examples = shipped_examples()
    assert {e.intent for e in examples} == set(INTENTS)
    texts = [e.text.strip().lower() for e in examples]
    assert len(texts) == len(set(texts))


@pytest.mark.parametrize("spec", [DEFAULT_EMBEDDER, ENGLISH_EMBEDDER])
def test_the_shipped_vectors_cover_every_shipped_example(spec: str) -> None:
    # After editing data/examples.jsonl, run `make intent-vectors`.
    cache = shipped_cache(get_embedder(spec).name)
    missing = [e.text for e in shipped_examples() if cache.get(e.text) is None]
    assert missing == []


def test_bad_training_lines_are_reported_with_their_line_number() -> None:
    ok = parse_examples(['{"text": "hi", "intent": "other"}', ""], "x")
    assert [e.text for e in ok] == ["hi"]
    with pytest.raises(BadExamples, match="x:2: not JSON"):
        parse_examples(['{"text": "hi", "intent": "other"}', "{"], "x")
    with pytest.raises(BadExamples, match="'intent'"):
        parse_examples(['{"text": "hi"}'], "x")
    with pytest.raises(BadExamples, match="expected an object"):
        parse_examples(["[1]"], "x")
