use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// The SHA-256 of an original's bytes: its identity everywhere in hoso.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// The hash of everything `reader` yields, read in blocks, never whole.
    pub fn of_reader(mut reader: impl std::io::Read) -> std::io::Result<Self> {
        let mut hasher = Sha256::new();
        std::io::copy(&mut reader, &mut hasher)?;
        Ok(Self(hasher.finalize().into()))
    }

    /// The hash of a file, read in blocks on a blocking thread, off the async runtime.
    pub async fn of_file(path: &std::path::Path) -> std::io::Result<Self> {
        let path = path.to_path_buf();
        tokio::task::spawn_blocking(move || Self::of_reader(std::fs::File::open(path)?))
            .await
            .map_err(std::io::Error::other)?
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// A short prefix for human-facing identifiers.
    pub fn short(&self) -> String {
        self.to_hex()[..12].to_string()
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({})", self.short())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("not a sha-256 hex digest: {0:?}")]
pub struct BadHash(String);

impl FromStr for ContentHash {
    type Err = BadHash;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).map_err(|_| BadHash(s.to_string()))?;
        Ok(Self(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest_round_trips_through_hex() {
        let h = ContentHash::of(b"abc");
        assert_eq!(
            h.to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(h.to_hex().parse::<ContentHash>().unwrap(), h);
        assert_eq!(h.short(), "ba7816bf8f01");
    }

    #[test]
    fn rejects_malformed_hex() {
        assert!("xyz".parse::<ContentHash>().is_err());
        assert!("ab".parse::<ContentHash>().is_err());
    }
}
