//! Text as a JSON string, for the shells that write small JSON by hand (a folder's commune
//! index manifest, the server's list of territories) without serde in the browser's engine.

/// `text` as a JSON string: quotes, backslashes and control characters escaped.
pub fn string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_written_as_json_strings() {
        assert_eq!(super::string("Charente \"16\"\\\n"), "\"Charente \\\"16\\\"\\\\\\u000a\"");
    }
}
