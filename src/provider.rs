//! The provider operations: check, diff, create, read, update, delete,
//! import, lookup, rotate. Each validates, builds its requests with
//! [`crate::requests`], sends them through a [`Transport`] with the retry
//! policy, and parses the answers with [`crate::responses`]. Preview makes no
//! call. Time comes in as a parameter.

use crate::connection::Connection;
use crate::diff::{self, Plan};
use crate::duration::DEFAULT_DURATION;
use crate::error::Error;
use crate::import_id;
use crate::paging::Pager;
use crate::model::{Computed, Outcome, PlannedState, Scope, TokenArgs, TokenId, TokenState};
use crate::requests::{self, ApiRequest, TokenBody};
use crate::responses::{self, ApiToken, ResultInfo};
use crate::transport::{RawResponse, Transport, TransportFailure};
use crate::validate;
use chrono::{DateTime, Utc};

/// How a send failed.
enum Failure {
    /// The request failed and changed nothing, or the error says what happened.
    Definite(Error),
    /// A create may have reached Cloudflare and its answer was lost.
    Ambiguous(String),
}

/// A success whose body is not complete JSON (cut short on the way): for a
/// create, the change may have been made; for the rest, worth another try.
fn unreadable(resp: &RawResponse) -> bool {
    (200..300).contains(&resp.status) && serde_json::from_slice::<serde::de::IgnoredAny>(&resp.body).is_err()
}

/// How far before the attempt a token's `created_at` may be and still count
/// as made by it: server and client clocks are not perfectly in step.
const CLOCK_SKEW_SECONDS: i64 = 30;

/// A connection and a transport: what every API operation needs.
pub struct Client<'a, T: Transport> {
    conn: &'a Connection,
    transport: &'a mut T,
}

impl<'a, T: Transport> Client<'a, T> {
    /// Binds a connection to a transport.
    pub fn new(conn: &'a Connection, transport: &'a mut T) -> Self {
        Client { conn, transport }
    }

    /// Sends with retries: transport failures, 429 and 5xx are retried with
    /// capped exponential backoff and jitter, honouring `retry-after`. A
    /// create is never retried once it may have reached the server (a lost
    /// answer, or a 5xx, which is returned as is): that could make a
    /// duplicate token. Those come back as [`Failure::Ambiguous`].
    fn send_raw(&mut self, req: &ApiRequest) -> Result<RawResponse, Failure> {
        crate::connection::check_egress(&self.conn.base_url).map_err(Failure::Definite)?;
        let policy = self.conn.retry;
        let attempts = policy.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let outcome = self.transport.send(&self.conn.base_url, req);
            let retry_wait = match &outcome {
                Ok(resp) if (resp.status >= 500 || unreadable(resp)) && req.is_create() => None,
                Ok(resp) if unreadable(resp) => Some(None),
                Ok(resp) if resp.status == 429 || resp.status >= 500 => {
                    Some(responses::retry_after_at(resp, self.transport.now()).map(|s| s.saturating_mul(1000)))
                }
                Ok(_) => None,
                Err(f) if !f.retryable || (req.is_create() && f.maybe_sent) => None,
                Err(_) => Some(None),
            };
            match (retry_wait, attempt < attempts) {
                (Some(hint), true) => {
                    let backoff = u64::from(policy.initial_backoff_ms).saturating_mul(1 << (attempt - 1).min(20));
                    // Equal jitter: half the backoff, plus a random part of the other half.
                    let fraction = self.transport.random_u64() as f64 / u64::MAX as f64;
                    let jittered = (backoff as f64 * (0.5 + 0.5 * fraction)) as u64;
                    let wait = hint.unwrap_or(jittered).min(u64::from(policy.max_backoff_ms));
                    self.transport.sleep_ms(wait);
                    attempt += 1;
                }
                _ => {
                    return outcome.map_err(|f| {
                        if req.is_create() && f.maybe_sent {
                            Failure::Ambiguous(f.message)
                        } else if attempt > 1 {
                            Failure::Definite(Error::Transport(format!("{} (after {attempt} attempts)", f.message)))
                        } else {
                            Failure::Definite(Error::Transport(f.message))
                        }
                    })
                }
            }
        }
    }

    fn send(&mut self, req: &ApiRequest) -> Result<RawResponse, Error> {
        self.send_raw(req).map_err(|f| match f {
            Failure::Definite(e) => e,
            Failure::Ambiguous(m) => Error::Transport(format!("{m}; the request may have reached Cloudflare")),
        })
    }

    fn call(&mut self, req: ApiRequest) -> Result<ApiToken, Error> {
        let resp = self.send(&req)?;
        responses::parse(&resp)
    }
}

