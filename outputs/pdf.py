"""HTML → PDF with WeasyPrint, reading nothing but our own static files.

The fetcher serves `/static/...` URLs from the static finders (fonts, CSS, images we ship)
and refuses everything else — no network, no file:// paths, so text a user typed into a
report can never make the renderer fetch a URL or read a file on the server.
"""

import mimetypes
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://xtzt.invalid/"  # relative URLs resolve here, then to static files


class StaticFilesOnly(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        prefix = settings.STATIC_URL
        if (
            parts.scheme != "https"
            or parts.netloc != "xtzt.invalid"
            or not parts.path.startswith(prefix)
        ):
            raise ValueError(f"Refused to fetch {url!r}: only static files may be read")
        relative = unquote(parts.path[len(prefix) :])
        if ".." in relative.split("/"):
            raise ValueError(f"Refused to fetch {url!r}")
        path = finders.find(relative)
        if not path or isinstance(path, list):
            raise ValueError(f"No static file {relative!r}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly()).write_pdf()


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_to_string(template, context))
