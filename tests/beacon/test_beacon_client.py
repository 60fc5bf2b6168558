"""HTTP client against a real loopback drand-API server (no mocks, no internet)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from publisher.beacon import (
    QUICKNET,
    BeaconError,
    BeaconSource,
    HttpBeaconClient,
    beacon_from_json,
    beacon_to_json,
)

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "drand-quicknet.json").read_text())
V = VECTORS["quicknet_beacons"][0]
ROUND = V["round"]
GOOD = {"round": ROUND, "randomness": V["randomness"], "signature": V["signature"]}


class _Relay:
    """A tiny drand relay: path -> (status, body bytes)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes]] = {}
        self.hits: list[str] = []
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                relay.hits.append(self.path)
                status, body = relay.routes.get(self.path, (404, b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.server.handle_error = lambda *a: None  # type: ignore[method-assign]  # client hung up
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def serve(self, round: int, payload: object, status: int = 200) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.routes[f"/{QUICKNET.chain_hash}/public/{round}"] = (status, body)


@pytest.fixture
def relays() -> Iterator[tuple[_Relay, _Relay]]:
    a, b = _Relay(), _Relay()
    for r in (a, b):
        r.thread.start()
    yield a, b
    for r in (a, b):
        r.server.shutdown()
        r.server.server_close()


def test_valid_beacon_accepted(relays: tuple[_Relay, _Relay]) -> None:
    a, _ = relays
    a.serve(ROUND, GOOD | {"previous_signature": ""})
    client = HttpBeaconClient([a.url + "/"], QUICKNET, timeout=5)
    assert isinstance(client, BeaconSource)
    beacon = client.get(ROUND)
    assert beacon_to_json(beacon) == GOOD
    assert a.hits == [f"/{QUICKNET.chain_hash}/public/{ROUND}"]


def test_tampered_signature_rejected(relays: tuple[_Relay, _Relay]) -> None:
    a, _ = relays
    other = VECTORS["quicknet_beacons"][1]
    a.serve(ROUND, {"round": ROUND, "randomness": other["randomness"],
                    "signature": other["signature"]})
    with pytest.raises(BeaconError, match="BLS signature does not verify") as exc:
        HttpBeaconClient([a.url], QUICKNET, timeout=5).get(ROUND)
    assert a.url in str(exc.value) and f"round {ROUND}" in str(exc.value)


def test_tampered_randomness_rejected(relays: tuple[_Relay, _Relay]) -> None:
    a, _ = relays
    a.serve(ROUND, GOOD | {"randomness": "00" * 32})
    with pytest.raises(BeaconError, match=r"randomness is not SHA-256\(signature\)"):
        HttpBeaconClient([a.url], QUICKNET, timeout=5).get(ROUND)


def test_wrong_round_in_response_rejected(relays: tuple[_Relay, _Relay]) -> None:
    a, _ = relays
    a.serve(ROUND + 1, GOOD)
    with pytest.raises(BeaconError, match=f"returned round {ROUND}, asked for {ROUND + 1}"):
        HttpBeaconClient([a.url], QUICKNET, timeout=5).get(ROUND + 1)


def test_falls_back_to_next_relay(relays: tuple[_Relay, _Relay]) -> None:
    a, b = relays
    a.serve(ROUND, b"<html>oops</html>")
    b.serve(ROUND, GOOD)
    beacon = HttpBeaconClient([a.url, b.url], QUICKNET, timeout=5).get(ROUND)
    assert beacon == beacon_from_json(GOOD)
    assert len(a.hits) == 1 and len(b.hits) == 1


def test_all_relays_failing_lists_each_reason(relays: tuple[_Relay, _Relay]) -> None:
    a, b = relays
    a.serve(ROUND, b"not json")
    # b has no route -> 404
    with pytest.raises(BeaconError) as exc:
        HttpBeaconClient([a.url, b.url], QUICKNET, timeout=5).get(ROUND)
    msg = str(exc.value)
    assert "response is not JSON" in msg
    assert "HTTP 404" in msg and "not produced yet" in msg


def test_oversized_response_rejected(relays: tuple[_Relay, _Relay]) -> None:
    a, _ = relays
    a.serve(ROUND, b"[" + b" " * 70_000 + b"]")
    with pytest.raises(BeaconError, match="larger than"):
        HttpBeaconClient([a.url], QUICKNET, timeout=5).get(ROUND)


def test_unreachable_relay_is_a_beacon_error(relays: tuple[_Relay, _Relay]) -> None:
    a, _ = relays
    url = a.url
    a.server.shutdown()
    a.server.server_close()
    with pytest.raises(BeaconError, match="cannot reach relay"):
        HttpBeaconClient([url], QUICKNET, timeout=2).get(ROUND)


def test_fetch_info_checks_pinned_chain(relays: tuple[_Relay, _Relay]) -> None:
    a, _ = relays
    info = {"public_key": QUICKNET.public_key.hex(), "period": 3,
            "genesis_time": QUICKNET.genesis_time, "hash": QUICKNET.chain_hash,
            "groupHash": QUICKNET.group_hash, "schemeID": QUICKNET.scheme,
            "metadata": {"beaconID": "quicknet"}}
    path = f"/{QUICKNET.chain_hash}/info"
    a.routes[path] = (200, json.dumps(info).encode())
    client = HttpBeaconClient([a.url], QUICKNET, timeout=5)
    assert client.fetch_info() == info
    a.routes[path] = (200, json.dumps(info | {"genesis_time": 1}).encode())
    with pytest.raises(BeaconError, match="'genesis_time' differs"):
        client.fetch_info()


def test_constructor_refuses_bad_urls() -> None:
    with pytest.raises(ValueError):
        HttpBeaconClient(["file:///etc/passwd"], QUICKNET)
    with pytest.raises(TypeError):
        HttpBeaconClient("http://127.0.0.1", QUICKNET)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        HttpBeaconClient([], QUICKNET)
