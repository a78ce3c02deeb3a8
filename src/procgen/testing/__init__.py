"""procgen's testing kit: a pytest plugin, Gherkin steps, generated scenarios and coverage.

- :mod:`procgen.testing.plugin`: the pytest plugin (``pytest11`` entry point): fixtures for an
  app per test on a fresh database, a movable clock, users; ``--procgen-coverage``.
- :mod:`procgen.testing.steps`: the shipped pytest-bdd steps, English and Vietnamese; their
  wording is in :mod:`procgen.testing.phrases`.
- :mod:`procgen.testing.world`: :class:`~procgen.testing.world.ProcedureWorld`, the state the
  steps act on through the HTTP API (usable from Python steps too).
- :mod:`procgen.testing.scenarios`: ``.feature`` skeletons from a spec
  (``procgen scenarios CODE``).
- :mod:`procgen.testing.coverage`: which steps, actions and deadline outcomes a run exercised.

This package imports nothing heavy itself: pytest loads the plugin in every session of a
project where procgen is installed. See ``docs/testing.md``.
"""

__all__: list[str] = []  # the kit is used through its modules (see above)
