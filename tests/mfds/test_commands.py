"""The product-style commands against a real mfds32: mdump, mfds -x/-g, fakees server, bad input."""

from __future__ import annotations

import socket
import subprocess
import sys

from fakees.mfds.mdump import SERVER_DOWN
from fakees.mfds.repository import Repository
from tests.mfds.harness import client, run, start_mfds


def fakees(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fakees.cli", *argv], env=env,
                          capture_output=True, text=True, timeout=60)


def test_mdump_lists_servers_and_dumps_one(es_env, reaper):
    start_mfds(es_env, reaper)
    assert fakees(es_env, "server", "add", "ESSRV01", "--listener", "tcp:10.0.0.1:9003",
                  "--description", "HA region").returncode == 0
    listing = run(es_env, "mdump", "localhost")
    assert listing.returncode == 0
    assert listing.stdout == "Server ESDEMO\nServer ESSRV01\n"
    dump = run(es_env, "mdump", "localhost", "ESSRV01")
    assert dump.returncode == 0
    assert "CN: ESSRV01\nobjectClass: mfServer\n" in dump.stdout
    assert "mfServerStatus: Stopped\n" in dump.stdout
    assert ("CN: Web Services and J2EE,CN=Communications Process 1,CN=ESSRV01\n"
            "objectClass: mfListener\nmfListenerName: Web Services and J2EE\n"
            "mfListenerStatus: Stopped\nmfRequestedEndpoint: tcp:10.0.0.1:9003\n") in dump.stdout
    unknown = run(es_env, "mdump", "localhost", "NOPE")
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert f"no server named 'NOPE' in MFDS at localhost:{es_env['CCITCP2_PORT']}" in unknown.stderr


def test_mdump_says_server_down_when_nothing_answers(es_env):
    down = run(es_env, "mdump", "localhost", "ESSRV01")
    assert down.returncode != 0
    assert down.stdout == SERVER_DOWN + "\n" == "m_ldap_bind: 0x51 SERVER_DOWN\n"
    unresolvable = run(es_env, "mdump", "no-such-host.invalid")
    assert unresolvable.returncode != 0 and unresolvable.stdout == SERVER_DOWN + "\n"


def test_fakees_server_administration(es_env, reaper):
    start_mfds(es_env, reaper)
    add = fakees(es_env, "server", "add", "ESSRV02", "--listener", "10.0.0.2:9003", "--seps", "4",
                 "--env", "APPFILE02=/u02/APPFILE02")
    assert (add.returncode, add.stdout) == (0, "server ESSRV02 added\n"), add.stderr
    assert fakees(es_env, "server", "set", "ESSRV02", "--seps", "3",
                  "--fault", "casstop_hangs=true").returncode == 0
    server = client(es_env).get_server("ESSRV02")
    assert (server["seps"], server["env"], server["faults"]) == (
        3, {"APPFILE02": "/u02/APPFILE02"}, {"casstop_hangs": True})
    listener = fakees(es_env, "server", "set", "ESSRV02",
                      "--fault", 'listener={"delay": 0.2, "fail_next": 3}')
    assert listener.returncode == 0, listener.stderr
    assert client(es_env).get_server("ESSRV02")["faults"] == {
        "casstop_hangs": True, "listener": {"delay": 0.2, "fail_next": 3}}
    typo = fakees(es_env, "server", "set", "ESSRV02", "--fault", 'listener={"dleay": 0.2}')
    assert (typo.returncode, typo.stdout) == (1, "")
    assert typo.stderr.startswith("fakees server: ") and "Traceback" not in typo.stderr
    assert "fault listener: unknown setting 'dleay' (expected delay, drop" in typo.stderr
    listing = fakees(es_env, "server", "list").stdout.splitlines()
    assert listing[0].split()[:3] == ["NAME", "STATUS", "SEPS"]
    assert listing[2].split()[:5] == ["ESSRV02", "Stopped", "3", "tcp:10.0.0.2:9003", "Stopped"]
    assert fakees(es_env, "server", "delete", "ESSRV02").returncode == 0
    assert [s["name"] for s in client(es_env).list_servers()] == ["ESDEMO"]


def test_bad_input_gets_precise_messages_and_changes_nothing(es_env, reaper):
    start_mfds(es_env, reaper)
    before = Repository(es_env["COBDIR"] + "/etc/mfds").path.read_bytes()
    cases = [
        (["server", "add", "ESDEMO"], "fakees server: server ESDEMO already exists"),
        (["server", "delete", "NOPE"], "fakees server: unknown server 'NOPE'"),
        (["server", "set", "NOPE", "--seps", "3"], "fakees server: unknown server 'NOPE'"),
        (["server", "add", "ESSRV01", "--listener", "tcp:10.0.0.1:99999"],
         "fakees server: malformed endpoint 'tcp:10.0.0.1:99999': port '99999' must be * or "
         "1-65535"),
        (["server", "set", "ESDEMO", "--listener", "10.0.0.1"],
         "fakees server: malformed endpoint '10.0.0.1': expected tcp:ADDRESS:PORT"),
        (["server", "add", "9LIVES"], "fakees server: invalid server name '9LIVES'"),
    ]
    for argv, message in cases:
        proc = fakees(es_env, *argv)
        assert proc.returncode == 1, argv
        assert proc.stderr.startswith(message), (argv, proc.stderr)
    wrong = run(es_env, "mfds", "-s", "2", "SYSAD", "SYSAD2")
    assert wrong.returncode == 1 and "invalid user name or password" in wrong.stderr
    assert Repository(es_env["COBDIR"] + "/etc/mfds").path.read_bytes() == before
    assert client(es_env).info()["servers"] == 1


