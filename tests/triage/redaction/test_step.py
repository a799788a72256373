"""The screening step: body redacted, HTML dropped when it carries (or goes with) a secret."""

from __future__ import annotations

from kefu.actions.inbound import screening_steps
from kefu.settings import Settings
from kefu.triage.pipeline import InboundPipeline, Screened
from kefu.triage.redaction.step import RedactSecrets

SEED = "abandon " * 11 + "about"


def test_body_and_flags() -> None:
    step = RedactSecrets()
    out = step(Screened(f"words {SEED}", "<b>hi</b>", flags=("other",), notices=("n",)))
    assert out.body == "words [redacted:seed_phrase]"
    assert out.html is None
    assert out.flags == ("other", "security", "secret:seed_phrase")
    assert out.notices == ("n", "secret:seed_phrase")


def test_secret_only_in_the_html_split_by_tags() -> None:
    html = "".join(f"<li>{w}</li>" for w in SEED.split())
    out = RedactSecrets()(Screened("see the list", html))
    assert out.body == "see the list"
    assert out.html is None
    assert "secret:seed_phrase" in out.flags


def test_nothing_found_returns_the_same_object() -> None:
    screened = Screened("hello, my order 123 is late", "<p>hello</p>")
    assert RedactSecrets()(screened) is screened


def test_registered_first_and_switchable() -> None:
    assert isinstance(screening_steps(Settings())[0], RedactSecrets)
    assert screening_steps(Settings(redaction=False)) == []
    pipeline = InboundPipeline(screening=screening_steps(Settings()))
    assert pipeline.screen("pwd=hunter2", None).body == "pwd=[redacted:password]"
