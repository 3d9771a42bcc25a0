"""Stands in for the Pulumi engine's own process, for the test of what a
plugin does when its engine is killed.

It starts the plugin as the engine does (`execPlugin` in pulumi/pulumi
`sdk/go/common/resource/plugin/plugin.go`): in a process group of its own
(`cmdutil.RegisterProcessGroup`), with pipes for stdin, stdout and stderr,
the engine's gRPC address as its one argument; it reads the port from the
first line of stdout and keeps reading stderr, as the engine's log does. It
prints {"pid": <plugin pid>, "port": <plugin port>} and then waits to be
killed. Its death closes the read ends of the plugin's pipes and its gRPC
port, which is all a killed engine leaves behind.

Usage: python engine_process.py <plugin executable>
"""

import json
import socket
import subprocess
import sys
import threading


def main():
    engine = socket.socket()
    engine.bind(("127.0.0.1", 0))
    engine.listen()
    threading.Thread(target=accept_forever, args=(engine,), daemon=True).start()
    address = "127.0.0.1:%d" % engine.getsockname()[1]
    plugin = subprocess.Popen(
        [sys.argv[1], address],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        process_group=0,
    )
    port = int(plugin.stdout.readline().strip())
    threading.Thread(target=drain, args=(plugin.stderr,), daemon=True).start()
    threading.Thread(target=drain, args=(plugin.stdout,), daemon=True).start()
    print(json.dumps({"pid": plugin.pid, "port": port}), flush=True)
    sys.stdin.read()  # until killed, or until the test closes our stdin


def accept_forever(listener):
    while True:
        connection, _ = listener.accept()
        connection.close()


def drain(pipe):
    while pipe.read(4096):
        pass


if __name__ == "__main__":
    main()
