//! An orientation as plain values with words: what the CLI prints as JSON and what the JS
//! package returns. One shape, so scripts and intranets read the same contract.

use crate::explain::Explainer;
use crate::orient::{Orientation, Profile, Territory};

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct OrientationView {
    /// The resident's local time, `YYYY-MM-DDTHH:MM`, in `time_zone`; so are every
    /// `next_opening` and `closes_at`.
    pub at: String,
    /// The IANA time zone of the resident's commune (`Europe/Paris`, `Indian/Reunion`…).
    pub time_zone: &'static str,
    pub commune: String,
    pub need: String,
    /// Best first.
    pub recommendations: Vec<RecommendationView>,
    pub fallbacks: Vec<FallbackView>,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RecommendationView {
    pub id: String,
    pub name: String,
    /// Kilometres with one decimal; `None` for remote help.
    pub distance_km: Option<f64>,
    pub open_now: Option<bool>,
    pub next_opening: Option<String>,
    pub closes_at: Option<String>,
    pub locality: String,
    pub score: i32,
    pub reason_codes: Vec<&'static str>,
    /// Never empty.
    pub reasons: Vec<String>,
    pub address: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub booking_url: Option<String>,
    pub hours: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FallbackView {
    pub code: String,
    pub name: String,
    pub phone: Option<String>,
    pub url: Option<String>,
    pub text: String,
}

pub fn view(
    territory: Territory<'_>,
    profile: &Profile,
    orientation: &Orientation,
    explainer: &Explainer<'_>,
) -> OrientationView {
    let actors = territory.directory.actors();
    let recommendations = orientation
        .recommendations
        .iter()
        .map(|rec| {
            let actor = &actors[rec.actor];
            RecommendationView {
                id: actor.id.clone(),
                name: actor.name.clone(),
                distance_km: rec.distance_m.map(|m| f64::from(m / 100) / 10.0),
                open_now: rec.opening.open_now,
                next_opening: rec.opening.next_opening.map(|t| t.to_string()),
                closes_at: rec.opening.closes_at.map(|t| t.to_string()),
                locality: locality_code(rec.locality).to_string(),
                score: rec.score,
                reason_codes: rec.reasons.iter().map(|r| r.code()).collect(),
                reasons: rec.reasons.iter().map(|r| explainer.reason(*r, actor.hours.source_text())).collect(),
                address: actor.address(),
                phone: actor.phone.as_deref().map(str::to_string),
                email: actor.email.clone(),
                website: actor.website.clone(),
                booking_url: actor.booking_url.clone(),
                hours: actor.hours.source_text().map(str::to_string),
            }
        })
        .collect();
    let fallbacks = orientation
        .fallbacks
        .iter()
        .filter_map(|i| territory.taxonomy.fallbacks.get(*i))
        .map(|f| FallbackView {
            code: f.code.clone(),
            name: f.name.clone(),
            phone: f.phone.clone(),
            url: f.url.clone(),
            text: f.text.get(explainer.lang).to_string(),
        })
        .collect();
    OrientationView {
        at: explainer.now.to_string(),
        time_zone: crate::calendar::Calendar::of_insee(&profile.commune).zone.iana(),
        commune: profile.commune.clone(),
        need: profile.need.clone(),
        recommendations,
        fallbacks,
        notes: orientation.notes.iter().map(|n| n.code().to_string()).collect(),
    }
}

fn locality_code(locality: crate::orient::Locality) -> &'static str {
    use crate::orient::Locality;
    match locality {
        Locality::SameCommune => "same-commune",
        Locality::SameEpci => "same-epci",
        Locality::SameDepartement => "same-departement",
        Locality::Elsewhere => "elsewhere",
        Locality::Remote => "remote",
    }
}
