use std::fmt;

/// The file formats hoso accepts, always decided from the bytes, never from the file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
    Tiff,
}

impl MediaType {
    /// Recognises a format by its magic bytes.
    pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
        // PDF readers accept a header anywhere in the first 1024 bytes; so do we.
        let head = &bytes[..bytes.len().min(1024)];
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(MediaType::Png)
        } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
            Some(MediaType::Tiff)
        } else if head.windows(5).any(|w| w == b"%PDF-") {
            Some(MediaType::Pdf)
        } else {
            None
        }
    }

    pub fn as_mime(&self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Tiff => "image/tiff",
        }
    }

    pub fn from_mime(mime: &str) -> Option<MediaType> {
        [
            MediaType::Pdf,
            MediaType::Jpeg,
            MediaType::Png,
            MediaType::Tiff,
        ]
        .into_iter()
        .find(|m| m.as_mime() == mime)
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_mime())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_format_from_magic_bytes() {
        let cases: &[(&[u8], Option<MediaType>)] = &[
            (b"%PDF-1.7\n", Some(MediaType::Pdf)),
            (b"\xef\xbb\xbf%PDF-1.4", Some(MediaType::Pdf)),
            (b"\xFF\xD8\xFF\xE0rest", Some(MediaType::Jpeg)),
            (b"\x89PNG\r\n\x1a\nrest", Some(MediaType::Png)),
            (b"II*\0rest", Some(MediaType::Tiff)),
            (b"MM\0*rest", Some(MediaType::Tiff)),
            (b"GIF89a", None),
            (b"", None),
            (b"<html>%PDF", None),
        ];
        for (bytes, expected) in cases {
            let got = MediaType::sniff(bytes);
            // "<html>%PDF" has no "%PDF-": not a PDF header.
            assert_eq!(got, *expected, "{:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn mime_round_trips() {
        for m in [
            MediaType::Pdf,
            MediaType::Jpeg,
            MediaType::Png,
            MediaType::Tiff,
        ] {
            assert_eq!(MediaType::from_mime(m.as_mime()), Some(m));
        }
    }
}
