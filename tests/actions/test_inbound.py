from kefu.actions.inbound import build_deps
from kefu.actions.unit_of_work import ActionDeps
from kefu.events.bus import InProcessBus
from kefu.settings import Settings
from kefu.store.files import FileStore
from kefu.triage.pipeline import Enricher, Screened


def _shout(screened: Screened) -> Screened:
    return Screened(body=screened.body.upper(), html=None, flags=("shouted",))


async def test_enrichers_are_built_from_the_finished_deps(tmp_path: object) -> None:
    seen: list[ActionDeps] = []

    def factory(deps: ActionDeps) -> Enricher:
        seen.append(deps)

        async def enrich(ids: list[int]) -> None:
            return None

        return enrich

    deps = build_deps(
        Settings(),
        sessionmaker=None,  # type: ignore[arg-type]  # not used by the pipeline
        bus=InProcessBus(),
        files=FileStore("unused"),  # type: ignore[arg-type]
        screening=[_shout],
        enrichers=[factory],
    )
    assert seen == [deps]
    assert deps.pipeline.enriches
    assert deps.pipeline.screen("seed words", None) == Screened("SEED WORDS", None, ("shouted",))


async def test_servers_can_leave_enrichment_to_workers(settings: Settings) -> None:
    from kefu.events.bus import RecordingBus
    from kefu.web.app import create_app

    for in_server in (True, False):
        app = create_app(
            settings.model_copy(update={"enrich_in_server": in_server}), RecordingBus()
        )
        async with app.router.lifespan_context(app):
            assert app.state.kefu.deps.pipeline.deferred is (not in_server)
