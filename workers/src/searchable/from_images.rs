//! Image originals (JPEG, PNG, TIFF) as PDF pages: each image embedded as it is where
//! PDF can carry it, decoded and embedded losslessly where it cannot.

use super::*;

// ---------------------------------------------------------------------------------------
// Image originals
// ---------------------------------------------------------------------------------------

/// One page image ready to embed: its image XObject (and soft mask), pixel size and the
/// resolution it declares.
pub(super) struct PageImage {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) dpi: Option<(f64, f64)>,
    pub(super) stream: Stream,
    pub(super) smask: Option<Stream>,
}

/// A new PDF made of page images.
pub(super) struct ImageDocument {
    pub(super) doc: Document,
    pub(super) pages_id: ObjectId,
    pub(super) font_id: ObjectId,
    pub(super) kids: Vec<Object>,
}

impl ImageDocument {
    pub(super) fn new() -> Self {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_id = add_font(&mut doc);
        Self {
            doc,
            pages_id,
            font_id,
            kids: Vec::new(),
        }
    }

    /// Adds one page showing `image` turned `rotation` degrees clockwise (the turn OCR gave
    /// it, see [`PageText::rotation`]) on a page the size of the turned image's bounding
    /// box, with `words` (fractions of that box) as its text layer.
    pub(super) fn add_page(&mut self, image: PageImage, words: &[Word], rotation: f32) {
        let (image_w, image_h) = page_size(image.width, image.height, image.dpi);
        let turn = Turn::new(rotation);
        let (canvas_w, canvas_h) = turn.canvas(image_w, image_h);
        // The turned image may not fit the largest page either: all of it shrinks.
        let fit = if turn.is_none() {
            1.0
        } else {
            (MAX_PAGE_SIDE_PT / canvas_w.max(canvas_h)).min(1.0)
        };
        let (image_w, image_h) = (image_w * fit, image_h * fit);
        let (width_pt, height_pt) = (canvas_w * fit, canvas_h * fit);
        let mut stream = image.stream;
        if let Some(smask) = image.smask {
            let smask_id = self.doc.add_object(smask);
            stream.dict.set("SMask", smask_id);
        }
        let image_id = self.doc.add_object(stream);
        let m = if turn.is_none() {
            [image_w, 0.0, 0.0, image_h, 0.0, 0.0]
        } else {
            // The unit square onto the image, centred on the page, turned about the centre.
            let r = turn.matrix_about(width_pt / 2.0, height_pt / 2.0);
            let place = [
                image_w,
                0.0,
                0.0,
                image_h,
                (width_pt - image_w) / 2.0,
                (height_pt - image_h) / 2.0,
            ];
            concat(place, r)
        };
        let mut content = format!("q\n{} cm\n/Im0 Do\nQ\n", matrix(m));
        let layer = text_layer(words, width_pt, height_pt, FONT_RESOURCE);
        if !layer.is_empty() {
            content.push_str("q\n");
            content.push_str(&layer);
            content.push_str("Q\n");
        }
        let content_id = self.doc.add_object(compressed(Stream::new(
            Dictionary::new(),
            content.into_bytes(),
        )));
        let page_id = self.doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => self.pages_id,
            "MediaBox" => vec![
                0.into(),
                0.into(),
                Object::Real(width_pt as f32),
                Object::Real(height_pt as f32),
            ],
            "Contents" => content_id,
            "Resources" => dictionary! {
                "XObject" => dictionary! { "Im0" => image_id },
                "Font" => dictionary! { FONT_RESOURCE => self.font_id },
            },
        });
        self.kids.push(page_id.into());
    }

    pub(super) fn finish(mut self) -> Result<Vec<u8>, SearchableError> {
        let count = self.kids.len() as i64;
        self.doc.objects.insert(
            self.pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => self.kids,
                "Count" => count,
            }),
        );
        let catalog_id = self.doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => self.pages_id,
        });
        self.doc.trailer.set("Root", catalog_id);
        let mut out = Vec::new();
        self.doc.save_to(&mut out).map_err(write_error)?;
        Ok(out)
    }
}

