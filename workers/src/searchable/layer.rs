//! The invisible text layer and its glyphless font, as Tesseract's PDF renderer makes
//! them.

use super::*;

// ---------------------------------------------------------------------------------------
// The text layer
// ---------------------------------------------------------------------------------------

/// A word ready to place: its box as fractions of the page (origin top left) and its
/// 2-byte codes.
#[derive(Debug, Clone)]
pub(super) struct Placed {
    pub(super) line: u32,
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) x1: f64,
    pub(super) y1: f64,
    pub(super) codes: Vec<u16>,
}

pub(super) fn placed(word: &Word) -> Option<Placed> {
    let b = word.bbox;
    let [x0, y0, x1, y1] = [b.x0, b.y0, b.x1, b.y1].map(|v| f64::from(v).clamp(0.0, 1.0));
    if ![b.x0, b.y0, b.x1, b.y1].iter().all(|v| v.is_finite()) || x1 <= x0 || y1 <= y0 {
        return None;
    }
    let text = hoso_extractors::text::nfc(word.text.trim());
    let mut codes = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            continue;
        }
        let c = if c.is_whitespace() { ' ' } else { c };
        let mut units = [0u16; 2];
        match c.encode_utf16(&mut units) {
            [unit] => codes.push(*unit),
            // A character beyond the BMP would take two codes, and a reader maps each
            // code on its own: it is shown as the replacement character instead.
            _ => codes.push(0xFFFD),
        }
    }
    if codes.iter().all(|&u| u == 0x20) {
        return None;
    }
    Some(Placed {
        line: word.line,
        x0,
        y0,
        x1,
        y1,
        codes,
    })
}

/// The content stream operators of an invisible text layer for a page of `width` ×
/// `height` points (origin bottom left), in font resource `font` (the module's own name
/// when empty). Empty when no word has text and a box.
pub(super) fn text_layer(words: &[Word], width: f64, height: f64, font: &str) -> String {
    let font = if font.is_empty() { FONT_RESOURCE } else { font };
    // Words grouped by OCR line, lines in order of their first word, words left to right.
    let mut lines: Vec<Vec<Placed>> = Vec::new();
    let mut index: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for word in words.iter().filter_map(placed) {
        let i = *index.entry(word.line).or_insert_with(|| {
            lines.push(Vec::new());
            lines.len() - 1
        });
        lines[i].push(word);
    }
    let mut out = String::new();
    for line in &mut lines {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        // One baseline and size for the whole line when its words sit in one band, so a
        // reader sees one line of one size; each word on its own box when they do not
        // (a skewed line, or words grouped loosely).
        let top = line.iter().map(|w| w.y0).fold(1.0, f64::min);
        let bottom = line.iter().map(|w| w.y1).fold(0.0, f64::max);
        let mut heights: Vec<f64> = line.iter().map(|w| w.y1 - w.y0).collect();
        heights.sort_by(f64::total_cmp);
        let median = heights[heights.len() / 2];
        let uniform = bottom - top <= 1.5 * median;
        out.push_str("BT\n3 Tr\n");
        let mut size = f64::NAN;
        for (i, word) in line.iter().enumerate() {
            let (fs, baseline) = if uniform {
                ((bottom - top) * height, (1.0 - bottom) * height)
            } else {
                ((word.y1 - word.y0) * height, (1.0 - word.y1) * height)
            };
            let fs = fs.max(0.01);
            if fs != size {
                let _ = writeln!(out, "/{font} {} Tf", num(fs));
                size = fs;
            }
            let box_width = (word.x1 - word.x0) * width;
            let natural = word.codes.len() as f64 * GLYPH_WIDTH / 1000.0 * fs;
            let _ = writeln!(
                out,
                "1 0 0 1 {} {} Tm\n{} Tz\n<{}> Tj",
                num(word.x0 * width),
                num(baseline),
                num(100.0 * box_width / natural),
                hex(&word.codes)
            );
            if let Some(next) = line.get(i + 1) {
                // An explicit space stretched over the gap to the next word, so readers
                // see a word boundary whatever their spacing heuristics.
                let gap = (next.x0 - word.x1) * width;
                let space = GLYPH_WIDTH / 1000.0 * fs;
                let _ = writeln!(out, "{} Tz\n<0020> Tj", num((100.0 * gap / space).max(1.0)));
            }
        }
        out.push_str("ET\n");
    }
    out
}

