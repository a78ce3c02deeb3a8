"""The shipped steps against TEST-01, in both languages."""

from pytest_bdd import scenarios

scenarios("features")
