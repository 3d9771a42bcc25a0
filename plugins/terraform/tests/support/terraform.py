#!/usr/bin/env python3
"""Terraform core's side of the plugin protocol, for the provider's end-to-end tests.

The provider is started the way Terraform starts one: go-plugin's client (`goplugin.py`, shared
with the handshake-layer tests): argv = the path only, this process's environment plus
TF_PLUGIN_MAGIC_COOKIE, PLUGIN_MIN_PORT/MAX_PORT, PLUGIN_PROTOCOL_VERSIONS=6,5 and
PLUGIN_CLIENT_CERT (a P-521 CA:TRUE certificate made per process, as go-plugin's AutoMTLS does),
the handshake line read from stdout, mTLS with only the printed certificate trusted. Like
go-plugin's client it then opens GRPCBroker/StartStream and GRPCStdio/StreamStdio (errors
ignored), and closes with GRPCController/Shutdown and a wait of at most 2 s before a kill.

Calls go through the generated stubs of PyPI `tfplugin-proto-all` (`tfplugin6_5_pb2`). Values
travel as Terraform sends them (hashicorp/terraform `internal/plugin6/grpc_provider.go`): every
DynamicValue as go-cty msgpack of the schema's implied type (`cty/msgpack/marshal.go`: an object
is a map of *every* attribute, keys sorted, nulls included; whole numbers as integers; an
unknown as extension 0 `d4 00 00`, a refined one as extension 12). Like Terraform's GRPCProvider,
whose methods start with `p.GetProviderSchema()`, the driver gets the schema before any call but
GetProviderSchema, GetMetadata and StopProvider: from its cache when an earlier GetProviderSchema
answered (through any provider process of this driver: Terraform's process-wide schema cache,
used instead of a new call when the provider offers `get_provider_schema_optional`), else by
calling GetProviderSchema itself.

The 6.5 stubs lack the request fields of protocol 6.6 and later (`client_capabilities`,
`prior_identity`, `PlanResourceChange.planned_private`, ...): requests go without them, as from a
Terraform 1.8 (this provider reads none of them).

The Rust tests drive it over stdin/stdout, one JSON object per line:

  {"op": "start", "env": {...}, "cookie": true}
        -> {"response": {"started": true, "pid": N, "handshake": "1|6|unix|...", ...}}
           or {"response": {"started": false, "exit_code": 1, "stdout": "...", "stderr": "..."}}
  {"op": "call", "rpc": "PlanResourceChange", "request": {...}}
        -> {"response": {...}} or {"error": {"code": "INVALID_ARGUMENT", "details": "..."}}
  {"op": "raw", "rpc": "ReadResource", "hex": "0a03..."}   (bytes sent as the request, as they are)
  {"op": "parallel", "calls": [{"rpc": ..., "request": ...}, ...]}   -> {"results": [answer, ...]}
  {"op": "stop"}      -> {"response": {"exit_code": N, "exited_within_2s": bool,
                                       "stdout_after_handshake": "..."}}
  {"op": "stderr"}    -> {"response": {"stderr": "<every provider process's stderr so far>"}}

Requests and responses are protobuf's JSON mapping with the proto's field names, except:
  - a DynamicValue field holds the plain value: null, or an object such as
    {"name": "x", "account_id": null, ...}. Attributes left out of an object are null. An unknown
    is {"$unknown": true} (or {"$unknown": {"not_null": true, "prefix": "ab"}}, refined). To send
    what Terraform never would: {"$msgpack": <JSON value msgpack-encoded as it is, no schema>},
    {"$msgpack_hex": "..."} (bytes as they are), {"$json": <value>} (the DynamicValue's json
    field). In responses the value is decoded as Terraform decodes it (`decodeDynamicValue`:
    msgpack, else JSON, else null), strictly against the schema's type as go-cty's
    `msgpack.Unmarshal` is; any extension is an unknown. A value Terraform could not decode
    answers {"error": {"code": "TERRAFORM_DECODE", ...}}, as Terraform turns it into an error.
  - a RawState field (UpgradeResourceState.raw_state, MoveResourceState.source_state) holds the
    stored state's JSON value, sent as its compact JSON text with sorted keys (how Terraform
    stores attributes, go-cty `json.Marshal`); {"$text": "..."} sends exact text,
    {"$flatmap": {...}} the legacy flatmap form.
  - Schema.Attribute.type (cty type JSON, bytes on the wire) is shown as its JSON value.
  - ServerCapabilities is read with all four fields of 6.11 (the 6.5 stubs know two).

MoveResourceState is not in tfplugin-proto-all 0.1.0's 6.5 stubs (made from the December 2023
file; the RPC joined protocol 6.5 later, for Terraform 1.8): its messages are declared below in a FileDescriptorProto
of our own, built with `google.protobuf.descriptor_pb2` from the official definition
(hashicorp/terraform `docs/plugin-protocol/tfplugin6.proto`, `MoveResourceState.Request` fields
1 source_provider_address, 2 source_type_name, 3 source_schema_version int64, 4 source_state
RawState, 5 target_type_name, 6 source_private bytes; `Response` 1 target_state DynamicValue,
2 diagnostics, 3 target_private), reusing the stubs' RawState, DynamicValue and Diagnostic, and
turned into classes with `message_factory`; the call goes to `/tfplugin6.Provider/MoveResourceState`.

Usage: terraform.py <provider executable>
"""
import base64
import json
import math
import os
import subprocess
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "protocol", "tests", "python"))

