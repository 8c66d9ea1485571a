"""Pages as a browser ends up showing them: the page, then each deferred panel it asks for (htmx `hx-get` of a
`.deferred` placeholder) swapped in where its placeholder was."""
import re

DEFERRED = re.compile(r'<div id="part-[a-z]+" class="deferred" hx-get="([^"]+)"[^>]*>.*?</div>', re.S)


def whole_page(web, url: str, headers: dict | None = None) -> str:
    response = web.get(url, headers=headers or {})
    assert response.status_code == 200, (url, response.status_code)
    page = response.get_data(as_text=True)

    def fetched(match: re.Match) -> str:
        part = web.get(match.group(1).replace("&amp;", "&"), headers={**(headers or {}), "HX-Request": "true"})
        assert part.status_code == 200, (match.group(1), part.status_code)
        return part.get_data(as_text=True)

    return DEFERRED.sub(fetched, page)
