"""Run this folder's features: ``pytest examples/custom_steps`` from the repository root."""

from pytest_bdd import scenarios

scenarios(".")
