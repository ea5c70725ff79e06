//! Parts of a document that repeat the same labels for different people.

use std::ops::Range;

use crate::layout::Hits;

/// First line holding a hit of `key`.
pub fn first_line(hits: &Hits, key: &str) -> Option<usize> {
    hits.all.iter().find(|h| h.key == key).map(|h| h.line)
}

/// Lines from the first hit of `anchor` up to (not including) the next line after it
/// that holds a hit of one of `ends`, or to `total`.
pub fn section(hits: &Hits, anchor: &str, ends: &[&str], total: usize) -> Option<Range<usize>> {
    let start = first_line(hits, anchor)?;
    let end = hits
        .all
        .iter()
        .filter(|h| h.line > start && ends.contains(&h.key))
        .map(|h| h.line)
        .min()
        .unwrap_or(total);
    Some(start..end)
}

/// Lines before the first hit of any of `keys` (all lines when none occurs).
pub fn before(hits: &Hits, keys: &[&str], total: usize) -> Range<usize> {
    let end = hits
        .all
        .iter()
        .filter(|h| keys.contains(&h.key))
        .map(|h| h.line)
        .min()
        .unwrap_or(total);
    0..end
}
