use std::path::{Path, PathBuf};

use async_trait::async_trait;
use hoso_pipeline::ports::{local_file_error, ObjectKey, ObjectStore, StoreError};

/// An object store in a local folder: the embedded default.
///
/// Writes go to a temporary file that is synced and then renamed into place, so a crash
/// never leaves a half-written object under its final name.
#[derive(Debug, Clone)]
pub struct LocalObjectStore {
    root: PathBuf,
}

impl LocalObjectStore {
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let root = root.into();
        std::fs::create_dir_all(&root).map_err(|e| StoreError::Backend {
            key: root.display().to_string(),
            detail: e.to_string(),
        })?;
        Ok(Self { root })
    }

    fn path_of(&self, key: &ObjectKey) -> Result<PathBuf, StoreError> {
        // Keys are built from hashes, but the store still refuses anything that could
        // climb out of its root.
        let k = key.as_str();
        if !is_contained_key(k) {
            return Err(StoreError::Backend {
                key: k.to_string(),
                detail: "invalid object key".to_string(),
            });
        }
        Ok(self.root.join(k))
    }
}

/// Whether `k`, joined to the root, names a file inside it: relative, `/`-separated,
/// without empty, `.` or `..` segments, backslashes (a separator elsewhere) or NUL.
fn is_contained_key(k: &str) -> bool {
    !k.is_empty()
        && !k.starts_with('/')
        && k.split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && !k.contains(['\\', '\0'])
}

fn backend(key: &ObjectKey, e: impl ToString) -> StoreError {
    StoreError::Backend {
        key: key.as_str().to_string(),
        detail: e.to_string(),
    }
}

/// Writes through tokio's file, which hands the bytes to its blocking thread a block at a
/// time: no copy of a large original is made to move it off the async runtime.
async fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    tokio::fs::create_dir_all(dir).await?;
    let (tmp_path, file) = tempfile_in(dir)?;
    let mut file = tokio::fs::File::from_std(file);
    let written = async {
        file.write_all(bytes).await?;
        file.sync_all().await?;
        tokio::fs::rename(&tmp_path, path).await
    }
    .await;
    if written.is_err() {
        let _ = tokio::fs::remove_file(&tmp_path).await;
    }
    written
}

/// `write_atomically` with the contents of the file at `source`, copied in blocks.
fn copy_atomically(source: &Path, path: &Path) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let (tmp_path, mut file) = tempfile_in(dir)?;
    let written = std::fs::File::open(source)
        .and_then(|mut from| std::io::copy(&mut from, &mut file))
        .and_then(|_| file.sync_all())
        .and_then(|()| std::fs::rename(&tmp_path, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp_path);
    }
    written
}

fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let unique = format!(
        ".tmp-{}-{:?}-{}",
        std::process::id(),
        std::thread::current().id(),
        crate::now_ms()
    );
    let path = dir.join(unique.replace(['(', ')'], ""));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((path, file))
}

#[async_trait]
impl ObjectStore for LocalObjectStore {
    async fn put(&self, key: &ObjectKey, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        if tokio::fs::try_exists(&path)
            .await
            .map_err(|e| backend(key, e))?
        {
            return Ok(());
        }
        write_atomically(&path, bytes)
            .await
            .map_err(|e| backend(key, e))
    }

    async fn replace(&self, key: &ObjectKey, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        write_atomically(&path, bytes)
            .await
            .map_err(|e| backend(key, e))
    }

    async fn get(&self, key: &ObjectKey) -> Result<Vec<u8>, StoreError> {
        let path = self.path_of(key)?;
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(StoreError::NotFound(key.as_str().to_string()))
            }
            Err(e) => Err(backend(key, e)),
        }
    }

    async fn get_to_file(&self, key: &ObjectKey, dest: &Path) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        match tokio::fs::copy(&path, dest).await {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !path.exists() => {
                Err(StoreError::NotFound(key.as_str().to_string()))
            }
            Err(e) => Err(local_file_error(key, dest, e)),
        }
    }

    async fn replace_from_file(&self, key: &ObjectKey, source: &Path) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        let source = source.to_path_buf();
        tokio::task::spawn_blocking(move || copy_atomically(&source, &path))
            .await
            .map_err(|e| backend(key, e))?
            .map_err(|e| backend(key, e))
    }

    async fn exists(&self, key: &ObjectKey) -> Result<bool, StoreError> {
        let path = self.path_of(key)?;
        tokio::fs::try_exists(&path)
            .await
            .map_err(|e| backend(key, e))
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let failed = |detail: String| StoreError::Backend {
            key: prefix.to_string(),
            detail,
        };
        // Only the folders the prefix names are walked; its last segment may be a partial
        // name and is matched as a string.
        let dir_part = prefix.rfind('/').map_or("", |i| &prefix[..i]);
        if dir_part
            .split('/')
            .any(|part| part == "." || part == ".." || part.contains(['\\', '\0']))
            || prefix.starts_with('/')
        {
            return Err(failed("invalid object key prefix".to_string()));
        }
        let root = self.root.clone();
        let start = root.join(dir_part);
        let prefix_owned = prefix.to_string();
        let mut keys = tokio::task::spawn_blocking(move || list_files(&root, &start))
            .await
            .map_err(|e| failed(e.to_string()))?
            .map_err(|e| failed(e.to_string()))?;
        keys.retain(|k| k.starts_with(&prefix_owned));
        keys.sort();
        Ok(keys)
    }
}

