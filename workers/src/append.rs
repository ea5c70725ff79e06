//! PDF incremental updates (ISO 32000-1, 7.5.6): the new and changed objects appended
//! after an original's unchanged bytes, with a cross-reference section that points back
//! to the original's. A text layer over a 200-page scan then costs the layer, not another
//! parsed and rewritten copy of every scan.

use std::io::Write;

use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream, Writer};

/// How the original's last cross-reference section is written; the update's follows suit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XrefKind {
    Table,
    Stream,
}

/// Whether an update can be appended to the original `doc` was loaded from, and in which
/// form. `at_xref` holds the original's bytes from `doc.xref_start` on (a few dozen are
/// enough). Not for a damaged file whose cross-references lopdf had to rebuild (the
/// update's `/Prev` would point at nothing), nor for an encrypted one (new objects would
/// have to be encrypted too).
pub fn appendable(doc: &Document, at_xref: &[u8]) -> Option<XrefKind> {
    if doc.xref_recovery.is_some() || doc.trailer.has(b"Encrypt") {
        return None;
    }
    if at_xref.starts_with(b"xref") {
        return Some(XrefKind::Table);
    }
    // `12 0 obj`: a cross-reference stream, which lopdf read from there.
    let text = String::from_utf8_lossy(at_xref);
    let mut parts = text.split_ascii_whitespace();
    let numbers = parts.next().is_some_and(|p| p.parse::<u32>().is_ok())
        && parts.next().is_some_and(|p| p.parse::<u16>().is_ok());
    let obj = parts.next().is_some_and(|p| p.starts_with("obj"));
    (numbers && obj).then_some(XrefKind::Stream)
}

/// Counts what it writes, for the offsets of the cross-reference section.
struct Counting<'a, W: Write> {
    inner: &'a mut W,
    position: u64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.position += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Appends `objects` of `doc` (each as it is now) to an original of `original_len` bytes
/// that `out` has just received whole, then the cross-reference section and trailer.
pub fn write_update<W: Write>(
    out: &mut W,
    original_len: u64,
    doc: &Document,
    objects: &[ObjectId],
    kind: XrefKind,
) -> lopdf::Result<()> {
    let mut out = Counting {
        inner: out,
        position: original_len,
    };
    // The original may end without an end-of-line after `%%EOF`.
    out.write_all(b"\n")?;
    let mut entries: Vec<(u32, u16, u64)> = Vec::with_capacity(objects.len() + 1);
    for &(id, generation) in objects {
        let object = doc.get_object((id, generation))?;
        entries.push((id, generation, out.position));
        writeln!(out, "{id} {generation} obj")?;
        Writer::write_object(&mut out, object)?;
        out.write_all(b"\nendobj\n")?;
    }

    let original_size = doc
        .trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        .max(0) as u32;
    let highest = entries.iter().map(|e| e.0).max().unwrap_or(0);
    let mut trailer = Dictionary::new();
    for key in [&b"Root"[..], b"Info", b"ID"] {
        if let Ok(value) = doc.trailer.get(key) {
            trailer.set(key, value.clone());
        }
    }
    trailer.set("Prev", doc.xref_start as i64);

    match kind {
        XrefKind::Table => {
            let size = original_size.max(doc.max_id + 1).max(highest + 1);
            trailer.set("Size", size as i64);
            let xref_at = out.position;
            entries.sort_unstable_by_key(|e| e.0);
            out.write_all(b"xref\n")?;
            for run in runs(&entries) {
                writeln!(out, "{} {}", run[0].0, run.len())?;
                for &(_, generation, offset) in run {
                    write!(out, "{offset:010} {generation:05} n\r\n")?;
                }
            }
            out.write_all(b"trailer\n")?;
            Writer::write_object(&mut out, &Object::Dictionary(trailer))?;
            write!(out, "\nstartxref\n{xref_at}\n%%EOF\n")?;
        }
        XrefKind::Stream => {
            // The cross-reference stream is an object too, listed in itself.
            let id = original_size.max(doc.max_id + 1).max(highest + 1);
            let size = id + 1;
            let xref_at = out.position;
            entries.push((id, 0, xref_at));
            entries.sort_unstable_by_key(|e| e.0);
            let mut index = Vec::new();
            let mut rows = Vec::with_capacity(entries.len() * 11);
            for run in runs(&entries) {
                index.push(Object::Integer(run[0].0 as i64));
                index.push(Object::Integer(run.len() as i64));
                for &(_, generation, offset) in run {
                    rows.push(1u8);
                    rows.extend_from_slice(&offset.to_be_bytes());
                    rows.extend_from_slice(&generation.to_be_bytes());
                }
            }
            let mut dict = dictionary! {
                "Type" => "XRef",
                "Size" => size as i64,
                "Index" => index,
                "W" => vec![Object::Integer(1), Object::Integer(8), Object::Integer(2)],
            };
            for (key, value) in trailer.iter() {
                dict.set(key.clone(), value.clone());
            }
            writeln!(out, "{id} 0 obj")?;
            Writer::write_object(&mut out, &Object::Stream(Stream::new(dict, rows)))?;
            write!(out, "\nendobj\nstartxref\n{xref_at}\n%%EOF\n")?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Entries sorted by id, in runs of consecutive ids: the subsections of a cross-reference
/// table, or the pairs of a stream's `/Index`.
fn runs(entries: &[(u32, u16, u64)]) -> Vec<&[(u32, u16, u64)]> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        if i == entries.len() || entries[i].0 != entries[i - 1].0 + 1 {
            runs.push(&entries[start..i]);
            start = i;
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_split_at_gaps() {
        let entries = [(3, 0, 10), (4, 0, 20), (9, 0, 30), (10, 1, 40), (12, 0, 50)];
        let lengths: Vec<usize> = runs(&entries).iter().map(|r| r.len()).collect();
        assert_eq!(lengths, [2, 2, 1]);
        assert!(runs(&[]).is_empty());
    }

    #[test]
    fn an_update_goes_only_after_a_sound_unencrypted_original() {
        let doc = Document::with_version("1.7");
        assert_eq!(appendable(&doc, b"xref\n0 5\n"), Some(XrefKind::Table));
        assert_eq!(
            appendable(&doc, b"17 0 obj\n<</Type/XRef"),
            Some(XrefKind::Stream)
        );
        assert_eq!(appendable(&doc, b"garbage here"), None);
        let mut encrypted = Document::with_version("1.7");
        encrypted.trailer.set("Encrypt", Object::Reference((9, 0)));
        assert_eq!(appendable(&encrypted, b"xref\n"), None);
    }
}
