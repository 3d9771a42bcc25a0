"""go-plugin's client side, as Terraform starts a provider: shared by the Rust tests' Python clients.

Written to hashicorp/go-plugin `client.go` (Start, handshake parsing, loadServerCert, Kill) and
`mtls.go` (the AutoMTLS client certificate), and to Terraform's launch (argv = path only, its env
plus the go-plugin variables). grpcio's own TLS cannot use a P-521 client key, so TLS is done
with Python's `ssl` (OpenSSL) and gRPC runs over it through a local TCP->TLS bridge.

Users: `goplugin_client.py` (the handshake-layer scenarios against the demo plugin) and
`plugins/terraform/tests/support/terraform.py` (Terraform core's side of tfplugin6). Nothing
here prints on stdout: the driver speaks JSON there.
"""
import atexit
import base64
import datetime
import os
import queue
import secrets
import select
import shutil
import socket
import ssl
import subprocess
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


def drain(it):
    """Consumes a server stream until it ends or fails."""
    try:
        yield from it
    except grpc.RpcError:
        return
