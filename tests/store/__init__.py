"""Tests for procgen.store."""