// JPEG ----------------------------------------------------------------------------------

/// What a PDF needs to know of a JPEG, read from its markers without decoding it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct JpegInfo {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) components: u8,
    /// An Adobe APP14 marker: its CMYK data is stored inverted.
    pub(super) adobe: bool,
    pub(super) dpi: Option<(f64, f64)>,
}

pub(super) fn jpeg_image(bytes: &[u8], limits: &Limits) -> Result<PageImage, SearchableError> {
    let info = jpeg_info(bytes)?;
    check_pixels(1, info.width, info.height, limits)?;
    let color_space = match info.components {
        1 => "DeviceGray",
        3 => "DeviceRGB",
        _ => "DeviceCMYK",
    };
    let mut dict = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => i64::from(info.width),
        "Height" => i64::from(info.height),
        "ColorSpace" => color_space,
        "BitsPerComponent" => 8,
        "Filter" => "DCTDecode",
    };
    if info.components == 4 && info.adobe {
        dict.set(
            "Decode",
            [1, 0, 1, 0, 1, 0, 1, 0].map(Object::Integer).to_vec(),
        );
    }
    Ok(PageImage {
        width: info.width,
        height: info.height,
        dpi: info.dpi,
        stream: Stream::new(dict, bytes.to_vec()).with_compression(false),
        smask: None,
    })
}

pub(super) fn jpeg_info(bytes: &[u8]) -> Result<JpegInfo, SearchableError> {
    let unreadable = |detail: &str| SearchableError::Unreadable {
        media: MediaType::Jpeg,
        detail: detail.to_string(),
    };
    let unsupported = |detail: String| SearchableError::Unsupported {
        media: MediaType::Jpeg,
        detail,
    };
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(unreadable("no start of image marker"));
    }
    let mut pos = 2;
    let mut frame: Option<(u32, u32, u8)> = None;
    let (mut jfif_dpi, mut exif_dpi, mut adobe) = (None, None, false);
    loop {
        match bytes.get(pos) {
            Some(0xFF) => {}
            Some(_) => return Err(unreadable("no marker where one should start")),
            None => return Err(unreadable("the file ends before its first scan")),
        }
        while bytes.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&marker) = bytes.get(pos) else {
            return Err(unreadable("the file ends before its first scan"));
        };
        pos += 1;
        match marker {
            // Markers without a segment.
            0x01 | 0xD0..=0xD8 => continue,
            0xD9 => return Err(unreadable("the file ends before its first scan")),
            _ => {}
        }
        let len = match bytes.get(pos..pos + 2) {
            Some(&[a, b]) => usize::from(u16::from_be_bytes([a, b])),
            _ => return Err(unreadable("the file ends inside a marker")),
        };
        let segment = len
            .checked_sub(2)
            .and_then(|n| bytes.get(pos + 2..pos + 2 + n))
            .ok_or_else(|| unreadable("a marker segment runs past the end of the file"))?;
        pos += len;
        match marker {
            0xDA => {
                let (width, height, components) =
                    frame.ok_or_else(|| unreadable("a scan before the frame header"))?;
                return Ok(JpegInfo {
                    width,
                    height,
                    components,
                    adobe,
                    dpi: jfif_dpi.or(exif_dpi),
                });
            }
            // Baseline, extended sequential and progressive Huffman frames: what PDF's
            // DCTDecode reads.
            0xC0..=0xC2 => {
                let &[precision, h0, h1, w0, w1, components, ..] = segment else {
                    return Err(unreadable("a truncated frame header"));
                };
                let (height, width) = (u16::from_be_bytes([h0, h1]), u16::from_be_bytes([w0, w1]));
                if precision != 8 {
                    return Err(unsupported(format!("{precision}-bit samples")));
                }
                if width == 0 || height == 0 {
                    return Err(unsupported("a height defined after the first scan".into()));
                }
                if !matches!(components, 1 | 3 | 4) {
                    return Err(unsupported(format!("{components} colour components")));
                }
                frame = Some((u32::from(width), u32::from(height), components));
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(unsupported(format!(
                    "a lossless, hierarchical or arithmetic-coded frame (marker {marker:#04x})"
                )));
            }
            0xE0 if segment.starts_with(b"JFIF\0") => jfif_dpi = jfif_density(segment),
            0xE1 if segment.starts_with(b"Exif\0\0") => exif_dpi = exif_density(&segment[6..]),
            0xEE if segment.starts_with(b"Adobe") => adobe = true,
            _ => {}
        }
    }
}

