// Drives the typed provider exports of the access-service-token component from
// Node.js: check, diff, create, read and delete, against the Cloudflare API (or
// the local emulator) given by CLOUDFLARE_BASE_URL and CLOUDFLARE_API_TOKEN.
//
// The component runs as jco's transpilation (`npm run transpile`, or
// `npx jco transpile <wasm> -o generated`): its wasi:* imports, wasi:http
// included, come from @bytecodealliance/preview2-shim. The client secret is
// never printed. Exit status: 0 when every step did what it should, 1 otherwise.

const GENERATED = './generated/access_service_token_provider.js';

/** The client secret is printed as this, never as itself. */
const SECRET = '[secret]';

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

/** A component error (the WIT `error` variant) as one line; these carry no secret. */
function describeError(e) {
  if (e && typeof e === 'object' && 'payload' in e) {
    const { tag, val } = e.payload;
    if (tag === 'invalid-input') {
      return `${tag}: ${val.map((f) => `${f.property}: ${f.reason}`).join('; ')}`;
    }
    if (typeof val === 'string') return `${tag}: ${val}`;
    if (tag === 'rate-limited') return `${tag}: ${val.message}`;
    return `${tag}: HTTP ${val.status}${val.code === undefined ? '' : ` code ${val.code}`}: ${val.message}`;
  }
  return e instanceof Error ? e.stack ?? e.message : String(e);
}

/** `computed` variant → text. */
const computed = (c) => (c.tag === 'known' ? c.val : '(known after apply)');

/** A token state as one line, secret masked. */
function showState(s) {
  return `id=${s.id} clientId=${s.clientId} clientSecret=${s.clientSecret === undefined ? '(none)' : SECRET} expiresAt=${s.expiresAt ?? '(none)'}`;
}

function showDiff(d) {
  if (!d.changes) return 'no changes';
  const props = d.detailedDiff.map((p) => `${p.property} (${p.kind})`).join(', ');
  const actions = d.actions.map((a) => `${a.kind}: ${a.reason}`).join('; ');
  return `changes [${props}]${d.replaces.length ? ` replaces [${d.replaces.join(', ')}]` : ''} -> ${actions}`;
}

/** RFC 3339 → the WIT `timestamp` record (s64 seconds are BigInt in JS). */
function timestamp(rfc3339) {
  const ms = Date.parse(rfc3339);
  if (Number.isNaN(ms)) fail(`not an RFC 3339 time: ${rfc3339}`);
  return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1_000_000 };
}

function expect(condition, what) {
  if (!condition) fail(`unexpected result: ${what}`);
}

async function main() {
  const baseUrl = process.env.CLOUDFLARE_BASE_URL;
  const apiToken = process.env.CLOUDFLARE_API_TOKEN;
  if (!apiToken) fail('set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_BASE_URL for the emulator, e.g. http://127.0.0.1:8787/client/v4)');
  const accountId = process.env.CLOUDFLARE_ACCOUNT_ID ?? 'f037e56e89293a057740de681ac9abbe';

  let provider;
  try {
    ({ provider } = await import(GENERATED));
  } catch (e) {
    if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('generated')) {
      fail('generated/ is missing: build the component and run `npm run transpile` first (see README.md)');
    }
    throw e;
  }

  // WIT records are plain objects with camelCase fields; `option<T>` is
  // `undefined` or the value; u64/s64 are BigInt; variants are {tag, val}.
  const conn = {
    baseUrl, // undefined: https://api.cloudflare.com/client/v4
    credentials: { tag: 'api-token', val: apiToken },
    retry: { maxAttempts: 3, initialBackoffMs: 200, maxBackoffMs: 2000 },
  };
  console.log(`API: ${baseUrl ?? 'https://api.cloudflare.com/client/v4'} (token ${SECRET})`);

  // check: validation and defaults, no call. A failure is thrown as a
  // ComponentError whose `payload` is the WIT `error` variant.
  try {
    provider.check({ name: 'bad', accountId: 'not-hex', zoneId: '0'.repeat(32), minDaysForRenewal: -1n, enabled: true });
    fail('check accepted invalid inputs');
  } catch (e) {
    expect(e?.payload?.tag === 'invalid-input', `check of invalid inputs: ${describeError(e)}`);
    console.log(`check (invalid inputs): rejected, ${e.payload.val.length} failures: ${describeError(e)}`);
  }
  const news = provider.check({ name: 'node-example', accountId, minDaysForRenewal: 30n, duration: '8760h', enabled: true });
  console.log(`check: ok name=${news.name} accountId=${news.accountId} minDaysForRenewal=${news.minDaysForRenewal}`);

  // create with preview: the plan, no call.
  const plan = provider.create(conn, news, true);
  expect(plan.tag === 'planned', `preview returned ${plan.tag}`);
  console.log(`create (preview): id=${computed(plan.val.id)} clientId=${computed(plan.val.clientId)} expiresAt=${computed(plan.val.expiresAt)}`);

  // create: one POST.
  const created = provider.create(conn, news, false);
  expect(created.tag === 'applied', `create returned ${created.tag}`);
  const state = created.val;
  expect(typeof state.clientSecret === 'string' && state.clientSecret.length > 0, 'create returned no client secret');
  console.log(`create: ${showState(state)}`);

  // read: one GET; the secret is carried over from `state`.
  const live = provider.read(conn, state);
  expect(live !== undefined, 'read: the token just created is gone');
  expect(live.id === state.id && live.clientId === state.clientId, 'read returned another token');
  expect(live.clientSecret === state.clientSecret, 'read did not carry the secret over');
  console.log(`read: ${showState(live)}`);

  // diff: no call. Same inputs → nothing; a new name → update in place;
  // ten days before expiry → a renewal, with its reason.
  const same = provider.diff(live, news, undefined);
  expect(!same.changes, `diff of the same inputs: ${showDiff(same)}`);
  console.log(`diff (same inputs): ${showDiff(same)}`);
  const renamed = provider.diff(live, { ...news, name: 'node-example-renamed' }, undefined);
  expect(renamed.changes && renamed.actions.some((a) => a.kind === 'update'), `diff of a rename: ${showDiff(renamed)}`);
  console.log(`diff (new name): ${showDiff(renamed)}`);
  if (live.expiresAt !== undefined) {
    const tenDaysBefore = new Date(Date.parse(live.expiresAt) - 10 * 86_400_000).toISOString();
    const later = provider.diff(live, news, timestamp(tenDaysBefore));
    expect(later.actions.some((a) => a.kind === 'renew'), `diff 10 days before expiry: ${showDiff(later)}`);
    console.log(`diff (at ${tenDaysBefore}): ${showDiff(later)}`);
  }

  // delete: one DELETE.
  provider.delete(conn, live);
  console.log(`delete: ${live.id} deleted`);
  console.log('ok');
}

main().catch((e) => fail(describeError(e)));
