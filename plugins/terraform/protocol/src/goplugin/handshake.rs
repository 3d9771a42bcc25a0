//! What the launching CLI tells the plugin through its environment, and what the plugin answers.
//!
//! Terraform/OpenTofu start a provider through hashicorp/go-plugin (`client.go` `Start`): argv is
//! the path only and the environment carries the magic cookie, the protocol versions the CLI
//! speaks, and (AutoMTLS) the client's certificate. The plugin answers with one stdout line
//! (`server.go` `Serve`). This module only reads and formats; it binds and prints nothing.

use std::fmt;
use std::path::PathBuf;

use base64::Engine as _;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::CertificateDer;

/// Cookie key and value shared by Terraform, OpenTofu and terraform-plugin-go
/// (`internal/plugin6/serve.go` in hashicorp/terraform).
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// See [`MAGIC_COOKIE_KEY`].
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// go-plugin's core protocol version, the first field of the handshake line.
pub const CORE_PROTOCOL_VERSION: u32 = 1;
/// The only Terraform plugin protocol this server speaks (tfplugin6).
pub const PROTOCOL_VERSION: u32 = 6;

/// Why the plugin refuses to start. `Display` is written for a person reading a terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeError {
    /// `TF_PLUGIN_MAGIC_COOKIE` missing or wrong: somebody ran the binary by hand.
    NotLaunchedByTerraform,
    /// `PLUGIN_PROTOCOL_VERSIONS` does not contain 6; holds the offered text.
    UnsupportedProtocol { offered: String },
    /// `PLUGIN_CLIENT_CERT` is set but holds no parsable PEM certificate.
    BadClientCert(String),
    /// `PLUGIN_MIN_PORT` / `PLUGIN_MAX_PORT` unusable (only read for TCP).
    BadPortRange(String),
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::NotLaunchedByTerraform => write!(
                f,
                "This binary is a Terraform/OpenTofu provider plugin. It is not meant to be run \
                 directly:\n`terraform` or `tofu` starts it when a configuration uses the provider.\n\
                 \n\
                 To use a local build, add a `dev_overrides` block to your CLI configuration\n\
                 (~/.terraformrc, ~/.tofurc, or the file named by TF_CLI_CONFIG_FILE):\n\
                 \n\
                 \x20 provider_installation {{\n\
                 \x20   dev_overrides {{ \"<namespace>/<type>\" = \"<directory holding this binary>\" }}\n\
                 \x20   direct {{}}\n\
                 \x20 }}\n\
                 \n\
                 then run `terraform plan` (or `tofu plan`) as usual, without `init`.\n\
                 To debug, start this binary with its debug flag (`--debug` by convention): it then\n\
                 prints a TF_REATTACH_PROVIDERS value to export in the shell that runs terraform.\n"
            ),
            HandshakeError::UnsupportedProtocol { offered } => write!(
                f,
                "This provider speaks only Terraform plugin protocol {PROTOCOL_VERSION}, but the \
                 CLI offered PLUGIN_PROTOCOL_VERSIONS={offered:?}.\n\
                 Use Terraform >= 1.0 or OpenTofu (both offer protocol 6).\n"
            ),
            HandshakeError::BadClientCert(why) => {
                writeln!(f, "PLUGIN_CLIENT_CERT is set but unusable: {why}")
            }
            HandshakeError::BadPortRange(why) => writeln!(f, "bad plugin port range: {why}"),
        }
    }
}

impl std::error::Error for HandshakeError {}

/// The negotiated start-up settings. Built by [`Handshake::from_env`] or [`Handshake::debug`].
#[derive(Debug, Clone)]
pub struct Handshake {
    /// Always [`PROTOCOL_VERSION`]; kept as a field so the line is built from what was agreed.
    pub protocol_version: u32,
    /// DER of the certificate(s) in `PLUGIN_CLIENT_CERT`; `None` means plaintext gRPC.
    pub client_certs: Option<Vec<CertificateDer<'static>>>,
    /// `PLUGIN_UNIX_SOCKET_DIR`, else the temp dir is used.
    pub unix_socket_dir: Option<PathBuf>,
    /// Raw `PLUGIN_MIN_PORT` / `PLUGIN_MAX_PORT`; parsed only by the TCP listener, as go-plugin
    /// does, so a bad value cannot stop the unix listener. See [`Handshake::port_range`].
    pub port_env: (Option<String>, Option<String>),
}