import grpc  # noqa: E402
import msgpack  # noqa: E402
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory  # noqa: E402
from tfplugin_proto import tfplugin6_5_pb2 as pb  # noqa: E402

import goplugin  # noqa: E402

SERVICE = "tfplugin6.Provider"
CALL_TIMEOUT = 120


# --- Messages the 6.5 stubs lack -------------------------------------------------------------

def _extra_messages():
    """ServerCapabilities (6.11: four fields) and MoveResourceState.Request/Response, field by field
    from the official tfplugin6.proto, in a file of our own. Its package is not `tfplugin6`
    (whose ServerCapabilities the stubs already put in the pool); names never travel on the
    wire, only field numbers and types."""
    F = descriptor_pb2.FieldDescriptorProto
    opt, rep = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    fd = descriptor_pb2.FileDescriptorProto(name="terraform_core_test/tfplugin6_11_extra.proto",
                                            package="terraform_core_test", syntax="proto3",
                                            dependency=[pb.DESCRIPTOR.name])
    caps = fd.message_type.add(name="ServerCapabilities")
    for number, name in enumerate(["plan_destroy", "get_provider_schema_optional", "move_resource_state",
                                   "generate_resource_config"], start=1):
        caps.field.add(name=name, number=number, type=F.TYPE_BOOL, label=opt)
    move = fd.message_type.add(name="MoveResourceState")
    req = move.nested_type.add(name="Request")
    req.field.add(name="source_provider_address", number=1, type=F.TYPE_STRING, label=opt)
    req.field.add(name="source_type_name", number=2, type=F.TYPE_STRING, label=opt)
    req.field.add(name="source_schema_version", number=3, type=F.TYPE_INT64, label=opt)
    req.field.add(name="source_state", number=4, type=F.TYPE_MESSAGE, type_name=".tfplugin6.RawState", label=opt)
    req.field.add(name="target_type_name", number=5, type=F.TYPE_STRING, label=opt)
    req.field.add(name="source_private", number=6, type=F.TYPE_BYTES, label=opt)
    resp = move.nested_type.add(name="Response")
    resp.field.add(name="target_state", number=1, type=F.TYPE_MESSAGE, type_name=".tfplugin6.DynamicValue", label=opt)
    resp.field.add(name="diagnostics", number=2, type=F.TYPE_MESSAGE, type_name=".tfplugin6.Diagnostic", label=rep)
    resp.field.add(name="target_private", number=3, type=F.TYPE_BYTES, label=opt)
    pool = descriptor_pool.Default()
    pool.Add(fd)
    file = pool.FindFileByName(fd.name)
    move_d = file.message_types_by_name["MoveResourceState"]
    return (message_factory.GetMessageClass(file.message_types_by_name["ServerCapabilities"]),
            message_factory.GetMessageClass(move_d.nested_types_by_name["Request"]),
            message_factory.GetMessageClass(move_d.nested_types_by_name["Response"]))


ServerCapabilities611, MoveRequest, MoveResponse = _extra_messages()

