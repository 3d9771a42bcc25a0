#!/usr/bin/env python3
"""The handshake-layer scenarios: go-plugin's client (`goplugin.py`, as Terraform starts a plugin)
against the demo plugin, for the Rust tests (`tests/goplugin.rs`).

Usage: goplugin_client.py SCENARIO PLUGIN_PATH   (exit 0 = scenario passed)
"""
import datetime
import json
import os
import signal
import ssl
import stat
import subprocess
import sys
import threading
import time

import grpc
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from grpc_health.v1 import health_pb2, health_pb2_grpc

from goplugin import (ClientCert, Fail, Plugin, call_shutdown, drain, empty, grpc_channel,
                      health, parse_line, tls_connect)


def check(cond, what):
    if not cond:
        raise Fail(what)
    print(f"ok: {what}")


H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"  # + empty SETTINGS


def h2_probe(info, client_cert, tls_max=None):
    """True if a TLS connection is accepted and the server answers the HTTP/2 preface.
    With TLS 1.3 the server judges the client cert after the client's handshake is done, so a
    refusal shows as an alert or EOF on the first read, not in wrap_socket."""
    try:
        tls = tls_connect(info, client_cert, tls_max)
    except (ssl.SSLError, OSError) as e:
        print(f"   handshake refused: {e.__class__.__name__}: {e}")
        return False
    try:
        tls.settimeout(5)
        tls.sendall(H2_PREFACE)
        data = tls.recv(9)
        if len(data) >= 4 and data[3] == 0x04:  # a SETTINGS frame
            return True
        print(f"   no HTTP/2 answer: {data!r}")
        return False
    except (ssl.SSLError, OSError) as e:
        print(f"   refused after handshake: {e.__class__.__name__}: {e}")
        return False
    finally:
        tls.close()


# --- Scenarios --------------------------------------------------------------------------------

def check_handshake(info, tls):
    check(info["core"] == "1" and info["proto"] == "6", "line starts 1|6")
    check(info["protocol"] == "grpc", "protocol grpc")
    check(len(info["parts"]) == 6, "exactly 6 fields (no multiplex field)")
    if tls:
        check("=" not in info["cert_b64"], "cert is unpadded base64")
        cert = x509.load_der_x509_certificate(info["cert"])
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        check("localhost" in sans.get_values_for_type(x509.DNSName), "server cert SAN localhost")
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        check(ExtendedKeyUsageOID.SERVER_AUTH in eku, "server cert EKU serverAuth")
        now = datetime.datetime.now(datetime.timezone.utc)
        check(cert.not_valid_before_utc <= now < cert.not_valid_after_utc, "server cert valid now")
    else:
        check(info["parts"][5] == "" and info["cert"] is None, "no cert without AutoMTLS")
    if info["network"] == "unix":
        check(stat.S_ISSOCK(os.stat(info["addr"]).st_mode), "unix socket exists")
        check(os.path.basename(info["addr"]).startswith("plugin"), "socket named plugin*")


def shutdown_and_wait(plugin, channel, bridge, info):
    """client.go Kill: Shutdown (we insist it succeeds), close, wait up to 2 s for exit."""
    t0 = time.monotonic()
    call_shutdown(channel)
    print("ok: Shutdown RPC returned")
    channel.close()
    if bridge:
        bridge.close()
    try:
        code = plugin.proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        raise Fail("plugin still running 2 s after Shutdown (Terraform would kill it)")
    check(code == 0, f"exit status 0 after Shutdown (took {time.monotonic() - t0:.2f}s)")
    if info["network"] == "unix":
        check(not os.path.exists(info["addr"]), "socket file removed")