impl Handshake {
    /// Reads the go-plugin environment through `env` (pass `|k| std::env::var(k).ok()`).
    ///
    /// Refuses without the cookie and without protocol 6 on offer; an unset or empty
    /// `PLUGIN_PROTOCOL_VERSIONS` (a pre-negotiation client) means 6, our only version.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Handshake, HandshakeError> {
        if env(MAGIC_COOKIE_KEY).as_deref() != Some(MAGIC_COOKIE_VALUE) {
            return Err(HandshakeError::NotLaunchedByTerraform);
        }
        let protocol_version = negotiate(env("PLUGIN_PROTOCOL_VERSIONS").as_deref())?;
        let client_certs = match env("PLUGIN_CLIENT_CERT").filter(|s| !s.is_empty()) {
            None => None,
            Some(pem) => Some(parse_pem_certs(&pem)?),
        };
        Ok(Handshake {
            protocol_version,
            client_certs,
            unix_socket_dir: env("PLUGIN_UNIX_SOCKET_DIR")
                .filter(|s| !s.is_empty())
                .map(PathBuf::from),
            port_env: (env("PLUGIN_MIN_PORT"), env("PLUGIN_MAX_PORT")),
        })
    }

    /// Settings for debug mode (`TF_REATTACH_PROVIDERS`): no cookie, plaintext, protocol 6.
    /// The CLI reattaches without AutoMTLS (`unmanagedProviderFactory` in terraform).
    pub fn debug() -> Handshake {
        Handshake {
            protocol_version: PROTOCOL_VERSION,
            client_certs: None,
            unix_socket_dir: None,
            port_env: (None, None),
        }
    }

    /// `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT` for the TCP listener; unset or empty = 0 (go-plugin).
    pub fn port_range(&self) -> Result<(u16, u16), HandshakeError> {
        Ok((
            parse_port(self.port_env.0.clone(), "PLUGIN_MIN_PORT")?,
            parse_port(self.port_env.1.clone(), "PLUGIN_MAX_PORT")?,
        ))
    }

    /// Whether the client asked for AutoMTLS.
    pub fn tls(&self) -> bool {
        self.client_certs.is_some()
    }
}

/// Picks 6 from a comma list such as `5,6` or `6,5`; entries that are not numbers are skipped
/// (go-plugin's `protocolVersion` does the same).
fn negotiate(offered: Option<&str>) -> Result<u32, HandshakeError> {
    let Some(list) = offered.filter(|s| !s.trim().is_empty()) else {
        return Ok(PROTOCOL_VERSION);
    };
    if list
        .split(',')
        .filter_map(|v| v.trim().parse::<u32>().ok())
        .any(|v| v == PROTOCOL_VERSION)
    {
        Ok(PROTOCOL_VERSION)
    } else {
        Err(HandshakeError::UnsupportedProtocol {
            offered: list.to_string(),
        })
    }
}

/// All `CERTIFICATE` blocks of a PEM text (go-plugin adds every one to its pool).
fn parse_pem_certs(pem: &str) -> Result<Vec<CertificateDer<'static>>, HandshakeError> {
    let certs: Vec<_> = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| HandshakeError::BadClientCert(format!("invalid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(HandshakeError::BadClientCert(
            "no CERTIFICATE block found".into(),
        ));
    }
    Ok(certs)
}

fn parse_port(value: Option<String>, name: &str) -> Result<u16, HandshakeError> {
    match value.filter(|s| !s.is_empty()) {
        None => Ok(0),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| HandshakeError::BadPortRange(format!("{name}={v:?}"))),
    }
}

/// Network of the listener, as written in the line and in `TF_REATTACH_PROVIDERS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addr {
    /// A unix socket path.
    Unix(PathBuf),
    /// `127.0.0.1:port`.
    Tcp(std::net::SocketAddr),
}

impl Addr {
    /// `unix` or `tcp`.
    pub fn network(&self) -> &'static str {
        match self {
            Addr::Unix(_) => "unix",
            Addr::Tcp(_) => "tcp",
        }
    }
    /// The path or `ip:port`.
    pub fn address(&self) -> String {
        match self {
            Addr::Unix(p) => p.display().to_string(),
            Addr::Tcp(a) => a.to_string(),
        }
    }
}

impl From<&std::path::Path> for Addr {
    fn from(p: &std::path::Path) -> Addr {
        Addr::Unix(p.to_path_buf())
    }
}
impl From<PathBuf> for Addr {
    fn from(p: PathBuf) -> Addr {
        Addr::Unix(p)
    }
}
impl From<std::net::SocketAddr> for Addr {
    fn from(a: std::net::SocketAddr) -> Addr {
        Addr::Tcp(a)
    }
}
impl From<&Addr> for Addr {
    fn from(a: &Addr) -> Addr {
        a.clone()
    }
}

/// The handshake line without its newline: `1|6|unix|<path>|grpc|<cert>`, where `<cert>` is
/// the server leaf DER in unpadded standard base64 (Go `RawStdEncoding`), empty without TLS.
pub fn handshake_line(
    protocol_version: u32,
    addr: &Addr,
    server_cert_der: Option<&[u8]>,
) -> String {
    let cert = server_cert_der
        .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!(
        "{CORE_PROTOCOL_VERSION}|{protocol_version}|{}|{}|grpc|{cert}",
        addr.network(),
        addr.address()
    )
}

