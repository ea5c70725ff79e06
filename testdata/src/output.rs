//! Encoders for the four file formats. Every encoder here is deterministic: no timestamps,
//! no random ids.

use std::io::Cursor;

use image::codecs::jpeg::{JpegEncoder, PixelDensity};
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use lopdf::{dictionary, Document, Object, Stream};

use crate::canvas::Canvas;
use crate::GenerateError;

pub enum PageImage {
    Rgb(Canvas),
    Gray { w: usize, h: usize, px: Vec<u8> },
}

impl PageImage {
    pub fn dims(&self) -> (usize, usize) {
        match self {
            PageImage::Rgb(c) => (c.w, c.h),
            PageImage::Gray { w, h, .. } => (*w, *h),
        }
    }

    fn raw(&self) -> (&[u8], ExtendedColorType) {
        match self {
            PageImage::Rgb(c) => (&c.px, ExtendedColorType::Rgb8),
            PageImage::Gray { px, .. } => (px, ExtendedColorType::L8),
        }
    }
}

/// PNG's chunk checksum (CRC-32, IEEE).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

pub fn png(img: &PageImage, dpi: u32) -> Result<Vec<u8>, GenerateError> {
    let (w, h) = img.dims();
    let (raw, ct) = img.raw();
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive)
        .write_image(raw, w as u32, h as u32, ct)?;
    // The image encoder cannot write a resolution; OCR engines read it from pHYs, which
    // must follow the 33-byte signature + IHDR.
    let ppm = (f64::from(dpi) / 0.0254).round() as u32;
    let mut chunk = Vec::with_capacity(21);
    chunk.extend_from_slice(&9u32.to_be_bytes());
    let mut body = b"pHYs".to_vec();
    body.extend_from_slice(&ppm.to_be_bytes());
    body.extend_from_slice(&ppm.to_be_bytes());
    body.push(1);
    chunk.extend_from_slice(&body);
    chunk.extend_from_slice(&crc32(&body).to_be_bytes());
    if out.len() > 33 {
        out.splice(33..33, chunk);
    }
    Ok(out)
}

pub fn jpeg(img: &PageImage, dpi: u32, quality: u8) -> Result<Vec<u8>, GenerateError> {
    let (w, h) = img.dims();
    let (raw, ct) = img.raw();
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, quality);
    enc.set_pixel_density(PixelDensity::dpi(dpi.min(u32::from(u16::MAX)) as u16));
    enc.encode(raw, w as u32, h as u32, ct)?;
    Ok(out)
}

/// Decodes a JPEG back to pixels: phone photos keep their compression artefacts even when
/// saved losslessly afterwards.
pub fn jpeg_round_trip(img: &PageImage, quality: u8) -> Result<PageImage, GenerateError> {
    let bytes = jpeg(img, 72, quality)?;
    let decoded = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg)?;
    Ok(match img {
        PageImage::Rgb(_) => {
            let rgb = decoded.to_rgb8();
            let (w, h) = (rgb.width() as usize, rgb.height() as usize);
            PageImage::Rgb(Canvas {
                w,
                h,
                px: rgb.into_raw(),
            })
        }
        PageImage::Gray { .. } => {
            let g = decoded.to_luma8();
            let (w, h) = (g.width() as usize, g.height() as usize);
            PageImage::Gray {
                w,
                h,
                px: g.into_raw(),
            }
        }
    })
}

pub fn tiff(img: &PageImage, dpi: u32, lzw: bool) -> Result<Vec<u8>, GenerateError> {
    use tiff::encoder::{colortype, Compression, DeflateLevel, Rational, TiffEncoder};
    use tiff::tags::{Predictor, ResolutionUnit};
    let (w, h) = img.dims();
    let mut cur = Cursor::new(Vec::new());
    {
        let compression = if lzw {
            Compression::Lzw
        } else {
            Compression::Deflate(DeflateLevel::Fast)
        };
        let mut enc = TiffEncoder::new(&mut cur)?
            .with_compression(compression)
            .with_predictor(Predictor::Horizontal);
        let res = Rational { n: dpi, d: 1 };
        match img {
            PageImage::Rgb(c) => {
                let mut im = enc.new_image::<colortype::RGB8>(w as u32, h as u32)?;
                im.resolution(ResolutionUnit::Inch, res);
                im.write_data(&c.px)?;
            }
            PageImage::Gray { px, .. } => {
                let mut im = enc.new_image::<colortype::Gray8>(w as u32, h as u32)?;
                im.resolution(ResolutionUnit::Inch, res);
                im.write_data(px)?;
            }
        }
    }
    Ok(cur.into_inner())
}

/// A PDF whose every page is one JPEG scan filling the page, sized from its resolution.
pub fn pdf(pages: &[(PageImage, u32, u8)]) -> Result<Vec<u8>, GenerateError> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids: Vec<Object> = Vec::new();
    for (img, dpi, quality) in pages {
        let (w, h) = img.dims();
        let data = jpeg(img, *dpi, *quality)?;
        let color_space = match img {
            PageImage::Rgb(_) => "DeviceRGB",
            PageImage::Gray { .. } => "DeviceGray",
        };
        let image_id = doc.add_object(
            Stream::new(
                dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Image",
                    "Width" => w as i64,
                    "Height" => h as i64,
                    "ColorSpace" => color_space,
                    "BitsPerComponent" => 8,
                    "Filter" => "DCTDecode",
                },
                data,
            )
            .with_compression(false),
        );
        let pw = (w as f32 * 72.0 / *dpi as f32 * 100.0).round() / 100.0;
        let ph = (h as f32 * 72.0 / *dpi as f32 * 100.0).round() / 100.0;
        let content = format!("q\n{pw:.2} 0 0 {ph:.2} 0 0 cm\n/Im0 Do\nQ\n").into_bytes();
        let content_id =
            doc.add_object(Stream::new(dictionary! {}, content).with_compression(false));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(pw), Object::Real(ph)],
            "Contents" => content_id,
            "Resources" => dictionary! {
                "XObject" => dictionary! { "Im0" => image_id },
            },
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| GenerateError::Pdf(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_reference() {
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
    }

    #[test]
    fn png_carries_resolution() {
        let img = PageImage::Gray {
            w: 4,
            h: 3,
            px: vec![200; 12],
        };
        let bytes = png(&img, 300).expect("png");
        assert_eq!(&bytes[37..41], b"pHYs");
        let decoded = image::load_from_memory(&bytes).expect("decodable png");
        assert_eq!((decoded.width(), decoded.height()), (4, 3));
    }
}
