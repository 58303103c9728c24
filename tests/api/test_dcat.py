"""The DCAT-AP-NO catalogue parses and holds what data.norge.no requires of it."""

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from tests.factories import make_plan

NLOD = "https://data.norge.no/nlod/no/2.0"


@pytest.fixture
def catalogue(client, db):
    make_plan()
    response = client.get("/api/dcat.ttl")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/turtle")
    return Graph().parse(data=response.content.decode(), format="turtle")


def one(graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert values, f"{subject} has no {predicate}"
    return values[0]


def test_the_catalogue_has_its_required_properties(catalogue):
    (catalog,) = catalogue.subjects(RDF.type, DCAT.Catalog)
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset):
        one(catalogue, catalog, predicate)
    publisher = one(catalogue, catalog, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in catalogue
    one(catalogue, publisher, FOAF.name)


def test_each_plan_is_a_dataset_with_contact_theme_and_distributions(catalogue):
    (dataset,) = catalogue.subjects(RDF.type, DCAT.Dataset)
    for predicate in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.publisher,
        DCTERMS.identifier,
        DCAT.contactPoint,
        DCAT.theme,
        DCTERMS.accessRights,
        DCAT.landingPage,
    ):
        one(catalogue, dataset, predicate)
    formats = set()
    for distribution in catalogue.objects(dataset, DCAT.distribution):
        one(catalogue, distribution, DCAT.accessURL)
        assert str(one(catalogue, distribution, DCTERMS.license)) == NLOD
        formats.add(str(one(catalogue, distribution, DCTERMS.format)).rsplit("/", 1)[-1])
    assert formats == {"JSON", "CSV", "XLSX", "DOCX"}


def test_the_distributions_can_be_fetched(client, catalogue):
    for url in catalogue.objects(None, DCAT.downloadURL):
        assert client.get(str(url).removeprefix("http://testserver")).status_code == 200, url


def test_the_licence_and_publisher_follow_the_settings(client, db, settings):
    settings.OPEN_DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
    settings.OPEN_DATA_PUBLISHER_ORGNR = "974747138"
    make_plan()
    graph = Graph().parse(data=client.get("/api/dcat.jsonld").content.decode(), format="json-ld")
    assert {str(o) for o in graph.objects(None, DCTERMS.license)} == {
        "https://creativecommons.org/licenses/by/4.0/"
    }
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    publisher = one(graph, catalog, DCTERMS.publisher)
    assert str(publisher).endswith("/enheter/974747138")