METHODS = {m.name: (message_factory.GetMessageClass(m.input_type), message_factory.GetMessageClass(m.output_type))
           for m in pb.DESCRIPTOR.services_by_name["Provider"].methods}
METHODS["MoveResourceState"] = (MoveRequest, MoveResponse)

DYNAMIC_VALUE = pb.DynamicValue.DESCRIPTOR.full_name
RAW_STATE = pb.RawState.DESCRIPTOR.full_name
SERVER_CAPABILITIES = pb.ServerCapabilities.DESCRIPTOR.full_name
ATTRIBUTE = pb.Schema.Attribute.DESCRIPTOR.full_name


class DecodeError(Exception):
    pass


class UsageError(Exception):
    """The test asked for something the driver cannot do (a bug in the test)."""


# --- cty types and values (go-cty's msgpack rules) -------------------------------------------

def block_type(block):
    """The implied cty type of a schema Block given as protobuf JSON (with `type` decoded)."""
    attrs = {a["name"]: a["type"] for a in block.get("attributes", [])}
    for nb in block.get("block_types", []):
        inner = block_type(nb.get("block", {}))
        nesting = nb.get("nesting", "SINGLE")
        attrs[nb["type_name"]] = {"SINGLE": inner, "GROUP": inner, "LIST": ["list", inner],
                                  "SET": ["set", inner], "MAP": ["map", inner]}.get(nesting, inner)
    return ["object", attrs]


def is_unknown_marker(v):
    return isinstance(v, dict) and set(v) == {"$unknown"}


def unknown_ext(marker):
    spec = marker["$unknown"]
    if spec is True or spec == {}:
        return msgpack.ExtType(0, b"\x00")
    refinements = {}
    if spec.get("not_null"):
        refinements[1] = False
    if spec.get("prefix"):
        refinements[2] = spec["prefix"]
    if not refinements:
        return msgpack.ExtType(0, b"\x00")
    return msgpack.ExtType(12, msgpack.packb(refinements, use_bin_type=True))


def number_out(v, path):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise UsageError(f"{path}: a number is required, not {v!r}")
    if isinstance(v, float):
        if math.isinf(v):
            return v
        if v.is_integer() and abs(v) < 2 ** 63:
            return int(v)  # go-cty: an exact int64 is written as an integer
        return v
    if -(2 ** 63) <= v < 2 ** 63:
        return v
    return str(v)  # go-cty writes numbers past int64 and float64 as decimal strings


def to_msgpack_obj(v, ty, path="value"):
    """A JSON value as go-cty's marshal writes a value of type `ty`."""
    if is_unknown_marker(v):
        return unknown_ext(v)
    if v is None:
        return None
    if ty == "dynamic":
        raise UsageError(f"{path}: dynamic attributes are not supported by this driver")
    if ty == "string":
        if not isinstance(v, str):
            raise UsageError(f"{path}: a string is required, not {v!r} (use $msgpack to send a wrong type)")
        return v
    if ty == "number":
        return number_out(v, path)
    if ty == "bool":
        if not isinstance(v, bool):
            raise UsageError(f"{path}: a bool is required, not {v!r}")
        return v
    kind, inner = ty[0], ty[1]
    if kind in ("list", "set"):
        return [to_msgpack_obj(e, inner, f"{path}[{i}]") for i, e in enumerate(v)]
    if kind == "tuple":
        return [to_msgpack_obj(e, t, f"{path}[{i}]") for i, (e, t) in enumerate(zip(v, inner))]
    if kind == "map":
        return {k: to_msgpack_obj(v[k], inner, f"{path}[{k!r}]") for k in sorted(v)}
    if kind == "object":
        if not isinstance(v, dict):
            raise UsageError(f"{path}: an object is required, not {v!r}")
        extra = set(v) - set(inner)
        if extra:
            raise UsageError(f"{path}: attributes not in the schema: {sorted(extra)} (use $msgpack to send them)")
        return {k: to_msgpack_obj(v.get(k), inner[k], f"{path}.{k}") for k in sorted(inner)}
    raise UsageError(f"{path}: unsupported type {ty!r}")


