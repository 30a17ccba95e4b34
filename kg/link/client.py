"""Asking a Wikidata SPARQL endpoint, with Wikimedia's manners, through SPARQLWrapper.

The Wikidata Query Service asks clients for a descriptive User-Agent, few and batched requests,
and backing off on 429 (too many requests) and 503 (busy) for as long as Retry-After says
(https://www.mediawiki.org/wiki/Wikidata_Query_Service/User_Manual#Query_limits); clients that
do not are banned. A query that still fails after the allowed tries raises EndpointUnavailable,
which linking reports and goes on from.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import time
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import SPARQLWrapper
from SPARQLWrapper import JSON, POST
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from kg import __version__
from kg.errors import KgError

USER_AGENT = (f"caucasus-kg/{__version__} (https://w3id.org/caucasus-kg; linking a knowledge "
              f"graph of the South Caucasus to Wikidata) SPARQLWrapper/{SPARQLWrapper.__version__}")
RETRIED_STATUS = frozenset({429, 503})
MAX_WAIT = 300.0  # seconds: a longer Retry-After is obeyed by giving up, not by hanging

Binding = dict[str, dict[str, str]]  # one SPARQL JSON result row: variable -> {type, value...}


class EndpointUnavailable(KgError):
    """The endpoint gave no answer after the allowed tries (throttled, busy, timed out, down)."""


class EndpointError(KgError):
    """The endpoint refused the query for a reason retrying cannot fix."""


@dataclass
class WikidataClient:
    """A SPARQL endpoint asked politely; `sleep` is the clock, shortened in tests."""

    endpoint: str
    timeout: float = 60.0
    tries: int = 4
    first_wait: float = 5.0  # seconds before the second try when the server names no wait
    sleep: Callable[[float], None] = time.sleep

    def select(self, sparql: str) -> list[Binding]:
        """The bindings of a SELECT query; raises EndpointUnavailable or EndpointError."""
        wrapper = SPARQLWrapper.SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        wrapper.setMethod(POST)  # VALUES blocks make long queries
        wrapper.setReturnFormat(JSON)
        wrapper.setQuery(sparql)
        wrapper.timeout = self.timeout  # setTimeout() would round it down to whole seconds
        problem = ""
        for attempt in range(1, self.tries + 1):
            wait = self.first_wait * 2 ** (attempt - 1)
            try:
                answer: Any = wrapper.queryAndConvert()
            except urllib.error.HTTPError as error:
                if error.code not in RETRIED_STATUS:
                    raise EndpointError(f"{self.endpoint} answered HTTP {error.code} "
                                        f"{error.reason}") from None
                problem = f"HTTP {error.code}"
                wait = retry_after(error.headers.get("Retry-After"), wait)
            except SPARQLWrapperException as error:
                raise EndpointError(f"{self.endpoint} refused the query: {error}") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError,
                    http.client.HTTPException) as error:
                problem = str(getattr(error, "reason", error)) or type(error).__name__
            else:
                if not isinstance(answer, dict) or "results" not in answer:
                    raise EndpointError(f"{self.endpoint} did not answer with SPARQL JSON "
                                        "results")
                return answer["results"]["bindings"]
            if wait > MAX_WAIT:
                problem += f", asked to wait {wait:.0f} s"
                break
            if attempt < self.tries:
                self.sleep(wait)
        raise EndpointUnavailable(f"{self.endpoint} gave no answer after {attempt} tries "
                                  f"(last: {problem})")


def retry_after(value: str | None, default: float) -> float:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return default
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
