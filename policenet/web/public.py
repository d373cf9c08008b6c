"""The public notices list: JSON for programs, an HTML page for people, in English, French,
Spanish or Arabic. No account is needed, and only public extracts leave through it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from policenet.actions.public_notices import PUBLIC_TYPES, PublicExtract, public_extracts
from policenet.domain.clock import utcnow
from policenet.domain.notices import LANGUAGES, NoticeType, labels, language
from policenet.hub import HubDep

router = APIRouter(tags=["public"])

_pages = Environment(
    loader=PackageLoader("policenet.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
PAGE = 20


def _chosen(request: Request, lang: str | None) -> str:
    if lang is not None:
        return language(lang)
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


def _wants_html(request: Request, output: str | None) -> bool:
    if output is not None:
        return output == "html"
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept.split(",")[0]


def _item(e: PublicExtract, words: dict[str, Any]) -> dict[str, Any]:
    return {
        "reference": e.reference,
        "type": e.type.value,
        "type_label": words["notice_types"][e.type.value],
        "name": e.name,
        "age": e.age,
        "nationalities": list(e.nationalities),
        "charges": e.charges,
        "photo_ref": e.photo_ref,
    }


@router.get(
    "/public/notices",
    summary="Public extracts of notices (no authentication)",
    description="Published Red and Yellow notices whose requesting country consented, and "
    "every UN Security Council Special Notice: name, age, nationality, charges in general "
    "terms and photograph reference. JSON, or an HTML page for a browser (`format=html`); "
    "labels in `lang` en, fr, es or ar.",
    response_model=None,
)
def public_notices(
    request: Request,
    hub: HubDep,
    name: Annotated[str | None, Query(max_length=200)] = None,
    type: Annotated[NoticeType | None, Query()] = None,
    nationality: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    lang: Annotated[str | None, Query(max_length=10)] = None,
    format: Annotated[str | None, Query(pattern="^(json|html)$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = PAGE,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    code = _chosen(request, lang)
    words = labels()[code]
    shown_type = type if type in PUBLIC_TYPES else None
    total, found = hub.look(
        public_extracts,
        utcnow(),
        name=name,
        notice_type=shown_type,
        nationality=nationality,
        limit=limit,
        offset=offset,
    )
    if type is not None and type not in PUBLIC_TYPES:
        total, found = 0, []
    items = [_item(e, words) for e in found]
    headers = {"Content-Language": code, "Vary": "Accept, Accept-Language"}
    if not _wants_html(request, format):
        return JSONResponse(
            {
                "language": code,
                "total": total,
                "offset": offset,
                "limit": limit,
                "labels": {
                    "notice_types": words["notice_types"],
                    "fields": words["fields"],
                },
                "notices": items,
            },
            headers=headers,
        )
    page = _pages.get_template("public_notices.html").render(
        lang=code,
        words=words,
        languages={c: labels()[c]["language_name"] for c in LANGUAGES},
        items=items,
        total=total,
        offset=offset,
        limit=limit,
        query={
            "name": name or "",
            "type": shown_type.value if shown_type else "",
            "nationality": (nationality or "").upper(),
        },
        types=[t.value for t in NoticeType if t in PUBLIC_TYPES],
    )
    return HTMLResponse(page, headers=headers)


@router.get(
    "/public/notices/labels",
    summary="The notice labels in one of the four languages (no authentication)",
    description="Notice types, their purposes, request states, sexes, field names and the "
    "public page's strings, in `lang` en, fr, es or ar (user-interface strings, not "
    "translations of case text).",
)
def notice_labels(
    request: Request, lang: Annotated[str | None, Query(max_length=10)] = None
) -> JSONResponse:
    code = _chosen(request, lang)
    return JSONResponse(
        {"language": code, **labels()[code]},
        headers={"Content-Language": code, "Vary": "Accept-Language"},
    )