def raw_msgpack_obj(v):
    """A JSON value msgpack-encoded as it is (no schema), unknown markers kept."""
    if is_unknown_marker(v):
        return unknown_ext(v)
    if isinstance(v, dict):
        return {k: raw_msgpack_obj(x) for k, x in v.items()}
    if isinstance(v, list):
        return [raw_msgpack_obj(x) for x in v]
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def from_msgpack_obj(v, ty, path="value"):
    """A decoded msgpack value checked against `ty` as go-cty's unmarshal checks it."""
    if isinstance(v, msgpack.ExtType):
        return {"$unknown": True}  # go-cty reads every extension as an unknown
    if v is None:
        return None
    if ty is None or ty == "dynamic":
        return plain(v)
    if ty == "string":
        if not isinstance(v, str):
            raise DecodeError(f"{path}: a string is required, found {type(v).__name__}")
        return v
    if ty == "number":
        if isinstance(v, bool):
            raise DecodeError(f"{path}: a number is required, found bool")
        if isinstance(v, (int, float)):
            return v
        if isinstance(v, str):
            try:
                f = float(v)
            except ValueError:
                raise DecodeError(f"{path}: a number is required, found {v!r}")
            return int(f) if f.is_integer() and abs(f) < 2 ** 53 else f
        raise DecodeError(f"{path}: a number is required, found {type(v).__name__}")
    if ty == "bool":
        if not isinstance(v, bool):
            raise DecodeError(f"{path}: a bool is required, found {type(v).__name__}")
        return v
    kind, inner = ty[0], ty[1]
    if kind in ("list", "set", "tuple"):
        if not isinstance(v, list):
            raise DecodeError(f"{path}: a {kind} is required")
        types = inner if kind == "tuple" else [inner] * len(v)
        if len(types) != len(v):
            raise DecodeError(f"{path}: a tuple of {len(types)} elements is required")
        return [from_msgpack_obj(e, t, f"{path}[{i}]") for i, (e, t) in enumerate(zip(v, types))]
    if kind == "map":
        if not isinstance(v, dict):
            raise DecodeError(f"{path}: a map is required")
        return {k: from_msgpack_obj(e, inner, f"{path}[{k!r}]") for k, e in v.items()}
    if kind == "object":
        if not isinstance(v, dict):
            raise DecodeError(f"{path}: an object is required")
        if len(v) != len(inner):
            raise DecodeError(f"{path}: an object with {len(inner)} attributes is required ({len(v)} given)")
        out = {}
        for k, e in v.items():
            if k not in inner:
                raise DecodeError(f"{path}.{k}: unsupported attribute")
            out[k] = from_msgpack_obj(e, inner[k], f"{path}.{k}")
        return out
    raise DecodeError(f"{path}: unsupported type {ty!r}")


def from_json_value(v, ty, path="value"):
    """The DynamicValue.json form (no unknowns in JSON), checked loosely against `ty`."""
    if ty is None or v is None:
        return v
    if isinstance(ty, list) and ty[0] == "object":
        if not isinstance(v, dict):
            raise DecodeError(f"{path}: an object is required")
        extra = set(v) - set(ty[1])
        if extra:
            raise DecodeError(f"{path}.{sorted(extra)[0]}: unsupported attribute")
        return {k: from_json_value(v.get(k), t, f"{path}.{k}") for k, t in ty[1].items()}
    return v


def plain(v):
    if isinstance(v, msgpack.ExtType):
        return {"$unknown": True}
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, bytes):
        return {"$bytes_hex": v.hex()}
    return v


def encode_dynamic(value, ty):
    """A request's DynamicValue field as protobuf JSON."""
    if isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        if key == "$msgpack_hex":
            return {"msgpack": base64.b64encode(bytes.fromhex(inner)).decode()}
        if key == "$msgpack":
            return {"msgpack": base64.b64encode(msgpack.packb(raw_msgpack_obj(inner), use_bin_type=True)).decode()}
        if key == "$json":
            return {"json": base64.b64encode(json.dumps(inner).encode()).decode()}
    if ty is None:
        raise UsageError("no schema type for this DynamicValue (unknown type_name?): use $msgpack")
    packed = msgpack.packb(to_msgpack_obj(value, ty), use_bin_type=True)
    return {"msgpack": base64.b64encode(packed).decode()}


