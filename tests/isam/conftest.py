"""Fixtures shared by the crash and power-loss campaigns."""

from __future__ import annotations

import pytest

from fakees.isam.journal import Journal


@pytest.fixture
def outcomes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each recovery in this process did: "completed", "rolled back" or "" (no hot
    journal), so a campaign can show that it exercised both outcomes."""
    seen: list[str] = []
    real = Journal.recover
    monkeypatch.setattr(Journal, "recover",
                        lambda self, *args: seen.append(real(self, *args)) or seen[-1])
    return seen
