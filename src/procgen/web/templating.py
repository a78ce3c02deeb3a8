"""The Jinja2 environment of the form pages, and how deployments override its templates.

Templates are looked up in a deployment's own directory first, then in procgen's::

    <templates_dir>/<procedure code>/forms/fields/date.html    one procedure, one field type
    <templates_dir>/forms/fields/date.html                     every procedure
    procgen/templates/forms/fields/date.html                   the default

:func:`template_names` lists those candidates for one template and procedure, and
:func:`field_templates` those of a field widget: by field type first, then by the type's macro
(so a custom type can reuse a built-in widget, or bring its own). Autoescaping is forced on for
every template, whatever its file name: spec labels and typed values are data, never markup.

    >>> env = template_environment()
    >>> env.from_string("{{ x }}", globals={"x": "<b>"}).render()
    '&lt;b&gt;'
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import jinja2

__all__ = ["RADIO_LIMIT", "field_templates", "template_environment", "template_names"]

#: Choices with more options than this render as a ``<select>``, fewer as radios.
RADIO_LIMIT = 10


def template_environment(
    templates_dir: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
) -> jinja2.Environment:
    """A Jinja2 environment over ``templates_dir`` (searched first) and procgen's templates.

    Args:
        templates_dir: one directory or several, searched in order before the package's.
    """
    dirs: list[str | os.PathLike[str]] = []
    if isinstance(templates_dir, str | os.PathLike):
        dirs.append(templates_dir)
    elif templates_dir is not None:
        dirs.extend(templates_dir)
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader([Path(d) for d in dirs])]
    loaders.append(jinja2.PackageLoader("procgen", "templates"))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,  # a bool, not select_autoescape: on for .txt, .xml, anything
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def template_names(name: str, code: str | None) -> list[str]:
    """Where to look for template ``name`` for procedure ``code``, most specific first."""
    return [f"{code}/{name}", name] if code else [name]


def field_templates(type_name: str, macro: str, code: str | None) -> list[str]:
    """The candidate templates of a field widget, most specific first."""
    names: list[str] = []
    for widget in dict.fromkeys((type_name, macro, "text_input")):
        names.extend(template_names(f"forms/fields/{widget}.html", code))
    return names
