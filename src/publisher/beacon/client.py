"""Fetching beacons: the :class:`BeaconSource` interface and a drand HTTP client.

The client never returns an unverified beacon: relays are untrusted transport, and the pinned
:class:`ChainInfo` is the only root of trust. This is the package's only IO module (urllib only).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from publisher.beacon.chain import BeaconError, ChainInfo, check_round
from publisher.beacon.verify import Beacon, beacon_from_json, check_beacon

DEFAULT_RELAYS: tuple[str, ...] = (
    "https://api.drand.sh",
    "https://api2.drand.sh",
    "https://api3.drand.sh",
    "https://drand.cloudflare.com",
)
"""Public League of Entropy HTTP relays (drand HTTP API v1)."""

MAX_RESPONSE_BYTES = 64 * 1024


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s) URLs (urllib would also follow ftp)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, "redirect to a non-http URL", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


@runtime_checkable
class BeaconSource(Protocol):
    """Anything that yields a *verified* beacon for a round of its ``chain``."""

    chain: ChainInfo

    def get(self, round: int) -> Beacon: ...


class HttpBeaconClient:
    """drand HTTP API client: ``GET {base}/{chain_hash}/public/{round}``, verified, with fallback.

    Relays are tried in order; the first response that parses *and* verifies wins. If none does,
    :class:`BeaconError` lists what went wrong at each relay.
    """

    def __init__(
        self,
        base_urls: Sequence[str],
        chain: ChainInfo,
        *,
        timeout: float = 10.0,
        user_agent: str = "ssgk-publisher-beacon/1",
    ) -> None:
        if isinstance(base_urls, str):
            raise TypeError("base_urls must be a sequence of URLs, not a single string")
        if not base_urls:
            raise ValueError("at least one base URL is required")
        for url in base_urls:
            if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"beacon relay URL must be http(s): {url!r}")
        self.base_urls = tuple(u.rstrip("/") for u in base_urls)
        self.chain = chain
        self.timeout = timeout
        self.user_agent = user_agent

    @property
    def chain_hash(self) -> str:
        return self.chain.chain_hash

    def url_for(self, base_url: str, round: int) -> str:
        return f"{base_url}/{self.chain.chain_hash}/public/{round}"

    def get(self, round: int) -> Beacon:
        """Fetch and verify ``round``; raise :class:`BeaconError` if no relay gives a valid one."""
        check_round(round)
        errors: list[str] = []
        for base in self.base_urls:
            url = self.url_for(base, round)
            try:
                beacon = beacon_from_json(self._get_json(url))
                if beacon.round != round:
                    raise BeaconError(f"relay returned round {beacon.round}, asked for {round}")
                check_beacon(self.chain, beacon)
            except BeaconError as exc:
                errors.append(f"{url}: {exc}")
                continue
            return beacon
        raise BeaconError(
            f"no valid beacon for round {round} of chain {self.chain.short_hash}: "
            + "; ".join(errors)
        )

    def fetch_info(self, base_url: str | None = None) -> dict[str, Any]:
        """Fetch ``/{chain_hash}/info`` and refuse it unless it matches the pinned chain."""
        base = (base_url or self.base_urls[0]).rstrip("/")
        url = f"{base}/{self.chain.chain_hash}/info"
        info = self._get_json(url)
        if not isinstance(info, dict):
            raise BeaconError(f"{url}: chain info is not a JSON object")
        expected = {
            "public_key": self.chain.public_key.hex(),
            "period": self.chain.period,
            "genesis_time": self.chain.genesis_time,
            "hash": self.chain.chain_hash,
        }
        for key, want in expected.items():
            if info.get(key) != want:
                raise BeaconError(f"{url}: relay chain info {key!r} differs from the pinned chain")
        return info

    def _get_json(self, url: str) -> Any:
        req = urllib.request.Request(
            url, headers={"Accept": "application/json", "User-Agent": self.user_agent}
        )
        try:
            with _OPENER.open(req, timeout=self.timeout) as resp:
                body = resp.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            hint = " (round not produced yet?)" if exc.code in (404, 425) else ""
            raise BeaconError(f"HTTP {exc.code} {exc.reason}{hint}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise BeaconError(f"cannot reach relay: {reason}") from exc
        if len(body) > MAX_RESPONSE_BYTES:
            raise BeaconError(f"response larger than {MAX_RESPONSE_BYTES} bytes")
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BeaconError(f"response is not JSON: {exc}") from exc
