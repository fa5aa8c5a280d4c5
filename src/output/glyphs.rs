//! Text on the PNG pictures, drawn from glyphs rasterised once. plotters rasterises every
//! glyph of every label from its outline each time it is drawn, and that was half the work of
//! drawing a picture; but a report's pictures repeat a few dozen glyphs (digits, the words of
//! axes and legends) at a handful of sizes. [`CachedText`] is the bitmap backend with its
//! text drawn from each glyph's coverage, rasterised once per thread, and blended pixel by
//! pixel exactly as plotters blends it: the pictures are the same to the byte (a test draws
//! them both ways).

use std::cell::RefCell;
use std::collections::HashMap;

use ab_glyph::{Font, FontRef, GlyphId, PxScaleFont, ScaleFont};
use plotters::prelude::BitMapBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle,
};
use plotters_bitmap::BitMapBackendError;

use super::plots::{FONT, font_bytes};

/// A bitmap backend whose text in the embedded font comes from rasterised glyphs kept for
/// reuse; everything else is the bitmap backend's own.
pub struct CachedText<'a> {
    inner: BitMapBackend<'a>,
}

impl<'a> CachedText<'a> {
    /// A picture of `size` drawn into `pixels` (RGB).
    pub fn with_buffer(pixels: &'a mut [u8], size: (u32, u32)) -> Self {
        Self { inner: BitMapBackend::with_buffer(pixels, size) }
    }
}

type Drawn = Result<(), DrawingErrorKind<BitMapBackendError>>;

