"""A step of your own next to the shipped ones: it reads the dossier through the same world.

``procgen_world`` (:class:`procgen.testing.world.ProcedureWorld`) is what the shipped steps act
on; a project's steps use its methods, which go through the HTTP API as the shipped ones do.
"""

from __future__ import annotations

from pytest_bdd import parsers, then

from procgen.testing.world import ProcedureWorld, StepFailed


@then(parsers.parse('the dossier number starts with the agency code "{agency}"'))
@then(parsers.parse('số hồ sơ bắt đầu bằng mã cơ quan "{agency}"'))
def dossier_number_has_agency(procgen_world: ProcedureWorld, agency: str) -> None:
    number = procgen_world.get_dossier()["number"]
    if not number.startswith(f"{agency}-"):
        raise StepFailed(f"expected a number starting {agency}-; it is {number}")