/// Dots per inch from a JFIF APP0 segment, when it gives a unit.
pub(super) fn jfif_density(segment: &[u8]) -> Option<(f64, f64)> {
    let &[units, x0, x1, y0, y1] = segment.get(7..12)? else {
        return None;
    };
    let (x, y) = (
        f64::from(u16::from_be_bytes([x0, x1])),
        f64::from(u16::from_be_bytes([y0, y1])),
    );
    match units {
        1 => Some((x, y)),
        2 => Some((x * 2.54, y * 2.54)),
        _ => None,
    }
}

/// Dots per inch from the first image directory of an Exif block (a little TIFF file).
pub(super) fn exif_density(tiff: &[u8]) -> Option<(f64, f64)> {
    let little = match tiff.get(0..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let rational = |at: usize| -> Option<f64> {
        let offset = u32_at(at)? as usize;
        let (n, d) = (u32_at(offset)?, u32_at(offset.checked_add(4)?)?);
        (d != 0).then(|| f64::from(n) / f64::from(d))
    };
    let ifd = u32_at(4)? as usize;
    let entries = usize::from(u16_at(ifd)?);
    let (mut x, mut y, mut unit) = (None, None, 2u16);
    for i in 0..entries.min(512) {
        let entry = ifd + 2 + 12 * i;
        let (tag, kind) = (u16_at(entry)?, u16_at(entry + 2)?);
        match (tag, kind) {
            (0x011A, 5) => x = rational(entry + 8),
            (0x011B, 5) => y = rational(entry + 8),
            (0x0128, 3) => unit = u16_at(entry + 8)?,
            _ => {}
        }
    }
    let per_inch = match unit {
        2 => 1.0,
        3 => 2.54,
        _ => return None,
    };
    Some((x? * per_inch, y? * per_inch))
}

// PNG -----------------------------------------------------------------------------------

/// The chunks of a PNG that decide whether PDF can read its data as it is.
#[derive(Debug, Default)]
pub(super) struct PngChunks {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) bit_depth: u8,
    pub(super) color_type: u8,
    pub(super) interlaced: bool,
    pub(super) palette: Option<Vec<u8>>,
    pub(super) transparency: bool,
    pub(super) dpi: Option<(f64, f64)>,
    /// The concatenated IDAT data: one zlib stream of filtered rows.
    pub(super) data: Vec<u8>,
}

