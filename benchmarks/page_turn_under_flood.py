"""Can one participant stall the hall?

One member floods the server the ways issue 9 found: annotation puts as fast
as the socket takes them, oversized strokes, live-stroke relays, page images
at every width, and bogus logins. Meanwhile the secretary turns pages and a
tablet waits for each `page:turned`. The round trip is measured first on a
quiet server (the baseline), then under the flood: medians, maxima and their
ratios, since these machines are shared and noisy.

`run(small=True)` is the short version; `make bench` runs the full one.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support import ADMIN, PASSWORD, Api, ServerProcess, Socket, login, make_pdf, run_cli, unique


@dataclass
class Flood:
    """What the flooding member sent, and how the server answered."""

    sent: int = 0
    answers: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, what: str) -> None:
        with self.lock:
            self.answers[what] = self.answers.get(what, 0) + 1


def _note(document_id: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "document_id": document_id,
        "page": 1,
        "kind": "note",
        "visibility": "shared",
        "data": {"x": random.random(), "y": random.random(), "text": "Ý kiến " * 20},
    }


def _stroke(document_id: int, points: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "document_id": document_id,
        "page": 2,
        "kind": "ink",
        "visibility": "shared",
        "data": {
            "points": [[random.random(), random.random(), 0.5] for _ in range(points)],
            "color": "#D32F2F",
            "width": 0.004,
        },
    }


def _answer(flood: Flood, in_flight: threading.Semaphore):
    def callback(ack=None, *_):
        code = "ok" if isinstance(ack, dict) and ack.get("ok") else (ack or {}).get("error", {}).get("code", "?")
        flood.count(code)
        in_flight.release()

    return callback


def flood_sockets(sock: Socket, meeting_id: int, document_id: int, stop: threading.Event, flood: Flood) -> None:
    """Annotation puts and relays as fast as 64 in flight allow; every 50th a
    stroke past the points limit (yet under the socket's message cap, which
    would only close the flooder's own socket)."""
    in_flight = threading.Semaphore(64)
    n = 0
    while not stop.is_set():
        if not in_flight.acquire(timeout=1):
            continue
        n += 1
        if n % 50 == 0:
            event, payload = "annotation:put", {"meeting_id": meeting_id, "annotation": _stroke(document_id, 6_000)}
        elif n % 5 == 0:
            event = "annotation:drawing"
            payload = {
                "meeting_id": meeting_id,
                "id": str(uuid.uuid4()),
                "document_id": document_id,
                "page": 1,
                "start": 0,
                "points": [[0.1, 0.1, 0.5]] * 50,
                "color": "#D32F2F",
                "width": 0.004,
            }
        else:
            event, payload = "annotation:put", {"meeting_id": meeting_id, "annotation": _note(document_id)}
        try:
            sock.client.emit(event, payload, callback=_answer(flood, in_flight))
            flood.sent += 1
        except Exception:
            flood.count("socket closed")
            return


def flood_http(base_url: str, member: Api, document_id: int, stop: threading.Event, flood: Flood) -> None:
    """Bogus logins with random names and page images at random widths, 16 at a time."""

    def one(client: httpx.Client) -> None:
        while not stop.is_set():
            try:
                if random.random() < 0.5:
                    r = client.post(
                        f"{base_url}/api/auth/login", json={"username": uuid.uuid4().hex, "password": "x" * 12}
                    )
                    flood.count(f"login {r.status_code}")
                else:
                    r = client.get(
                        f"{base_url}/api/documents/{document_id}/pages/{random.randint(1, 5)}",
                        params={"width": random.randint(16, 4096)},
                        headers={"Authorization": f"Bearer {member.token}"},
                    )
                    flood.count(f"page image {r.status_code}")
            except httpx.HTTPError:
                flood.count("http error")

    with ThreadPoolExecutor(16) as pool:
        clients = [httpx.Client(timeout=120) for _ in range(16)]
        for client in clients:
            pool.submit(one, client)


def measure_turns(console: Socket, tablet: Socket, meeting_id: int, document_id: int, turns: int) -> list[float]:
    times = []
    for i in range(turns):
        start = time.perf_counter()
        ack = console.call(
            "page:turn", {"meeting_id": meeting_id, "document_id": document_id, "page": 1 + i % 5}, timeout=120
        )
        assert ack["ok"], ack
        tablet.next_event("page:turned", where=lambda d, s=ack["seq"]: d["seq"] == s, timeout=120)
        times.append(time.perf_counter() - start)
        time.sleep(0.05)
    return times


def run(small: bool = False) -> dict:
    turns = 15 if small else 60
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        run_cli("user", "add", ADMIN[0], "--role", "admin", "--full-name", "A", "--password", ADMIN[1], data_dir=data)
        server = ServerProcess(data).start()
        stop = threading.Event()
        flood = Flood()
        try:
            admin = login(server.base_url, *ADMIN)
            people = {}
            for role in ("secretary", "member"):
                name = unique(role[:3])
                admin.ok(
                    "POST",
                    "/api/users",
                    201,
                    json={"username": name, "password": PASSWORD, "full_name": name, "role": role},
                )
                people[role] = login(server.base_url, name, PASSWORD)
            secretary, member = people["secretary"], people["member"]
            meeting = secretary.ok(
                "POST",
                "/api/meetings",
                201,
                json={
                    "title": "Bench",
                    "starts_at": "2026-11-27T08:00:00+07:00",
                    "participants": [{"user_id": member.id, "voting": False}],
                },
            )
            item = secretary.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "I"})
            with open(make_pdf(Path(tmp) / "doc.pdf", pages=5), "rb") as handle:
                doc = secretary.ok(
                    "POST", f"/api/agenda/{item['id']}/documents", 201, files={"file": ("doc.pdf", handle)}
                )
            console, tablet = secretary.socket(), secretary.socket()
            flooder = member.socket()
            for sock in (console, tablet, flooder):
                sock.join(meeting["id"])
            quiet = measure_turns(console, tablet, meeting["id"], doc["id"], turns)

            threads = [
                threading.Thread(
                    target=flood_sockets, args=(flooder, meeting["id"], doc["id"], stop, flood), daemon=True
                ),
                threading.Thread(
                    target=flood_http, args=(server.base_url, member, doc["id"], stop, flood), daemon=True
                ),
            ]
            for thread in threads:
                thread.start()
            time.sleep(1.0)  # let the flood build up
            flooded = measure_turns(console, tablet, meeting["id"], doc["id"], turns)
            stop.set()
            for thread in threads:
                thread.join(60)
        finally:
            stop.set()
            server.stop()
    return {
        "turns": turns,
        "quiet_median_ms": statistics.median(quiet) * 1000,
        "quiet_max_ms": max(quiet) * 1000,
        "flood_median_ms": statistics.median(flooded) * 1000,
        "flood_max_ms": max(flooded) * 1000,
        "flood_sent": flood.sent,
        "flood_answers": dict(sorted(flood.answers.items())),
    }


def report(result: dict) -> str:
    return "\n".join(
        [
            f"page turn round trip, {result['turns']} turns each:",
            f"  median: quiet {result['quiet_median_ms']:.1f} ms, under flood {result['flood_median_ms']:.1f} ms, "
            f"ratio {result['flood_median_ms'] / result['quiet_median_ms']:.2f}",
            f"  max:    quiet {result['quiet_max_ms']:.1f} ms, under flood {result['flood_max_ms']:.1f} ms, "
            f"ratio {result['flood_max_ms'] / result['quiet_max_ms']:.2f}",
            f"  the flood: {result['flood_sent']} socket messages; answers {result['flood_answers']}",
        ]
    )


def main() -> None:
    print(report(run()))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
