"""What do secret ballot slots cost?

A secret ballot rewrites every slot of its vote and then has the engine forget
its write history (meeting_server/votes/slots.py): on SQLite a checkpoint of
the write-ahead log after every ballot. Measured against the real server: the
same voters cast one ballot each over HTTP in a named vote (the baseline: one
row per ballot) and then in a secret vote, one after the other. Reports the
median ballot round trip of each and their ratio.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.support import PASSWORD, ServerProcess, add_admin
from tests.votes_support import ballot, open_meeting_of_voters, start

VOTERS = 300


def cast_all(voters, vote_id: int) -> list[float]:
    took = []
    for voter in voters:
        began = time.perf_counter()
        assert ballot(voter, vote_id, "yes").status_code == 201
        took.append(time.perf_counter() - began)
    return took


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        add_admin(data_dir)
        server = ServerProcess(data_dir).start()
        try:
            secretary, voters, meeting_id = open_meeting_of_voters(
                server.base_url, "bench", VOTERS, PASSWORD, "Đo chi phí phiếu kín"
            )
            report = {}
            for label, secret in (("named", False), ("secret", True)):
                vote = start(secretary, meeting_id, secret=secret, rule="majority_of_cast")
                report[label] = statistics.median(cast_all(voters, vote["id"])) * 1000
                secretary.ok("POST", f"/api/votes/{vote['id']}/close")
        finally:
            server.stop()
    print(f"secret_ballot_cost ({VOTERS} voters, one ballot each over HTTP, SQLite)")
    for label, median in report.items():
        print(f"  {label:<7} ballot round trip, median: {median:6.1f} ms")
    print(f"  ratio secret/named: {report['secret'] / report['named']:.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
