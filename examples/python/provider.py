#!/usr/bin/env python3
"""Embeds the access-service-token components in Python with wasmtime-py.

Loads the provider component (`access_service_token_provider.wasm`) with the
PyPI `wasmtime` package (its component-model API, WASI 0.2 and wasi:http
linked by `Linker.add_wasip2()` / `add_wasi_http()`), then calls the typed
exports of `cloudflare:access-service-token/provider`: check, create (preview,
then for real), read, diff and delete, against the Cloudflare API (or the
local emulator) named by CLOUDFLARE_BASE_URL and CLOUDFLARE_API_TOKEN. Then it
loads the policy component (`access_service_token_policy.wasm`), with no
wasi:http linked (it imports none), and runs `policy.scan` over a sample
Pulumi stack export, with the report rendered as JSON.

The client secret is never printed (`[secret]`). Exit status: 0 when every step
did what it should, 1 otherwise.

    python provider.py [--component PATH] [--policy-component PATH] [--policy-sample PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import wasmtime
from wasmtime import component as cm

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BUILT = ROOT / "target/wasm32-wasip2/release"
DEFAULT_COMPONENT = BUILT / "access_service_token_provider.wasm"
DEFAULT_POLICY_COMPONENT = BUILT / "access_service_token_policy.wasm"
DEFAULT_POLICY_SAMPLE = ROOT / "policy/tests/fixtures/pulumi-export-v3.json"
SECRET = "[secret]"
PROVIDER = "cloudflare:access-service-token/provider@0.3.0"
POLICY = "cloudflare:access-service-token/policy@0.3.0"


class ComponentError(Exception):
    """An `err` of one of the exports: the WIT `error` variant (no secrets in it)."""

    def __init__(self, function: str, error: cm.Variant):
        self.function = function
        self.error = error
        super().__init__(f"{function}: {describe_error(error)}")


def record(**fields: Any) -> cm.Record:
    """A WIT record: wasmtime-py reads fields by their WIT (kebab-case) names."""
    r = cm.Record()
    for name, value in fields.items():
        setattr(r, name.replace("_", "-"), value)
    return r


def field(r: cm.Record, name: str) -> Any:
    return getattr(r, name.replace("_", "-"))


def describe_error(e: cm.Variant) -> str:
    if e.tag == "invalid-input":
        return "invalid-input: " + "; ".join(f"{f.property}: {f.reason}" for f in e.payload)
    if isinstance(e.payload, str):
        return f"{e.tag}: {e.payload}"
    if e.tag == "rate-limited":
        return f"{e.tag}: {e.payload.message}"
    code = "" if e.payload.code is None else f" code {e.payload.code}"
    return f"{e.tag}: HTTP {e.payload.status}{code}: {e.payload.message}"


class Component:
    """One instance of the component, and a way to call its exports.

    wasmtime-py maps a `result<T, error>` to a tagged `Variant('ok'|'err', …)`
    only when T and `error` could not otherwise be told apart (e.g. T is a
    variant too); else it returns the ok value itself or the error `Variant`.
    `call` turns both shapes into "return the ok value or raise".
    """

    def __init__(self, path: Path, http: bool):
        self.engine = wasmtime.Engine()
        self.component = cm.Component.from_file(self.engine, str(path))
        linker = cm.Linker(self.engine)
        linker.add_wasip2()
        if http:
            linker.add_wasi_http()  # every outgoing request is allowed: no egress filter hook
        self.store = wasmtime.Store(self.engine)
        wasi = wasmtime.WasiConfig()  # no env, no preopens: the exports take everything as arguments
        wasi.inherit_stderr()
        self.store.set_wasi(wasi)
        if http:
            self.store.set_wasi_http()
        self.instance = linker.instantiate(self.store, self.component)

    def call(self, interface: str, name: str, *args: Any) -> Any:
        iface = self.instance.get_export_index(self.store, interface)
        index = self.instance.get_export_index(self.store, name, iface) if iface else None
        func = self.instance.get_func(self.store, index) if index else None
        if func is None:
            raise RuntimeError(f"the component exports no {interface}#{name}")
        out = func(self.store, *args)
        func.post_return(self.store)
        if isinstance(out, cm.Variant):
            if out.tag == "ok":
                return out.payload
            raise ComponentError(name, out.payload if out.tag == "err" else out)
        return out


def show_state(s: cm.Record) -> str:
    secret = "(none)" if field(s, "client_secret") is None else SECRET
    return (f"id={s.id} clientId={field(s, 'client_id')} clientSecret={secret} "
            f"expiresAt={field(s, 'expires_at') or '(none)'}")


def show_diff(d: cm.Record) -> str:
    if not d.changes:
        return "no changes"
    props = ", ".join(f"{p.property} ({p.kind})" for p in field(d, "detailed_diff"))
    actions = "; ".join(f"{a.kind}: {a.reason}" for a in d.actions)
    return f"changes [{props}] -> {actions}"


def timestamp(t: datetime) -> cm.Record:
    return record(seconds=int(t.timestamp()), nanoseconds=t.microsecond * 1000)


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(f"unexpected result: {what}")


def token_args(name: str, account_id: str | None = None, zone_id: str | None = None,
               min_days_for_renewal: int = 0, duration: str | None = None) -> cm.Record:
    return record(name=name, account_id=account_id, zone_id=zone_id,
                  min_days_for_renewal=min_days_for_renewal, duration=duration,
                  client_secret_version=None, previous_client_secret_expires_at=None, enabled=True)


def run_provider(c: Component, base_url: str | None, api_token: str, account_id: str) -> None:
    p = lambda name, *args: c.call(PROVIDER, name, *args)  # noqa: E731

    # `credentials` is variant {api-token(string), api-key(record)}: the cases
    # have distinct Python types, so wasmtime-py takes the bare string.
    conn = record(base_url=base_url, credentials=api_token,
                  retry=record(max_attempts=3, initial_backoff_ms=200, max_backoff_ms=2000),
                  requests_per_second=None, request_timeout_ms=None)
    print(f"API: {base_url or 'https://api.cloudflare.com/client/v4'} (token {SECRET})")

    try:
        p("check", token_args("bad", account_id="not-hex", zone_id="0" * 32, min_days_for_renewal=-1))
        raise AssertionError("check accepted invalid inputs")
    except ComponentError as e:
        expect(e.error.tag == "invalid-input", str(e))
        print(f"check (invalid inputs): rejected, {len(e.error.payload)} failures: {describe_error(e.error)}")

    news = p("check", token_args("python-example", account_id=account_id, min_days_for_renewal=30, duration="8760h"))
    print(f"check: ok name={news.name} accountId={field(news, 'account_id')} "
          f"minDaysForRenewal={field(news, 'min_days_for_renewal')}")

    # `computed` is variant {known(string), unknown}: a str, or None for unknown.
    plan = p("create", conn, news, True)
    expect(plan.tag == "planned", f"preview returned {plan.tag}")
    known = lambda v: "(known after apply)" if v is None else v  # noqa: E731
    print(f"create (preview): id={known(plan.payload.id)} clientId={known(field(plan.payload, 'client_id'))} "
          f"expiresAt={known(field(plan.payload, 'expires_at'))}")

    created = p("create", conn, news, False)
    expect(created.tag == "applied", f"create returned {created.tag}")
    state = created.payload
    expect(bool(field(state, "client_secret")), "create returned no client secret")
    print(f"create: {show_state(state)}")

    live = p("read", conn, state)
    expect(live is not None, "read: the token just created is gone")
    expect(live.id == state.id and field(live, "client_id") == field(state, "client_id"), "read returned another token")
    expect(field(live, "client_secret") == field(state, "client_secret"), "read did not carry the secret over")
    print(f"read: {show_state(live)}")

    same = p("diff", live, news, None)
    expect(not same.changes, f"diff of the same inputs: {show_diff(same)}")
    print(f"diff (same inputs): {show_diff(same)}")
    renamed = p("diff", live, token_args("python-example-renamed", account_id=account_id,
                                         min_days_for_renewal=30, duration="8760h"), None)
    expect(renamed.changes and any(a.kind == "update" for a in renamed.actions), f"diff of a rename: {show_diff(renamed)}")
    print(f"diff (new name): {show_diff(renamed)}")
    expires_at = field(live, "expires_at")
    if expires_at:
        at = datetime.fromisoformat(expires_at.replace("Z", "+00:00")) - timedelta(days=10)
        later = p("diff", live, news, timestamp(at))
        expect(any(a.kind == "renew" for a in later.actions), f"diff 10 days before expiry: {show_diff(later)}")
        print(f"diff (at {at.isoformat()}): {show_diff(later)}")

    p("delete", conn, live)
    print(f"delete: {live.id} deleted")


def run_policy(c: Component, sample: Path) -> None:
    files = [record(name=sample.name, text=sample.read_text())]
    settings = record(now=timestamp(datetime(2026, 3, 1, tzinfo=timezone.utc)), policy_file=None,
                      overrides=[], kind=None)
    report = c.call(POLICY, "scan", files, settings, "json")  # enums are their WIT case names
    rendered = json.loads(report.rendered)
    expect(rendered.get("schemaVersion") == 1, "policy report is not schema version 1")
    print(f"policy {sample.name}: {field(report, 'tokens_checked')} tokens, "
          f"{report.passed} passed, {report.failed} failed (mandatory)")
    for f in report.findings:
        print(f"  {f.level:<9} {field(f, 'rule_id')}: {f.address}: {f.message}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--component", type=Path,
                        default=Path(os.environ.get("ACCESS_SERVICE_TOKEN_WASM", DEFAULT_COMPONENT)))
    parser.add_argument("--policy-component", type=Path,
                        default=Path(os.environ.get("ACCESS_SERVICE_TOKEN_POLICY_WASM", DEFAULT_POLICY_COMPONENT)))
    parser.add_argument("--policy-sample", type=Path, default=DEFAULT_POLICY_SAMPLE)
    args = parser.parse_args()

    api_token = os.environ.get("CLOUDFLARE_API_TOKEN")
    if not api_token:
        print("error: set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_BASE_URL for the emulator, "
              "e.g. http://127.0.0.1:8787/client/v4)", file=sys.stderr)
        return 1
    for path, flag in ((args.component, "--component"), (args.policy_component, "--policy-component")):
        if not path.is_file():
            print(f"error: no component at {path}: run `cargo build --release --target wasm32-wasip2` "
                  f"at the repository root, or pass {flag}", file=sys.stderr)
            return 1
    try:
        c = Component(args.component, http=True)
        print(f"wasmtime-py {metadata.version('wasmtime')}: loaded {args.component.name}")
        run_provider(c, os.environ.get("CLOUDFLARE_BASE_URL"), api_token,
                     os.environ.get("CLOUDFLARE_ACCOUNT_ID", "f037e56e89293a057740de681ac9abbe"))
        run_policy(Component(args.policy_component, http=False), args.policy_sample)
    except (ComponentError, AssertionError, wasmtime.WasmtimeError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