/// Check: validation only.
pub fn check(news: &TokenArgs) -> Result<TokenArgs, Error> {
    validate::check(news)
}

/// Diff at `now`.
pub fn diff(olds: &TokenState, news: &TokenArgs, now: DateTime<Utc>) -> Result<diff::DiffResult, Error> {
    validate::check(news)?;
    diff::diff(olds, news, now)
}

/// A token's state from the API's answer and the inputs it is managed
/// with: every field Cloudflare reports, the secret from the answer or else
/// `earlier_secret`.
pub fn state_from(token: ApiToken, args: TokenArgs, earlier_secret: Option<crate::secret::Secret>) -> TokenState {
    TokenState {
        id: token.id,
        args,
        client_id: token.client_id,
        client_secret: token.client_secret.or(earlier_secret),
        expires_at: token.expires_at,
        created_at: token.created_at,
        last_seen_at: token.last_seen_at,
    }
}

/// Create: one POST. Preview: no call, server-computed fields unknown.
pub fn create<T: Transport>(client: &mut Client<T>, news: &TokenArgs, preview: bool) -> Result<Outcome, Error> {
    let args = validate::check(news)?;
    let scope = args.scope()?;
    if preview {
        return Ok(Outcome::Planned(PlannedState {
            args,
            id: Computed::Unknown,
            client_id: Computed::Unknown,
            client_secret: Some(Computed::Unknown),
            expires_at: Computed::Unknown,
            created_at: Computed::Unknown,
            last_seen_at: None,
        }));
    }
    let started = client.transport.now();
    let request = requests::create(client.conn, &scope, &body_of(&args));
    let cause = match client.send_raw(&request) {
        Ok(resp) if resp.status >= 500 => format!("POST {}: HTTP {}", request.path, resp.status),
        Ok(resp) if unreadable(&resp) => format!("POST {}: {}", request.path, responses::unreadable_success(&resp)),
        Ok(resp) => {
            let token: ApiToken = responses::parse(&resp)?;
            if token.client_secret.is_none() {
                return Err(Error::Internal(format!("token {} was created but the API returned no client secret", token.id)));
            }
            return Ok(Outcome::Applied(state_from(token, args, None)));
        }
        Err(Failure::Ambiguous(message)) => message,
        Err(Failure::Definite(e)) => return Err(e),
    };
    let adopted = reconcile(client, &scope, &args.name, started, &cause)?;
    Ok(Outcome::Applied(state_from(adopted, args, None)))
}

/// What to do with one answer of a concurrent create.
enum Settled {
    /// The outcome is known: the token, or an error that changed nothing.
    Done(Result<ApiToken, Error>),
    /// Refused before anything changed (429, or never sent): try again alone.
    Retry,
    /// It may have made a token whose answer is lost: find out by listing.
    Reconcile(String),
}

/// Judges one answer of a concurrent create, without further calls.
fn settle(path: &str, answer: Result<RawResponse, TransportFailure>) -> Settled {
    match answer {
        Ok(resp) if resp.status == 429 => Settled::Retry,
        Ok(resp) if resp.status >= 500 => Settled::Reconcile(format!("POST {path}: HTTP {}", resp.status)),
        Ok(resp) if unreadable(&resp) => Settled::Reconcile(format!("POST {path}: {}", responses::unreadable_success(&resp))),
        Ok(resp) => Settled::Done(responses::parse(&resp).and_then(|token: ApiToken| match token.client_secret {
            Some(_) => Ok(token),
            None => Err(Error::Internal(format!("token {} was created but the API returned no client secret", token.id))),
        })),
        Err(f) if !f.maybe_sent && f.retryable => Settled::Retry,
        Err(f) if !f.maybe_sent => Settled::Done(Err(Error::Transport(f.message))),
        Err(f) => Settled::Reconcile(f.message),
    }
}

