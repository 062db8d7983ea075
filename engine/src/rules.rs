//! The ranking weights. Their values are data (`data/rules.toml`), with worked examples beside
//! them that run as tests; here is only their meaning.

/// Points added to (or taken from) an actor's score. Higher scores rank first; ties go to the
/// nearer actor, then to the smaller id.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize, serde::Serialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Rules {
    /// On-site actors are first looked for within this radius; beyond, the search widens.
    pub search_radius_km: u32,
    /// On-site actors farther than this are never proposed.
    pub max_distance_km: u32,
    pub same_commune: i32,
    pub same_epci: i32,
    pub same_departement: i32,
    /// Remote help (phone, video), reachable from anywhere.
    pub remote: i32,
    /// Extra for remote help when the resident cannot travel.
    pub remote_when_cannot_travel: i32,
    /// Points lost per kilometre (doubled when the resident cannot travel)…
    pub per_km: i32,
    /// …up to this many kilometres.
    pub distance_cap_km: u32,
    pub for_me_aidants_connect: i32,
    pub for_me_acts_for_you: i32,
    pub for_me_france_services: i32,
    pub for_me_individual: i32,
    pub learn_workshop: i32,
    pub learn_individual: i32,
    /// A desk that only does things for people does not teach.
    pub learn_desk_penalty: i32,
    pub help_individual: i32,
    pub help_france_services: i32,
    /// Computers in free access, for a resident without a device.
    pub free_access_devices: i32,
    /// Per declared specific support the actor also declares.
    pub support: i32,
    /// Per public the actor specifically welcomes.
    pub public: i32,
}
