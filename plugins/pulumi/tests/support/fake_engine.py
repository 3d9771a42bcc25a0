"""The Pulumi engine's own gRPC service, `pulumirpc.Engine`, for tests: what
a plugin reaches at the engine address it was started with.

Built on the official generated stubs of PyPI `pulumi`
(pulumi/runtime/proto/engine_pb2_grpc.py, `EngineServicer`), so a request
that decodes here is one the engine decodes. Only `Log` is served (the
others answer UNIMPLEMENTED, as the generated servicer does). It prints the
port it listens on, alone on the first line, then one JSON line per `Log`
request (protobuf JSON mapping, fields with default values included), in
the order they arrived, each before the call is answered. It runs until its
stdin closes.

Usage: python fake_engine.py [--fail-log]
  --fail-log  answer every Log with INTERNAL (after recording it)
"""

import json
import sys
import threading
from concurrent import futures

import grpc
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import engine_pb2_grpc


class Engine(engine_pb2_grpc.EngineServicer):
    def __init__(self, fail_log):
        self.fail_log = fail_log
        self.lock = threading.Lock()

    def Log(self, request, context):
        record = json_format.MessageToDict(request, always_print_fields_with_no_presence=True)
        with self.lock:
            print(json.dumps(record), flush=True)
        if self.fail_log:
            context.abort(grpc.StatusCode.INTERNAL, "this engine's Log fails (test)")
        return empty_pb2.Empty()


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    engine_pb2_grpc.add_EngineServicer_to_server(Engine("--fail-log" in sys.argv[1:]), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    main()
