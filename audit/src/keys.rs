//! Signing keys in the `signed-note` key formats: the secret as
//! `PRIVATE+KEY+<name>+<id>+<base64(0x01‖seed)>`, the public (verifier) key as
//! `<name>+<id>+<base64(0x01‖public key)>`, where `<id>` is the first four bytes of
//! `SHA-256(name‖0x0A‖0x01‖public key)` in hex. Ed25519 only.

use std::fmt;

use base64::Engine;
use signed_note::{StandardSigner, StandardVerifier};

use crate::AuditError;

/// A log's signing key. Its secret never reaches a log, a database or a debug print.
#[derive(Clone)]
pub struct SigningKey {
    secret: String,
    signer: StandardSigner,
    verifier_key: String,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("verifier_key", &self.verifier_key)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A fresh key named `name` (the log's origin, by the checkpoint spec's advice).
    pub fn generate(name: &str) -> Result<Self, AuditError> {
        if !signed_note::is_key_name_valid(name) {
            return Err(AuditError::malformed(format!(
                "{name:?} cannot name a key: it must be non-empty, without spaces or '+'"
            )));
        }
        let (secret, _) = signed_note::generate_key(&mut rand::rngs::OsRng, name);
        Self::parse(&secret)
    }

    /// Reads a key from its secret string (surrounding whitespace ignored).
    pub fn parse(secret: &str) -> Result<Self, AuditError> {
        let secret = secret.trim();
        let signer = StandardSigner::new(secret).map_err(|e| {
            AuditError::malformed(format!(
                "the audit signing key is not a signed-note ed25519 secret key \
                 (PRIVATE+KEY+name+id+base64): {e}"
            ))
        })?;
        // The base64 part may itself hold '+': split off only the name and the id.
        let seed = secret
            .strip_prefix("PRIVATE+KEY+")
            .and_then(|rest| rest.splitn(3, '+').nth(2))
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .filter(|b| b.len() == 33 && b[0] == 1)
            .ok_or_else(|| {
                AuditError::malformed("the audit signing key's seed is not 0x01 and 32 bytes")
            })?;
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&seed[1..]);
        let public = ed25519_dalek::SigningKey::from_bytes(&bytes).verifying_key();
        let name = signed_note::Signer::name(&signer).to_string();
        Ok(SigningKey {
            secret: secret.to_string(),
            verifier_key: signed_note::new_ed25519_verifier_key(&name, &public),
            signer,
        })
    }

    /// The secret string, to be written to a key file and nowhere else.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The public key as a verifier key string, safe to publish.
    pub fn verifier_key(&self) -> &str {
        &self.verifier_key
    }

    pub fn name(&self) -> &str {
        signed_note::Signer::name(&self.signer)
    }

    pub(crate) fn signer(&self) -> &StandardSigner {
        &self.signer
    }
}

/// A parsed verifier key.
pub fn verifier(verifier_key: &str) -> Result<StandardVerifier, AuditError> {
    StandardVerifier::new(verifier_key.trim()).map_err(|e| {
        AuditError::malformed(format!(
            "{:?} is not a signed-note ed25519 verifier key (name+id+base64): {e}",
            verifier_key.trim()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // The signed-note specification's test key.
    const SECRET: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const PUBLIC: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

    #[test]
    fn a_secret_key_yields_its_published_verifier_key() {
        let key = SigningKey::parse(SECRET).unwrap();
        assert_eq!(key.verifier_key(), PUBLIC);
        assert_eq!(key.name(), "PeterNeumann");
        assert!(
            !format!("{key:?}").contains("AYEKF"),
            "the secret never prints"
        );
    }

    #[test]
    fn generated_keys_parse_back_and_bad_ones_are_malformed() {
        let key = SigningKey::generate("hoso.example/log").unwrap();
        let again = SigningKey::parse(key.secret()).unwrap();
        assert_eq!(again.verifier_key(), key.verifier_key());
        assert!(verifier(key.verifier_key()).is_ok());
        for bad in ["", "PRIVATE+KEY+x", PUBLIC] {
            let e = SigningKey::parse(bad).unwrap_err();
            assert_eq!(e.kind(), crate::AuditErrorKind::Malformed, "{bad}");
        }
        assert!(SigningKey::generate("has space").is_err());
        assert!(verifier("nope").is_err());
    }
}
