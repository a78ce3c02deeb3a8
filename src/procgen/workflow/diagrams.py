"""Workflow diagrams: a case's steps and actions as Mermaid or Graphviz DOT text.

Both renderers are pure and deterministic: steps and actions appear in the order the case
declares them, so the same case gives the same bytes (diagrams can be committed and diffed).
``procgen graph CODE`` prints them; paste Mermaid into any Markdown viewer that renders it, or
run ``dot -Tsvg`` on the DOT output.

    >>> from procgen.spec.models import Action, ResolvedCase, Step
    >>> case = ResolvedCase(id="default", name="Demo", when=None, deadline=None, fee=0,
    ...     channels={}, documents=(), lead_times=(), steps=(
    ...         Step(id="review", role="officer", actions=(Action(id="approve", to="done"),)),
    ...         Step(id="done", outcome="approved")))
    >>> print(to_mermaid(case))
    stateDiagram-v2
        %% default: Demo
        review : review
        done : done
        [*] --> review
        review --> done : approve
        done --> [*]

Each step is shown with its label (Vietnamese by default) and its national status code in
brackets. Steps where the legal clock is paused get a note (Mermaid) or a dashed border (DOT);
timed transitions (``on_expiry``) are edges labelled ``on_expiry``.

:func:`render_diagrams_page` writes the Markdown page ``docs/diagrams.md`` with the diagram of
every case of every bundled procedure; regenerate it with
``python -m procgen.workflow definitions -o docs/diagrams.md``.
"""

from __future__ import annotations

from collections.abc import Iterable

from procgen.spec.models import ClockMode, ProcedureSpec, ResolvedCase, Step
from procgen.types import Locale

__all__ = ["REGENERATE", "render_diagrams_page", "to_dot", "to_mermaid"]

#: How to regenerate the diagrams page, as written in its header.
REGENERATE = "python -m procgen.workflow definitions -o docs/diagrams.md"

#: The label of a timed transition's edge.
_EXPIRY = "on_expiry"

_PAUSED = {"vi": "tạm dừng tính thời hạn", "en": "clock paused"}

# Mermaid reads '#' as the start of an entity code and ';' as a statement end.
_MERMAID_ESCAPES = str.maketrans({"#": "#35;", ";": "#59;", "\n": " ", "\r": " "})
_DOT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": " ", "\r": " "})


def to_mermaid(case: ResolvedCase, *, locale: Locale = "vi") -> str:
    """The case's workflow as a Mermaid ``stateDiagram-v2``.

    The initial step is entered from ``[*]``, final steps lead to ``[*]``, each action is an
    edge labelled with its id, and paused steps carry a note.

    Args:
        case: the resolved case (its first step is the initial one).
        locale: the language of the step labels.

    Returns:
        The diagram, without a trailing newline.
    """
    name = case.name.get(locale).translate(_MERMAID_ESCAPES)
    lines = ["stateDiagram-v2", f"    %% {case.id}: {name}"]
    lines += [
        f"    {step.id} : {_caption(step, locale).translate(_MERMAID_ESCAPES)}"
        for step in case.steps
    ]
    if case.steps:
        lines.append(f"    [*] --> {case.steps[0].id}")
    for step in case.steps:
        lines += [f"    {step.id} --> {target} : {label}" for target, label in _edges(step)]
        if step.final:
            lines.append(f"    {step.id} --> [*]")
    paused = [step.id for step in case.steps if _paused(step)]
    lines += [f"    note right of {step} : {_PAUSED[locale]}" for step in paused]
    if paused:
        lines.append("    classDef paused stroke-dasharray: 5 5")
        lines.append(f"    class {','.join(paused)} paused")
    return "\n".join(lines)


def to_dot(case: ResolvedCase, *, locale: Locale = "vi") -> str:
    """The case's workflow as a Graphviz ``digraph``.

    A point node ``__start__`` leads to the initial step; final steps have a double border,
    paused steps a dashed one; each action is an edge labelled with its id, timed transitions
    dashed.

    Args:
        case: the resolved case (its first step is the initial one).
        locale: the language of the step labels.

    Returns:
        The graph, without a trailing newline.
    """
    lines = [
        f"digraph {_quote(case.id)} {{",
        f"    label={_quote(case.name.get(locale))};",
        "    rankdir=LR;",
        '    node [shape=box, style=rounded, fontname="sans-serif"];',
        '    edge [fontname="sans-serif", fontsize=10];',
        '    "__start__" [shape=point, label=""];',
    ]
    for step in case.steps:
        attributes = [f"label={_quote(_caption(step, locale))}"]
        if _paused(step):
            attributes.append('style="rounded,dashed"')
            attributes.append(f"xlabel={_quote(_PAUSED[locale])}")
        if step.final:
            attributes.append("peripheries=2")
        lines.append(f"    {_quote(step.id)} [{', '.join(attributes)}];")
    if case.steps:
        lines.append(f'    "__start__" -> {_quote(case.steps[0].id)};')
    for step in case.steps:
        for target, label in _edges(step):
            style = ", style=dashed" if label == _EXPIRY else ""
            lines.append(
                f"    {_quote(step.id)} -> {_quote(target)} [label={_quote(label)}{style}];"
            )
    lines.append("}")
    return "\n".join(lines)


