"""The flood benchmark, small, so `make test` runs it: one member floods
(annotations, oversized strokes, live strokes, page images at every width,
bogus logins) while the secretary turns pages. It reports latencies, which
no test asserts (benchmarks/README.md); what it asserts is that every turn
was answered and reached the tablet, and that the server refused the flood
with the errors a client understands rather than taking it in."""

from __future__ import annotations

from benchmarks.page_turn_under_flood import report, run


def test_page_turns_go_on_while_one_member_floods(capsys):
    result = run(small=True)
    with capsys.disabled():
        print("\n" + report(result))
    answers = result["flood_answers"]
    assert result["flood_sent"] > 0
    # Past the per-participant limits, the answer is a clear refusal.
    assert answers.get("rate_limited", 0) + answers.get("too_large", 0) > 0, answers
    assert "internal" not in answers and not any(key.endswith(" 500") for key in answers), answers
