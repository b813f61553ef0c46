"""Schemathesis over the whole HTTP API of a real demo server: every operation
in /openapi.json, with generated valid and invalid input, as an admin, the
secretary and a member. No answer is a 500, and every answer the schema
describes matches it.

Generated integers are often the demo's own small ids (meeting 1, agenda
items and documents 1-4, votes 1-4), so requests reach real objects and not
only 404s; and often 2**63, 0 or -1. `slow`: about half a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.support import DemoServer

pytestmark = pytest.mark.slow

DEMO_USERS = ("admin", "thuky", "phobithu")


@pytest.fixture(scope="module")
def busy_demo(demo: DemoServer) -> DemoServer:
    secretary = demo.login("thuky")
    # An open meeting and votes in every state, so ballots, closes and receipts have something to act on.
    secretary.ok("POST", "/api/meetings/1/open")
    for secret in (False, True, False):
        vote = secretary.ok("POST", "/api/meetings/1/votes", 201, json={"title": "Biểu quyết", "secret": secret})
        secretary.ok("POST", f"/api/votes/{vote['id']}/open", json={"override_quorum": True})
    secretary.ok("POST", f"/api/votes/{vote['id']}/close")
    return demo


@pytest.fixture(scope="module")
def tokens(busy_demo) -> list[str]:
    return [busy_demo.login(username).token for username in DEMO_USERS]


@pytest.fixture(scope="module")
def api_schema(busy_demo):
    config = schemathesis.Config.from_dict(
        {
            "dictionaries": {"ids": {"values": [1, 2, 3, 4, 5, 0, -1, 2**63]}},
            "generation": {"dictionaries": {"integer": {"dictionary": "ids", "probability": 0.6}}},
        }
    )
    schema = schemathesis.openapi.from_url(f"{busy_demo.base_url}/openapi.json", config=config)
    # Logging out would end the very sessions the fuzzer calls with; so would an admin
    # disabling or resetting the secretary's and the member's accounts (tests/test_accounts.py).
    return (
        schema.exclude(path="/api/auth/logout")
        .exclude(path="/api/users/{user_id}/password-reset")
        .exclude(path="/api/users/{user_id}", method="PATCH")
    )


def test_no_input_makes_a_500_and_answers_match_the_schema(api_schema, tokens):
    # One hypothesis run per operation (schemathesis.pytest's own parametrize
    # does not run under pytest 9); every operation is tried, then all failures told.
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(operation.as_strategy(mode) for mode in GenerationMode))
        def fuzz(case):
            for token in tokens:
                case.call_and_validate(
                    headers={"Authorization": f"Bearer {token}"},
                    checks=[not_a_server_error, response_schema_conformance],
                    timeout=60,
                )

        try:
            fuzz()
        except FailureGroup as failure:
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)