/// Keys of the files under `start`, relative to `root` and with `/` separators, leaving out
/// temporary files of writes in progress.
fn list_files(root: &Path, start: &Path) -> std::io::Result<Vec<String>> {
    let mut keys = Vec::new();
    let mut pending = vec![start.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            // A prefix whose folder does not exist simply has no objects.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let file_type = entry.file_type()?;
            let path = entry.path();
            if file_type.is_dir() {
                pending.push(path);
                continue;
            }
            if !file_type.is_file() || entry.file_name().to_string_lossy().starts_with(".tmp-") {
                continue;
            }
            let Ok(relative) = path.strip_prefix(root) else {
                continue;
            };
            let parts: Option<Vec<&str>> = relative
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect();
            // Every key this store writes is ASCII; anything else was not written by it.
            if let Some(parts) = parts {
                keys.push(parts.join("/"));
            }
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passes_the_object_store_suite() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalObjectStore::open(dir.path().join("objects")).unwrap();
        crate::object_store_suite::run(&store).await;
    }

    #[tokio::test]
    async fn leaves_no_temporary_files_behind() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalObjectStore::open(dir.path()).unwrap();
        let hash = hoso_pipeline::ContentHash::of(b"x");
        store.put(&ObjectKey::original(&hash), b"x").await.unwrap();
        let shard = dir.path().join("originals").join(&hash.to_hex()[..2]);
        let names: Vec<_> = std::fs::read_dir(shard)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec![hash.to_hex()]);
    }

    #[test]
    fn keys_that_climb_out_of_the_root_are_refused() {
        let hash = hoso_pipeline::ContentHash::of(b"x");
        for key in [
            ObjectKey::original(&hash),
            ObjectKey::derivative(&hash, hoso_pipeline::ports::DerivativeKind::PageText),
        ] {
            assert!(is_contained_key(key.as_str()), "{}", key.as_str());
        }
        for bad in [
            "",
            "../../etc/passwd",
            "..",
            ".",
            "originals/../../etc/passwd",
            "originals/ab/..",
            "originals/./ab",
            "/etc/passwd",
            "//etc/passwd",
            "originals//ab",
            "originals/ab/",
            "C:\\Windows\\x",
            "..\\..\\etc\\passwd",
            "originals\\..\\x",
            "a\0b",
            "originals/ab/x\0",
        ] {
            assert!(!is_contained_key(bad), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn list_refuses_prefixes_that_climb_out() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalObjectStore::open(dir.path().join("objects")).unwrap();
        std::fs::write(dir.path().join("outside"), b"secret").unwrap();
        for bad in [
            "../",
            "../outside",
            "/etc/",
            "/",
            "a/../../",
            "..\\x/",
            "x\0/y",
        ] {
            assert!(store.list(bad).await.is_err(), "{bad:?}");
        }
        // An odd last segment is only matched as text, never walked.
        for harmless in ["..", "%", "' OR 1=1", "originals/.."] {
            assert!(
                store.list(harmless).await.unwrap().is_empty(),
                "{harmless:?}"
            );
        }
    }

    #[tokio::test]
    async fn lists_keys_without_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalObjectStore::open(dir.path()).unwrap();
        let hash = hoso_pipeline::ContentHash::of(b"x");
        let key = ObjectKey::original(&hash);
        store.put(&key, b"x").await.unwrap();
        // A write in progress (or one a crash interrupted) is not an object.
        let shard = dir.path().join("originals").join(&hash.to_hex()[..2]);
        std::fs::write(shard.join(".tmp-1-ThreadId2-3"), b"half").unwrap();
        assert_eq!(
            store.list("originals/").await.unwrap(),
            vec![key.as_str().to_string()]
        );
        assert!(store.list("originals/zz/").await.unwrap().is_empty());
        assert!(store.list("../").await.is_err());
    }
}
