"""Which suppliers make what a request for quotation asks for: the same photo and text
search buyers use (the text translated into the catalog's language when needed), the
two supplier rankings fused by reciprocal rank."""

from __future__ import annotations

from PIL import Image

from sesame.core.errors import NotReady
from sesame.core.filters import Filters
from sesame.search.ranking import rrf_fuse
from sesame.search.service import SearchService


def match_suppliers(
    search: SearchService, *, text: str, language: str, image: Image.Image | None,
    countries: list[str], verified_only: bool, limit: int,
) -> list[tuple[int, float]]:  # fmt: skip
    """(supplier row id, fused score), best first; a photo needs the model, text does not."""
    filters = Filters(countries=countries, verified_only=verified_only)
    page = min(limit, search.options.max_limit)
    rankings: list[list[int]] = []
    if image is not None:
        try:
            found = search.search_image(image, filters=filters, limit=page)
            rankings.append([group.supplier.id for group in found.groups])
        except NotReady:
            if not text:
                raise
    if text:
        query = text[: search.options.max_query_chars]
        found = search.search_text(query, filters=filters, language=language, limit=page)
        rankings.append([group.supplier.id for group in found.groups])
    fused = rrf_fuse(rankings, search.options.rrf_k)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:limit]
