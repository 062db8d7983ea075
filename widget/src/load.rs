//! The territory bundle and its words, from the bytes the loader downloaded (the widget makes no
//! request of its own).

use aiguillage_engine::bundle::{self, Bundle};
use aiguillage_engine::texts;

/// The bundle with the words of its language pack. `None` is what the loader could not
/// download (it says why in the console). The error is for the webmaster's console: the person
/// in front of the screen gets the offline message and the national contacts.
pub fn bundle(data: Option<&[u8]>, texts: Option<&[u8]>) -> Result<Bundle, String> {
    let (Some(data), Some(texts)) = (data, texts) else {
        return Err("not downloaded".to_string());
    };
    let mut bundle = bundle::decode(data).map_err(|e| e.to_string())?;
    texts::decode(texts).map_err(|e| e.to_string())?.apply(&mut bundle);
    Ok(bundle)
}
