//! AutoMTLS: the plugin's own certificate and a rustls server config that pins the client's.
//!
//! Terraform's client certificate is a self-signed ECDSA **P-521** cert marked **CA:TRUE**
//! (go-plugin `mtls.go`). Two things in the usual Rust stack break on it:
//! - webpki path building (`WebPkiClientVerifier`, tonic's `client_ca_root`) rejects a CA
//!   certificate used as an end entity (`CaUsedAsEndEntity`);
//! - the ring provider has no P-521, so no P-521 scheme is offered in CertificateRequest and Go
//!   then sends no certificate at all.
//!
//! So: aws-lc-rs (has P-521) and a custom [`ClientCertVerifier`] that accepts exactly the DER
//! given in `PLUGIN_CLIENT_CERT` (as go-plugin's pool of one self-signed cert does in effect)
//! and checks the handshake signature against that certificate's key.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};

/// The plugin's certificate and key, made fresh at every start.
pub struct ServerIdentity {
    /// Leaf DER; printed base64 in the handshake line.
    pub cert_der: CertificateDer<'static>,
    key_der: PrivateKeyDer<'static>,
}

impl std::fmt::Debug for ServerIdentity {
    // Never print the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerIdentity")
            .field("cert_der_len", &self.cert_der.len())
            .finish_non_exhaustive()
    }
}

/// Generates an ECDSA P-256 key and a self-signed cert the Go client accepts: SAN DNS
/// `localhost` (the client's `ServerName`), valid from now-30s for 262980h like go-plugin's,
/// EKU serverAuth+clientAuth. Go checks validity, SAN and EKU of a leaf found in its root pool,
/// not the CA bit or the key usage (`crypto/x509/verify.go`).
pub fn generate_server_identity() -> Result<ServerIdentity, String> {
    use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyPair, KeyUsagePurpose};
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .map_err(|e| format!("key generation: {e}"))?;
    let mut params = CertificateParams::new(vec!["localhost".to_string()])
        .map_err(|e| format!("certificate params: {e}"))?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "HashiCorp");
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::seconds(30);
    params.not_after = now + time::Duration::hours(262_980);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let cert = params
        .self_signed(&key)
        .map_err(|e| format!("self-signing: {e}"))?;
    Ok(ServerIdentity {
        cert_der: cert.der().clone(),
        key_der: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    })
}

/// Client-certificate verifier that pins exact DER bytes. Client auth is mandatory.
#[derive(Debug)]
pub struct PinnedClientCert {
    pins: Vec<CertificateDer<'static>>,
    algs: WebPkiSupportedAlgorithms,
}

impl PinnedClientCert {
    /// `pins`: the certificates from `PLUGIN_CLIENT_CERT`; `algs`: the provider's verifiers
    /// (aws-lc-rs, so P-521 is among them).
    pub fn new(pins: Vec<CertificateDer<'static>>, algs: WebPkiSupportedAlgorithms) -> Self {
        PinnedClientCert { pins, algs }
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn client_auth_mandatory(&self) -> bool {
        true
    }

    /// No CA names: Go then offers its certificate whatever its issuer
    /// (`CertificateRequestInfo.SupportsCertificate` with empty `AcceptableCAs`).
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    /// Accepts the end entity only if its DER equals a pinned certificate; intermediates are
    /// ignored (the pin is the whole trust decision). Validity dates are not checked: the pinned
    /// cert was handed to us by the process that started us, seconds ago, for ~30 years.
    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if self
            .pins
            .iter()
            .any(|pin| pin.as_ref() == end_entity.as_ref())
        {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs)
    }

    /// Every scheme aws-lc-rs verifies, ECDSA_NISTP521_SHA512 included; without it Go's client
    /// finds no scheme for its P-521 key and sends no certificate.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        let schemes = self.algs.supported_schemes();
        debug_assert!(schemes.contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
        schemes
    }
}

/// The server config for AutoMTLS: aws-lc-rs, TLS 1.2 and 1.3, mandatory pinned client cert,
/// ALPN `h2` only (grpc-go >= 1.67 refuses a TLS connection without ALPN).
pub fn server_config(
    identity: &ServerIdentity,
    client_certs: Vec<CertificateDer<'static>>,
) -> Result<Arc<ServerConfig>, String> {
    let provider: Arc<CryptoProvider> = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(PinnedClientCert::new(
        client_certs,
        provider.signature_verification_algorithms,
    ));
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| format!("TLS versions: {e}"))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![identity.cert_der.clone()],
            identity.key_der.clone_key(),
        )
        .map_err(|e| format!("server certificate: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p521_ca_cert() -> CertificateDer<'static> {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.self_signed(&key).unwrap().der().clone()
    }

    #[test]
    fn pins_exact_der_and_offers_p521() {
        let pinned = p521_ca_cert();
        let other = p521_ca_cert();
        let algs = rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms;
        let v = PinnedClientCert::new(vec![pinned.clone()], algs);
        assert!(v.client_auth_mandatory() && v.offer_client_auth());
        assert!(v.verify_client_cert(&pinned, &[], UnixTime::now()).is_ok());
        assert!(v.verify_client_cert(&other, &[], UnixTime::now()).is_err());
        assert!(v
            .supported_verify_schemes()
            .contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
    }

    /// Documents the trap: webpki's verifier refuses Terraform's kind of client cert outright.
    #[test]
    fn webpki_verifier_would_refuse_the_terraform_cert() {
        let cert = p521_ca_cert();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        roots.add(cert.clone()).unwrap();
        let webpki =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
        let err = webpki
            .verify_client_cert(&cert, &[], UnixTime::now())
            .unwrap_err();
        assert!(format!("{err:?}").contains("CaUsedAsEndEntity"), "{err:?}");
    }

    #[test]
    fn server_config_builds_with_h2() {
        let id = generate_server_identity().unwrap();
        let cfg = server_config(&id, vec![p521_ca_cert()]).unwrap();
        assert_eq!(cfg.alpn_protocols, vec![b"h2".to_vec()]);
        assert!(!format!("{id:?}").contains("key_der"));
    }
}
