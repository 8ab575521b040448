"""The COBDIR layout and the dispatch of product-named commands."""

from __future__ import annotations

import subprocess
import sys

from fakees.cobdir import DEFAULT_CASROOT, Cobdir, install
from fakees.commands import PRODUCT_COMMANDS


def test_install_lays_out_a_cobdir(tmp_path):
    env_file = tmp_path / "home" / "ES40SP2"
    cobdir = install(tmp_path / "es", env_file=env_file, port=8686)
    for name in PRODUCT_COMMANDS:
        exe = cobdir.bin / name
        assert exe.is_file() and exe.stat().st_mode & 0o111, name
    assert cobdir.casroot() == __import__("pathlib").Path(DEFAULT_CASROOT)
    assert (cobdir.deploy / ".mfdeploy").read_text().count("MFES_SERVER=") == 1
    out = subprocess.run(
        ["sh", "-c", f". {env_file}; echo $COBDIR; echo $CCITCP2_PORT; command -v mdump"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert out == [str(cobdir.root), "8686", str(cobdir.bin / "mdump")]


def test_reinstall_keeps_repository_and_settings(tmp_path):
    cobdir = install(tmp_path / "es", casroot="/u01/mfcobol/es")
    (cobdir.repository / "keep.me").write_text("x")
    (cobdir.deploy / ".mfdeploy").write_text("MFDS=localhost\nMFES_SERVER=ESSRV01\n")
    again = install(tmp_path / "es")
    assert (again.repository / "keep.me").read_text() == "x"
    assert "ESSRV01" in (again.deploy / ".mfdeploy").read_text()
    assert str(again.casroot()) == "/u01/mfcobol/es"


def test_cas_cfg_reads_like_the_report(tmp_path):
    cobdir = Cobdir(tmp_path)
    cobdir.write_cas_cfg(casroot="/u01/mfcobol/es")
    text = cobdir.cas_cfg.read_text()
    assert "USESYSCON=Y\nAUTHPGMS=\nCASROOT=/u01/mfcobol/es\n" in text
    assert cobdir.read_cas_cfg() == {"USESYSCON": "Y", "AUTHPGMS": "", "CASROOT": "/u01/mfcobol/es"}


def test_fakees_cli_rejects_unknown_command():
    proc = subprocess.run([sys.executable, "-m", "fakees.cli", "frobnicate"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "unknown command 'frobnicate'" in proc.stderr
