//! Short texts kept inside the value that holds them: codes (INSEE, SIREN, postal code,
//! département), commune names, phone numbers.
//!
//! A national bundle holds about 250,000 of them. As `String`s each was an allocation of its own,
//! and most of the time a national bundle took to decode in the browser went to the allocator.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Deref;

/// The longest text kept inline, so that a `CompactStr` is no larger than a `String`: 22 bytes
/// on a 64-bit machine, 10 in the browser (codes fit; most names then go to the heap, and a
/// national bundle still decodes faster than with 22, for having less to copy). A longer text
/// goes to the heap.
const INLINE: usize = if cfg!(target_pointer_width = "32") { 10 } else { 22 };

/// A text that is usually short. Reads as a `&str`; compares and orders as one.
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

    // The crate's one `unsafe` block (the crate denies the others).
    #[allow(unsafe_code)]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // SAFETY: only `new` makes an inline text (`Clone` copies one). It copies all the
            // bytes of a `&str` and sets `len` to their number: `bytes[..len]` is that `&str`,
            // valid UTF-8. (Checking again on every read took a tenth of a national bundle's
            // decoding.)
            Repr::Inline { len, bytes } => unsafe { std::str::from_utf8_unchecked(&bytes[..usize::from(*len)]) },
            Repr::Heap(text) => text,
        }
    }

    /// The text's bytes, which comparisons and ordering use.
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

impl PartialEq for CompactStr {
    fn eq(&self, other: &CompactStr) -> bool {
        match (&self.0, &other.0) {
            // The unused bytes are zeros: compared as numbers, without a call to `memcmp` (a
            // call in the browser, and most of the time of a national bundle's EPCI lookups).
            (Repr::Inline { len: a, bytes: x }, Repr::Inline { len: b, bytes: y }) => {
                a == b && words(x, u64::from_ne_bytes) == words(y, u64::from_ne_bytes)
            }
            _ => self.as_bytes() == other.as_bytes(),
        }
    }
}

impl Eq for CompactStr {}

/// The inline bytes as three numbers, zero-padded; `u64::from_be_bytes` keeps the order of the
/// bytes, `u64::from_ne_bytes` is only loads (for equality).
fn words(bytes: &[u8; INLINE], number: fn([u8; 8]) -> u64) -> [u64; 3] {
    let mut padded = [0; 24];
    padded[..INLINE].copy_from_slice(bytes);
    let word = |at: usize| {
        let mut word = [0; 8];
        word.copy_from_slice(&padded[at..at + 8]);
        number(word)
    };
    [word(0), word(8), word(16)]
}

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

impl PartialOrd for CompactStr {
    fn partial_cmp(&self, other: &CompactStr) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CompactStr {
    fn cmp(&self, other: &CompactStr) -> Ordering {
        // Byte order is the order of `str`. Zero padding keeps it, except between texts that end
        // in zeros (`"16"`, `"16\0"`): equal words leave it to the lengths.
        match (&self.0, &other.0) {
            (Repr::Inline { len: a, bytes: x }, Repr::Inline { len: b, bytes: y }) => {
                words(x, u64::from_be_bytes).cmp(&words(y, u64::from_be_bytes)).then(a.cmp(b))
            }
            _ => self.as_bytes().cmp(other.as_bytes()),
        }
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
    use proptest::prelude::*;

    proptest! {
        /// Equality and order agree with `str`'s, inline or not, zeros and all.
        #[test]
        fn compares_as_str_does(a in "[0\u{0}é]{0,25}", b in "[0\u{0}é]{0,25}") {
            let (x, y) = (CompactStr::new(&a), CompactStr::new(&b));
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            prop_assert_eq!(x == y, a == b);
            prop_assert_eq!(x == b.as_str(), a == b);
        }
    }

    #[test]
    fn is_no_larger_than_a_string() {
        assert_eq!(std::mem::size_of::<CompactStr>(), std::mem::size_of::<String>());
        assert_eq!(std::mem::size_of::<Option<CompactStr>>(), std::mem::size_of::<Option<String>>());
    }

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