pub(super) fn hex(codes: &[u16]) -> String {
    let mut s = String::with_capacity(codes.len() * 4);
    for c in codes {
        let _ = write!(s, "{c:04X}");
    }
    s
}

/// A number for a content stream with six decimals at most, for the operands of a turn.
pub(super) fn fine(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s {
        "-0" | "" => "0".to_string(),
        s => s.to_string(),
    }
}

/// A number for a content stream: at most three decimals, no exponent, no `-0`.
pub(super) fn num(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s {
        "-0" | "" => "0".to_string(),
        s => s.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// The glyph-less font
// ---------------------------------------------------------------------------------------

/// Adds the text layer's Type0 font (and its descendant, descriptor, program, CID map and
/// `ToUnicode` map) to `doc`; returns the Type0 font's id.
pub(super) fn add_font(doc: &mut Document) -> ObjectId {
    let program = glyphless_font();
    let program_id = doc.add_object(compressed(Stream::new(
        dictionary! { "Length1" => program.len() as i64 },
        program,
    )));
    let descriptor_id = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => "GlyphLessFont",
        // Fixed pitch, symbolic.
        "Flags" => 5,
        "FontBBox" => vec![
            Object::Integer(0),
            Object::Integer(0),
            Object::Integer(GLYPH_WIDTH as i64),
            Object::Integer(1000),
        ],
        "ItalicAngle" => 0,
        "Ascent" => 1000,
        "Descent" => -1,
        "CapHeight" => 1000,
        "StemV" => 80,
        "FontFile2" => program_id,
    });
    // Every CID is drawn by glyph 1.
    let cid_to_gid: Vec<u8> = [0u8, 1].repeat(65_536);
    let cid_to_gid_id = doc.add_object(compressed(Stream::new(Dictionary::new(), cid_to_gid)));
    let cid_font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => "GlyphLessFont",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor_id,
        "DW" => GLYPH_WIDTH as i64,
        "CIDToGIDMap" => cid_to_gid_id,
    });
    let to_unicode_id = doc.add_object(compressed(Stream::new(
        Dictionary::new(),
        to_unicode_cmap().into_bytes(),
    )));
    doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "GlyphLessFont",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(cid_font_id)],
        "ToUnicode" => to_unicode_id,
    })
}