/// JSON for `TF_REATTACH_PROVIDERS`, as terraform-plugin-go's `WithManagedDebug` prints it:
/// `{"<address>":{"Protocol":"grpc","ProtocolVersion":6,"Pid":N,"Test":true,"Addr":{...}}}`.
/// `Test:true` tells the CLI to leave the process running when it is done.
pub fn debug_reattach_json(provider_address: &str, pid: u32, addr: impl Into<Addr>) -> String {
    let addr = addr.into();
    format!(
        "{{{}:{{\"Protocol\":\"grpc\",\"ProtocolVersion\":{PROTOCOL_VERSION},\"Pid\":{pid},\
         \"Test\":true,\"Addr\":{{\"Network\":\"{}\",\"String\":{}}}}}}}",
        json_string(provider_address),
        addr.network(),
        json_string(&addr.address())
    )
}

/// The text shown to a person in debug mode, ending with the line to paste into a shell.
pub fn debug_reattach_text(provider_address: &str, pid: u32, addr: impl Into<Addr>) -> String {
    let json = debug_reattach_json(provider_address, pid, addr);
    // Single quotes protect the JSON in a POSIX shell; a `'` inside would need `'\''`.
    let quoted = json.replace('\'', "'\\''");
    format!(
        "Provider started. To attach Terraform or OpenTofu, set TF_REATTACH_PROVIDERS in the\n\
         shell that runs it:\n\n\tTF_REATTACH_PROVIDERS='{quoted}'\n\n"
    )
}

/// A JSON string literal (quotes included), written by the cty codec's own writer.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    crate::cty::jsontext::write_string(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn cookie_is_required() {
        let err = Handshake::from_env(env_of(&[])).unwrap_err();
        assert_eq!(err, HandshakeError::NotLaunchedByTerraform);
        let text = err.to_string();
        assert!(
            text.contains("dev_overrides")
                && text.contains("terraform")
                && text.contains("--debug")
        );
        let wrong = Handshake::from_env(env_of(&[(MAGIC_COOKIE_KEY, "nope")])).unwrap_err();
        assert_eq!(wrong, HandshakeError::NotLaunchedByTerraform);
    }

    #[test]
    fn negotiates_six_only() {
        for offered in ["5,6", "6,5", "6", " 5 , 6 ", "x,6", ""] {
            let h = Handshake::from_env(env_of(&[
                (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
                ("PLUGIN_PROTOCOL_VERSIONS", offered),
            ]))
            .unwrap();
            assert_eq!(h.protocol_version, 6, "{offered}");
            assert!(!h.tls());
        }
        let unset = Handshake::from_env(env_of(&[(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)])).unwrap();
        assert_eq!(unset.protocol_version, 6);
        let err = Handshake::from_env(env_of(&[
            (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
            ("PLUGIN_PROTOCOL_VERSIONS", "4,5"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("\"4,5\""), "{err}");
    }

    #[test]
    fn bad_client_cert_is_an_error() {
        let err = Handshake::from_env(env_of(&[
            (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
            ("PLUGIN_CLIENT_CERT", "not pem"),
        ]))
        .unwrap_err();
        assert!(matches!(err, HandshakeError::BadClientCert(_)));
    }

    #[test]
    fn ports_are_parsed_only_when_asked() {
        let h = Handshake::from_env(env_of(&[
            (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
            ("PLUGIN_MIN_PORT", "10000"),
            ("PLUGIN_MAX_PORT", "x"),
        ]))
        .unwrap();
        assert!(matches!(
            h.port_range(),
            Err(HandshakeError::BadPortRange(_))
        ));
        let h = Handshake::from_env(env_of(&[
            (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
            ("PLUGIN_MIN_PORT", "10000"),
            ("PLUGIN_MAX_PORT", "25000"),
        ]))
        .unwrap();
        assert_eq!(h.port_range(), Ok((10000, 25000)));
        assert_eq!(Handshake::debug().port_range(), Ok((0, 0)));
    }

    #[test]
    fn line_and_reattach_format() {
        let addr = Addr::Unix("/tmp/plugin123".into());
        assert_eq!(
            handshake_line(6, &addr, None),
            "1|6|unix|/tmp/plugin123|grpc|"
        );
        // 4 bytes -> 6 base64 chars, Go RawStdEncoding drops the `==`.
        assert_eq!(
            handshake_line(6, &addr, Some(&[0xfb, 0xff, 0x00, 0x01])),
            "1|6|unix|/tmp/plugin123|grpc|+/8AAQ"
        );
        assert_eq!(
            debug_reattach_json("registry.terraform.io/acme/x", 42, &addr),
            r#"{"registry.terraform.io/acme/x":{"Protocol":"grpc","ProtocolVersion":6,"Pid":42,"Test":true,"Addr":{"Network":"unix","String":"/tmp/plugin123"}}}"#
        );
        assert!(debug_reattach_text("a/b", 1, &addr).contains("TF_REATTACH_PROVIDERS='{\"a/b\""));
        assert_eq!(json_string("a\"b\\c\u{1}"), r#""a\"b\\c\u0001""#);
    }
}
