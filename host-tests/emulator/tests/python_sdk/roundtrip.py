"""Drive the official Cloudflare Python SDK against the emulator.

Run by tests/python_sdk.rs with:
  CF_EMULATOR_BASE_URL   e.g. http://127.0.0.1:41234/client/v4
  CF_EMULATOR_API_TOKEN  an API token the emulator accepts
  CF_EMULATOR_ACCOUNT_ID / CF_EMULATOR_ZONE_ID  32-hex ids (fresh namespaces)

Every check is a plain `assert`: any failure exits non-zero with a traceback.
The Rust side then validates every request the SDK sent against the OpenAPI
document, so this script is about what the SDK *gets back*.
"""

import os
import sys
from datetime import datetime, timedelta, timezone

import cloudflare
from cloudflare import Cloudflare

BASE_URL = os.environ["CF_EMULATOR_BASE_URL"]
TOKEN = os.environ["CF_EMULATOR_API_TOKEN"]
ACCOUNT = os.environ["CF_EMULATOR_ACCOUNT_ID"]
ZONE = os.environ["CF_EMULATOR_ZONE_ID"]

client = Cloudflare(api_token=TOKEN, base_url=BASE_URL, max_retries=0, timeout=30)
tokens = client.zero_trust.access.service_tokens


def fields(model):
    """Everything the API sent, declared fields and extras alike."""
    return model.to_dict()


def near(actual, expected, slack=timedelta(minutes=2)):
    return abs(actual - expected) <= slack


def check_account_scope():
    now = datetime.now(timezone.utc)
    created = tokens.create(account_id=ACCOUNT, name="sdk-account", duration="720h")
    assert created is not None
    assert created.client_secret and created.client_secret.startswith("cfast_"), created
    assert len(created.client_secret) == 54, created.client_secret
    assert created.client_id.endswith(".access") and len(created.client_id) == 39
    assert created.duration == "720h"
    assert created.enabled is True
    created_fields = fields(created)
    assert created_fields["client_secret_version"] == 1, created_fields
    created_expiry = datetime.fromisoformat(created_fields["expires_at"].replace("Z", "+00:00"))
    assert near(created_expiry, now + timedelta(hours=720)), created_expiry

    got = tokens.get(created.id, account_id=ACCOUNT)
    assert got.id == created.id and got.name == "sdk-account" and got.client_id == created.client_id
    assert "client_secret" not in fields(got), fields(got)
    assert got.expires_at == created_expiry
    assert got.last_seen_at is None

    # Auto-pagination: five more tokens, two per page, and the pager must
    # walk every page and stop on the empty one.
    names = [f"page-{i}" for i in range(5)]
    for name in names:
        tokens.create(account_id=ACCOUNT, name=name)
    first_page = tokens.list(account_id=ACCOUNT, per_page=2)
    assert len(first_page.result) == 2
    assert first_page.result_info.page == 1 and first_page.result_info.per_page == 2
    listed = [t.name for t in tokens.list(account_id=ACCOUNT, per_page=2)]
    assert listed == ["sdk-account"] + names, listed
    assert all("client_secret" not in fields(t) for t in first_page.result)
    assert [t.name for t in tokens.list(account_id=ACCOUNT, name="page-3")] == ["page-3"]
    assert [t.name for t in tokens.list(account_id=ACCOUNT, search="PAGE", per_page=3)] == names

    renamed = tokens.update(created.id, account_id=ACCOUNT, name="sdk-renamed")
    assert renamed.name == "sdk-renamed"
    assert renamed.expires_at == created_expiry, "a rename keeps the expiry"
    assert "client_secret" not in fields(renamed)

    shortened = tokens.update(created.id, account_id=ACCOUNT, duration="24h", enabled=False)
    assert shortened.duration == "24h" and shortened.enabled is False
    assert near(shortened.expires_at, datetime.now(timezone.utc) + timedelta(hours=24)), shortened.expires_at

    bumped = tokens.update(
        created.id,
        account_id=ACCOUNT,
        client_secret_version=2,
        previous_client_secret_expires_at=datetime(2030, 1, 1, tzinfo=timezone.utc),
    )
    bumped_fields = fields(bumped)
    assert bumped_fields.get("client_secret", "").startswith("cfast_"), bumped_fields
    assert bumped_fields["client_secret"] != created.client_secret
    assert bumped_fields["client_secret_version"] == 2

    refreshed = tokens.refresh(created.id, account_id=ACCOUNT)
    assert refreshed.id == created.id
    assert refreshed.expires_at > shortened.expires_at, (refreshed.expires_at, shortened.expires_at)
    assert near(refreshed.expires_at, datetime.now(timezone.utc) + timedelta(hours=24))
    assert "client_secret" not in fields(refreshed)

    rotated = tokens.rotate(created.id, account_id=ACCOUNT)
    assert rotated.client_secret.startswith("cfast_")
    assert rotated.client_secret not in (created.client_secret, bumped_fields["client_secret"])
    assert fields(rotated)["client_secret_version"] == 3
    assert rotated.client_id == created.client_id

    graced = tokens.rotate(
        created.id, account_id=ACCOUNT, previous_client_secret_expires_at=datetime(2031, 1, 1, tzinfo=timezone.utc)
    )
    assert graced.client_secret != rotated.client_secret
    assert fields(graced)["previous_client_secret_expires_at"].startswith("2031-01-01")

    deleted = tokens.delete(created.id, account_id=ACCOUNT)
    assert deleted.id == created.id
    try:
        tokens.get(created.id, account_id=ACCOUNT)
    except cloudflare.NotFoundError as e:
        assert e.status_code == 404
        assert e.body["errors"][0]["code"] == 12135, e.body
    else:
        raise AssertionError("a deleted token must be gone")


def check_zone_scope():
    created = tokens.create(zone_id=ZONE, name="sdk-zone", duration="forever")
    assert created.client_secret.startswith("cfast_")
    expiry = datetime.fromisoformat(fields(created)["expires_at"].replace("Z", "+00:00"))
    assert near(expiry, datetime.now(timezone.utc) + timedelta(days=36500)), expiry
    got = tokens.get(created.id, zone_id=ZONE)
    assert got.name == "sdk-zone" and "client_secret" not in fields(got)
    assert [t.id for t in tokens.list(zone_id=ZONE)] == [created.id]
    updated = tokens.update(created.id, zone_id=ZONE, name="sdk-zone-renamed", duration="8760h")
    assert updated.name == "sdk-zone-renamed" and updated.duration == "8760h"
    assert near(updated.expires_at, datetime.now(timezone.utc) + timedelta(hours=8760))
    assert tokens.delete(created.id, zone_id=ZONE).id == created.id
    assert list(tokens.list(zone_id=ZONE)) == []


def check_errors():
    bad = Cloudflare(api_token="not-a-valid-token", base_url=BASE_URL, max_retries=0, timeout=30)
    try:
        bad.zero_trust.access.service_tokens.list(account_id=ACCOUNT)
    except cloudflare.PermissionDeniedError as e:
        assert e.status_code == 403
    else:
        raise AssertionError("an unknown API token must be rejected")


check_account_scope()
check_zone_scope()
check_errors()
print(f"python sdk roundtrip ok (cloudflare {cloudflare.__version__})")
sys.exit(0)
