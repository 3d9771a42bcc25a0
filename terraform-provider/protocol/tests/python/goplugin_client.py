#!/usr/bin/env python3
"""A go-plugin client that starts a plugin the way Terraform does, for the Rust tests.

Written to hashicorp/go-plugin `client.go` (Start, handshake parsing, loadServerCert, Kill) and
`mtls.go` (the AutoMTLS client certificate), and to Terraform's launch (argv = path only, its env
plus the go-plugin variables). grpcio's own TLS cannot use a P-521 client key, so TLS is done
with Python's `ssl` (OpenSSL) and gRPC runs over it through a local TCP->TLS bridge.

Usage: goplugin_client.py SCENARIO PLUGIN_PATH   (exit 0 = scenario passed)
"""
import atexit
import base64
import datetime
import json
import os
import queue
import secrets
import select
import shutil
import signal
import socket
import ssl
import stat
import subprocess
import sys
import tempfile
import threading
import time

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from grpc_health.v1 import health_pb2, health_pb2_grpc

COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
TMP = tempfile.mkdtemp(prefix="goplugin-client-")  # test keys live here (0600), removed at exit
atexit.register(shutil.rmtree, TMP, ignore_errors=True)


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)
    print(f"ok: {what}")


# --- AutoMTLS client certificate, as go-plugin's generateCert makes it -----------------------

class ClientCert:
    def __init__(self):
        key = ec.generate_private_key(ec.SECP521R1())
        # Go's pkix.Name puts O before CN in the RDN sequence.
        name = x509.Name([
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "HashiCorp"),
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
        ])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(secrets.randbits(128) or 1)
            .not_valid_before(now - datetime.timedelta(seconds=30))
            .not_valid_after(now + datetime.timedelta(hours=262980))
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=True,
                data_encipherment=False, key_agreement=True, key_cert_sign=True,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA512())  # Go signs with ECDSAWithSHA512 for a P-521 key
        )
        self.pem = cert.public_bytes(serialization.Encoding.PEM).decode()
        fd, self.cert_file = tempfile.mkstemp(dir=TMP, suffix=".crt")
        os.write(fd, self.pem.encode())
        os.close(fd)
        fd, self.key_file = tempfile.mkstemp(dir=TMP, suffix=".key")
        os.write(fd, key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption()))
        os.close(fd)


# --- Launch and handshake (client.go Start) --------------------------------------------------

class Plugin:
    def __init__(self, path, client_cert=None, versions="6,5", cookie=True, extra_env=None, argv_extra=(),
                 new_session=False):
        env = dict(os.environ)
        for k in ("TF_PLUGIN_MAGIC_COOKIE", "PLUGIN_CLIENT_CERT", "PLUGIN_PROTOCOL_VERSIONS"):
            env.pop(k, None)
        if cookie:
            env["TF_PLUGIN_MAGIC_COOKIE"] = COOKIE
        env["PLUGIN_MIN_PORT"] = "10000"
        env["PLUGIN_MAX_PORT"] = "25000"
        if versions is not None:
            env["PLUGIN_PROTOCOL_VERSIONS"] = versions
        if client_cert is not None:
            env["PLUGIN_CLIENT_CERT"] = client_cert.pem
        env.update(extra_env or {})
        self.proc = subprocess.Popen([path, *argv_extra], env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=new_session)
        self.lines = queue.Queue()
        self.stderr = []
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr.append), daemon=True).start()

    @staticmethod
    def _read(stream, sink):
        for raw in iter(stream.readline, b""):
            sink(raw.decode(errors="replace"))
        sink(None)

    def next_line(self, timeout=30):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise Fail("no stdout line from the plugin in time")
        if line is None:
            raise Fail(f"plugin closed stdout (exit {self.proc.poll()}); stderr: {self.stderr_text()}")
        return line.rstrip("\n")

    def stderr_text(self, wait_eof=False):
        deadline = time.monotonic() + 5
        while wait_eof and not (self.stderr and self.stderr[-1] is None) and time.monotonic() < deadline:
            time.sleep(0.02)
        return "".join(s for s in self.stderr if s)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def parse_line(line):
    """client.go: split on '|', >= 4 parts, part 6 is the cert only if longer than 50 chars."""
    parts = line.split("|")
    if len(parts) < 4:
        raise Fail(f"unrecognized handshake line: {line!r}")
    info = {"core": parts[0], "proto": parts[1], "network": parts[2], "addr": parts[3],
            "protocol": parts[4] if len(parts) >= 5 else "netrpc", "cert": None, "parts": parts}
    if len(parts) >= 6 and len(parts[5]) > 50:
        b64 = parts[5]
        info["cert_b64"] = b64
        info["cert"] = base64.b64decode(b64 + "=" * (-len(b64) % 4), validate=True)  # RawStdEncoding
    return info


