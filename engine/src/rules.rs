//! The ranking weights. Their values are data (`data/rules.toml`), with worked examples beside
//! them that run as tests; here is only their meaning.
//!
//! The weights are listed once, in [`weights!`]: the struct, the bundle's codec
//! ([`Rules::values`], [`Rules::from_values`]) and the tests' generators all follow that list,
//! so adding a weight is one line here and one in `data/rules.toml`.

/// A weight's type: a distance in kilometres (never negative) or points.
pub trait Weight: Copy {
    /// The value as the bundle stores it.
    fn to_i64(self) -> i64;
    /// A value read back; a distance below zero reads as zero.
    fn from_i64(value: i64) -> Self;
}

// `inline(never)`: one call per weight rather than its clamp copied two dozen times (2 KB of
// the widget's wasm before).
impl Weight for u32 {
    fn to_i64(self) -> i64 {
        i64::from(self)
    }
    #[inline(never)]
    fn from_i64(value: i64) -> Self {
        value.clamp(0, i64::from(u32::MAX)) as u32
    }
}

impl Weight for i32 {
    fn to_i64(self) -> i64 {
        i64::from(self)
    }
    #[inline(never)]
    fn from_i64(value: i64) -> Self {
        value.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
    }
}

macro_rules! weights {
    ($($(#[$doc:meta])* $field:ident: $kind:ty,)+) => {
        /// Points added to (or taken from) an actor's score. Higher scores rank first; ties go to
        /// the nearer actor, then to the smaller id.
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Deserialize, serde::Serialize))]
        #[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
        pub struct Rules {
            $($(#[$doc])* pub $field: $kind,)+
        }

        impl Rules {
            /// The weights' names, in the order of [`Rules::values`].
            pub const NAMES: &'static [&'static str] = &[$(stringify!($field),)+];
            pub const COUNT: usize = Self::NAMES.len();

            /// Every weight, in the order of [`Rules::NAMES`].
            pub fn values(&self) -> [i64; Self::COUNT] {
                [$(Weight::to_i64(self.$field),)+]
            }

            /// The weights from values in the order of [`Rules::NAMES`].
            pub fn from_values(values: [i64; Self::COUNT]) -> Self {
                let mut index = 0;
                let mut next = || {
                    index += 1;
                    values[index - 1]
                };
                Rules { $($field: Weight::from_i64(next()),)+ }
            }
        }
    };
}

weights! {
    /// On-site actors are first looked for within this radius; beyond, the search widens.
    search_radius_km: u32,
    /// On-site actors farther than this are never proposed.
    max_distance_km: u32,
    same_commune: i32,
    same_epci: i32,
    same_departement: i32,
    /// Remote help (phone, video), reachable from anywhere.
    remote: i32,
    /// Extra for remote help when the resident cannot travel.
    remote_when_cannot_travel: i32,
    /// Points lost per kilometre (doubled when the resident cannot travel)…
    per_km: i32,
    /// …up to this many kilometres.
    distance_cap_km: u32,
    for_me_aidants_connect: i32,
    for_me_acts_for_you: i32,
    for_me_france_services: i32,
    for_me_individual: i32,
    learn_workshop: i32,
    learn_individual: i32,
    /// A desk that only does things for people does not teach.
    learn_desk_penalty: i32,
    help_individual: i32,
    help_france_services: i32,
    /// Computers in free access, for a resident without a device.
    free_access_devices: i32,
    /// Per declared specific support the actor also declares.
    support: i32,
    /// Per public the actor specifically welcomes.
    public: i32,
    /// Points lost by a place that gives no way to reach it: no phone, no e-mail, no booking
    /// link and no opening hours (the resident would travel on the off chance).
    unreachable: i32,
    /// Points lost by a place whose information was last updated more than two years before
    /// the orientation: it may have moved or closed.
    outdated: i32,
    /// When the nearest on-site help is farther than this, at least one remote help (when one
    /// exists) is among the first results.
    remote_after_km: u32,
    /// A territory's bundle also holds the actors of neighbouring départements within this
    /// distance of one of its communes.
    border_km: u32,
}