impl DrawingBackend for CachedText<'_> {
    type ErrorType = BitMapBackendError;

    // The methods the bitmap backend implements itself are passed on; the others keep the
    // trait's own implementations, which the bitmap backend uses too and which draw through
    // these.
    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Drawn {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Drawn {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, s: &S) -> Drawn {
        self.inner.draw_line(from, to, s)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Drawn {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Drawn {
        self.inner.blit_bitmap(pos, size, src)
    }

    /// The trait's own text drawing (anchor, rotation, clipping, one blended pixel per
    /// covered pixel), with each glyph's coverage looked up instead of rasterised.
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Drawn {
        let Some(bold) = house_weight(style) else {
            return self.inner.draw_text(text, style, pos);
        };
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let ((min_x, min_y), (max_x, max_y)) =
            style.layout_box(text).map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let transform = style.transform();
        let origin = (dx - min_x, dy - min_y);
        GLYPHS.with_borrow_mut(|glyphs| {
            let face = glyphs.face(bold, style.size());
            face.lay_out(text, |x, y, coverage| {
                let (x, y) = transform.transform(x + origin.0, y + origin.1);
                // Out of the picture, the bitmap backend draws nothing.
                self.inner.draw_pixel((pos.0 + x, pos.1 + y), color.mix(coverage as f64))
            })
        })
    }
}

/// Whether a style's text is in the embedded font, bold (`Some(true)`) or regular (any other
/// style falls back to it, as in plotters); `None` for another family. The weight is read
/// from the style, which is the face plotters draws when the font description was made with
/// it (`(FONT, size, FontStyle::Bold)`); `FontDesc::style` relabels a description without
/// changing its face, and is not used.
fn house_weight(style: &impl BackendTextStyle) -> Option<bool> {
    (style.family().as_str() == FONT).then(|| matches!(style.style(), FontStyle::Bold))
}

thread_local! {
    /// Each thread's rasterised glyphs (a picture is drawn on one thread).
    static GLYPHS: RefCell<Glyphs> = RefCell::new(Glyphs::default());
}

/// The faces in use, by weight and size.
#[derive(Default)]
struct Glyphs {
    faces: HashMap<(bool, u64), Face>,
}

impl Glyphs {
    fn face(&mut self, bold: bool, size: f64) -> &mut Face {
        self.faces.entry((bold, size.to_bits())).or_insert_with(|| Face::new(bold, size))
    }
}

/// One weight at one size, and its glyphs rasterised so far.
struct Face {
    font: PxScaleFont<FontRef<'static>>,
    size: f64,
    glyphs: HashMap<char, Glyph>,
}

/// A glyph at its face's size: its advance, and its covered pixels relative to the pen.
struct Glyph {
    id: GlyphId,
    advance: f32,
    /// `(x, y, coverage)` of the covered pixels, in the order the rasteriser gives them.
    pixels: Vec<(i32, i32, f32)>,
}

impl Face {
    fn new(bold: bool, size: f64) -> Self {
        // The same bytes plotters was given (see `plots::register_font`), so a valid font.
        let font = FontRef::try_from_slice(font_bytes(bold)).expect("the embedded font is valid");
        Self { font: font.into_scaled(size as f32), size, glyphs: HashMap::new() }
    }

    /// Pens `text` as plotters' `ab_glyph` text does (kerning, advances rounded down to whole
    /// pixels, glyphs hung from half the size), calling `pixel` with each covered pixel.
    fn lay_out(&mut self, text: &str, mut pixel: impl FnMut(i32, i32, f32) -> Drawn) -> Drawn {
        let mut pen = 0f32;
        let mut previous: Option<GlyphId> = None;
        for c in text.chars() {
            let glyph = self.glyph(c);
            let (id, advance) = (glyph.id, glyph.advance);
            if let Some(before) = previous {
                pen += self.font.kern(before, id);
            }
            previous = Some(id);
            let shift = pen as i32;
            // Looked up again rather than kept from `glyph`, whose borrow would hold `self`:
            // splitting the borrow of the font and the glyphs instead measured 0.5% more
            // instructions for the work after the simulation (callgrind).
            for &(x, y, coverage) in &self.glyphs[&c].pixels {
                pixel(x + shift, y, coverage)?;
            }
            pen += advance;
        }
        Ok(())
    }

    /// Glyph `c`, rasterised on first use.
    fn glyph(&mut self, c: char) -> &Glyph {
        let (font, size) = (&self.font, self.size);
        self.glyphs.entry(c).or_insert_with(|| {
            let id = font.glyph_id(c);
            let mut pixels = Vec::new();
            if let Some(outline) = font.outline_glyph(font.scaled_glyph(c)) {
                let hang = ((size as f32) / 2.0 + outline.px_bounds().min.y) as i32;
                // An uncovered pixel is blended with an alpha of 0, which the bitmap backend
                // skips: it is not kept.
                outline.draw(|x, y, coverage| {
                    if coverage > 0.0 {
                        pixels.push((x as i32, y as i32 + hang, coverage));
                    }
                });
            }
            Glyph { id, advance: font.h_advance(id), pixels }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::CachedText;
    use crate::output::plots::{FONT, register_font};
    use plotters::coord::Shift;
    use plotters::prelude::*;
    use plotters::style::FontTransform;

    /// A chart with text of every kind the pictures have: a bold title, axis titles (one
    /// turned), labels at several anchors, a legend, accents, and text running off the edge.
    fn chart<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) {
        root.fill(&WHITE).unwrap();
        let bold = (FONT, 26, FontStyle::Bold).into_font();
        let root = root.titled("Herval ná één jaar — €", bold).unwrap();
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..730.0, 0.0..1.0)
            .unwrap();
        chart
            .configure_mesh()
            .x_desc("dagen na vrijlating")
            .y_desc("aandeel")
            .axis_desc_style((FONT, 16).into_font())
            .label_style((FONT, 13).into_font())
            .draw()
            .unwrap();
        let curve = (0..100).map(|k| (k as f64 * 7.3, 1.0 - (k as f64 / 60.0).min(1.0) * 0.6));
        chart
            .draw_series(LineSeries::new(curve, BLUE))
            .unwrap()
            .label("gefragmenteerd (wachtlijst)");
        chart.configure_series_labels().label_font((FONT, 14)).border_style(BLACK).draw().unwrap();
        let turned = (FONT, 16).into_font().transform(FontTransform::Rotate270);
        root.draw(&Text::new("links gedraaid", (3, 300), turned)).unwrap();
        let pale_red = RED.mix(0.4);
        let faint = TextStyle::from((FONT, 15).into_font()).color(&pale_red);
        root.draw(&Text::new("rand: half buiten beeld", (560, 545), faint)).unwrap();
        let centred =
            TextStyle::from((FONT, 12).into_font()).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            ));
        root.draw(&Text::new("0,25 | 1.000 | AVAWfi", (300, 120), centred)).unwrap();
    }

    fn drawn_by_plotters(size: (u32, u32)) -> Vec<u8> {
        let mut pixels = vec![0u8; (size.0 * size.1 * 3) as usize];
        chart(&BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area());
        pixels
    }

    fn drawn_from_cache(size: (u32, u32)) -> Vec<u8> {
        let mut pixels = vec![0u8; (size.0 * size.1 * 3) as usize];
        chart(&CachedText::with_buffer(&mut pixels, size).into_drawing_area());
        pixels
    }

    #[test]
    fn text_from_kept_glyphs_is_plotters_text_to_the_byte() {
        register_font();
        let size = (640, 560);
        let reference = drawn_by_plotters(size);
        // Twice: the first picture rasterises the glyphs, the second finds them kept.
        for round in 0..2 {
            let cached = drawn_from_cache(size);
            let differ = reference.iter().zip(&cached).position(|(a, b)| a != b);
            assert_eq!(differ, None, "round {round}: first different byte");
        }
        let inked = reference.chunks(3).filter(|p| p != &[255, 255, 255]).count();
        assert!(inked > 5_000, "only {inked} pixels drawn");
    }
}
