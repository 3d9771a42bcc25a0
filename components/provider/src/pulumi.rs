//! The `pulumi` export: protocol records in, protocol records out; the work
//! is in the core's `pulumi` module.

use super::exports::cloudflare::access_service_token::pulumi as wit;
use super::{connection_in, error_out, kind_out, planned_action_out, Component};
use access_service_token::diff::DiffKind;
use access_service_token::provider::Client;
use access_service_token::pulumi;
use chrono::Utc;

type WitError = super::wit::Error;

impl wit::Guest for Component {
    fn check(req: wit::CheckRequest) -> Result<wit::CheckResponse, WitError> {
        let r = pulumi::check(&req.urn, &req.news).map_err(error_out)?;
        Ok(wit::CheckResponse {
            inputs: r.inputs.map(|v| v.to_string()),
            failures: r.failures.into_iter().map(|f| super::wit::CheckFailure { property: f.property, reason: f.reason }).collect(),
        })
    }

    fn diff(req: wit::DiffRequest) -> Result<wit::DiffResponse, WitError> {
        let r = pulumi::diff(&req.urn, &req.id, &req.olds, &req.news, &req.ignore_changes, Utc::now()).map_err(error_out)?;
        Ok(wit::DiffResponse {
            changes: match r.changes {
                pulumi::Changes::None => wit::DiffChanges::None,
                pulumi::Changes::Some => wit::DiffChanges::Some,
            },
            replaces: r.replaces,
            stables: r.stables,
            delete_before_replace: r.delete_before_replace,
            diffs: r.diffs,
            detailed_diff: r
                .detailed_diff
                .into_iter()
                .map(|(path, kind, input_diff): (String, DiffKind, bool)| wit::DetailedDiffEntry { path, kind: kind_out(kind), input_diff })
                .collect(),
            has_detailed_diff: true,
            actions: r.actions.into_iter().map(planned_action_out).collect(),
        })
    }

    fn create(conn: super::wit::Connection, req: wit::CreateRequest) -> Result<wit::CreateResponse, WitError> {
        let conn = connection_in(conn);
        let mut transport = super::transport(&conn);
        let (id, properties) = pulumi::create(&mut Client::new(&conn, &mut transport), &req.urn, &req.properties, req.preview).map_err(error_out)?;
        Ok(wit::CreateResponse { id, properties: properties.to_string() })
    }

    fn read(conn: super::wit::Connection, req: wit::ReadRequest) -> Result<Option<wit::ReadResponse>, WitError> {
        let conn = connection_in(conn);
        let mut transport = super::transport(&conn);
        let r = pulumi::read(&mut Client::new(&conn, &mut transport), &req.urn, &req.id, &req.properties, &req.inputs).map_err(error_out)?;
        Ok(r.map(|r| wit::ReadResponse { id: r.id, properties: r.properties.to_string(), inputs: r.inputs.to_string() }))
    }

    fn update(conn: super::wit::Connection, req: wit::UpdateRequest) -> Result<wit::UpdateResponse, WitError> {
        let conn = connection_in(conn);
        let mut transport = super::transport(&conn);
        let properties = pulumi::update(&mut Client::new(&conn, &mut transport), &req.urn, &req.id, &req.olds, &req.news, Utc::now(), req.preview)
            .map_err(error_out)?;
        Ok(wit::UpdateResponse { properties: properties.to_string() })
    }

    fn delete(conn: super::wit::Connection, req: wit::DeleteRequest) -> Result<(), WitError> {
        let conn = connection_in(conn);
        let mut transport = super::transport(&conn);
        pulumi::delete(&mut Client::new(&conn, &mut transport), &req.urn, &req.id, &req.properties).map_err(error_out)
    }

    fn invoke(conn: super::wit::Connection, req: wit::InvokeRequest) -> Result<wit::InvokeResponse, WitError> {
        let conn = connection_in(conn);
        let mut transport = super::transport(&conn);
        let r = pulumi::invoke::invoke(&mut Client::new(&conn, &mut transport), &req.tok, &req.args).map_err(error_out)?;
        Ok(wit::InvokeResponse {
            outputs: r.outputs.map(|v| v.to_string()),
            failures: r.failures.into_iter().map(|f| super::wit::CheckFailure { property: f.property, reason: f.reason }).collect(),
        })
    }

    fn list(conn: super::wit::Connection, req: wit::ListRequest) -> Result<wit::ListResponse, WitError> {
        let conn = connection_in(conn);
        let mut transport = super::transport(&conn);
        let r = pulumi::list::list(&mut Client::new(&conn, &mut transport), &req.query, req.page_size, &req.continuation_token).map_err(error_out)?;
        Ok(wit::ListResponse {
            entries: r.entries.into_iter().map(|e| wit::ListEntry { id: e.id, name: e.name }).collect(),
            continuation_token: r.continuation_token,
        })
    }
}
