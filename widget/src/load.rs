//! The territory bundle and its words, from the bytes the loader downloaded (the widget makes no
//! request of its own).

use aiguillage_engine::bundle::{self, Bundle};
use aiguillage_engine::texts;

/// The bundle with the words of its language pack, or why it cannot be had (`None`: what the
/// loader could not download; it says why in the console). Without either the widget cannot
/// start: the loader says so, with the national contacts.
pub fn load(data: Option<&[u8]>, texts: Option<&[u8]>) -> Result<Bundle, String> {
    let pack = texts::decode(texts.ok_or("language pack not downloaded")?).map_err(|e| e.to_string())?;
    let mut bundle = bundle::decode(data.ok_or("not downloaded")?).map_err(|e| e.to_string())?;
    pack.apply(&mut bundle);
    Ok(bundle)
}

/// The communes of a part of a folder's commune index (a bundle of communes alone), or `None`
/// when the bytes are not one.
pub fn communes(bytes: &[u8]) -> Option<aiguillage_engine::Communes> {
    bundle::decode(bytes).ok().map(|part| part.communes)
}