/// Creates several tokens with all their requests in flight at once (the
/// caller bounds how many), handing each outcome to `on_outcome` with its
/// index in `news` as soon as it is known — so the caller can save it before
/// the slower answers arrive. Each outcome is what [`create`] would give: a
/// refusal that changed nothing (429, not sent) is retried on its own with
/// the retry policy, and a lost or broken answer is reconciled by listing;
/// both happen after every answer of the batch is in.
pub fn create_many<T: Transport>(client: &mut Client<T>, news: &[TokenArgs], on_outcome: &mut dyn FnMut(usize, Result<Outcome, Error>)) {
    if let Err(e) = crate::connection::check_egress(&client.conn.base_url) {
        for i in 0..news.len() {
            on_outcome(i, Err(e.clone()));
        }
        return;
    }
    let mut sent: Vec<(usize, TokenArgs, Scope)> = Vec::with_capacity(news.len());
    let mut requests = Vec::with_capacity(news.len());
    for (i, args) in news.iter().enumerate() {
        match validate::check(args).and_then(|a| a.scope().map(|s| (a, s))) {
            Ok((args, scope)) => {
                requests.push(requests::create(client.conn, &scope, &body_of(&args)));
                sent.push((i, args, scope));
            }
            Err(e) => on_outcome(i, Err(e)),
        }
    }
    let started = client.transport.now();
    let mut answered = vec![false; sent.len()];
    // Index of the request, and the cause when it must be reconciled
    // (none: retried alone).
    let mut later: Vec<(usize, Option<String>)> = Vec::new();
    client.transport.send_all(&client.conn.base_url, &requests, &mut |k, answer| {
        let (Some((i, args, _)), Some(request)) = (sent.get(k), requests.get(k)) else {
            return;
        };
        answered[k] = true;
        match settle(&request.path, answer) {
            Settled::Done(result) => on_outcome(*i, result.map(|token| Outcome::Applied(state_from(token, args.clone(), None)))),
            Settled::Retry => later.push((k, None)),
            Settled::Reconcile(cause) => later.push((k, Some(cause))),
        }
    });
    // A request the transport never answered may still have been sent.
    later.extend(answered.iter().enumerate().filter(|(_, a)| !**a).map(|(k, _)| (k, Some(format!("POST {}: no answer", requests[k].path)))));
    later.sort_by_key(|(k, _)| *k);
    for (k, cause) in later {
        let (i, args, scope) = &sent[k];
        let outcome = match cause {
            None => create(client, args, false),
            Some(cause) => reconcile(client, scope, &args.name, started, &cause).map(|token| Outcome::Applied(state_from(token, args.clone(), None))),
        };
        on_outcome(*i, outcome);
    }
}

fn body_of(args: &TokenArgs) -> TokenBody {
    TokenBody {
        name: Some(args.name.clone()),
        duration: args.duration.clone(),
        client_secret_version: args.client_secret_version,
        previous_client_secret_expires_at: args.previous_client_secret_expires_at.clone(),
        // Left out, a token is created enabled: the body says only `false`.
        enabled: (!args.enabled).then_some(false),
    }
}

/// The tokens named `name` in `scope` created at or after `started` (less
/// the clock-skew allowance): the candidates for a create whose answer was
/// lost. Reads every page of the name-filtered list.
pub fn made_since<T: Transport>(client: &mut Client<T>, scope: &Scope, name: &str, started: DateTime<Utc>) -> Result<Vec<ApiToken>, Error> {
    let since = started - chrono::TimeDelta::seconds(CLOCK_SKEW_SECONDS);
    let recent = |t: &ApiToken| {
        t.name == name
            && t.created_at.as_deref().and_then(|c| DateTime::parse_from_rfc3339(c).ok()).is_some_and(|c| c.with_timezone(&Utc) >= since)
    };
    Ok(list_pages(client, scope, Some(name), MAX_NAMED_PAGES)?.into_iter().filter(recent).collect())
}

