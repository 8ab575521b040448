"""Tests of MFDS: repository, API, daemon, mdump, mfds command."""
