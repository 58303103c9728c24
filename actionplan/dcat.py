"""The plan's open-data description: a DCAT-AP-NO catalogue at /api/dcat.ttl (Turtle) and
/api/dcat.jsonld (JSON-LD), built with rdflib, for data.norge.no to harvest.

One catalogue, one data set per plan period (the joint action plan's goals, measures and yearly
statuses), each with its distributions: the JSON API (a dcat:DataService), the plan table as
CSV and XLSX, and the plan in its own Word layout. The licence is NLOD 2.0 unless
OPEN_DATA_LICENSE says otherwise; publisher and contact point come from settings too.

The annual revision reports (PDF) are not listed: the portal gives them only to the
secretariat and editors, and what a visitor cannot fetch is not described as open data.
"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from .models import Plan

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_ACCESS = Namespace("http://publications.europa.eu/resource/authority/access-right/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
IANA = "https://www.iana.org/assignments/media-types/"
BRREG = "https://data.brreg.no/enhetsregisteret/api/enheter/"

DESCRIPTION_NN = (
    "Felles handlingsplan for helsefellesskapet: hovudmål, delmål og tiltak for kvart "
    "fagleg samarbeidsutval, med status og merknad for kvart år."
)
DESCRIPTION_EN = (
    "The joint action plan of the health community: main goals, sub-goals and measures of "
    "each professional collaboration committee, with each year's status and note."
)


def catalogue_graph(request) -> Graph:
    """The DCAT-AP-NO catalogue of the portal's open data, as an rdflib Graph."""
    site = request.build_absolute_uri("/")
    graph = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
    ):
        graph.bind(prefix, namespace)

    catalog = URIRef(request.build_absolute_uri(reverse("dcat_ttl")) + "#catalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(settings.OPEN_DATA_PUBLISHER_NAME, lang="nn")))
    graph.add((catalog, DCTERMS.description, Literal(DESCRIPTION_NN, lang="nn")))
    graph.add((catalog, DCTERMS.description, Literal(DESCRIPTION_EN, lang="en")))
    graph.add((catalog, FOAF.homepage, URIRef(site)))
    publisher = _publisher(graph, site)
    graph.add((catalog, DCTERMS.publisher, publisher))

    service = URIRef(request.build_absolute_uri(reverse("api:api-root")))
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCTERMS.title, Literal("Helsefellesskap open data API", lang="en")))
    graph.add((service, DCAT.endpointURL, service))
    graph.add(
        (
            service,
            DCAT.endpointDescription,
            URIRef(request.build_absolute_uri(reverse("api:openapi-json"))),
        )
    )
    graph.add((service, DCTERMS.publisher, publisher))
    graph.add((service, DCTERMS.license, URIRef(settings.OPEN_DATA_LICENSE)))
    graph.add((catalog, DCAT.service, service))

    contact = _contact_point(graph, site)
    for plan in Plan.objects.order_by("-start_year", "-pk"):
        dataset = _dataset(graph, request, plan, publisher, contact, service)
        graph.add((catalog, DCAT.dataset, dataset))
        graph.add((service, DCAT.servesDataset, dataset))
    return graph


def _publisher(graph, site) -> URIRef | BNode:
    orgnr = settings.OPEN_DATA_PUBLISHER_ORGNR
    publisher = URIRef(f"{BRREG}{orgnr}") if orgnr else URIRef(f"{site}#publisher")
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(settings.OPEN_DATA_PUBLISHER_NAME, lang="nn")))
    if orgnr:
        graph.add((publisher, DCTERMS.identifier, Literal(orgnr)))
    return publisher


def _contact_point(graph, site) -> URIRef:
    contact = URIRef(f"{site}#contact")
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(settings.OPEN_DATA_PUBLISHER_NAME, lang="nn")))
    graph.add((contact, VCARD.hasURL, URIRef(site)))
    if settings.OPEN_DATA_CONTACT_EMAIL:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.OPEN_DATA_CONTACT_EMAIL}")))
    return contact


def _dataset(graph, request, plan, publisher, contact, service) -> URIRef:
    landing = request.build_absolute_uri(reverse("actionplan:overview") + f"?plan={plan.pk}")
    dataset = URIRef(request.build_absolute_uri(reverse("api:plan", args=[plan.pk])))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    graph.add((dataset, DCTERMS.title, Literal(plan.title, lang="nn")))
    graph.add((dataset, DCTERMS.description, Literal(DESCRIPTION_NN, lang="nn")))
    graph.add((dataset, DCTERMS.description, Literal(DESCRIPTION_EN, lang="en")))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCAT.contactPoint, contact))
    graph.add((dataset, DCAT.landingPage, URIRef(landing)))
    graph.add((dataset, DCAT.theme, EU_THEME.HEAL))
    graph.add((dataset, DCTERMS.accessRights, EU_ACCESS.PUBLIC))
    graph.add((dataset, DCTERMS.language, EU_LANGUAGE.NNO))
    for word in ("helsefellesskap", "handlingsplan", "samhandling", "tiltak"):
        graph.add((dataset, DCAT.keyword, Literal(word, lang="nn")))
    period = BNode()
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((period, DCAT.startDate, Literal(f"{plan.start_year}-01-01", datatype=XSD.date)))
    graph.add((period, DCAT.endDate, Literal(f"{plan.end_year}-12-31", datatype=XSD.date)))
    graph.add((dataset, DCTERMS.temporal, period))
    if plan.adopted_on:
        graph.add((dataset, DCTERMS.issued, Literal(plan.adopted_on, datatype=XSD.date)))

    query = f"?plan={plan.pk}"
    measures = request.build_absolute_uri(reverse("api:measures") + query)
    files = [
        ("JSON", "application/json", measures, "The measures with their statuses (JSON API)"),
        ("CSV", "text/csv", reverse("actionplan:table_csv") + query, "The plan table (CSV)"),
        (
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            reverse("actionplan:table_xlsx") + query,
            "The plan table (Excel)",
        ),
        (
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            reverse("actionplan:plan_docx") + query,
            "The plan in its own Word layout",
        ),
    ]
    for file_type, media_type, address, title in files:
        url = URIRef(request.build_absolute_uri(address))
        distribution = URIRef(f"{dataset}#{file_type.lower()}")
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(title, lang="en")))
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCTERMS.format, EU_FILE_TYPE[file_type]))
        graph.add((distribution, DCAT.mediaType, URIRef(IANA + media_type)))
        graph.add((distribution, DCTERMS.license, URIRef(settings.OPEN_DATA_LICENSE)))
        if file_type == "JSON":
            graph.add((distribution, DCAT.accessService, service))
        graph.add((dataset, DCAT.distribution, distribution))
    return dataset


def _catalogue_response(request, fmt, content_type) -> HttpResponse:
    response = HttpResponse(
        catalogue_graph(request).serialize(format=fmt), content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def dcat_ttl(request):
    """The catalogue in Turtle."""
    return _catalogue_response(request, "turtle", "text/turtle; charset=utf-8")


@require_safe
def dcat_jsonld(request):
    """The catalogue in JSON-LD."""
    return _catalogue_response(request, "json-ld", "application/ld+json")
