"""`make bench`: run every benchmark and print its report."""

from benchmarks import page_turn_under_flood, page_turn_under_ingest, secret_ballot_cost

if __name__ == "__main__":
    page_turn_under_ingest.main()
    page_turn_under_flood.main()
    secret_ballot_cost.main()
