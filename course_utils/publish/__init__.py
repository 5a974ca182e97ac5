"""Lecture delivery: offline slide decks (`make slides`) and a static site (`make site`) built
from one execution of each notebook (cached by content hash). See :mod:`.build`."""

from course_utils.publish.build import build_site, build_slides, slide_count, title
from course_utils.publish.execute import executed, source_hash

__all__ = ["build_site", "build_slides", "executed", "slide_count", "source_hash", "title"]
