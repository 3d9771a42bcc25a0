//! Pulumi's `List` (discovery): the tokens of one account or zone, one page
//! per call, each with an id that Read accepts as an import id. Paging state
//! lives with the caller as an opaque continuation token (the next page
//! number), so each call makes exactly one API request; whether a page is
//! the last is decided by [`crate::paging::is_last`].

use super::bag;
use super::invoke::{scope_in, unknown_failures};
use crate::error::{quote, Error};
use crate::model::Scope;
use crate::provider::{self, Client};
use crate::transport::Transport;

/// Page size when the caller asks for 0.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// The API's largest `per_page` (reference/cloudflare-access-service-tokens.openapi.json).
pub const MAX_PAGE_SIZE: u32 = 1000;

/// One listed token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    /// An import id carrying the scope: `accounts/<account_id>/<token_id>`
    /// or `zones/<zone_id>/<token_id>`.
    pub id: String,
    /// The token's name.
    pub name: String,
}

/// One page of a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListResponse {
    /// The tokens of this page, in the API's order.
    pub entries: Vec<ListEntry>,
    /// What to pass to get the next page; `None` after the last.
    pub continuation_token: Option<String>,
}

/// Lists one page of the tokens in the scope `query` names
/// (`{"accountId": …}` or `{"zoneId": …}`). `page_size` 0 is
/// [`DEFAULT_PAGE_SIZE`]; larger than [`MAX_PAGE_SIZE`] is capped.
/// `continuation_token` empty is the first page, otherwise what the previous
/// page returned (the page size should stay the same across a listing: the
/// token is a page number). One GET.
pub fn list<T: Transport>(client: &mut Client<T>, query: &str, page_size: u32, continuation_token: &str) -> Result<ListResponse, Error> {
    let scope = scope_of(query)?;
    let page = page_of(continuation_token)?;
    let per_page = page_size_of(page_size);
    let (tokens, info) = provider::list_page(client, &scope, page, per_page)?;
    let last = crate::paging::is_last(page, tokens.len() as u64, u64::from(per_page), info.as_ref());
    let prefix = scope.path_prefix();
    let prefix = prefix.trim_start_matches('/');
    let entries = tokens.into_iter().map(|t| ListEntry { id: format!("{prefix}/{}", t.id), name: t.name }).collect();
    let continuation_token = if last { None } else { page.checked_add(1).map(|p| p.to_string()) };
    Ok(ListResponse { entries, continuation_token })
}

/// The page size asked of the API for a requested one.
pub fn page_size_of(requested: u32) -> u32 {
    match requested {
        0 => DEFAULT_PAGE_SIZE,
        n => n.min(MAX_PAGE_SIZE),
    }
}

/// The page a continuation token names: empty is the first.
pub fn page_of(continuation_token: &str) -> Result<u32, Error> {
    if continuation_token.is_empty() {
        return Ok(1);
    }
    match continuation_token.parse::<u32>() {
        Ok(page) if page >= 1 => Ok(page),
        _ => Err(Error::invalid(
            "continuationToken",
            format!("expected empty (the first page) or the token a previous list returned, found {}", quote(continuation_token)),
        )),
    }
}

/// The scope of a list query: exactly one of `accountId` / `zoneId`.
pub fn scope_of(query: &str) -> Result<Scope, Error> {
    let decoded = bag::decode(query, "query")?;
    let mut failures = unknown_failures(&decoded, &["accountId", "zoneId"], "query property");
    match scope_in(&decoded, &mut failures) {
        Some(scope) if failures.is_empty() => Ok(scope),
        _ => Err(Error::InvalidInput(failures)),
    }
}
