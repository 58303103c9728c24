"""The word groups the site search starts with (helsefellesskap/site_search.py).

Each group holds nynorsk and bokmål forms with their usual inflections: the norwegian snowball
stemmer does not map "sykehjemmet" to "sykehjem", nor nynorsk to bokmål. Migration 0002 loads
them; tests whose database is emptied between tests (browser tests) load them with `install`.
"""

GROUPS = {
    "sjukeheim": "sjukeheim sjukeheimen sjukeheimar sjukeheimane sykehjem sykehjemmet "
    "sykehjemmene sykehjemmets",
    "rettleiing": "rettleiing rettleiinga rettleiingar rettleiingane veiledning veiledningen "
    "veiledninger veiledningene",
    "rettleiar": "rettleiar rettleiaren rettleiarar veileder veilederen veiledere",
    "heimeteneste": "heimeteneste heimetenesta heimetenester heimetenestene hjemmetjeneste "
    "hjemmetjenesten hjemmetjenester hjemmetjenestene",
    "sjukehus": "sjukehus sjukehuset sjukehusa sykehus sykehuset sykehusene",
    "teneste": "teneste tenesta tenester tenestene tjeneste tjenesten tjenester tjenestene",
    "helseteneste": "helseteneste helsetenesta helsetenester helsetenestene helsetjeneste "
    "helsetjenesten helsetjenester helsetjenestene",
    "spesialisthelseteneste": "spesialisthelseteneste spesialisthelsetenesta "
    "spesialisthelsetjeneste spesialisthelsetjenesten",
    "helseføretak": "helseføretak helseføretaket helseforetak helseforetaket",
    "tilsett": "tilsett tilsette ansatt ansatte",
    "utval": "utval utvalet utvala utvalg utvalget utvalgene",
    "retningsline": "retningsline retningslina retningsliner retningslinene retningslinje "
    "retningslinjen retningslinjer retningslinjene",
    "oppfølging": "oppfølging oppfølginga oppfølgingen",
    "born": "born borna barn barna barnet",
    "heim": "heim heimen hjem hjemmet",
    "utskriving": "utskriving utskrivinga utskrivning utskrivningen utskrivelse utskrivelsen",
    "innlegging": "innlegging innlegginga innleggelse innleggelsen innleggelser",
    "tilvising": "tilvising tilvisinga tilvisingar henvisning henvisningen henvisninger",
    "følgjepersonell": "følgjepersonell følgepersonell",
    "opplæring": "opplæring opplæringa opplæringen",
    "føremål": "føremål føremålet formål formålet",
    "fagleg": "fagleg faglege faglig faglige",
    "sjukepleiar": "sjukepleiar sjukepleiaren sjukepleiarar sykepleier sykepleieren sykepleiere",
    "bustad": "bustad bustaden bustader bolig boligen boliger",
    "legevakt": "legevakt legevakta legevakten",
    "kommunehelseteneste": "kommunehelseteneste kommunehelsetenesta kommunehelsetjeneste "
    "kommunehelsetjenesten",
    "samarbeid": "samarbeid samarbeidet samarbeide",
    "møte": "møte møtet møta møter møtene",
    "tiltak": "tiltak tiltaket tiltaka tiltakene",
    "eigenomsorg": "eigenomsorg egenomsorg",
    "kvalitet": "kvalitet kvaliteten",
    "pårørande": "pårørande pårørende",
    "behandling": "behandling behandlinga behandlingen",
}


def install(synonym_model) -> None:
    """Add every word of GROUPS that is missing (a word already there keeps its group)."""
    for group, words in GROUPS.items():
        for term in words.split():
            synonym_model.objects.get_or_create(term=term, defaults={"group": group})


def ensure_installed(synonym_model) -> None:
    """Install the groups unless the table holds words (cheap when it does)."""
    if not synonym_model.objects.exists():
        install(synonym_model)
