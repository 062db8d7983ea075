//! Links built from data: only `https:`, `tel:` and `mailto:` ever reach an `href`.

/// A `tel:` link from a phone number, keeping digits and a leading `+` only.
pub fn tel(phone: &str) -> Option<String> {
    let mut digits = String::new();
    for (index, ch) in phone.trim().chars().enumerate() {
        match ch {
            '+' if index == 0 => digits.push('+'),
            '0'..='9' => digits.push(ch),
            ' ' | '.' | '-' => {}
            _ => return None,
        }
    }
    (digits.bytes().filter(u8::is_ascii_digit).count() >= 6).then(|| format!("tel:{digits}"))
}

/// A phone number as people read it in France: `05 45 89 61 63`.
pub fn display_phone(phone: &str) -> String {
    match phone.strip_prefix("+33") {
        Some(rest) if rest.len() == 9 && rest.bytes().all(|b| b.is_ascii_digit()) => {
            // 0X XX XX XX XX: pairs of digits (ASCII, checked above).
            let mut shown = String::from("0");
            for (index, digit) in rest.chars().enumerate() {
                if index % 2 == 1 {
                    shown.push(' ');
                }
                shown.push(digit);
            }
            shown
        }
        _ => phone.to_string(),
    }
}

/// A `mailto:` link from an address that looks like one and carries no extra headers.
pub fn mailto(email: &str) -> Option<String> {
    let email = email.trim();
    let plausible = email.bytes().any(|b| b == b'@')
        && !email.starts_with('@')
        && !email.ends_with('@')
        && email.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '-' | '_' | '+'));
    plausible.then(|| format!("mailto:{email}"))
}

/// An `https:` link, or nothing (a `javascript:`, `data:` or plain `http:` link is not followed).
pub fn https(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let safe = lower.starts_with("https://")
        && !url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<');
    safe.then(|| url.to_string())
}

/// An OpenStreetMap link to a point (a link, not a request: nothing is loaded until clicked).
/// Degrees are written from the integer 1e-5 units: no float formatting code in the widget.
pub fn map(point: aiguillage_engine::geo::GeoPoint) -> String {
    let (lat, lon) = (degrees(point.lat_e5), degrees(point.lon_e5));
    format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}")
}

fn degrees(e5: i32) -> String {
    let sign = if e5 < 0 { "-" } else { "" };
    let abs = e5.unsigned_abs();
    format!("{sign}{}.{:05}", abs / 100_000, abs % 100_000)
}

/// Removes the bidirectional-control characters that could reorder the text around a value.
pub fn inert(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(*c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_safe_links_pass() {
        assert_eq!(tel("+33545896163").as_deref(), Some("tel:+33545896163"));
        assert_eq!(tel("05 45 89 61 63").as_deref(), Some("tel:0545896163"));
        assert_eq!(tel("javascript:alert(1)"), None);
        assert_eq!(mailto("contact@mairie.fr").as_deref(), Some("mailto:contact@mairie.fr"));
        assert_eq!(mailto("a@b.fr?bcc=x@y.fr"), None);
        assert_eq!(https("https://www.rdv-solidarites.fr/").as_deref(), Some("https://www.rdv-solidarites.fr/"));
        assert_eq!(https("javascript:alert(1)"), None);
        assert_eq!(https("data:text/html,<script>"), None);
        assert_eq!(https("http://example.org"), None);
        assert_eq!(display_phone("+33545896163"), "05 45 89 61 63");
        assert_eq!(inert("abc\u{202E}def"), "abcdef");
        let point = aiguillage_engine::geo::GeoPoint { lat_e5: 4_564_840, lon_e5: -15 };
        assert_eq!(map(point), "https://www.openstreetmap.org/?mlat=45.64840&mlon=-0.00015#map=17/45.64840/-0.00015");
    }
}
