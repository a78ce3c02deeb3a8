"""procgen: public-service procedures as typed specs.

A procedure is data: one YAML file under ``definitions/`` gives the form, its validators, the
workflow with legal deadlines, and (in later versions) the REST API and officer pages.

    >>> import procgen
    >>> spec = procgen.load("definitions/uav-cap-phep-bay.yaml")     # doctest: +SKIP
"""

from procgen.errors import ConfigurationError, ProcgenError, SpecError
from procgen.registry import Registry
from procgen.spec.diagnostics import Diagnostic, Severity
from procgen.spec.duration import Duration, DurationUnit, parse_duration
from procgen.spec.loader import load, load_dir, loads
from procgen.spec.models import ProcedureSpec
from procgen.spec.text import Text

__version__ = "0.1.0"

__all__ = [
    "ConfigurationError",
    "Diagnostic",
    "Duration",
    "DurationUnit",
    "ProcedureSpec",
    "ProcgenError",
    "Registry",
    "Severity",
    "SpecError",
    "Text",
    "__version__",
    "load",
    "load_dir",
    "loads",
    "parse_duration",
]