pub(super) fn png_chunks(bytes: &[u8]) -> Result<PngChunks, SearchableError> {
    let unreadable = |detail: &str| SearchableError::Unreadable {
        media: MediaType::Png,
        detail: detail.to_string(),
    };
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(unreadable("no png signature"));
    }
    let mut out = PngChunks::default();
    let mut pos = 8usize;
    let mut header = false;
    loop {
        let (len, kind) = match bytes.get(pos..pos + 8) {
            Some(&[a, b, c, d, ref kind @ ..]) => (u32::from_be_bytes([a, b, c, d]) as usize, kind),
            _ => return Err(unreadable("the file ends before its last chunk")),
        };
        let data = pos
            .checked_add(8 + len)
            .and_then(|end| bytes.get(pos + 8..end))
            .ok_or_else(|| unreadable("a chunk runs past the end of the file"))?;
        pos += 12 + len;
        match kind {
            b"IHDR" => {
                let &[w0, w1, w2, w3, h0, h1, h2, h3, depth, color, _, _, interlace] = data else {
                    return Err(unreadable("a malformed header chunk"));
                };
                out.width = u32::from_be_bytes([w0, w1, w2, w3]);
                out.height = u32::from_be_bytes([h0, h1, h2, h3]);
                out.bit_depth = depth;
                out.color_type = color;
                out.interlaced = interlace != 0;
                header = true;
            }
            b"PLTE" => out.palette = Some(data.to_vec()),
            b"tRNS" => out.transparency = true,
            b"pHYs" => {
                if let &[x0, x1, x2, x3, y0, y1, y2, y3, 1] = data {
                    // Pixels per metre.
                    let x = f64::from(u32::from_be_bytes([x0, x1, x2, x3])) * 0.0254;
                    let y = f64::from(u32::from_be_bytes([y0, y1, y2, y3])) * 0.0254;
                    out.dpi = Some((x, y));
                }
            }
            b"IDAT" => out.data.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
    }
    if !header || out.width == 0 || out.height == 0 {
        return Err(unreadable("no image header"));
    }
    Ok(out)
}

pub(super) fn png_image(bytes: &[u8], limits: &Limits) -> Result<PageImage, SearchableError> {
    let chunks = png_chunks(bytes)?;
    check_pixels(1, chunks.width, chunks.height, limits)?;
    let depth = chunks.bit_depth;
    let direct = !chunks.interlaced
        && !chunks.transparency
        && !chunks.data.is_empty()
        && match chunks.color_type {
            0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
            2 => matches!(depth, 8 | 16),
            3 => matches!(depth, 1 | 2 | 4 | 8),
            _ => false,
        };
    let color_space: Option<(Object, i64)> = match chunks.color_type {
        0 => Some(("DeviceGray".into(), 1)),
        2 => Some(("DeviceRGB".into(), 3)),
        3 => chunks.palette.as_ref().and_then(|p| {
            let entries = p.len() / 3;
            (p.len() % 3 == 0 && (1..=(1usize << depth)).contains(&entries)).then(|| {
                (
                    Object::Array(vec![
                        "Indexed".into(),
                        "DeviceRGB".into(),
                        (entries as i64 - 1).into(),
                        Object::String(p.clone(), StringFormat::Hexadecimal),
                    ]),
                    1,
                )
            })
        }),
        _ => None,
    };
    if let (true, Some((color_space, colors))) = (direct, color_space) {
        let dict = dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => i64::from(chunks.width),
            "Height" => i64::from(chunks.height),
            "ColorSpace" => color_space,
            "BitsPerComponent" => i64::from(depth),
            "Filter" => "FlateDecode",
            "DecodeParms" => dictionary! {
                "Predictor" => 15,
                "Colors" => colors,
                "BitsPerComponent" => i64::from(depth),
                "Columns" => i64::from(chunks.width),
            },
        };
        return Ok(PageImage {
            width: chunks.width,
            height: chunks.height,
            dpi: chunks.dpi,
            stream: Stream::new(dict, chunks.data).with_compression(false),
            smask: None,
        });
    }
    let image = decode_png(bytes, limits)?;
    let pixels = Pixels::from_image(image);
    pixels.into_page_image(chunks.dpi, MediaType::Png)
}

pub(super) fn decode_png(bytes: &[u8], limits: &Limits) -> Result<DynamicImage, SearchableError> {
    let unreadable = |e: image::ImageError| SearchableError::Unreadable {
        media: MediaType::Png,
        detail: e.to_string(),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), ImageFormat::Png);
    let mut image_limits = image::Limits::default();
    // Four 16-bit channels per pixel at most; the header was checked against the limit.
    image_limits.max_alloc = Some(limits.max_pixels_per_page.saturating_mul(8));
    reader.limits(image_limits);
    reader.decode().map_err(unreadable)
}