def decode_dynamic(dv, ty, path):
    """As Terraform's decodeDynamicValue: msgpack if set, else JSON if set, else null."""
    if dv.msgpack:
        try:
            obj = msgpack.unpackb(dv.msgpack, raw=False, strict_map_key=False)
        except Exception as e:  # noqa: BLE001 - any msgpack failure is Terraform's decode error
            raise DecodeError(f"{path}: not msgpack: {e}")
        return from_msgpack_obj(obj, ty, path)
    if dv.json:
        try:
            return from_json_value(json.loads(dv.json), ty, path)
        except ValueError as e:
            raise DecodeError(f"{path}: not JSON: {e}")
    return None


def encode_raw_state(value):
    if isinstance(value, dict) and set(value) == {"$text"}:
        return {"json": base64.b64encode(value["$text"].encode()).decode()}
    if isinstance(value, dict) and set(value) == {"$flatmap"}:
        return {"flatmap": value["$flatmap"]}
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return {"json": base64.b64encode(text.encode()).decode()}


# --- Schemas ---------------------------------------------------------------------------------

class Schemas:
    """Terraform's schema cache: the implied types of the provider's blocks."""

    def __init__(self):
        self.provider = None
        self.resources = {}
        self.data_sources = {}
        self.loaded = False

    def load(self, response_json):
        if "provider" in response_json:
            self.provider = block_type(response_json["provider"].get("block", {}))
        self.resources = {k: block_type(v.get("block", {})) for k, v in response_json.get("resource_schemas", {}).items()}
        self.data_sources = {k: block_type(v.get("block", {})) for k, v in response_json.get("data_source_schemas", {}).items()}
        self.loaded = True

    def type_for(self, rpc, request):
        """The type of the DynamicValues of `rpc` (all but provider_meta share one)."""
        if rpc in ("ValidateProviderConfig", "ConfigureProvider"):
            return self.provider
        if rpc in ("ValidateDataResourceConfig", "ReadDataSource"):
            return self.data_sources.get(request.get("type_name", request.get("typeName")))
        if rpc == "MoveResourceState":
            return self.resources.get(request.get("target_type_name", request.get("targetTypeName")))
        return self.resources.get(request.get("type_name", request.get("typeName")))


# --- The provider process --------------------------------------------------------------------

class Provider:
    def __init__(self, path, env, cookie):
        self.cert = goplugin.ClientCert()
        self.plugin = goplugin.Plugin(path, client_cert=self.cert, cookie=cookie, extra_env=env)
        self.channel = None
        self.bridge = None
        self.info = None
        self.side_streams = []

    def handshake(self):
        try:
            line = self.plugin.next_line(timeout=60)  # go-plugin's StartTimeout is 1 minute
        except goplugin.Fail:
            # stdout closed before a first line (go-plugin: "plugin exited before we could connect")
            code = self.plugin.proc.wait(timeout=10)
            return {"started": False, "exit_code": code, "stdout": "",
                    "stderr": self.plugin.stderr_text(wait_eof=True)}
        info = goplugin.parse_line(line)
        if (info["core"], info["proto"], info["protocol"]) != ("1", "6", "grpc") or info["cert"] is None:
            raise UsageError(f"not a protocol-6 gRPC handshake with AutoMTLS: {line!r}")
        self.info = info
        self.channel, self.bridge = goplugin.grpc_channel(info, self.cert)
        grpc.channel_ready_future(self.channel).result(timeout=30)
        self.open_side_streams()
        return {"started": True, "pid": self.plugin.proc.pid, "handshake": line, "network": info["network"],
                "address": info["addr"], "cert_der_hex": info["cert"].hex()}

    def open_side_streams(self):
        """go-plugin's client opens the broker and stdio streams at start; failures are ignored."""
        stdio = self.channel.unary_stream("/plugin.GRPCStdio/StreamStdio", request_serializer=goplugin.empty,
                                          response_deserializer=lambda b: b)(None)
        closed = threading.Event()

        def nothing_to_send():
            closed.wait()
            return
            yield  # noqa: unreachable - makes this a generator

        broker = self.channel.stream_stream("/plugin.GRPCBroker/StartStream", request_serializer=goplugin.empty,
                                            response_deserializer=lambda b: b)(nothing_to_send())
        for stream in (stdio, broker):
            threading.Thread(target=lambda s=stream: [*goplugin.drain(s)], daemon=True).start()
        self.side_streams = [stdio, broker, closed]

    def stdout_after(self):
        lines = []
        while True:
            try:
                line = self.plugin.lines.get(timeout=2)
            except Exception:  # noqa: BLE001 - queue.Empty
                break
            if line is None:
                break
            lines.append(line)
        return "".join(lines)

    def stop(self):
        """go-plugin's Kill: Shutdown (errors ignored), close, wait at most 2 s, then kill."""
        if self.channel is not None:
            try:
                goplugin.call_shutdown(self.channel)
            except grpc.RpcError:
                pass
            for s in self.side_streams[:2]:
                s.cancel()
            self.side_streams[2].set()
            self.channel.close()
            self.bridge.close()
        try:
            code = self.plugin.proc.wait(timeout=2)
            in_time = True
        except subprocess.TimeoutExpired:
            self.plugin.kill()
            code = self.plugin.proc.returncode
            in_time = False
        self.plugin.stderr_text(wait_eof=True)
        return {"exit_code": code, "exited_within_2s": in_time, "stdout_after_handshake": self.stdout_after()}


