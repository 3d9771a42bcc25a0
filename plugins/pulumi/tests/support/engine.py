"""The Pulumi engine's side of the plugin protocol, for tests.

Speaks to a plugin through the official generated gRPC stubs of PyPI
`pulumi` (pulumi/runtime/proto/provider_pb2_grpc.py), so what reaches the
plugin is exactly what the engine sends. The Rust tests drive it over stdin
and stdout, one JSON object per line:

  in:  {"rpc": "Check", "request": {...}}      (protobuf JSON mapping)
       {"rpc": "Check", "raw_hex": "0a03..."}  (bytes sent as they are)
       {"parallel": [command, ...]}              (all at once, as the engine
                                                 creates independent resources)
  out: {"response": {...}} or, for List, {"responses": [...]};
       for "parallel", {"results": [out, ...]} in the order given
       {"error": {"code": "INVALID_ARGUMENT", "details": "..."}}

Usage: python engine.py <plugin address> [provider|analyzer]
"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor

import grpc
from google.protobuf import json_format, message_factory
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, provider_pb2, provider_pb2_grpc

SERVICES = {
    "provider": (provider_pb2, provider_pb2_grpc.ResourceProviderStub, "ResourceProvider"),
    "analyzer": (analyzer_pb2, analyzer_pb2_grpc.AnalyzerStub, "Analyzer"),
}


def main():
    address = sys.argv[1]
    module, stub_class, service_name = SERVICES[sys.argv[2] if len(sys.argv) > 2 else "provider"]
    channel = grpc.insecure_channel(address)
    stub = stub_class(channel)
    service = module.DESCRIPTOR.services_by_name[service_name]
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        if "parallel" in command:
            batch = command["parallel"]
            with ThreadPoolExecutor(max_workers=max(1, len(batch))) as pool:
                results = list(pool.map(lambda c: call(channel, stub, service, c), batch))
            print(json.dumps({"results": results}), flush=True)
        else:
            print(json.dumps(call(channel, stub, service, command)), flush=True)


def call(channel, stub, service, command):
    rpc = command["rpc"]
    method = service.methods_by_name[rpc]
    try:
        if "raw_hex" in command:
            path = f"/{service.full_name}/{rpc}"
            send = channel.unary_unary(path, request_serializer=lambda b: b, response_deserializer=lambda b: b)
            send(bytes.fromhex(command["raw_hex"]), timeout=120)
            return {"response": {}}
        request_class = message_factory.GetMessageClass(method.input_type)
        request = json_format.ParseDict(command.get("request", {}), request_class())
        if method.server_streaming:
            return {"responses": [as_dict(r) for r in getattr(stub, rpc)(request, timeout=120)]}
        return {"response": as_dict(getattr(stub, rpc)(request, timeout=120))}
    except grpc.RpcError as e:
        return {"error": {"code": e.code().name, "details": e.details()}}


def as_dict(message):
    return json_format.MessageToDict(message, always_print_fields_with_no_presence=True)


if __name__ == "__main__":
    main()
