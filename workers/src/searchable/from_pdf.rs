//! PDF originals: copied as they are, each OCR-read page given its text layer as an
//! incremental update.

use super::*;

// ---------------------------------------------------------------------------------------
// PDF originals
// ---------------------------------------------------------------------------------------

pub(super) fn pdf_original(bytes: &[u8], pages: &[PageText]) -> Result<Vec<u8>, SearchableError> {
    let mut out = Vec::new();
    layered_pdf(Original::Bytes(bytes), pages, &mut out)?;
    Ok(out)
}

/// A PDF original, in memory or on disk.
#[derive(Clone, Copy)]
pub(super) enum Original<'a> {
    Bytes(&'a [u8]),
    File(&'a std::path::Path),
}

impl Original<'_> {
    pub(super) fn load(&self, options: lopdf::LoadOptions) -> Result<Document, SearchableError> {
        match self {
            Original::Bytes(bytes) => Document::load_mem_with_options(bytes, options),
            Original::File(path) => Document::load_with_options(path, options),
        }
        .map_err(|e| SearchableError::Unreadable {
            media: MediaType::Pdf,
            detail: e.to_string(),
        })
    }

    pub(super) fn unreadable(&self, e: std::io::Error) -> SearchableError {
        let detail = match self {
            Original::Bytes(_) => e.to_string(),
            Original::File(path) => format!("cannot read {}: {e}", path.display()),
        };
        SearchableError::Unreadable {
            media: MediaType::Pdf,
            detail,
        }
    }

    /// Up to 64 bytes from `offset` on.
    pub(super) fn head(&self, offset: usize) -> Result<Vec<u8>, SearchableError> {
        match self {
            Original::Bytes(bytes) => {
                let rest = bytes.get(offset..).unwrap_or_default();
                Ok(rest[..rest.len().min(64)].to_vec())
            }
            Original::File(path) => {
                use std::io::{Read, Seek, SeekFrom};
                let mut file = std::fs::File::open(path).map_err(|e| self.unreadable(e))?;
                let mut head = Vec::with_capacity(64);
                file.seek(SeekFrom::Start(offset as u64))
                    .and_then(|_| file.take(64).read_to_end(&mut head))
                    .map_err(|e| self.unreadable(e))?;
                Ok(head)
            }
        }
    }

    /// Copies the original to `out` and returns its length.
    pub(super) fn copy_to(&self, out: &mut impl std::io::Write) -> Result<u64, SearchableError> {
        match self {
            Original::Bytes(bytes) => {
                out.write_all(bytes).map_err(write_error)?;
                Ok(bytes.len() as u64)
            }
            Original::File(path) => {
                let mut file = std::fs::File::open(path).map_err(|e| self.unreadable(e))?;
                std::io::copy(&mut file, out).map_err(write_error)
            }
        }
    }
}

/// Loads image streams without their data: a text layer never needs the pixels, and a
/// scanned dossier is almost all pixels.
pub(super) fn without_image_data(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Object::Stream(stream) = object {
        let image = stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|name| name == b"Image");
        if image {
            stream.content = Vec::new();
        }
    }
    // lopdf keeps the object as changed in place and only looks at whether this is `Some`.
    Some((id, Object::Null))
}

/// Writes the original with the text layers to `out`. Where it can, the layers go after
/// the original's unchanged bytes as an incremental update, from a parse that skipped the
/// image data, so memory follows the layers rather than the file. A damaged or encrypted
/// original is parsed whole and rewritten instead.
pub(super) fn layered_pdf(
    original: Original,
    pages: &[PageText],
    out: &mut impl std::io::Write,
) -> Result<(), SearchableError> {
    let mut slim = original.load(lopdf::LoadOptions::with_filter(without_image_data))?;
    let kind = crate::append::appendable(&slim, &original.head(slim.xref_start)?);
    if let Some(kind) = kind {
        let first_new = slim.max_id + 1;
        let layered = add_text_layers(&mut slim, pages)?;
        let original_len = original.copy_to(out)?;
        if layered.is_empty() {
            // No page needed a text layer: the original is as searchable as it gets.
            return Ok(());
        }
        let mut objects = layered;
        objects.extend(slim.objects.keys().filter(|id| id.0 >= first_new));
        return crate::append::write_update(out, original_len, &slim, &objects, kind)
            .map_err(write_error);
    }
    drop(slim);
    let mut doc = original.load(lopdf::LoadOptions::default())?;
    if add_text_layers(&mut doc, pages)?.is_empty() {
        original.copy_to(out)?;
        return Ok(());
    }
    doc.save_to(out).map_err(write_error)
}

