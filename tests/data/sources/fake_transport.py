"""An in-process transport for the download clients' tests (no network)."""

from __future__ import annotations


class FakeTransport:
    """``(url) -> bytes`` from a dict; an exception value is raised. Records every URL."""

    def __init__(self, answers: dict[str, bytes | BaseException]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        if url not in self.answers:
            raise AssertionError(f"unexpected request {url}")
        answer = self.answers[url]
        if isinstance(answer, BaseException):
            raise answer
        return answer
