//! QR codes drawn as SVG: one path of dark modules on a white square with its quiet zone, sharp
//! at any size on paper, no image file and no script.

use qrcode::{Color, EcLevel, QrCode};

/// The blank margin around a code, in modules: the standard's minimum, so that phones find it on
/// a busy page.
pub const QUIET_ZONE: usize = 4;

/// `text` as a QR code (error correction M: a printed code survives a fold or a stain), an SVG
/// element named `label` for screen readers; `None` when `text` is too long for a QR code.
pub fn svg(text: &str, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let side = width + 2 * QUIET_ZONE;
    let mut path = String::new();
    // Each row's runs of dark modules as one rectangle each: a short path, no seam between
    // neighbours.
    for (y, row) in code.to_colors().chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Light {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] == Color::Dark {
                x += 1;
            }
            path.push_str(&format!("M{} {}h{}v1h-{}z", start + QUIET_ZONE, y + QUIET_ZONE, x - start, x - start));
        }
    }
    Some(format!(
        "<svg class=\"qr\" viewBox=\"0 0 {side} {side}\" role=\"img\" aria-label=\"{}\" shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        aiguillage_engine::html::escape(label)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_too_long_for_any_code_has_none() {
        assert!(svg(&"x".repeat(3_000), "trop long").is_none());
        assert!(svg("https://exemple.fr/#aiguillage=need.emploi", "court").is_some());
    }

    #[test]
    fn the_label_is_escaped() {
        let drawn = svg("https://exemple.fr/", "<b>\"Emploi\"</b>").unwrap();
        assert!(drawn.contains("aria-label=\"&lt;b&gt;&quot;Emploi&quot;&lt;/b&gt;\""), "{drawn}");
    }
}