# --- The driver --------------------------------------------------------------------------------

class Driver:
    def __init__(self, path):
        self.path = path
        self.schemas = Schemas()
        self.provider = None
        self.stopped = []  # provider processes closed so far, for their stderr
        self.schema_lock = threading.Lock()

    def stderr(self):
        return "".join(p.plugin.stderr_text() for p in self.stopped + ([self.provider] if self.provider else []))

    def handle(self, command):
        op = command.get("op")
        if op == "start":
            if self.provider is not None:
                raise UsageError("a provider is already running: stop it first")
            self.provider = Provider(self.path, command.get("env") or {}, command.get("cookie", True))
            answer = self.provider.handshake()
            if not answer["started"]:
                self.stopped.append(self.provider)
                self.provider = None
            return {"response": answer}
        if op == "stop":
            p, self.provider = self.require_provider(), None
            self.stopped.append(p)
            return {"response": p.stop()}
        if op == "stderr":
            return {"response": {"stderr": self.stderr()}}
        if op == "call":
            return self.call(command["rpc"], command.get("request") or {})
        if op == "raw":
            return self.raw(command["rpc"], bytes.fromhex(command["hex"]))
        if op == "parallel":
            calls = command["calls"]
            self.ensure_schema()
            with ThreadPoolExecutor(max_workers=max(1, len(calls))) as pool:
                return {"results": list(pool.map(lambda c: self.call(c["rpc"], c.get("request") or {}), calls))}
        raise UsageError(f"unknown op {op!r}")

    def require_provider(self):
        if self.provider is None:
            raise UsageError("no provider running")
        return self.provider

    def invoke(self, rpc, request_bytes):
        channel = self.require_provider().channel
        send = channel.unary_unary(f"/{SERVICE}/{rpc}", request_serializer=lambda b: b, response_deserializer=lambda b: b)
        return send(request_bytes, timeout=CALL_TIMEOUT)

    def ensure_schema(self):
        """GRPCProvider.GetProviderSchema: the cached schema, else a call."""
        with self.schema_lock:
            if self.schemas.loaded:
                return
            answer = self.call("GetProviderSchema", {})
            if "error" in answer:
                raise UsageError(f"GetProviderSchema failed: {answer['error']}")

    def call(self, rpc, request):
        if rpc not in METHODS:
            raise UsageError(f"no RPC {rpc!r} in tfplugin6")
        request_class, response_class = METHODS[rpc]
        if rpc not in ("GetProviderSchema", "GetMetadata", "StopProvider"):
            self.ensure_schema()  # as every GRPCProvider method but these starts
        ty = self.schemas.type_for(rpc, request)
        message = json_format.ParseDict(prepare(request_class.DESCRIPTOR, request, ty), request_class())
        try:
            raw = self.invoke(rpc, message.SerializeToString())
        except grpc.RpcError as e:
            return {"error": {"code": e.code().name, "details": e.details()}}
        return self.answer(rpc, request, response_class, raw)

    def raw(self, rpc, data):
        request_class, response_class = METHODS[rpc]
        try:
            raw = self.invoke(rpc, data)
        except grpc.RpcError as e:
            return {"error": {"code": e.code().name, "details": e.details()}}
        return self.answer(rpc, {}, response_class, raw)

    def answer(self, rpc, request, response_class, raw):
        response = response_class.FromString(raw)
        try:
            as_json = to_json(response, self.schemas, rpc, request)
        except DecodeError as e:
            return {"error": {"code": "TERRAFORM_DECODE", "details": f"{rpc}: {e}"}}
        if rpc == "GetProviderSchema":
            self.schemas.load(as_json)
        return {"response": as_json}


