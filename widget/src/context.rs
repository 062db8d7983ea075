//! What every view of one widget needs to know: its bundle, its configuration, its language,
//! the instant its answers are computed at.

use std::rc::Rc;

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::{Communes, Lang};

use crate::clock;
use crate::config::Config;

/// A bundle shared by the views, compared by identity.
#[derive(Clone)]
pub struct BundleRef(pub Rc<Bundle>);

impl PartialEq for BundleRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// What every view of one widget needs to know.
#[derive(Clone)]
pub struct Ctx {
    pub bundle: BundleRef,
    pub config: Config,
    pub lang: Lang,
    /// Prefix of element ids, unique per widget so that two widgets on a page do not collide.
    pub id_prefix: String,
    /// The instant answers are computed at (local to the resident's commune once known).
    pub now: clock::Now,
    /// On a folder of bundles, the communes the loader delivered for a searched text (the part of
    /// the commune index it needs, `aiguillage_engine::index`).
    pub found: Option<Rc<Found>>,
}

/// The communes delivered for a searched text (`territory::searched`): `None` when they could
/// not be loaded.
pub struct Found {
    pub text: String,
    pub communes: Option<Communes>,
}

impl Ctx {
    /// The context of a widget whose bundle loaded, at the browser's time (or the configured one).
    pub fn new(config: Config, bundle: BundleRef) -> Ctx {
        Ctx {
            bundle,
            lang: config.lang,
            id_prefix: config.fragment_key.clone(),
            now: clock::Now::read(config.now.as_deref()),
            config,
            found: None,
        }
    }

    pub fn text(&self, key: &str) -> String {
        self.bundle.0.wording.text(key, self.lang).to_string()
    }

    pub fn render(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.bundle.0.wording.render(key, self.lang, args)
    }
}