/// Pages read at most for one name (100 000 tokens of one name).
const MAX_NAMED_PAGES: u32 = 100;
/// Pages read at most for a whole scope (10 million tokens).
const MAX_SCOPE_PAGES: u32 = 10_000;
/// Items asked for per page: the API's largest page.
const PER_PAGE: u32 = 1000;

/// Every token of a scope (named `name`, when given), page after page until
/// one says it is the last (see [`crate::paging`]); each id once.
fn list_pages<T: Transport>(client: &mut Client<T>, scope: &Scope, name: Option<&str>, max_pages: u32) -> Result<Vec<ApiToken>, Error> {
    let path = requests::list(client.conn, scope, 1, PER_PAGE, name).path;
    let endpoint = match name {
        Some(name) => format!("{path}?name={name}"),
        None => path,
    };
    let mut pager = Pager::new(endpoint, PER_PAGE, max_pages);
    let mut all = Vec::new();
    while let Some(page) = pager.next_page() {
        let (tokens, info) = fetch_page(client, scope, page, PER_PAGE, name)?;
        all.extend(pager.take(tokens, info.as_ref())?);
    }
    Ok(all)
}

/// After a create whose answer was lost: lists the scope's tokens by name and
/// adopts the one made at or after the attempt. An adopted token has no
/// secret (Cloudflare shows it only in the lost answer): rotate to get one.
fn reconcile<T: Transport>(client: &mut Client<T>, scope: &Scope, name: &str, started: Option<DateTime<Utc>>, cause: &str) -> Result<ApiToken, Error> {
    let Some(started) = started else {
        return Err(Error::Transport(format!(
            "{cause}; the create may have reached Cloudflare and its outcome is unknown: list the tokens named {name:?} in this {} before creating again",
            scope.kind()
        )));
    };
    // Whatever stops the listing, the create's outcome stays unknown: a
    // transport error, so its pending record is kept for the next run.
    let mut found = made_since(client, scope, name, started).map_err(|e| {
        Error::Transport(format!("{cause}; the create may have reached Cloudflare, and listing the tokens named {name:?} to find out failed: {e}"))
    })?;
    let at = (started - chrono::TimeDelta::seconds(CLOCK_SKEW_SECONDS)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error::Transport(format!(
            "{cause}; the create's answer was lost, and no token named {name:?} was made in this {} since {at}: nothing was created, so it is safe to run it again",
            scope.kind()
        ))),
        n => Err(Error::Transport(format!(
            "{cause}; the create's answer was lost, and {n} tokens named {name:?} were made in this {} since {at}: the outcome is ambiguous — keep one (import it) and delete the others",
            scope.kind()
        ))),
    }
}

fn located(state: &TokenState) -> Result<(Scope, TokenId), Error> {
    Ok((state.args.scope()?, TokenId::parse(&state.id)?))
}

