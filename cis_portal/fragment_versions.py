"""A version for a cached, pre-rendered fragment of a page: part of its cache key, so a release that
changes the fragment's templates, or the Python that fills them, starts new entries rather than
serving HTML drawn by the old ones."""

import functools
import hashlib

from django.template.loader import get_template


def fragment_version(templates: tuple[str, ...], presentation_version: int) -> str:
    """A short hash of ``templates``' sources, after ``presentation_version``: the number a developer
    bumps when Python code changes what the fragment shows but no template changes."""
    return _version_of(tuple(get_template(name).template.source for name in templates), presentation_version)


@functools.lru_cache(maxsize=32)
def _version_of(sources: tuple[str, ...], presentation_version: int) -> str:
    digest = hashlib.sha256("\0".join(sources).encode()).hexdigest()[:12]
    return f"{presentation_version}-{digest}"