def scenario_happy(path, network="unix", tls_max=None):
    cc = ClientCert()
    env = {"TF_GOPLUGIN_DEMO_TCP": "1"} if network == "tcp" else {}
    p = Plugin(path, client_cert=cc, extra_env=env)
    try:
        info = parse_line(p.next_line())
        check(info["network"] == network, f"network {network}")
        if network == "tcp":
            host, port = info["addr"].rsplit(":", 1)
            check(host == "127.0.0.1" and 10000 <= int(port) <= 25000, "TCP port in PLUGIN_MIN/MAX_PORT")
        check_handshake(info, tls=True)
        ch, bridge = grpc_channel(info, cc, tls_max)
        grpc.channel_ready_future(ch).result(timeout=10)
        check(health(ch) == health_pb2.HealthCheckResponse.SERVING, "health(plugin) SERVING over mTLS")
        # go-plugin's client opens StreamStdio at start and keeps it open.
        stdio = ch.unary_stream("/plugin.GRPCStdio/StreamStdio", request_serializer=empty,
                                response_deserializer=lambda b: b)(None)
        stdio_done = threading.Event()
        threading.Thread(target=lambda: ([*drain(stdio)], stdio_done.set()), daemon=True).start()
        broker = ch.stream_stream("/plugin.GRPCBroker/StartStream", request_serializer=empty,
                                  response_deserializer=lambda b: b)
        try:
            list(broker(iter([]), timeout=5))
            raise Fail("broker stream did not fail")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.UNIMPLEMENTED, "GRPCBroker/StartStream UNIMPLEMENTED")
        try:
            ch.unary_unary("/tfplugin6.Provider/GetProviderSchema", request_serializer=empty,
                           response_deserializer=lambda b: b)(None, timeout=5)
            raise Fail("unknown service answered")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.UNIMPLEMENTED, "unregistered service UNIMPLEMENTED")
        time.sleep(0.2)
        check(not stdio_done.is_set(), "StreamStdio stays open while serving")
        shutdown_and_wait(p, ch, bridge, info)
        check(stdio_done.wait(2), "StreamStdio ended at shutdown")
        check(p.lines.get(timeout=2) is None, "nothing on stdout after the handshake line")
        check("TLS handshake failed" not in p.stderr_text(), "no TLS failures logged")
    finally:
        p.kill()


def scenario_tls12(path):
    scenario_happy(path, tls_max=ssl.TLSVersion.TLSv1_2)


def scenario_tcp(path):
    scenario_happy(path, network="tcp")


def scenario_plaintext(path):
    p = Plugin(path, client_cert=None)
    try:
        info = parse_line(p.next_line())
        check_handshake(info, tls=False)
        ch, bridge = grpc_channel(info, None)
        check(health(ch) == health_pb2.HealthCheckResponse.SERVING, "health SERVING over plaintext")
        shutdown_and_wait(p, ch, bridge, info)
    finally:
        p.kill()


def expect_refusal(path, versions, cookie, words):
    p = Plugin(path, client_cert=ClientCert(), versions=versions, cookie=cookie)
    try:
        try:
            code = p.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise Fail("plugin did not exit")
        check(code == 1, "exit status 1")
        check(p.lines.get(timeout=2) is None, "nothing on stdout")
        err = p.stderr_text(wait_eof=True)
        print("   stderr: " + err.replace("\n", "\n   "))
        for w in words:
            check(w in err, f"stderr mentions {w!r}")
    finally:
        p.kill()


def scenario_no_cookie(path):
    expect_refusal(path, "6,5", False, ["provider plugin", "terraform", "dev_overrides", "--debug"])


def scenario_proto5(path):
    expect_refusal(path, "5", True, ["protocol 6", '"5"'])


def scenario_bad_clients(path):
    cc = ClientCert()
    p = Plugin(path, client_cert=cc)
    try:
        info = parse_line(p.next_line())
        check(h2_probe(info, cc), "the right client cert is accepted (TLS 1.3)")
        stranger = ClientCert()  # same recipe, different key: another Terraform's cert
        check(not h2_probe(info, stranger), "a different P-521 CA cert is refused (TLS 1.3)")
        check(not h2_probe(info, stranger, ssl.TLSVersion.TLSv1_2), "a different cert is refused (TLS 1.2)")
        check(not h2_probe(info, None), "no client cert is refused (TLS 1.3)")
        check(not h2_probe(info, None, ssl.TLSVersion.TLSv1_2), "no client cert is refused (TLS 1.2)")
        check(p.proc.poll() is None, "plugin still running after refused handshakes")
        ch, bridge = grpc_channel(info, cc)
        check(health(ch) == health_pb2.HealthCheckResponse.SERVING, "correct client still served")
        time.sleep(0.2)
        check(p.stderr_text().count("TLS handshake failed") >= 4, "refusals logged on stderr")
        shutdown_and_wait(p, ch, bridge, info)
    finally:
        p.kill()


