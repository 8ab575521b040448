"""MFDS, the directory server: repository, `mfds32` daemon, JSON API, client, `mdump`, `mfds`."""
