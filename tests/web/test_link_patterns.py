"""Links in API answers come from cached route patterns, and equal what url_for gives."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, Router

from procgen.testing.wizard import make_client
from procgen.web.api import representation


def _app() -> tuple[Starlette, list[dict[str, str]]]:
    seen: list[dict[str, str]] = []

    async def show(request: Request) -> JSONResponse:
        key = request.path_params["key"]
        seen.append(
            {
                "cached": representation._path(request, "item", key=key),
                "url_for": str(request.url_for("item", key=key).path),
            }
        )
        return JSONResponse({})

    inner = Router(routes=[Route("/items/{key}", show, name="item")])
    return Starlette(routes=[Mount("/api", app=inner)]), seen


def test_a_router_gets_a_pattern_cache_that_is_hit() -> None:
    app, seen = _app()
    client = make_client(app)
    for key in ("a1", "b-2", "c.3"):
        assert client.get(f"/api/items/{key}").status_code == 200
    assert all(s["cached"] == s["url_for"] for s in seen)
    assert seen[0]["cached"] == "/api/items/a1"
    caches = [cache for ref, cache in representation._patterns.values() if ref() is not None]
    assert any(len(cache) == 1 for cache in caches), "the three links share one cached pattern"


def test_a_collected_router_leaves_the_cache() -> None:
    import gc

    app, _ = _app()
    client = make_client(app)
    client.get("/api/items/x")
    before = len(representation._patterns)
    del app, client
    gc.collect()
    assert len(representation._patterns) < before
