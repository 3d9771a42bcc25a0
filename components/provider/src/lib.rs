//! The `provider-component` world's glue (`access_service_token_provider.wasm`):
//! WIT bindings, conversions between the generated types and the core's, and
//! the one thing only the edge may do besides reading the clock — hand the
//! core a real transport (wasi-http). Imports no filesystem and no
//! environment: credentials come only in the `connection` argument.
#![cfg(target_arch = "wasm32")]
#![allow(unsafe_code, missing_docs)]

use access_service_token::connection::{Connection, Credentials, RetrySettings};
use access_service_token::diff::{ActionKind, DiffKind};
use access_service_token::model::{Computed, Outcome, Scope, TokenArgs, TokenId, TokenState};
use access_service_token::provider::{self, Client};
use access_service_token::secret::Secret;
use component_types::{error_out, now_or_clock, wit};
use wasi_http_transport::WasiTransport;

wit_bindgen::generate!({
    world: "provider-component",
    path: "../../wit",
    with: { "cloudflare:access-service-token/types@0.3.0": component_types::wit },
});

use exports::cloudflare::access_service_token::provider::Guest;

struct Component;

export!(Component);

impl Guest for Component {
    fn check(news: wit::TokenArgs) -> Result<wit::TokenArgs, wit::Error> {
        provider::check(&args_in(news)).map(args_out).map_err(error_out)
    }

    fn diff(olds: wit::TokenState, news: wit::TokenArgs, now: Option<wit::Timestamp>) -> Result<wit::DiffResult, wit::Error> {
        let now = now_or_clock(now)?;
        let result = provider::diff(&state_in(olds), &args_in(news), now).map_err(error_out)?;
        Ok(wit::DiffResult {
            changes: result.changes,
            replaces: result.replaces,
            delete_before_replace: result.delete_before_replace,
            detailed_diff: result
                .detailed_diff
                .into_iter()
                .map(|d| wit::PropertyDiff { property: d.property, kind: kind_out(d.kind), input_diff: d.input_diff })
                .collect(),
            actions: result.actions.into_iter().map(planned_action_out).collect(),
        })
    }

    fn create(conn: wit::Connection, news: wit::TokenArgs, preview: bool) -> Result<wit::ApplyOutcome, wit::Error> {
        let conn = connection_in(conn);
        let mut transport = transport(&conn);
        let mut client = Client::new(&conn, &mut transport);
        provider::create(&mut client, &args_in(news), preview).map(outcome_out).map_err(error_out)
    }

    fn read(conn: wit::Connection, state: wit::TokenState) -> Result<Option<wit::TokenState>, wit::Error> {
        let conn = connection_in(conn);
        let mut transport = transport(&conn);
        let mut client = Client::new(&conn, &mut transport);
        provider::read(&mut client, &state_in(state)).map(|s| s.map(state_out)).map_err(error_out)
    }

    fn update(
        conn: wit::Connection,
        olds: wit::TokenState,
        news: wit::TokenArgs,
        now: Option<wit::Timestamp>,
        preview: bool,
    ) -> Result<wit::ApplyOutcome, wit::Error> {
        let now = now_or_clock(now)?;
        let conn = connection_in(conn);
        let mut transport = transport(&conn);
        let mut client = Client::new(&conn, &mut transport);
        provider::update(&mut client, &state_in(olds), &args_in(news), now, preview).map(outcome_out).map_err(error_out)
    }

    fn delete(conn: wit::Connection, state: wit::TokenState) -> Result<(), wit::Error> {
        let conn = connection_in(conn);
        let mut transport = transport(&conn);
        let mut client = Client::new(&conn, &mut transport);
        provider::delete(&mut client, &state_in(state)).map_err(error_out)
    }

    fn import(conn: wit::Connection, id: String) -> Result<wit::TokenState, wit::Error> {
        let conn = connection_in(conn);
        let mut transport = transport(&conn);
        let mut client = Client::new(&conn, &mut transport);
        provider::import(&mut client, &id).map(state_out).map_err(error_out)
    }

    fn get(conn: wit::Connection, scope: wit::Scope, token_id: String) -> Result<wit::TokenState, wit::Error> {
        let scope = match scope {
            wit::Scope::Account(a) => Scope::account(&a),
            wit::Scope::Zone(z) => Scope::zone(&z),
        }
        .map_err(error_out)?;
        let id = TokenId::parse(&token_id).map_err(error_out)?;
        let conn = connection_in(conn);
        let mut transport = transport(&conn);
        let mut client = Client::new(&conn, &mut transport);
        provider::lookup(&mut client, &scope, &id).map(state_out).map_err(error_out)
    }

    fn rotate(
        conn: wit::Connection,
        state: wit::TokenState,
        previous_client_secret_expires_at: Option<String>,
    ) -> Result<wit::TokenState, wit::Error> {
        let conn = connection_in(conn);
        let mut transport = transport(&conn);
        let mut client = Client::new(&conn, &mut transport);
        provider::rotate(&mut client, &state_in(state), previous_client_secret_expires_at.as_deref())
            .map(state_out)
            .map_err(error_out)
    }
}


