"""procgen: public-service procedures as typed specs.

A procedure is data: one YAML file under ``definitions/`` gives the form, its validators, the
workflow with legal deadlines, and the running service: the REST API, the form pages, the
dossier store.

    >>> import procgen
    >>> spec = procgen.load("definitions/uav-cap-phep-bay.yaml")     # doctest: +SKIP
    >>> procedure = procgen.compile(spec)                             # doctest: +SKIP
    >>> app = procgen.create_app("definitions")                      # doctest: +SKIP

``create_app`` is imported when first used, so ``import procgen`` stays light.
"""

from typing import TYPE_CHECKING, Any

from procgen.errors import ConfigurationError, ProcgenError, SpecError
from procgen.procedure import CompiledCase, Procedure, compile
from procgen.registry import Registry
from procgen.spec.diagnostics import Diagnostic, Severity
from procgen.spec.duration import Duration, DurationUnit, parse_duration
from procgen.spec.loader import load, load_dir, loads
from procgen.spec.models import ProcedureSpec
from procgen.spec.text import Text

if TYPE_CHECKING:
    from procgen.web.app import create_app

__version__ = "0.1.0"

__all__ = [
    "CompiledCase",
    "ConfigurationError",
    "Diagnostic",
    "Duration",
    "DurationUnit",
    "Procedure",
    "ProcedureSpec",
    "ProcgenError",
    "Registry",
    "Severity",
    "SpecError",
    "Text",
    "__version__",
    "compile",
    "create_app",
    "load",
    "load_dir",
    "loads",
    "parse_duration",
]


def __getattr__(name: str) -> Any:
    if name == "create_app":  # the web stack loads only when an app is asked for
        from procgen.web.app import create_app

        return create_app
    raise AttributeError(f"module 'procgen' has no attribute {name!r}")