/// Each 2-byte code to the UTF-16 code unit of the same value, surrogates excepted.
pub(super) fn to_unicode_cmap() -> String {
    let ranges: Vec<u16> = (0u16..=0xFF)
        .filter(|hi| !(0xD8..=0xDF).contains(hi))
        .collect();
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    // At most 100 entries per block.
    for block in ranges.chunks(100) {
        let _ = writeln!(s, "{} beginbfrange", block.len());
        for hi in block {
            let _ = writeln!(s, "<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>");
        }
        s.push_str("endbfrange\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

/// A TrueType font of two glyphs without outlines, `.notdef` and the glyph every code is
/// drawn with, both half an em wide: the program behind the invisible text layer.
///
/// Built table by table after the OpenType specification (the same shape as Tesseract's
/// `pdf.ttf`, but with no outline at all): `head`, `hhea`, `maxp`, `hmtx`, an empty
/// `glyf` with a short `loca`, a minimal format 4 `cmap`, `name`, `post` and `OS/2`,
/// with table checksums and the `head` checksum adjustment.
pub fn glyphless_font() -> Vec<u8> {
    const UNITS_PER_EM: u16 = 1000;
    const ADVANCE: u16 = 500;
    const ASCENT: i16 = 1000;

    fn w16(v: &mut Vec<u8>, x: u16) {
        v.extend_from_slice(&x.to_be_bytes());
    }
    fn w32(v: &mut Vec<u8>, x: u32) {
        v.extend_from_slice(&x.to_be_bytes());
    }

    let mut head = Vec::with_capacity(54);
    w32(&mut head, 0x0001_0000); // version
    w32(&mut head, 0x0001_0000); // fontRevision
    w32(&mut head, 0); // checkSumAdjustment, set below
    w32(&mut head, 0x5F0F_3CF5); // magicNumber
    w16(&mut head, 0x000B); // flags: baseline at y=0, lsb at x=0, integer ppem
    w16(&mut head, UNITS_PER_EM);
    head.extend_from_slice(&[0; 16]); // created, modified
    for v in [0, 0, ADVANCE, ASCENT as u16] {
        w16(&mut head, v); // xMin, yMin, xMax, yMax
    }
    w16(&mut head, 0); // macStyle
    w16(&mut head, 8); // lowestRecPPEM
    w16(&mut head, 2); // fontDirectionHint
    w16(&mut head, 0); // indexToLocFormat: short
    w16(&mut head, 0); // glyphDataFormat

    let mut hhea = Vec::with_capacity(36);
    w32(&mut hhea, 0x0001_0000);
    w16(&mut hhea, ASCENT as u16); // ascender
    w16(&mut hhea, 0); // descender
    w16(&mut hhea, 0); // lineGap
    w16(&mut hhea, ADVANCE); // advanceWidthMax
    for _ in 0..3 {
        w16(&mut hhea, 0); // minLeftSideBearing, minRightSideBearing, xMaxExtent
    }
    w16(&mut hhea, 1); // caretSlopeRise
    w16(&mut hhea, 0); // caretSlopeRun
    hhea.extend_from_slice(&[0; 10]); // caretOffset, 4 reserved
    w16(&mut hhea, 0); // metricDataFormat
    w16(&mut hhea, 2); // numberOfHMetrics

    let mut maxp = Vec::with_capacity(32);
    w32(&mut maxp, 0x0001_0000);
    w16(&mut maxp, 2); // numGlyphs
    for v in [0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0] {
        // maxPoints .. maxComponentDepth; maxZones is 2.
        w16(&mut maxp, v);
    }

    let mut hmtx = Vec::with_capacity(8);
    for _ in 0..2 {
        w16(&mut hmtx, ADVANCE);
        w16(&mut hmtx, 0);
    }

    // Both glyphs empty: every offset is 0 and `glyf` has no bytes.
    let loca = vec![0u8; 6];
    let glyf = Vec::new();

    // One (3,1) subtable of format 4 with only the closing segment: no character maps to
    // a glyph; a CIDFontType2 reaches glyphs through its CIDToGIDMap, not the cmap.
    let mut cmap = Vec::new();
    w16(&mut cmap, 0); // version
    w16(&mut cmap, 1); // numTables
    w16(&mut cmap, 3); // platform: Windows
    w16(&mut cmap, 1); // encoding: Unicode BMP
    w32(&mut cmap, 12); // offset of the subtable
    for v in [4, 24, 0, 2, 2, 0, 0, 0xFFFF, 0, 0xFFFF, 1, 0] {
        // format, length, language, segCountX2, searchRange, entrySelector, rangeShift,
        // endCode, reservedPad, startCode, idDelta, idRangeOffset
        w16(&mut cmap, v);
    }

    let names: [(u16, &str); 4] = [
        (1, "GlyphLessFont"),
        (2, "Regular"),
        (4, "GlyphLessFont"),
        (6, "GlyphLessFont"),
    ];
    let mut name = Vec::new();
    let mut strings = Vec::new();
    w16(&mut name, 0); // format
    w16(&mut name, names.len() as u16);
    w16(&mut name, (6 + 12 * names.len()) as u16); // stringOffset
    for (id, text) in names {
        let encoded: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for v in [3, 1, 0x0409, id, encoded.len() as u16, strings.len() as u16] {
            w16(&mut name, v);
        }
        strings.extend_from_slice(&encoded);
    }
    name.extend_from_slice(&strings);

    let mut post = Vec::with_capacity(32);
    w32(&mut post, 0x0003_0000); // version 3: no glyph names
    w32(&mut post, 0); // italicAngle
    w16(&mut post, (-100i16) as u16); // underlinePosition
    w16(&mut post, 50); // underlineThickness
    w32(&mut post, 1); // isFixedPitch
    post.extend_from_slice(&[0; 16]); // memory usage hints

    let mut os2 = Vec::with_capacity(96);
    w16(&mut os2, 4); // version
    w16(&mut os2, ADVANCE); // xAvgCharWidth
    w16(&mut os2, 400); // usWeightClass
    w16(&mut os2, 5); // usWidthClass
    w16(&mut os2, 0); // fsType: installable embedding
    for v in [650, 700, 0, 140, 650, 700, 0, 480, 50, 250] {
        // Subscript and superscript sizes and offsets, strikeout size and position.
        w16(&mut os2, v);
    }
    w16(&mut os2, 0); // sFamilyClass
    os2.extend_from_slice(&[0; 10]); // panose
    os2.extend_from_slice(&[0; 16]); // ulUnicodeRange1-4
    os2.extend_from_slice(b"HOSO"); // achVendID
    w16(&mut os2, 0x0040); // fsSelection: regular
    w16(&mut os2, 0x0020); // usFirstCharIndex
    w16(&mut os2, 0xFFFF); // usLastCharIndex
    w16(&mut os2, ASCENT as u16); // sTypoAscender
    w16(&mut os2, 0); // sTypoDescender
    w16(&mut os2, 0); // sTypoLineGap
    w16(&mut os2, ASCENT as u16); // usWinAscent
    w16(&mut os2, 0); // usWinDescent
    w32(&mut os2, 1); // ulCodePageRange1: Latin 1
    w32(&mut os2, 0); // ulCodePageRange2
    w16(&mut os2, 500); // sxHeight
    w16(&mut os2, ASCENT as u16); // sCapHeight
    w16(&mut os2, 0); // usDefaultChar
    w16(&mut os2, 0x20); // usBreakChar
    w16(&mut os2, 1); // usMaxContext

    // Sorted by tag, as the table directory must be.
    let tables: [(&[u8; 4], Vec<u8>); 10] = [
        (b"OS/2", os2),
        (b"cmap", cmap),
        (b"glyf", glyf),
        (b"head", head),
        (b"hhea", hhea),
        (b"hmtx", hmtx),
        (b"loca", loca),
        (b"maxp", maxp),
        (b"name", name),
        (b"post", post),
    ];
    let count = tables.len() as u16;
    let pow2 = 1u16 << (15 - count.leading_zeros() as u16);
    let mut font = Vec::new();
    w32(&mut font, 0x0001_0000); // sfntVersion
    w16(&mut font, count);
    w16(&mut font, pow2 * 16); // searchRange
    w16(&mut font, pow2.trailing_zeros() as u16); // entrySelector
    w16(&mut font, count * 16 - pow2 * 16); // rangeShift
    let mut offset = 12 + 16 * tables.len();
    let mut head_offset = 0;
    for (tag, data) in &tables {
        font.extend_from_slice(*tag);
        w32(&mut font, table_checksum(data));
        w32(&mut font, offset as u32);
        w32(&mut font, data.len() as u32);
        if *tag == b"head" {
            head_offset = offset;
        }
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        font.extend_from_slice(data);
        font.resize(font.len().next_multiple_of(4), 0);
    }
    let adjustment = 0xB1B0_AFBAu32.wrapping_sub(table_checksum(&font));
    font[head_offset + 8..head_offset + 12].copy_from_slice(&adjustment.to_be_bytes());
    font
}

/// The OpenType checksum: the sum of the big-endian 32-bit words, zero-padded.
pub(super) fn table_checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}