# --- TLS and gRPC ----------------------------------------------------------------------------

def tls_connect(info, client_cert, tls_max=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # check_hostname + CERT_REQUIRED
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if tls_max is not None:
        ctx.maximum_version = tls_max
    ctx.load_verify_locations(cadata=info["cert"])  # roots = only the printed cert
    if client_cert is not None:
        ctx.load_cert_chain(client_cert.cert_file, client_cert.key_file)
    ctx.set_alpn_protocols(["h2"])
    raw = raw_connect(info)
    try:
        tls = ctx.wrap_socket(raw, server_hostname="localhost")
    except BaseException:
        raw.close()
        raise
    if tls.selected_alpn_protocol() != "h2":
        tls.close()
        raise Fail(f"ALPN gave {tls.selected_alpn_protocol()!r}, not h2")
    return tls


def raw_connect(info):
    if info["network"] == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(info["addr"])
        return s
    host, port = info["addr"].rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=10)


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


class Bridge:
    """Plain TCP on 127.0.0.1 -> TLS to the plugin, one TLS connection per accepted connection.
    Each pair is pumped by one thread with select, so one SSL object is never used by two threads."""

    def __init__(self, connect):
        self.connect = connect
        self.errors = []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._pump, args=(conn,), daemon=True).start()

    def _pump(self, plain):
        try:
            tls = self.connect()
        except Exception as e:  # noqa: BLE001 - recorded for the test
            self.errors.append(e)
            plain.close()
            return
        tls.settimeout(None)
        plain.settimeout(None)
        try:
            while not self.closed:
                ready = [tls] if tls.pending() else select.select([plain, tls], [], [], 0.5)[0]
                for s in ready:
                    try:
                        data = s.recv(65536)
                    except (ssl.SSLError, OSError):
                        data = b""
                    if not data:
                        return
                    (tls if s is plain else plain).sendall(data)
        except OSError:
            return
        finally:
            for s in (plain, tls):
                try:
                    s.close()
                except OSError:
                    pass

    def close(self):
        self.closed = True
        self.listener.close()


def empty(_msg):
    return b""


def health(channel):
    stub = health_pb2_grpc.HealthStub(channel)
    return stub.Check(health_pb2.HealthCheckRequest(service="plugin"), timeout=5).status


def grpc_channel(info, client_cert, tls_max=None):
    if info["cert"] is None:
        if info["network"] == "unix":
            # grpcio's default :authority for a unix target is the socket path, which the h2 crate
            # refuses as malformed (RST_STREAM PROTOCOL_ERROR); grpc-go sends "localhost" (and
            # go-plugin's dialer "unused"), so do as they do.
            opts = [("grpc.default_authority", "localhost")]
            return grpc.insecure_channel("unix:" + info["addr"], options=opts), None
        return grpc.insecure_channel(info["addr"]), None
    bridge = Bridge(lambda: tls_connect(info, client_cert, tls_max))
    return grpc.insecure_channel(f"127.0.0.1:{bridge.port}"), bridge


def call_shutdown(channel):
    shutdown = channel.unary_unary("/plugin.GRPCController/Shutdown",
                                   request_serializer=empty, response_deserializer=lambda b: b)
    return shutdown(None, timeout=5)


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


# --- Scenarios --------------------------------------------------------------------------------

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
        threading.Thread(target=lambda: ([*_drain(stdio)], stdio_done.set()), daemon=True).start()
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


def _drain(it):
    try:
        yield from it
    except grpc.RpcError:
        return


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
        threading.Thread(target=lambda: [*_drain(stdio), *_drain(watch)], daemon=True).start()
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