/// Read: one GET; `None` when the token is gone. Never mutates. Name and
/// expiry come from the live token (drift shows in the next diff); the secret
/// is carried from `state`.
pub fn read<T: Transport>(client: &mut Client<T>, state: &TokenState) -> Result<Option<TokenState>, Error> {
    let (scope, id) = located(state)?;
    let token = match client.call(requests::get(client.conn, &scope, &id)) {
        Ok(t) => t,
        Err(Error::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(merge_live(state, token)))
}

/// A state brought up to date from the live token: name, expiry and secret
/// version from Cloudflare (drift shows in the next diff), the secret carried
/// over (Cloudflare never returns it again). A state with no secret version
/// and a live token at the first one (1) is unchanged: nobody rotated it, and
/// an engine that compares outputs (Pulumi's refresh) must not see drift.
pub fn merge_live(state: &TokenState, token: ApiToken) -> TokenState {
    let mut args = state.args.clone();
    args.name = token.name.clone();
    if args.duration.is_some() && token.duration.is_some() {
        args.duration = token.duration.clone();
    }
    args.client_secret_version = match (token.client_secret_version, args.client_secret_version) {
        (Some(1), None) => None,
        (live, stored) => live.or(stored),
    };
    // A token disabled outside the program reads as disabled: the next diff
    // against `enabled: true` re-enables it, with a reason.
    args.enabled = token.enabled.unwrap_or(args.enabled);
    state_from(token, args, state.client_secret.clone())
}

/// One page of a scope's tokens (one GET, with the usual retries) and the
/// API's `result_info`: for callers that page across calls of their own,
/// such as Pulumi's `List` ([`crate::pulumi::list`]).
pub fn list_page<T: Transport>(client: &mut Client<T>, scope: &Scope, page: u32, per_page: u32) -> Result<(Vec<ApiToken>, Option<ResultInfo>), Error> {
    fetch_page(client, scope, page, per_page, None)
}

/// One list request (tokens named `name`, when given) and its parsed answer:
/// the one place a listing is sent, whoever pages through it.
fn fetch_page<T: Transport>(client: &mut Client<T>, scope: &Scope, page: u32, per_page: u32, name: Option<&str>) -> Result<(Vec<ApiToken>, Option<ResultInfo>), Error> {
    let resp = client.send(&requests::list(client.conn, scope, page, per_page, name))?;
    responses::parse_with_info(&resp)
}

/// Every token of a scope, a page of 1000 at a time: ⌈N/1000⌉ calls when
/// the API reports its totals or the last page is short (one more, an empty
/// page, only when N is a multiple of 1000 and the API reports no totals).
pub fn list_all<T: Transport>(client: &mut Client<T>, scope: &Scope) -> Result<Vec<ApiToken>, Error> {
    list_pages(client, scope, None, MAX_SCOPE_PAGES)
}

/// Update: the in-place changes of the diff at `now`, in one call — a PUT
/// (name, duration, rotation, zone renewal) or, for an account renewal alone,
/// `POST …/refresh`; none for a state-only change.
pub fn update<T: Transport>(
    client: &mut Client<T>,
    olds: &TokenState,
    news: &TokenArgs,
    now: DateTime<Utc>,
    preview: bool,
) -> Result<Outcome, Error> {
    let args = validate::check(news)?;
    let plan = diff::plan(olds, &args, now)?;
    if plan.replace {
        return Err(Error::invalid(
            if olds.args.account_id != args.account_id { "accountId" } else { "zoneId" },
            "changing the scope replaces the token: create the new one, then delete the old one (update cannot move it)",
        ));
    }
    let (scope, id) = located(olds)?;
    if preview {
        return Ok(Outcome::Planned(planned_update(olds, args, &plan)));
    }
    let renew_by_put = plan.renew && matches!(scope, Scope::Zone(_));
    let token = if plan.needs_put() || renew_by_put {
        let carries_duration = plan.duration_changed || plan.renew;
        let body = TokenBody {
            name: Some(args.name.clone()),
            duration: carries_duration.then(|| effective_duration(olds, &args)),
            client_secret_version: plan.rotate_to,
            previous_client_secret_expires_at: plan.rotate_to.and(args.previous_client_secret_expires_at.clone()),
            enabled: plan.enabled_changed.then_some(args.enabled),
        };
        Some(client.call(requests::update(client.conn, &scope, &id, &body))?)
    } else if plan.renew {
        Some(client.call(requests::refresh(client.conn, &scope, &id)?)?)
    } else {
        None
    };
    let Some(token) = token else {
        return Ok(Outcome::Applied(TokenState { args, ..olds.clone() }));
    };
    if let Some(v) = plan.rotate_to {
        if token.client_secret.is_none() {
            return Err(Error::Internal(format!("the API accepted clientSecretVersion {v} for token {} but returned no new secret", token.id)));
        }
    }
    Ok(Outcome::Applied(state_from(token, args, olds.client_secret.clone())))
}

fn effective_duration(olds: &TokenState, news: &TokenArgs) -> String {
    news.duration.clone().or_else(|| olds.args.duration.clone()).unwrap_or_else(|| DEFAULT_DURATION.to_string())
}

fn planned_update(olds: &TokenState, args: TokenArgs, plan: &Plan) -> PlannedState {
    let expiry_changes = plan.renew || plan.duration_changed;
    PlannedState {
        args,
        id: Computed::Known(olds.id.clone()),
        client_id: Computed::Known(olds.client_id.clone()),
        client_secret: if plan.rotate_to.is_some() {
            Some(Computed::Unknown)
        } else {
            olds.client_secret.clone().map(Computed::Known)
        },
        expires_at: match (&olds.expires_at, expiry_changes) {
            (Some(t), false) => Computed::Known(t.clone()),
            _ => Computed::Unknown,
        },
        created_at: olds.created_at.clone().map_or(Computed::Unknown, Computed::Known),
        last_seen_at: olds.last_seen_at.clone(),
    }
}

/// Delete: one DELETE; a token already gone is a success.
pub fn delete<T: Transport>(client: &mut Client<T>, state: &TokenState) -> Result<(), Error> {
    let (scope, id) = located(state)?;
    match client.call(requests::delete(client.conn, &scope, &id)) {
        Ok(_) | Err(Error::NotFound(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

fn adopted(token: ApiToken, scope: &Scope) -> TokenState {
    let (account_id, zone_id) = match scope {
        Scope::Account(a) => (Some(a.clone()), None),
        Scope::Zone(z) => (None, Some(z.clone())),
    };
    let args = TokenArgs {
        name: token.name.clone(),
        account_id,
        zone_id,
        min_days_for_renewal: 0,
        duration: token.duration.clone(),
        client_secret_version: token.client_secret_version,
        previous_client_secret_expires_at: None,
        enabled: token.enabled.unwrap_or(true),
    };
    state_from(token, args, None)
}

/// Import: one GET by id in any of the three forms. The secret is absent:
/// Cloudflare never returns it again; rotate to obtain one.
pub fn import<T: Transport>(client: &mut Client<T>, id: &str) -> Result<TokenState, Error> {
    let (scope, token_id) = import_id::parse(id)?;
    lookup(client, &scope, &token_id)
}

/// Lookup (Pulumi's `get`): one GET, read-only; `NotFound` when missing.
pub fn lookup<T: Transport>(client: &mut Client<T>, scope: &Scope, id: &TokenId) -> Result<TokenState, Error> {
    let token = client.call(requests::get(client.conn, scope, id))?;
    Ok(adopted(token, scope))
}

/// Rotate now: account `POST …/rotate`; zone, which has no rotate route, a GET
/// for the live secret version and a PUT with the next one. The client id
/// stays; the new secret is in the returned state.
pub fn rotate<T: Transport>(client: &mut Client<T>, state: &TokenState, previous_expires_at: Option<&str>) -> Result<TokenState, Error> {
    if let Some(t) = previous_expires_at {
        chrono::DateTime::parse_from_rfc3339(t)
            .map_err(|e| Error::invalid("previousClientSecretExpiresAt", format!("expected an RFC 3339 time, found {t:?} ({e})")))?;
    }
    let (scope, id) = located(state)?;
    let token = match scope {
        Scope::Account(_) => client.call(requests::rotate(client.conn, &scope, &id, previous_expires_at)?)?,
        Scope::Zone(_) => {
            let live = client.call(requests::get(client.conn, &scope, &id))?;
            let next = live.client_secret_version.unwrap_or(1) + 1;
            let body = TokenBody {
                name: Some(live.name.clone()),
                duration: None,
                client_secret_version: Some(next),
                previous_client_secret_expires_at: previous_expires_at.map(str::to_string),
                enabled: None,
            };
            client.call(requests::update(client.conn, &scope, &id, &body))?
        }
    };
    if token.client_secret.is_none() {
        return Err(Error::Internal(format!("token {} was rotated but the API returned no secret", token.id)));
    }
    let mut args = state.args.clone();
    args.client_secret_version = token.client_secret_version.or(args.client_secret_version);
    Ok(state_from(token, args, None))
}