// TIFF ----------------------------------------------------------------------------------

// Decoded pixels ------------------------------------------------------------------------

/// Decoded pixels, rows packed: samples of fewer than 8 bits fill bytes from the high bit
/// and each row starts on a byte; 16-bit samples are in native byte order.
pub(super) struct Pixels {
    pub(super) width: u32,
    pub(super) height: u32,
    /// 1 (grey), 3 (RGB) or 4 (CMYK).
    pub(super) channels: u8,
    pub(super) bits: u8,
    pub(super) data: Vec<u8>,
    /// One sample per pixel, of the original sample width (8 or 16 bits), when the image
    /// has transparency.
    pub(super) alpha: Option<(u8, Vec<u8>)>,
}

pub(super) fn split_alpha(
    width: u32,
    height: u32,
    channels: u8,
    bits: u8,
    data: Vec<u8>,
) -> Pixels {
    let bytes = usize::from(bits / 8);
    let pixel = (usize::from(channels) + 1) * bytes;
    let mut color = Vec::with_capacity(data.len() / pixel * (pixel - bytes));
    let mut alpha = Vec::with_capacity(data.len() / pixel * bytes);
    for p in data.chunks_exact(pixel) {
        color.extend_from_slice(&p[..pixel - bytes]);
        alpha.extend_from_slice(&p[pixel - bytes..]);
    }
    Pixels::new(width, height, channels, bits, color, Some(alpha))
}

impl Pixels {
    /// Pixels of 8 or 16 bits, reduced where that loses nothing: RGB whose channels are all
    /// equal becomes grey, 8-bit grey of only black and white becomes 1-bit, and an alpha
    /// channel that is opaque everywhere is dropped.
    pub(super) fn new(
        width: u32,
        height: u32,
        channels: u8,
        bits: u8,
        mut data: Vec<u8>,
        mut alpha: Option<Vec<u8>>,
    ) -> Pixels {
        if alpha.as_ref().is_some_and(|a| a.iter().all(|&b| b == 0xFF)) {
            alpha = None;
        }
        let mut channels = channels;
        if channels == 3 && bits == 8 && data.chunks_exact(3).all(|p| p[0] == p[1] && p[1] == p[2])
        {
            data = data.chunks_exact(3).map(|p| p[0]).collect();
            channels = 1;
        }
        if channels == 1 && bits == 8 && data.iter().all(|&v| v == 0 || v == 0xFF) {
            let row = (width as usize).div_ceil(8);
            let mut packed = vec![0u8; row * height as usize];
            for (y, line) in data.chunks_exact(width.max(1) as usize).enumerate() {
                for (x, &v) in line.iter().enumerate() {
                    if v != 0 {
                        packed[y * row + x / 8] |= 0x80 >> (x % 8);
                    }
                }
            }
            return Pixels {
                width,
                height,
                channels: 1,
                bits: 1,
                data: packed,
                alpha: alpha.map(|a| (bits, a)),
            };
        }
        Pixels {
            width,
            height,
            channels,
            bits,
            data,
            alpha: alpha.map(|a| (bits, a)),
        }
    }

    pub(super) fn packed_gray(width: u32, height: u32, bits: u8, data: Vec<u8>) -> Pixels {
        Pixels {
            width,
            height,
            channels: 1,
            bits,
            data,
            alpha: None,
        }
    }