def _edges(step: Step) -> list[tuple[str, str]]:
    """``(target, label)`` for each action of the step, then its timed transition."""
    edges = [(action.to, action.id) for action in step.actions]
    if step.on_expiry is not None:
        edges.append((step.on_expiry, _EXPIRY))
    return edges


def _caption(step: Step, locale: Locale) -> str:
    label = step.label.get(locale) if step.label is not None else step.id
    return label if step.status is None else f"{label} [{int(step.status)}]"


def _paused(step: Step) -> bool:
    return step.clock is ClockMode.PAUSED


def _quote(text: str) -> str:
    return '"' + text.translate(_DOT_ESCAPES) + '"'


def render_diagrams_page(specs: Iterable[ProcedureSpec], *, locale: Locale = "vi") -> str:
    """A Markdown page with the Mermaid diagram of every case of every procedure in ``specs``.

    Procedures are sorted by code, then version; cases keep their order. The output is
    deterministic, so the page can be committed and checked by a test.

    Args:
        specs: the procedures, e.g. ``procgen.load_dir("definitions")``.
        locale: the language of the step labels in the diagrams.

    Returns:
        The page, ending with a newline.

    Example:
        >>> page = render_diagrams_page([])  # e.g. procgen.load_dir("definitions")
        >>> page.splitlines()[0]
        '# Workflow diagrams'
    """
    ordered = sorted(specs, key=lambda spec: (spec.code, spec.version))
    lines = [
        "# Workflow diagrams",
        "",
        "<!-- Generated from the specs by procgen.workflow.diagrams.render_diagrams_page: "
        "do not edit by hand. -->",
        "",
        "The workflow of every case of every procedure bundled under `definitions/`, drawn",
        "from the specs. After changing a definition, regenerate this page (a test fails",
        "until you do):",
        "",
        "```console",
        f"$ {REGENERATE}",
        "```",
        "",
        "`[*]` marks where a dossier starts and where it ends; edges carry action ids",
        "(`on_expiry` for the system's timed moves); each step shows its label and national",
        "status code; steps where the legal clock is paused have a note and a dashed border.",
        "See [The workflow](workflow.md#diagrams) and [The legal clock](legal-clock.md).",
        "",
    ]
    lines += [f"- [{spec.code}: {spec.name.get(locale)}](#{_anchor(spec)})" for spec in ordered]
    for spec in ordered:
        lines += _procedure_section(spec, locale)
    return "\n".join(lines) + "\n"


def _anchor(spec: ProcedureSpec) -> str:
    return f"{spec.code}-v{spec.version}".lower().replace(".", "-")


def _procedure_section(spec: ProcedureSpec, locale: Locale) -> list[str]:
    other: Locale = "en" if locale == "vi" else "vi"
    translated = spec.name.get(other)
    lines = [
        "",
        f'<a id="{_anchor(spec)}"></a>',
        "",
        f"## {spec.code}: {spec.name.get(locale)}",
        "",
    ]
    facts = [f"version {spec.version}"]
    if spec.catalogue_code:
        facts.append(f"catalogue code {spec.catalogue_code}")
    if spec.pattern:
        facts.append(f"pattern `{spec.pattern}`")
    if translated != spec.name.get(locale):
        lines.append(f"*{translated}.* " + "; ".join(facts).capitalize() + ".")
    else:
        lines.append("; ".join(facts).capitalize() + ".")
    cases = spec.effective_cases()
    for case in cases:
        lines.append("")
        if len(cases) > 1:
            lines += [f"### Case `{case.id}`: {case.name.get(locale)}", ""]
        deadline = f"legal deadline: {case.deadline}" if case.deadline else "no legal deadline"
        lines += [f"{len(case.steps)} steps; {deadline}.", "", "```mermaid"]
        lines += [to_mermaid(case, locale=locale), "```"]
    return lines