def scenario_sigint(path):
    cc = ClientCert()
    # Own process group, so Ctrl-C can be imitated by signalling the whole group.
    p = Plugin(path, client_cert=cc, new_session=True)
    try:
        info = parse_line(p.next_line())
        ch, bridge = grpc_channel(info, cc)
        check(health(ch) == health_pb2.HealthCheckResponse.SERVING, "serving before SIGINT")
        for _ in range(3):
            os.killpg(p.proc.pid, signal.SIGINT)
            time.sleep(0.1)
        time.sleep(0.5)
        check(p.proc.poll() is None, "still running after 3 SIGINTs to its process group")
        check(health(ch) == health_pb2.HealthCheckResponse.SERVING, "existing connection still served")
        ch2, bridge2 = grpc_channel(info, cc)
        check(health(ch2) == health_pb2.HealthCheckResponse.SERVING, "new connection still served")
        ch2.close()
        bridge2.close()
        shutdown_and_wait(p, ch, bridge, info)
    finally:
        p.kill()


def scenario_shutdown_held_open(path):
    """A client that calls Shutdown but keeps its connection and long streams (StreamStdio,
    health Watch) open: the plugin must still exit by itself before go-plugin's 2 s kill."""
    cc = ClientCert()
    p = Plugin(path, client_cert=cc)
    try:
        info = parse_line(p.next_line())
        ch, bridge = grpc_channel(info, cc)
        check(health(ch) == health_pb2.HealthCheckResponse.SERVING, "serving")
        stdio = ch.unary_stream("/plugin.GRPCStdio/StreamStdio", request_serializer=empty,
                                response_deserializer=lambda b: b)(None)
        watch = health_pb2_grpc.HealthStub(ch).Watch(health_pb2.HealthCheckRequest(service="plugin"))
        check(next(watch).status == health_pb2.HealthCheckResponse.SERVING, "health Watch stream open")
        threading.Thread(target=lambda: [*drain(stdio), *drain(watch)], daemon=True).start()
        t0 = time.monotonic()
        call_shutdown(ch)
        try:
            code = p.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            raise Fail("plugin still running 2 s after Shutdown with streams held open")
        check(code == 0, f"exit 0 within 2 s with streams held open ({time.monotonic() - t0:.2f}s)")
        check(not os.path.exists(info["addr"]), "socket file removed")
        ch.close()
        bridge.close()
    finally:
        p.kill()


def scenario_sigterm(path):
    p = Plugin(path, client_cert=ClientCert())
    try:
        info = parse_line(p.next_line())
        os.kill(p.proc.pid, signal.SIGTERM)
        check(p.proc.wait(timeout=3) == 0, "SIGTERM: clean exit 0")
        check(not os.path.exists(info["addr"]), "SIGTERM: socket file removed")
    finally:
        p.kill()


def scenario_debug(path):
    p = Plugin(path, client_cert=None, cookie=False, versions=None, argv_extra=["--debug"])
    try:
        line = ""
        while "TF_REATTACH_PROVIDERS=" not in line:
            line = p.next_line()
        value = line.strip().split("=", 1)[1]
        check(value.startswith("'") and value.endswith("'"), "value single-quoted for a shell")
        reattach = json.loads(value[1:-1])
        (addr, cfg), = reattach.items()
        check(addr == "registry.terraform.io/example/goplugin-demo", "provider address key")
        check(cfg["Protocol"] == "grpc" and cfg["ProtocolVersion"] == 6 and cfg["Test"] is True, "grpc/6/Test")
        check(cfg["Pid"] == p.proc.pid, "Pid is the plugin's")
        check(cfg["Addr"]["Network"] == "unix", "unix network")
        info = {"network": "unix", "addr": cfg["Addr"]["String"], "cert": None}
        ch, _ = grpc_channel(info, None)
        check(health(ch) == health_pb2.HealthCheckResponse.SERVING, "plaintext health SERVING in debug mode")
        ch.close()
        os.kill(p.proc.pid, signal.SIGINT)
        check(p.proc.wait(timeout=3) == 0, "Ctrl-C stops debug mode with status 0")
        check(not os.path.exists(info["addr"]), "socket file removed")
    finally:
        p.kill()


SCENARIOS = {name[len("scenario_"):].replace("_", "-"): fn
             for name, fn in globals().items() if name.startswith("scenario_")}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SCENARIOS:
        print(f"usage: {sys.argv[0]} {{{','.join(SCENARIOS)}}} PLUGIN_PATH", file=sys.stderr)
        return 2
    try:
        SCENARIOS[sys.argv[1]](sys.argv[2])
    except Fail as e:
        print(f"FAIL: {e}")
        return 1
    print(f"PASS: {sys.argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