    pub(super) fn from_image(image: DynamicImage) -> Pixels {
        let (w, h) = (image.width(), image.height());
        match image {
            DynamicImage::ImageLuma8(b) => Pixels::new(w, h, 1, 8, b.into_raw(), None),
            DynamicImage::ImageLumaA8(b) => split_alpha(w, h, 1, 8, b.into_raw()),
            DynamicImage::ImageRgb8(b) => Pixels::new(w, h, 3, 8, b.into_raw(), None),
            DynamicImage::ImageRgba8(b) => split_alpha(w, h, 3, 8, b.into_raw()),
            DynamicImage::ImageLuma16(b) => Pixels::new(w, h, 1, 16, ne_bytes(&b.into_raw()), None),
            DynamicImage::ImageLumaA16(b) => split_alpha(w, h, 1, 16, ne_bytes(&b.into_raw())),
            DynamicImage::ImageRgb16(b) => Pixels::new(w, h, 3, 16, ne_bytes(&b.into_raw()), None),
            DynamicImage::ImageRgba16(b) => split_alpha(w, h, 3, 16, ne_bytes(&b.into_raw())),
            other => split_alpha(w, h, 3, 8, other.to_rgba8().into_raw()),
        }
    }

    pub(super) fn into_page_image(
        self,
        dpi: Option<(f64, f64)>,
        media: MediaType,
    ) -> Result<PageImage, SearchableError> {
        let color_space = match self.channels {
            1 => "DeviceGray",
            3 => "DeviceRGB",
            _ => "DeviceCMYK",
        };
        let mut stream = image_stream(
            self.width,
            self.height,
            self.channels,
            self.bits,
            &self.data,
            media,
        )?;
        stream.dict.set("ColorSpace", color_space);
        let smask = match &self.alpha {
            Some((bits, alpha)) => {
                let mut mask = image_stream(self.width, self.height, 1, *bits, alpha, media)?;
                mask.dict.set("ColorSpace", "DeviceGray");
                Some(mask)
            }
            None => None,
        };
        Ok(PageImage {
            width: self.width,
            height: self.height,
            dpi,
            stream,
            smask,
        })
    }
}

/// A Flate-compressed image XObject of the given samples (without its colour space).
///
/// Grey and RGB of 8 or 16 bits go through the PNG encoder, whose compressed data is the
/// `FlateDecode` data of a PDF image with PNG predictors, filters chosen row by row;
/// other samples are compressed as they are.
pub(super) fn image_stream(
    width: u32,
    height: u32,
    channels: u8,
    bits: u8,
    data: &[u8],
    media: MediaType,
) -> Result<Stream, SearchableError> {
    let mut dict = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => i64::from(width),
        "Height" => i64::from(height),
        "BitsPerComponent" => i64::from(bits),
    };
    let png_color = match (channels, bits) {
        (1, 8) => Some(ExtendedColorType::L8),
        (1, 16) => Some(ExtendedColorType::L16),
        (3, 8) => Some(ExtendedColorType::Rgb8),
        (3, 16) => Some(ExtendedColorType::Rgb16),
        _ => None,
    };
    if let Some(color) = png_color {
        let mut png = Vec::new();
        PngEncoder::new_with_quality(&mut png, CompressionType::Default, FilterType::Adaptive)
            .write_image(data, width, height, color)
            .map_err(|e| SearchableError::Unsupported {
                media,
                detail: e.to_string(),
            })?;
        let chunks = png_chunks(&png).map_err(write_error)?;
        dict.set("Filter", "FlateDecode");
        dict.set(
            "DecodeParms",
            dictionary! {
                "Predictor" => 15,
                "Colors" => i64::from(channels),
                "BitsPerComponent" => i64::from(bits),
                "Columns" => i64::from(width),
            },
        );
        return Ok(Stream::new(dict, chunks.data).with_compression(false));
    }
    let raw = if bits == 16 {
        data.chunks_exact(2)
            .flat_map(|s| u16::from_ne_bytes([s[0], s[1]]).to_be_bytes())
            .collect()
    } else {
        data.to_vec()
    };
    Ok(compressed(Stream::new(dict, raw)))
}
