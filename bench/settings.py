"""The production settings plus one minimal view: the benchmark's baseline of this stack."""

from trilateral.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
