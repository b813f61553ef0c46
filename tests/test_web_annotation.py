"""The W3C Web Annotation JSON-LD that the server hands out, in the archive ZIP and at
/api/documents/{id}/annotations.jsonld, validated against the W3C web-annotation-tests
assertions (JSON Schemas, vendored in tests/vendor/web-annotation-tests, see its README).

Every MUST assertion that the suite lists (`annotationMusts.test`, `collectionMusts.test`,
`pageMusts.test`) runs on what applies: each annotation, each collection, its page, and the
collection with its embedded page (how 5.2-pageIdValidated reads it). The optional ones
must find the features we claim (created, modified, creator, motivation, the selectors).
The model's rule that times are UTC with `Z` is checked beside them, as the suite's schemas
only ask for a date-time.
"""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.conftest import new_user
from tests.export_support import hold_full_meeting

SUITE = Path(__file__).parent / "vendor" / "web-annotation-tests"
UTC_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@cache
def registry() -> Registry:
    """The suite's shared definitions, by the ids their assertions `$ref` (`id.json`, …)."""
    resources = []
    for path in sorted((SUITE / "definitions").glob("*.json")):
        contents = json.loads(path.read_text())
        resources.append((contents["id"], Resource.from_contents(contents, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


@cache
def assertion(name: str) -> dict:
    return json.loads((SUITE / name).read_text())


def listed(test_file: str) -> list[str]:
    return json.loads((SUITE / test_file).read_text())["assertions"]


def passes(name: str, instance: dict) -> bool:
    schema = assertion(name)
    validator = Draft4Validator(schema, registry=registry(), format_checker=Draft4Validator.FORMAT_CHECKER)
    return validator.is_valid(instance) == (schema["expectedResult"] == "valid")


def failed_musts(test_file: str, instance: dict) -> list[str]:
    return [name for name in listed(test_file) if not passes(name, instance)]


def implemented(test_file: str, instance: dict) -> set[str]:
    """The optional features an instance shows, by assertion file stem."""
    return {Path(name).stem for name in listed(test_file) if passes(name, instance)}


def check_collection(collection: dict, *, expect_features: set[str]) -> None:
    """Every MUST of the suite, and the optional features we claim, on one exported collection."""
    assert failed_musts("collections/collectionMusts.test", collection) == []
    page = collection["first"]
    assert failed_musts("collections/pages/pageMusts.test", collection) == []
    assert failed_musts("collections/pages/pageMusts.test", {"@context": collection["@context"], **page}) == []
    features: set[str] = set()
    for item in page["items"]:
        # An embedded annotation takes the collection's @context (JSON-LD); the suite's
        # annotation assertions read one annotation alone, so it is given the same context.
        alone = {"@context": collection["@context"], **item}
        assert failed_musts("annotations/annotationMusts.test", alone) == [], item["id"]
        features |= implemented("annotations/annotationOptionals.test", alone)
        features |= implemented("annotations/annotationsAgentOptionals.test", alone)
        for key in ("created", "modified"):
            assert UTC_Z.match(item[key]), (key, item[key])
        selector = item["target"]["selector"]
        assert selector["type"] == "FragmentSelector" and re.fullmatch(r"page=[1-9]\d*", selector["value"])
        svg = ElementTree.fromstring(selector["refinedBy"]["value"])
        assert svg.tag == "{http://www.w3.org/2000/svg}svg" and len(svg) >= 1
    missing = expect_features - features if page["items"] else set()
    assert not missing, missing


# What every export shows (each name is an assertion file of the suite).
FEATURES = {
    "3.3.1-annotationCreatedImplemented",
    "3.3.1-annotationModifiedImplemented",
    "3.3.1-annotationCreatorImplemented",
    "3.3.1-annotationSingleCreatorImplemented",
    "3.3.2-annotationCreatorAgentIdImplemented",
    "3.3.2-annotationCreatorAgentTypeImplemented",
    "3.3.2-annotationCreatorAgentNameImplemented",
    "3.3.5-annotationMotivationImplemented",
    "3.3.5-annotationSingleMotivationImplemented",
    "3.1-bodyKeyFound",
    "3.2.4-bodyETB",
    "4-targSpecificResource",
    "4.2-selectorFound",
    "4.2.1-fragmentSelector",
    "4.2.1-conformsTo",
    # The shape is an SvgSelector refining the page's FragmentSelector: the suite's
    # 4.2.7-svgSelector looks at top-level selectors only; 4.3.3-refinedByValidated (a MUST,
    # above) validates the refinement, and the SVG is parsed below.
    "4.3.3-refinedBy",
}


@pytest.fixture
def full(world, tmp_path):
    return hold_full_meeting(world, tmp_path)


def test_the_archive_json_ld_passes_the_w3c_assertions(world, admin, full):
    archivist = new_user(admin, "archivist")
    response = archivist.get(f"/api/meetings/{world.meeting_id}/archive.zip")
    assert response.status_code == 200, response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        exported = [json.loads(archive.read(n)) for n in archive.namelist() if n.endswith(".jsonld")]
    assert exported, "the archive holds W3C JSON-LD"
    ids = set()
    for collection in exported:
        check_collection(collection, expect_features=FEATURES)
        ids |= {item["id"] for item in collection["first"]["items"]}
    # The shared ink, highlight and note; never the private note.
    assert ids == {f"urn:uuid:{a['id']}" for a in full["shared"]}


def test_the_json_ld_endpoint_passes_the_w3c_assertions_in_every_scope(world, full):
    document = world.document["id"]
    for scope in ("mine", "shared", "visible"):
        response = world.member.get(f"/api/documents/{document}/annotations.jsonld", params={"scope": scope})
        assert response.status_code == 200, response.text
        collection = response.json()
        expected = FEATURES | ({"3.3.3-annotationAudienceImplemented"} if scope != "shared" else set())
        check_collection(collection, expect_features=expected)


def test_the_validator_catches_what_broke_before(world, full):
    """The checks above fail on the export as it was: a page id with two `#`, times without `Z`."""
    collection = world.member.ok("GET", f"/api/documents/{world.document['id']}/annotations.jsonld")
    page = "collections/pages/5.2-pageIdValidated.json"
    assert passes(page, collection)
    broken = copy.deepcopy(collection)
    broken["first"]["id"] = "urn:sha256:" + world.document["sha256"] + "#shared#page1"
    assert not passes(page, broken)
    assert "collections/pages/5.2-pageIdValidated.json" in failed_musts("collections/pages/pageMusts.test", broken)
    item = collection["first"]["items"][0]
    assert UTC_Z.match(item["modified"])
    assert not UTC_Z.match("2026-11-27T01:00:00.123456+00:00")
