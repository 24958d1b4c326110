//! An invoice as a PDF: one A4 page (more when the lines need them) in
//! DejaVu Sans, shipped in `app/assets/fonts/` (its licence beside it) and
//! embedded as a subset of the glyphs used, with a ToUnicode map so that
//! the text can be searched, copied and read out.
//!
//! Written with `pdf-writer` (typst's: object by object, no layout
//! engine of its own), `subsetter` (typst's font subsetter) and
//! `ttf-parser` for glyphs and widths. The layout is a column of text
//! lines and a table; nothing here knows what an invoice means
//! (`services::invoices` decides what is said).

use crate::error::AppError;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use std::collections::BTreeMap;
use std::io::Write;

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FONT_NAME: Name<'static> = Name(b"F1");
const BASE_FONT: Name<'static> = Name(b"WNKLAA+DejaVuSans");

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;
pub const MARGIN: f32 = 50.0;
const BOTTOM: f32 = 60.0;

/// How a piece of text sits against its x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A document being written: text placed on the current page from the
/// top down; a new page when the next line would not fit.
pub struct Document {
    face: ttf_parser::Face<'static>,
    remapper: subsetter::GlyphRemapper,
    /// The character each new glyph id stands for (for ToUnicode).
    chars: BTreeMap<u16, char>,
    pages: Vec<Content>,
    page: Content,
    /// The baseline of the next line, from the bottom of the page.
    pub y: f32,
}

impl Document {
    pub fn new() -> Result<Self, AppError> {
        let face = ttf_parser::Face::parse(FONT, 0).map_err(|_| AppError::Internal)?;
        Ok(Self {
            face,
            remapper: subsetter::GlyphRemapper::new(),
            chars: BTreeMap::new(),
            pages: Vec::new(),
            page: Content::new(),
            y: PAGE_HEIGHT - MARGIN,
        })
    }

