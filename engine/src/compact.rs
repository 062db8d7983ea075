//! Short texts kept inside the value that holds them: codes (INSEE, SIREN, postal code,
//! département), commune names, phone numbers.
//!
//! A national bundle holds about 250,000 of them. As `String`s each was an allocation of its own,
//! and most of the time a national bundle took to decode in the browser went to the allocator.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// The longest text kept inline (the size of a `String` on a 64-bit machine, less a byte); a
/// longer one goes to the heap.
const INLINE: usize = 22;

/// A text that is usually short. Reads as a `&str`; compares, orders and hashes as one.
#[derive(Clone)]
pub struct CompactStr(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl CompactStr {
    pub fn new(text: &str) -> CompactStr {
        match text.len() {
            len if len <= INLINE => {
                let mut bytes = [0; INLINE];
                bytes[..len].copy_from_slice(text.as_bytes());
                CompactStr(Repr::Inline { len: len as u8, bytes })
            }
            _ => CompactStr(Repr::Heap(text.into())),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // SAFETY: `new` is the only way to make an inline text, and it copies all the bytes
            // of a `&str` and sets `len` to their number: `bytes[..len]` is that `&str`, valid
            // UTF-8. (Checking again on every read took a tenth of a national bundle's decoding.)
            Repr::Inline { len, bytes } => unsafe { std::str::from_utf8_unchecked(&bytes[..usize::from(*len)]) },
            Repr::Heap(text) => text,
        }
    }

    /// The text's bytes; what comparisons, ordering and hashing use.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Repr::Heap(text) => text.as_bytes(),
        }
    }
}

impl Default for CompactStr {
    fn default() -> Self {
        CompactStr::new("")
    }
}

impl Deref for CompactStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for CompactStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for CompactStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for CompactStr {
    fn from(text: &str) -> Self {
        CompactStr::new(text)
    }
}

impl From<String> for CompactStr {
    fn from(text: String) -> Self {
        CompactStr::new(&text)
    }
}

impl From<&String> for CompactStr {
    fn from(text: &String) -> Self {
        CompactStr::new(text)
    }
}

impl From<CompactStr> for String {
    fn from(code: CompactStr) -> Self {
        code.as_str().to_string()
    }
}

impl PartialEq for CompactStr {
    fn eq(&self, other: &CompactStr) -> bool {
        match (&self.0, &other.0) {
            // Whole arrays of a known size (the unused bytes are zeros): compared without a call.
            (Repr::Inline { len: a, bytes: x }, Repr::Inline { len: b, bytes: y }) => a == b && x == y,
            _ => self.as_bytes() == other.as_bytes(),
        }
    }
}

impl Eq for CompactStr {}

impl PartialEq<str> for CompactStr {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for CompactStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<String> for CompactStr {
    fn eq(&self, other: &String) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<CompactStr> for str {
    fn eq(&self, other: &CompactStr) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<CompactStr> for &str {
    fn eq(&self, other: &CompactStr) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialOrd for CompactStr {
    fn partial_cmp(&self, other: &CompactStr) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CompactStr {
    fn cmp(&self, other: &CompactStr) -> Ordering {
        // Byte order is the order of `str`.
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Hash for CompactStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Display for CompactStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CompactStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for CompactStr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_compares_and_orders_as_its_text() {
        let longest = "1234567890123456789012";
        assert_eq!(longest.len(), INLINE);
        for text in [
            "",
            "16",
            "2A004",
            "200071827",
            "Saint-Étienne",
            longest,
            "12345678901234567890123",
            "un code bien trop long pour rester",
        ] {
            let code = CompactStr::new(text);
            assert_eq!(code.as_str(), text);
            assert_eq!(code, text);
            assert_eq!(code.to_string(), text);
            assert_eq!(format!("{code:?}"), format!("{text:?}"));
        }
        let mut codes: Vec<CompactStr> =
            ["2B", "971", "2A", "01", "16", "un code bien trop long pour rester"].map(CompactStr::from).to_vec();
        codes.sort();
        let texts: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        assert_eq!(texts, ["01", "16", "2A", "2B", "971", "un code bien trop long pour rester"]);
        assert_ne!(CompactStr::new("16"), CompactStr::new("160"), "a prefix is another code");
    }
}
