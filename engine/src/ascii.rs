//! Text cut at ASCII separators (`&`, `=`, `~`, `{`…), found byte by byte. The standard
//! library's pattern searchers do the same with more code (memchr, two-way search), which the
//! widget would download; an ASCII byte never falls inside a UTF-8 character, so cutting there
//! is always at a character boundary.

/// Where `separator` first occurs in `text`.
pub fn find(text: &str, separator: u8) -> Option<usize> {
    text.bytes().position(|byte| byte == separator)
}

/// `text` cut at the first `separator`, which is in neither part.
pub fn split_once(text: &str, separator: u8) -> Option<(&str, &str)> {
    let at = find(text, separator)?;
    Some((&text[..at], &text[at + 1..]))
}

/// The parts of `text` between `separator`s, as `str::split` gives them (an empty text is one
/// empty part).
pub fn split(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        let (part, after) = split_once(current, separator).map_or((current, None), |(part, after)| (part, Some(after)));
        rest = after;
        Some(part)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_as_the_standard_library_does() {
        for text in ["", "a", "&", "a&b", "&a&&b&", "é&è=ü", "need.demarches~commune.16292"] {
            for separator in [b'&', b'=', b'~', b'.'] {
                let expected: Vec<&str> = text.split(separator as char).collect();
                assert_eq!(split(text, separator).collect::<Vec<_>>(), expected, "{text:?} at {separator}");
                assert_eq!(split_once(text, separator), text.split_once(separator as char), "{text:?}");
                assert_eq!(find(text, separator), text.find(separator as char), "{text:?}");
            }
        }
    }
}