def test_tampered_repository_refuses_to_start(es_env, reaper):
    start_mfds(es_env, reaper)
    assert run(es_env, "mfds", "-s", "2", "SYSAD", "SYSAD").returncode == 0
    repository = Repository(es_env["COBDIR"] + "/etc/mfds")
    raw = repository.path.read_text()
    repository.path.write_text(raw.replace("Default Enterprise Server", "Defaced"))
    refused = run(es_env, "mfds")
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"mfds: {repository.path}: checksum mismatch")
    assert "Defaced" in repository.path.read_text()  # refused, not "repaired"
    repository.path.write_text(raw[:100])
    refused = run(es_env, "mfds")
    assert refused.returncode == 1 and "truncated or was edited" in refused.stderr
    assert run(es_env, "mdump", "localhost").stdout == SERVER_DOWN + "\n"


def test_port_in_use_is_reported(es_env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", int(es_env["CCITCP2_PORT"])))
        taken.listen()
        refused = run(es_env, "mfds")
    assert refused.returncode == 1
    assert f"cannot listen on 127.0.0.1:{es_env['CCITCP2_PORT']}" in refused.stderr


def test_export_import_round_trip(es_env, reaper, tmp_path):
    start_mfds(es_env, reaper)
    c = client(es_env)
    c.add_server("ESSRV01", description="Counter <&> service", seps=3,
                 listener_endpoint="tcp:10.0.0.1:9003", env={"APPFILE01": "/u01/APPFILE01"},
                 faults={"orphans_linger": True, "stop_delay": 1.5})
    c.set_server("ESSRV01", services=[{"name": "srv01", "program": "CBLAPP01"}])
    original = c.get_server("ESSRV01")
    out = tmp_path / "export"
    out.mkdir()
    exported = run(es_env, "mfds", "-x", "5", str(out), "ESSRV01")
    assert exported.returncode == 0, exported.stderr
    assert sorted(p.name for p in out.iterdir()) == ["ESSRV01.xml"]
    duplicate = run(es_env, "mfds", "/g", "5", str(out / "ESSRV01.xml"))
    assert duplicate.returncode == 1 and "server ESSRV01 already exists" in duplicate.stderr
    c.delete_server("ESSRV01")
    imported = run(es_env, "mfds", "/g", "5", str(out / "ESSRV01.xml"))
    assert imported.returncode == 0, imported.stderr
    assert c.get_server("ESSRV01") == original
    # offline: import straight into the repository while no mfds32 runs
    assert run(es_env, "mfds", "-s", "2", "SYSAD", "SYSAD").returncode == 0
    assert run(es_env, "mfds", "/x", "5", str(out)).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["ESDEMO.xml", "ESSRV01.xml"]
    broken = tmp_path / "broken.xml"
    broken.write_text("<mfdsExport version='1'><server name='X'>")
    bad = run(es_env, "mfds", "-g", "5", str(broken))
    assert bad.returncode == 1 and "not well-formed XML" in bad.stderr
    assert run(es_env, "mfds", "-x", "5", str(out), "NOPE").stderr.startswith(
        "mfds: unknown server 'NOPE'")
    renamed = tmp_path / "ESSRV03.xml"
    renamed.write_text((out / "ESSRV01.xml").read_text().replace('"ESSRV01"', '"ESSRV03"'))
    offline = run(es_env, "mfds", "-g", "5", str(renamed))
    assert (offline.returncode, offline.stdout) == (0, "mfds: imported ESSRV03\n"), offline.stderr
    start_mfds(es_env, reaper)
    assert {**c.get_server("ESSRV03"), "name": "ESSRV01"} == original


def test_export_to_an_unwritable_place_is_refused(es_env, tmp_path):
    missing = run(es_env, "mfds", "-x", "5", str(tmp_path / "nowhere"))
    assert (missing.returncode, missing.stderr) == (
        1, f"mfds: export directory {tmp_path / 'nowhere'} does not exist\n")
    (tmp_path / "ESDEMO.xml").mkdir()  # a directory where the file should go
    blocked = run(es_env, "mfds", "-x", "5", str(tmp_path), "ESDEMO")
    assert blocked.returncode == 1
    assert blocked.stderr == f"mfds: cannot write {tmp_path / 'ESDEMO.xml'}: Is a directory\n"
    wrong_level = run(es_env, "mfds", "-x", "4", str(tmp_path))
    assert wrong_level.returncode == 1 and "-x expects level 5 (got 4)" in wrong_level.stderr
