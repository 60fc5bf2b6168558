"""The progress bar appears only after its delay, and never on a pipe (issue 14)."""

from __future__ import annotations

import io
import time

from rich.console import Console

from publisher.progress import progress


def test_bar_appears_after_the_delay():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    with progress("核验账本 / verifying", 10, delay=0.05, console=console) as advance:
        advance(1)
        assert out.getvalue() == ""  # a quick step prints nothing
        time.sleep(0.06)
        for _ in range(9):
            advance(1)
    assert "核验账本" in out.getvalue() and "10/10" in out.getvalue()


def test_no_bar_without_a_terminal(capsys):
    with progress("x", 3, delay=0) as advance:
        advance(3)
    assert capsys.readouterr().err == ""
