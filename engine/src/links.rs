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
    // Four digits at least: French short numbers (36 46, 39 39) are numbers too.
    (digits.bytes().filter(u8::is_ascii_digit).count() >= 4).then(|| format!("tel:{digits}"))
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
/// The importer already upgrades `http:` links and says so (`import::fields::link`): this is the
/// guard for a bundle made by other tools.
pub fn https(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let safe = lower.starts_with("https://")
        && !url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<');
    safe.then(|| url.to_string())
}

/// `text` for a URL's query (`sms:?&body=…`, `mailto:?subject=…`): every byte but letters,
/// digits and `-_.~` written `%XX`, so that no `&`, `#` or line end ends the value early.
pub fn percent_encoded(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
    out
}

/// Removes the bidirectional-control characters that could reorder the text around a value.
pub fn inert(text: &str) -> String {
    without(text, |c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}'))
}

/// The characters of the GSM 03.38 default alphabet besides ASCII letters, digits and the space:
/// a message made only of these is sent as 7-bit SMS (153 characters a part), any other character
/// and the whole message goes as UCS-2 (67 a part). `{}[]~\\^|€` count twice (escape).
const GSM7: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà";
const GSM7_ESCAPED: &str = "{}[]~\\^|€";

/// `text` in the SMS default alphabet: French typography it lacks written as plain characters
/// (« » and curly quotes as `"`, dashes as `-`, `…` as `...`, `ê` as `e`, `ç` as `c`, `œ` as `oe`),
/// anything else unknown as `?`.
pub fn gsm7(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() || in_gsm7(c) {
            out.push(c);
            continue;
        }
        // French quotes hold their words with spaces; straight ones do not.
        if c == '«' {
            chars.next_if(|next| matches!(next, ' ' | '\u{a0}' | '\u{202f}'));
        } else if c == '»' && out.ends_with(' ') {
            out.pop();
        }
        out.push_str(match c {
            '«' | '»' | '“' | '”' | '„' => "\"",
            '‘' | '’' | '‚' => "'",
            '–' | '—' | '‑' => "-",
            '…' => "...",
            '\u{a0}' | '\u{202f}' | '\t' => " ",
            'â' | 'á' | 'ã' => "a",
            'À' | 'Â' | 'Á' => "A",
            'ê' | 'ë' => "e",
            'È' | 'Ê' | 'Ë' => "E",
            'î' | 'ï' | 'í' => "i",
            'Î' | 'Ï' => "I",
            'ô' | 'ó' | 'õ' => "o",
            'Ô' => "O",
            'û' | 'ú' => "u",
            'Û' | 'Ù' => "U",
            'ç' => "c",
            'œ' => "oe",
            'Œ' => "OE",
            'ÿ' => "y",
            _ => "?",
        });
    }
    out
}

/// Whether `c` is one of the default alphabet's characters besides letters and digits (a loop
/// rather than `str::contains`, whose searcher weighs more in the browser).
fn in_gsm7(c: char) -> bool {
    GSM7.chars().chain(GSM7_ESCAPED.chars()).any(|known| known == c)
}

/// The length of a GSM-7 text in septets, as the SMS's parts count them.
pub fn gsm7_length(text: &str) -> usize {
    text.chars().map(|c| if GSM7_ESCAPED.chars().any(|escaped| escaped == c) { 2 } else { 1 }).sum()
}

/// `text` without the characters `unwanted` names.
fn without(text: &str, unwanted: fn(char) -> bool) -> String {
    text.chars().filter(|c| !unwanted(*c)).collect()
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
        assert_eq!(percent_encoded("a&b #é\n1~"), "a%26b%20%23%C3%A9%0A1~");
        assert_eq!(
            gsm7("Angoulême — « Ouvert » à 9 h… ça, c’est œuvre"),
            "Angouleme - \"Ouvert\" à 9 h... ca, c'est oeuvre"
        );
        assert_eq!(gsm7("Gare SNCF [nord] 50 €"), "Gare SNCF [nord] 50 €");
        assert_eq!(gsm7_length("[a]€"), 7);
    }
}
