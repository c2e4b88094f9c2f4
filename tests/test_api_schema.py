"""The check-in API against its own OpenAPI document, with schemathesis: generated requests
(bounded, derandomized: the same examples every run) never get a server error, invalid ones
are refused, and every answer is what the document says (status, content type, body schema).

"Schema-valid data must be accepted" is the one default check left out: a record also obeys
rules no schema can say (a service on offer at this desk, a hamlet of today's assignment, the
same citizen not recorded twice), answered 409/422 with a Vietnamese message.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from tests.test_checkin_api import token_for

EXAMPLES = 40


def test_the_api_keeps_to_its_document(app, users, scene):
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    checked = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation, mode in [(o, m) for o in operations for m in GenerationMode]:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def keeps_to_it(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        keeps_to_it()
        checked.append((operation.label, mode.value))
    # the queue, a record's read and write, and the four reads for integrations
    assert len(checked) == 14, checked
