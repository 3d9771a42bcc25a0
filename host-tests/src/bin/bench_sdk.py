"""The official Cloudflare Python SDK's create/get/delete loop, for bench.rs.

Environment: CF_EMULATOR_BASE_URL, CF_EMULATOR_API_TOKEN, CF_EMULATOR_ACCOUNT_ID,
BENCH_ITERATIONS, BENCH_WARMUP. Prints one JSON object: the nanoseconds of every
timed call, per operation (warm-up iterations are not timed).
"""

import json
import os
import time

from cloudflare import Cloudflare

client = Cloudflare(api_token=os.environ["CF_EMULATOR_API_TOKEN"], base_url=os.environ["CF_EMULATOR_BASE_URL"])
tokens = client.zero_trust.access.service_tokens
account = os.environ["CF_EMULATOR_ACCOUNT_ID"]
iterations, warmup = int(os.environ["BENCH_ITERATIONS"]), int(os.environ["BENCH_WARMUP"])
times = {"create": [], "read": [], "delete": []}


def timed(op, i, call):
    start = time.perf_counter_ns()
    result = call()
    if i >= warmup:
        times[op].append(time.perf_counter_ns() - start)
    return result


for i in range(warmup + iterations):
    created = timed("create", i, lambda: tokens.create(account_id=account, name=f"sdk-bench-{i}"))
    timed("read", i, lambda: tokens.get(created.id, account_id=account))
    timed("delete", i, lambda: tokens.delete(created.id, account_id=account))

print(json.dumps(times))
