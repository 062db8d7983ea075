//! The territory bundle and its words, from the bytes the loader downloaded (the widget makes no
//! request of its own).

use aiguillage_engine::bundle::{self, Bundle};
use aiguillage_engine::texts::{self, TextPack};

/// What could be made of the downloaded bytes (`None`: what the loader could not download; it
/// says why in the console).
pub enum Loaded {
    /// The bundle, with the words of its language pack.
    Bundle(Bundle),
    /// The bundle cannot be used (the reason is for the webmaster's console); the language pack
    /// can: the widget shows its message and national contacts.
    PackOnly(TextPack, String),
    /// Neither: the loader shows its own message.
    Nothing(String),
}

pub fn load(data: Option<&[u8]>, texts: Option<&[u8]>) -> Loaded {
    let pack = match texts.map(texts::decode) {
        Some(Ok(pack)) => pack,
        Some(Err(error)) => return Loaded::Nothing(error.to_string()),
        None => return Loaded::Nothing("language pack not downloaded".to_string()),
    };
    let Some(data) = data else { return Loaded::PackOnly(pack, "not downloaded".to_string()) };
    match bundle::decode(data) {
        Ok(mut bundle) => {
            pack.apply(&mut bundle);
            Loaded::Bundle(bundle)
        }
        Err(error) => Loaded::PackOnly(pack, error.to_string()),
    }
}