fn args_in(a: wit::TokenArgs) -> TokenArgs {
    TokenArgs {
        name: a.name,
        account_id: a.account_id,
        zone_id: a.zone_id,
        min_days_for_renewal: a.min_days_for_renewal,
        duration: a.duration,
        client_secret_version: a.client_secret_version,
        previous_client_secret_expires_at: a.previous_client_secret_expires_at,
        enabled: a.enabled,
    }
}

fn args_out(a: TokenArgs) -> wit::TokenArgs {
    wit::TokenArgs {
        name: a.name,
        account_id: a.account_id,
        zone_id: a.zone_id,
        min_days_for_renewal: a.min_days_for_renewal,
        duration: a.duration,
        client_secret_version: a.client_secret_version,
        previous_client_secret_expires_at: a.previous_client_secret_expires_at,
        enabled: a.enabled,
    }
}

fn state_in(s: wit::TokenState) -> TokenState {
    TokenState {
        id: s.id,
        args: args_in(s.args),
        client_id: s.client_id,
        client_secret: s.client_secret.map(Secret::new),
        expires_at: s.expires_at,
        created_at: s.created_at,
        last_seen_at: s.last_seen_at,
    }
}

fn state_out(s: TokenState) -> wit::TokenState {
    wit::TokenState {
        id: s.id,
        args: args_out(s.args),
        client_id: s.client_id,
        client_secret: s.client_secret.map(|x| x.expose().to_string()),
        expires_at: s.expires_at,
        created_at: s.created_at,
        last_seen_at: s.last_seen_at,
    }
}

fn computed_out(c: Computed<String>) -> wit::Computed {
    match c {
        Computed::Known(v) => wit::Computed::Known(v),
        Computed::Unknown => wit::Computed::Unknown,
    }
}

fn outcome_out(o: Outcome) -> wit::ApplyOutcome {
    match o {
        Outcome::Applied(s) => wit::ApplyOutcome::Applied(state_out(s)),
        Outcome::Planned(p) => wit::ApplyOutcome::Planned(wit::PlannedState {
            args: args_out(p.args),
            id: computed_out(p.id),
            client_id: computed_out(p.client_id),
            client_secret: p.client_secret.map(|c| match c {
                Computed::Known(s) => wit::Computed::Known(s.expose().to_string()),
                Computed::Unknown => wit::Computed::Unknown,
            }),
            expires_at: computed_out(p.expires_at),
            created_at: computed_out(p.created_at),
            last_seen_at: p.last_seen_at,
        }),
    }
}

fn connection_in(c: wit::Connection) -> Connection {
    let credentials = match c.credentials {
        wit::Credentials::ApiToken(t) => Credentials::ApiToken(Secret::new(t)),
        wit::Credentials::ApiKey(k) => Credentials::ApiKey { email: k.email, key: Secret::new(k.key) },
    };
    let mut conn = Connection::new(credentials);
    if let Some(url) = c.base_url {
        conn = conn.with_base_url(&url);
    }
    if let Some(r) = c.retry {
        conn.retry = RetrySettings { max_attempts: r.max_attempts, initial_backoff_ms: r.initial_backoff_ms, max_backoff_ms: r.max_backoff_ms };
    }
    if let Some(rps) = c.requests_per_second {
        conn.requests_per_second = rps;
    }
    if let Some(ms) = c.request_timeout_ms {
        conn.request_timeout_ms = ms;
    }
    conn
}

/// The transport a connection asks for.
fn transport(conn: &Connection) -> WasiTransport {
    WasiTransport::new(conn.requests_per_second, std::time::Duration::from_millis(u64::from(conn.request_timeout_ms)))
}

fn kind_out(k: DiffKind) -> wit::PropertyDiffKind {
    match k {
        DiffKind::Add => wit::PropertyDiffKind::Add,
        DiffKind::AddReplace => wit::PropertyDiffKind::AddReplace,
        DiffKind::Delete => wit::PropertyDiffKind::Delete,
        DiffKind::DeleteReplace => wit::PropertyDiffKind::DeleteReplace,
        DiffKind::Update => wit::PropertyDiffKind::Update,
        DiffKind::UpdateReplace => wit::PropertyDiffKind::UpdateReplace,
    }
}

/// An action with its reason, as both diffs (typed and Pulumi's) return it.
fn planned_action_out(a: access_service_token::diff::PlannedAction) -> wit::PlannedAction {
    wit::PlannedAction { kind: action_out(a.kind), reason: a.reason }
}

fn action_out(k: ActionKind) -> wit::ActionKind {
    match k {
        ActionKind::Replace => wit::ActionKind::Replace,
        ActionKind::Update => wit::ActionKind::Update,
        ActionKind::Renew => wit::ActionKind::Renew,
        ActionKind::Rotate => wit::ActionKind::Rotate,
        ActionKind::StateOnly => wit::ActionKind::StateOnly,
    }
}

mod pulumi;