/// Adds each OCR page's words as an invisible text layer; returns the pages that got one.
pub(super) fn add_text_layers(
    doc: &mut Document,
    pages: &[PageText],
) -> Result<Vec<ObjectId>, SearchableError> {
    let page_ids = doc.get_pages();
    let order = page_order(pages, page_ids.len())?;
    let mut font_id = None;
    let mut layered = Vec::new();
    for ((_, &page_id), page) in page_ids.iter().zip(&order) {
        if page.method != Method::Ocr || page.words.is_empty() {
            continue;
        }
        if !page.words.iter().any(|w| placed(w).is_some()) {
            continue;
        }
        let geometry = PageGeometry::of(doc, page_id);
        let font = *font_id.get_or_insert_with(|| add_font(doc));
        add_layer(
            doc,
            page_id,
            &geometry,
            Turn::new(page.rotation),
            &page.printed_words(),
            font,
        )?;
        layered.push(page_id);
    }
    Ok(layered)
}

/// Where a page's words go: its visible box (the crop box within the media box, as PDFium
/// and every reader show it) and its rotation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PageGeometry {
    /// x0, y0, x1, y1 in default user space.
    pub(super) rect: [f64; 4],
    /// 0, 90, 180 or 270: degrees clockwise the page is turned when shown.
    pub(super) rotate: i64,
}

impl PageGeometry {
    pub(super) fn of(doc: &Document, page: ObjectId) -> Self {
        const LETTER: [f64; 4] = [0.0, 0.0, 612.0, 792.0];
        let media = inherited(doc, page, b"MediaBox")
            .and_then(|o| rectangle(doc, o))
            .unwrap_or(LETTER);
        let rect = inherited(doc, page, b"CropBox")
            .and_then(|o| rectangle(doc, o))
            .and_then(|c| {
                let r = [
                    c[0].max(media[0]),
                    c[1].max(media[1]),
                    c[2].min(media[2]),
                    c[3].min(media[3]),
                ];
                (r[2] > r[0] && r[3] > r[1]).then_some(r)
            })
            .unwrap_or(media);
        let rotate = inherited(doc, page, b"Rotate")
            .and_then(|o| o.as_i64().ok())
            .map(|r| r.rem_euclid(360))
            .filter(|r| r % 90 == 0)
            .unwrap_or(0);
        Self { rect, rotate }
    }

    /// Width and height of the page as shown.
    pub(super) fn display_size(&self) -> (f64, f64) {
        let (w, h) = (self.rect[2] - self.rect[0], self.rect[3] - self.rect[1]);
        if self.rotate % 180 == 0 {
            (w, h)
        } else {
            (h, w)
        }
    }

    /// The matrix from the shown page (origin bottom left, y up, in points) to user space.
    pub(super) fn matrix(&self) -> [f64; 6] {
        let [x0, y0, x1, y1] = self.rect;
        match self.rotate {
            90 => [0.0, 1.0, -1.0, 0.0, x1, y0],
            180 => [-1.0, 0.0, 0.0, -1.0, x1, y1],
            270 => [0.0, -1.0, 1.0, 0.0, x0, y1],
            _ => [1.0, 0.0, 0.0, 1.0, x0, y0],
        }
    }
}