def prepare(descriptor, request, ty):
    """The request in protobuf JSON: DynamicValue and RawState fields encoded as Terraform does."""
    out = {}
    for key, value in request.items():
        field = descriptor.fields_by_name.get(key) or next((f for f in descriptor.fields if f.json_name == key), None)
        if field is None or field.message_type is None or value is None and field.message_type.full_name != DYNAMIC_VALUE:
            out[key] = value
            continue
        name = field.message_type.full_name
        if name == DYNAMIC_VALUE:
            out[key] = encode_dynamic(value, ty)
        elif name == RAW_STATE:
            out[key] = encode_raw_state(value)
        elif field.is_repeated and not field.message_type.GetOptions().map_entry:
            out[key] = [prepare(field.message_type, v, ty) if isinstance(v, dict) else v for v in value]
        elif isinstance(value, dict) and not field.message_type.GetOptions().map_entry:
            out[key] = prepare(field.message_type, value, ty)
        else:
            out[key] = value
    return out


def to_json(message, schemas, rpc, request, path=None):
    """A response in protobuf JSON (proto field names, defaults shown), values decoded."""
    out = json_format.MessageToDict(message, preserving_proto_field_name=True,
                                    always_print_fields_with_no_presence=True)
    return _fix(message, out, schemas, rpc, request, path or rpc)


def _fix(message, out, schemas, rpc, request, path):
    descriptor = message.DESCRIPTOR
    if descriptor.full_name == SERVER_CAPABILITIES:
        full = ServerCapabilities611.FromString(message.SerializeToString())
        return json_format.MessageToDict(full, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)
    for field in descriptor.fields:
        name = field.name
        if descriptor.full_name == ATTRIBUTE and name == "type":
            try:
                out[name] = json.loads(message.type) if message.type else None
            except ValueError:
                out[name] = {"$invalid_type_json": message.type.decode(errors="replace")}
            continue
        if field.message_type is None:
            continue
        if field.message_type.full_name == DYNAMIC_VALUE:
            if field.is_repeated:
                continue
            ty = dynamic_type(schemas, rpc, request, message)
            out[name] = decode_dynamic(getattr(message, name), ty, f"{path}.{name}") if message.HasField(name) else None
            continue
        if field.message_type.GetOptions().map_entry:
            value_field = field.message_type.fields_by_name["value"]
            if value_field.message_type is not None:
                for k, v in getattr(message, name).items():
                    out[name][str(k)] = _fix(v, out[name][str(k)], schemas, rpc, request, f"{path}.{name}[{k}]")
            continue
        if field.is_repeated:
            out[name] = [_fix(m, o, schemas, rpc, request, f"{path}.{name}[{i}]")
                         for i, (m, o) in enumerate(zip(getattr(message, name), out.get(name, [])))]
        elif message.HasField(name):
            out[name] = _fix(getattr(message, name), out[name], schemas, rpc, request, f"{path}.{name}")
    return out


def dynamic_type(schemas, rpc, request, message):
    if rpc == "ImportResourceState" and message.DESCRIPTOR.name == "ImportedResource":
        return schemas.resources.get(message.type_name)
    return schemas.type_for(rpc, request)


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} PROVIDER_PATH", file=sys.stderr)
        return 2
    driver = Driver(sys.argv[1])
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = driver.handle(json.loads(line))
        except UsageError as e:
            answer = {"error": {"code": "DRIVER", "details": str(e)}}
        except Exception:  # noqa: BLE001 - reported to the test, which fails with it
            answer = {"error": {"code": "DRIVER", "details": traceback.format_exc()}}
        print(json.dumps(answer), flush=True)
    if driver.provider is not None:
        driver.provider.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