    fn units(&self) -> f32 {
        f32::from(self.face.units_per_em())
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| {
                let glyph = self.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
                f32::from(self.face.glyph_hor_advance(glyph).unwrap_or(0))
            })
            .sum();
        units * size / self.units()
    }

    /// Places `text` with its baseline at `y`.
    pub fn text_at(&mut self, text: &str, size: f32, x: f32, y: f32, align: Align) {
        let x = match align {
            Align::Left => x,
            Align::Right => x - self.width(text, size),
        };
        let mut encoded = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let old = self.face.glyph_index(c).map_or(0, |g| g.0);
            let new = self.remapper.remap(old);
            self.chars.entry(new).or_insert(c);
            encoded.extend_from_slice(&new.to_be_bytes());
        }
        self.page
            .begin_text()
            .set_font(FONT_NAME, size)
            .set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y])
            .show(Str(&encoded))
            .end_text();
    }

    /// Makes room for a line of `height` points: a new page when it would
    /// not fit. Returns the baseline for it.
    pub fn line(&mut self, height: f32) -> f32 {
        if self.y - height < BOTTOM {
            let page = std::mem::replace(&mut self.page, Content::new());
            self.pages.push(page);
            self.y = PAGE_HEIGHT - MARGIN;
        }
        self.y -= height;
        self.y
    }

    /// A line of text at the left margin (or at `x`), on its own line.
    pub fn paragraph(&mut self, text: &str, size: f32, x: f32) {
        let y = self.line(size * 1.45);
        self.text_at(text, size, x, y, Align::Left);
    }

    /// A paragraph broken into lines of at most `width` points, at the
    /// word spaces.
    pub fn wrapped(&mut self, text: &str, size: f32, x: f32, width: f32) {
        let mut line = String::new();
        for word in text.split_whitespace() {
            let longer = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty() && self.width(&longer, size) > width {
                self.paragraph(&line, size, x);
                line = word.to_owned();
            } else {
                line = longer;
            }
        }
        if !line.is_empty() {
            self.paragraph(&line, size, x);
        }
    }

    /// A thin horizontal rule across the text width, below the last line.
    pub fn rule(&mut self) {
        let y = self.line(6.0) + 2.0;
        self.page
            .set_line_width(0.5)
            .move_to(MARGIN, y)
            .line_to(PAGE_WIDTH - MARGIN, y)
            .stroke();
    }

    /// Vertical space.
    pub fn gap(&mut self, points: f32) {
        self.line(points);
    }

    /// The finished PDF.
    pub fn finish(mut self, title: &str) -> Result<Vec<u8>, AppError> {
        let last = std::mem::replace(&mut self.page, Content::new());
        self.pages.push(last);

        let mut alloc = Ref::new(1);
        let mut next = || alloc.bump();
        let catalog_id = next();
        let tree_id = next();
        let type0_id = next();
        let cid_id = next();
        let descriptor_id = next();
        let file_id = next();
        let cmap_id = next();
        let info_id = next();
        let page_ids: Vec<(Ref, Ref)> = self.pages.iter().map(|_| (next(), next())).collect();

        let mut pdf = Pdf::new();
        pdf.catalog(catalog_id).pages(tree_id);
        pdf.document_info(info_id)
            .title(pdf_writer::TextStr(title))
            .producer(pdf_writer::TextStr("Winkel"));
        pdf.pages(tree_id)
            .kids(page_ids.iter().map(|(page, _)| *page))
            .count(i32::try_from(page_ids.len()).unwrap_or(i32::MAX));
        for ((page_id, content_id), content) in page_ids.iter().zip(std::mem::take(&mut self.pages))
        {
            let mut page = pdf.page(*page_id);
            page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
            page.parent(tree_id);
            page.contents(*content_id);
            page.resources().fonts().pair(FONT_NAME, type0_id);
            page.finish();
            let data = deflate(&content.finish())?;
            pdf.stream(*content_id, &data).filter(Filter::FlateDecode);
        }

        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(type0_id)
            .base_font(BASE_FONT)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_id)
            .to_unicode(cmap_id);

        let scale = 1000.0 / self.units();
        let widths: Vec<f32> = self
            .remapper
            .remapped_gids()
            .map(|old| {
                f32::from(
                    self.face
                        .glyph_hor_advance(ttf_parser::GlyphId(old))
                        .unwrap_or(0),
                ) * scale
            })
            .collect();
        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(CidFontType::Type2)
            .base_font(BASE_FONT)
            .system_info(system_info)
            .font_descriptor(descriptor_id)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid.widths().consecutive(0, widths);
        cid.finish();

        let bbox = self.face.global_bounding_box();
        pdf.font_descriptor(descriptor_id)
            .name(BASE_FONT)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(self.face.ascender()) * scale)
            .descent(f32::from(self.face.descender()) * scale)
            .cap_height(f32::from(self.face.capital_height().unwrap_or(700)) * scale)
            .stem_v(80.0)
            .font_file2(file_id);

        let subset = subsetter::subset(FONT, 0, &self.remapper).map_err(|e| {
            tracing::error!("invoice font subset: {e}");
            AppError::Internal
        })?;
        let compressed = deflate(&subset)?;
        pdf.stream(file_id, &compressed)
            .filter(Filter::FlateDecode)
            .pair(
                Name(b"Length1"),
                i32::try_from(subset.len()).unwrap_or(i32::MAX),
            );

        let mut cmap = UnicodeCmap::new(Name(b"Winkel-UTF16"), system_info);
        for (glyph, c) in &self.chars {
            cmap.pair(*glyph, *c);
        }
        pdf.cmap(cmap_id, &cmap.finish());
        Ok(pdf.finish())
    }
}

fn deflate(data: &[u8]) -> Result<Vec<u8>, AppError> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).map_err(|_| AppError::Internal)?;
    encoder.finish().map_err(|_| AppError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_small_pdf_with_the_font_subset() {
        let mut doc = Document::new().unwrap();
        doc.paragraph("Factuur € 12,34 — ëé", 12.0, MARGIN);
        let width = doc.width("Totaal", 10.0);
        assert!(width > 20.0 && width < 60.0, "{width}");
        let before = doc.y;
        doc.wrapped(&"woord ".repeat(40), 10.0, MARGIN, 200.0);
        assert!(before - doc.y > 40.0, "several lines");
        for _ in 0..80 {
            doc.paragraph("regel", 10.0, MARGIN);
        }
        let bytes = doc.finish("Factuur").unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        // A subset, not the whole 740 kB font.
        assert!(bytes.len() < 40_000, "{}", bytes.len());
        // Two pages.
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/Count 2"));
    }
}
