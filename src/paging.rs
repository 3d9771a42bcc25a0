//! Paging through a list, decided without I/O: which page comes next, when
//! the listing is complete, and when the API is not advancing.
//!
//! A listing stops on the first page that says it is the last: fewer items
//! than a page holds, `result_info.total_pages` reached, or
//! `page * per_page >= total_count`. A token id is taken once, however many
//! pages show it; a page that shows only ids already seen (an API that
//! ignores `page` and answers the first page every time) is an error rather
//! than a set of duplicates — counting them would make one token look like
//! many.

use crate::error::{ApiFailure, Error};
use crate::responses::{ApiToken, ResultInfo};
use std::collections::HashSet;

/// Where a listing stands: the page to ask for next and the ids taken so far.
#[derive(Debug)]
pub struct Pager {
    endpoint: String,
    per_page: u64,
    max_pages: u32,
    next: Option<u32>,
    seen: HashSet<String>,
}

impl Pager {
    /// A listing of `endpoint` (named in errors) asking for `per_page` items
    /// a page, giving up after `max_pages` pages.
    pub fn new(endpoint: impl Into<String>, per_page: u32, max_pages: u32) -> Self {
        Pager { endpoint: endpoint.into(), per_page: u64::from(per_page.max(1)), max_pages, next: Some(1), seen: HashSet::new() }
    }

    /// The page to ask for next; `None` once the listing is complete.
    pub fn next_page(&self) -> Option<u32> {
        self.next
    }

    /// Takes the answer to [`Pager::next_page`]: returns the tokens not seen
    /// before, and decides whether another page is needed.
    pub fn take(&mut self, tokens: Vec<ApiToken>, info: Option<&ResultInfo>) -> Result<Vec<ApiToken>, Error> {
        let Some(page) = self.next else {
            return Ok(Vec::new());
        };
        let count = tokens.len() as u64;
        let fresh: Vec<ApiToken> = tokens.into_iter().filter(|t| self.seen.insert(t.id.clone())).collect();
        if count > 0 && fresh.is_empty() {
            return Err(self.not_advancing(page, count));
        }
        self.next = if is_last(page, count, self.per_page, info) {
            None
        } else if page >= self.max_pages {
            return Err(Error::Api(ApiFailure {
                status: 200,
                code: None,
                message: format!(
                    "GET {}: still not at the last page after {page} pages of {}: the listing is larger than this client reads; narrow it (a name filter) or report it",
                    self.endpoint, self.per_page
                ),
            }));
        } else {
            Some(page + 1)
        };
        Ok(fresh)
    }

    fn not_advancing(&self, page: u32, count: u64) -> Error {
        Error::Api(ApiFailure {
            status: 200,
            code: None,
            message: format!(
                "GET {}: page {page} held only tokens already listed on earlier pages ({count} of them): the API returned an earlier page again instead of advancing, so the listing cannot be trusted; try again later, and report it if it persists",
                self.endpoint
            ),
        })
    }
}

/// Whether `page`, holding `count` items, is the last one. The page size the
/// API reports wins over the one asked for (it may cap it); without
/// `result_info`, a short page is the last.
pub fn is_last(page: u32, count: u64, asked_per_page: u64, info: Option<&ResultInfo>) -> bool {
    let per_page = info.and_then(|i| i.per_page).filter(|p| *p > 0).unwrap_or(asked_per_page);
    let page = u64::from(page);
    let pages_reached = info.and_then(|i| i.total_pages).is_some_and(|total| page >= total);
    let count_reached = info.and_then(|i| i.total_count).is_some_and(|total| page.saturating_mul(per_page) >= total);
    count < per_page || pages_reached || count_reached
}