/// An attribute of a page, from the page or the nearest ancestor that has it, dereferenced.
pub(super) fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = doc.get_dictionary(page).ok()?;
    // Page trees are shallow; a longer chain is a loop.
    for _ in 0..64 {
        if let Ok(value) = node.get(key) {
            return doc.dereference(value).ok().map(|(_, o)| o);
        }
        let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

pub(super) fn rectangle(doc: &Document, object: &Object) -> Option<[f64; 4]> {
    let items = object.as_array().ok()?;
    let mut v = [0f64; 4];
    if items.len() != 4 {
        return None;
    }
    for (slot, item) in v.iter_mut().zip(items) {
        let value = doc.dereference(item).ok()?.1.as_float().ok()?;
        if !value.is_finite() {
            return None;
        }
        *slot = f64::from(value);
    }
    let r = [
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ];
    (r[2] > r[0] && r[3] > r[1]).then_some(r)
}

/// Appends the text layer of `words` to a page: the page's own content is wrapped in
/// `q`/`Q`, the layer follows in a stream of its own, and the font joins a copy of the
/// page's resources, so no object another page may share is changed.
///
/// A page OCR read turned (`turn`, see [`PageText::rotation`]) is shown the way OCR read
/// it: its quarter turns join its `/Rotate`, and what is left of the turn (a deskew) turns
/// its content about the centre of its visible box, which grows to the turned box's
/// bounding box (the content stays clipped to its old visible box). Annotations are not
/// turned.
pub(super) fn add_layer(
    doc: &mut Document,
    page_id: ObjectId,
    geometry: &PageGeometry,
    turn: Turn,
    words: &[Word],
    font_id: ObjectId,
) -> Result<(), SearchableError> {
    let (quarters, skew) = turn.split();
    let mut geometry = *geometry;
    geometry.rotate = (geometry.rotate + 90 * quarters).rem_euclid(360);
    let mut open = "q\n".to_string();
    if !skew.is_none() {
        let [x0, y0, x1, y1] = geometry.rect;
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let (shown_w, shown_h) = geometry.display_size();
        let (canvas_w, canvas_h) = skew.canvas(shown_w, shown_h);
        let (half_w, half_h) = if geometry.rotate % 180 == 0 {
            (canvas_w / 2.0, canvas_h / 2.0)
        } else {
            (canvas_h / 2.0, canvas_w / 2.0)
        };
        geometry.rect = [cx - half_w, cy - half_h, cx + half_w, cy + half_h];
        let m = skew.matrix_about(cx, cy);
        let _ = writeln!(
            open,
            "{} cm\n{} {} {} {} re W n",
            m.map(fine).join(" "),
            fine(x0),
            fine(y0),
            fine(x1 - x0),
            fine(y1 - y0)
        );
    }
    // The page's resources, as its own dictionary, with the font under a fresh name.
    let mut resources = inherited(doc, page_id, b"Resources")
        .and_then(|o| o.as_dict().ok())
        .cloned()
        .unwrap_or_default();
    let mut fonts = resources
        .get(b"Font")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
        .cloned()
        .unwrap_or_default();
    let mut name = FONT_RESOURCE.to_string();
    let mut n = 0u32;
    while fonts.has(name.as_bytes()) {
        n += 1;
        name = format!("{FONT_RESOURCE}{n}");
    }
    fonts.set(name.as_bytes(), font_id);
    resources.set("Font", fonts);

    // The page's content streams, flattened from a reference, an array or an array behind
    // a reference.
    let existing: Vec<Object> = {
        let page = doc.get_dictionary(page_id).map_err(write_error)?;
        match page.get(b"Contents") {
            Ok(Object::Reference(id)) => match doc.get_object(*id) {
                Ok(Object::Array(items)) => items.clone(),
                Ok(Object::Stream(_)) => vec![Object::Reference(*id)],
                _ => Vec::new(),
            },
            Ok(Object::Array(items)) => items.clone(),
            _ => Vec::new(),
        }
    };

    let (width, height) = geometry.display_size();
    let m = geometry.matrix();
    let mut layer = String::new();
    if !existing.is_empty() {
        layer.push_str("Q\n");
    }
    let _ = writeln!(
        layer,
        "q\n{} {} {} {} {} {} cm",
        num(m[0]),
        num(m[1]),
        num(m[2]),
        num(m[3]),
        num(m[4]),
        num(m[5])
    );
    layer.push_str(&text_layer(words, width, height, &name));
    layer.push_str("Q\n");
    let layer_id = doc.add_object(compressed(Stream::new(
        Dictionary::new(),
        layer.into_bytes(),
    )));

    let mut contents = Vec::with_capacity(existing.len() + 2);
    if !existing.is_empty() {
        let open_id = doc.add_object(Stream::new(Dictionary::new(), open.into_bytes()));
        contents.push(Object::Reference(open_id));
        contents.extend(existing);
    }
    contents.push(Object::Reference(layer_id));

    let page = doc.get_dictionary_mut(page_id).map_err(write_error)?;
    page.set("Resources", resources);
    page.set("Contents", contents);
    if quarters != 0 {
        page.set("Rotate", geometry.rotate);
    }
    if !skew.is_none() {
        let rect: Vec<Object> = geometry
            .rect
            .iter()
            .map(|&v| Object::Real(v as f32))
            .collect();
        page.set("MediaBox", rect.clone());
        page.set("CropBox", rect);
    }
    Ok(())
}
