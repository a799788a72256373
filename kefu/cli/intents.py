"""`kefu intents train` and `kefu intents predict`: kefu's own intent model."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from kefu.cli.runtime import load_settings
from kefu.settings import Settings

intents_app = typer.Typer(help="Language and intent of customer messages.", no_args_is_help=True)

ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="Model file (default: KEFU_INTENTS_MODEL, else KEFU_DATA_DIR/models/intents.model)",
    ),
]


def _no_database(settings: Settings) -> bool:
    """A SQLite file that does not exist yet (opening it would create an empty one)."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    return (
        url.get_backend_name() == "sqlite"
        and bool(url.database)
        and not Path(url.database or "").exists()
    )


async def _read_corrections(settings: Settings) -> list[Any]:
    from kefu.actions.classify import corrections
    from kefu.cli.runtime import open_deps

    async with open_deps(settings) as deps:
        return await corrections(deps)


@intents_app.command("train")
def train(
    model: ModelOption = None,
    use_corrections: Annotated[
        bool,
        typer.Option(
            "--corrections/--no-corrections", help="Learn from agents' corrections in the database"
        ),
    ] = True,
) -> None:
    """Train the intent model on the shipped examples and agents' corrections, and save it."""
    from kefu.triage.embedding import EmbedderUnavailable, get_embedder
    from kefu.triage.intents.model import save_model, train_model
    from kefu.triage.intents.service import offered_second, vector_cache_path

    settings = load_settings()
    path = model or settings.intents_model_path
    found = []
    if use_corrections and not _no_database(settings):
        try:
            found = asyncio.run(_read_corrections(settings))
        except Exception as exc:  # the database is optional here; say why it was skipped
            typer.echo(f"warning: corrections not read ({exc.__class__.__name__}: {exc})", err=True)
    try:
        embedder = get_embedder(settings.embedder)
        second = offered_second(settings.intent_second_encoder)
        trained = train_model(embedder, found, vector_cache=vector_cache_path(path), second=second)
    except EmbedderUnavailable as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    save_model(trained, path)
    info = trained.info
    typer.echo(
        f"intent model trained on {info.examples} examples ({len(info.corrections)} from "
        f"agents' corrections), {len(info.labels)} intents, embedder {info.embedder}, "
        f"data {info.data_hash[:12]}: {path}"
    )
    if info.encoder_choice is not None:
        used = "uses" if info.second_embedder else "does not use"
        typer.echo(
            f"it {used} the second encoder {info.second_candidate}: {info.encoder_choice['reason']}"
        )


def _parse(line: str, number: int) -> tuple[str, str | None]:
    """(text, known language) of one input line; ValueError says what is wrong."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {number}: not JSON ({exc.msg})") from None
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise ValueError(f'line {number}: expected an object like {{"text": "..."}}')
    language = row.get("language")
    if language is not None and not isinstance(language, str):
        raise ValueError(f"line {number}: 'language' must be a string")
    return row["text"], language


def _predict_lines(lines: TextIO, out: TextIO, settings: Settings, model: Path | None) -> int:
    from kefu.triage.intents.service import IntentService

    service = IntentService(
        model or settings.intents_model_path,
        settings.embedder,
        settings.language_codes,
        explicit=model is not None or settings.intents_model is not None,
        second_encoder=settings.intent_second_encoder,
    )
    service.model()  # a missing or foreign model fails here, before any input is read
    errors = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            text, known = _parse(line, number)
        except ValueError as exc:
            errors += 1
            print(f"error: {exc}", file=sys.stderr)
            out.write(json.dumps({"error": str(exc)}) + "\n")
            out.flush()
            continue
        (found,) = service.classify([text], [known])
        result = {
            "intent": found.intent,
            "confidence": found.confidence,
            "language": found.language,
            "out_of_scope": found.out_of_scope,
        }
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return errors


@intents_app.command("predict")
def predict(model: ModelOption = None) -> None:
    """Read JSON lines {"text": "..."} (optionally with the customer's "language") on stdin;
    write {"intent", "confidence", "language", "out_of_scope"} per line. A malformed line gets
    {"error": "..."} and the exit status is 1."""
    from kefu.triage.embedding import EmbedderUnavailable
    from kefu.triage.intents.model import ModelMismatch

    settings = load_settings()
    try:
        errors = _predict_lines(sys.stdin, sys.stdout, settings, model)
    except (ModelMismatch, EmbedderUnavailable) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if errors:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(intents_app, name="intents")
