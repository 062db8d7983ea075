//! Local actors and the directory that indexes them for fast orientation.

use crate::calendar::Date;
use crate::compact::CompactStr;
use crate::geo::GeoPoint;
use crate::hours::Hours;
use crate::taxonomy::NeedSet;
use crate::territory::{Commune, Communes};
use crate::vocab::{Fee, Mode, Programme, Public, Set, Support};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Stable identifier from the source data, unique in a directory.
    pub id: String,
    pub name: String,
    pub street: String,
    pub postal_code: CompactStr,
    pub commune_name: CompactStr,
    /// INSEE code of the commune where it receives people.
    pub insee: Option<CompactStr>,
    pub point: Option<GeoPoint>,
    pub phone: Option<CompactStr>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub booking_url: Option<String>,
    pub summary: Option<String>,
    pub needs: NeedSet,
    pub modes: Set<Mode>,
    pub programmes: Set<Programme>,
    pub publics: Set<Public>,
    pub supports: Set<Support>,
    pub fees: Set<Fee>,
    /// A bus or a permanence that moves: its hours say when it is at this stop.
    pub itinerant: bool,
    /// Where its services may be used (data·inclusion `zone_eligibilite`); `None` = anyone.
    pub zone: Option<Zone>,
    pub hours: Hours,
    pub updated: Option<Date>,
    pub source: CompactStr,
}

impl Actor {
    /// A minimal actor, for importers and tests to fill in.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Actor {
            id: id.into(),
            name: name.into(),
            street: String::new(),
            postal_code: CompactStr::default(),
            commune_name: CompactStr::default(),
            insee: None,
            point: None,
            phone: None,
            email: None,
            website: None,
            booking_url: None,
            summary: None,
            needs: NeedSet::default(),
            modes: Set::empty(),
            programmes: Set::empty(),
            publics: Set::empty(),
            supports: Set::empty(),
            fees: Set::empty(),
            itinerant: false,
            zone: None,
            hours: Hours::Unknown,
            updated: None,
            source: CompactStr::default(),
        }
    }

    /// The postal address on one line, "street, postal code town", without the parts that are
    /// empty (shown on result cards and slips, and in the JS package's view).
    pub fn address(&self) -> String {
        let mut line = String::new();
        let postal_code = self.postal_code.trim();
        let town_separator = if postal_code.is_empty() { ", " } else { " " };
        for (part, separator) in
            [(self.street.trim(), ""), (postal_code, ", "), (self.commune_name.trim(), town_separator)]
        {
            if part.is_empty() {
                continue;
            }
            if !line.is_empty() {
                line.push_str(separator);
            }
            line.push_str(part);
        }
        line
    }

    /// Serves people at a distance (phone, video), perhaps also on site.
    /// The calendar of the place (its public holidays, its time zone): from its commune, else
    /// its postal code; a national line without either keeps the metropolitan one.
    pub fn calendar(&self) -> crate::calendar::Calendar {
        match self.insee.as_deref() {
            Some(insee) => crate::calendar::Calendar::of_insee(insee),
            None => crate::calendar::Calendar::of_postal_code(&self.postal_code),
        }
    }

    pub fn is_remote(&self) -> bool {
        self.modes.contains(Mode::ADistance)
    }

    /// Helps only at a distance: remote help, whatever the resident's distance to its office.
    pub fn is_remote_only(&self) -> bool {
        self.is_remote() && self.modes.iter().all(|mode| mode == Mode::ADistance)
    }

    /// The value of a field named as in the project's native TOML (`nom`, `telephone`,
    /// `horaires`, `besoins`…), as text: lists as comma-separated codes, coordinates with five
    /// decimals, nothing for a field it does not have. The coordinator's workspace shows it; a
    /// publication compares it with what a correction was made against.
    pub fn field_text(&self, field: &str, taxonomy: &crate::Taxonomy) -> String {
        fn codes<T: crate::vocab::Member>(set: Set<T>, code: fn(T) -> &'static str) -> String {
            set.iter().map(code).collect::<Vec<_>>().join(",")
        }
        let coordinate = |value: Option<i32>| value.map(|v| format!("{:.5}", f64::from(v) / 1e5)).unwrap_or_default();
        match field {
            "nom" => self.name.clone(),
            "adresse" => self.street.clone(),
            "code_postal" => self.postal_code.to_string(),
            "commune" => self.commune_name.to_string(),
            "code_insee" => self.insee.as_deref().unwrap_or_default().to_owned(),
            "latitude" => coordinate(self.point.map(|p| p.lat_e5)),
            "longitude" => coordinate(self.point.map(|p| p.lon_e5)),
            "telephone" => self.phone.as_deref().unwrap_or_default().to_owned(),
            "courriel" => self.email.clone().unwrap_or_default(),
            "site_web" => self.website.clone().unwrap_or_default(),
            "prise_rdv" => self.booking_url.clone().unwrap_or_default(),
            "horaires" => match &self.hours {
                Hours::Unknown => String::new(),
                Hours::FreeText(text) => text.clone(),
                Hours::Compiled(schedule) => schedule.source.clone(),
            },
            "besoins" => self
                .needs
                .iter()
                .filter_map(|id| taxonomy.need(id).map(|n| n.code.as_str()))
                .collect::<Vec<_>>()
                .join(","),
            "modalites" => codes(self.modes, Mode::code),
            "publics" => codes(self.publics, Public::code),
            "accueil_specifique" => codes(self.supports, Support::code),
            "date_maj" => self.updated.map(|d| d.to_string()).unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// Says how to reach it before going: a phone, an e-mail, a booking link or opening hours.
    pub fn is_reachable(&self) -> bool {
        self.phone.is_some()
            || self.email.is_some()
            || self.booking_url.is_some()
            || !matches!(self.hours, Hours::Unknown)
    }

    /// Whether a resident of `commune` may use it: an eligibility zone (data·inclusion
    /// `zone_eligibilite`) is a hard limit; outside it, the service is not for them.
    pub fn serves(&self, commune: &Commune) -> bool {
        let Some(zone) = &self.zone else { return true };
        zone.france
            || zone.communes.contains(&commune.insee)
            || commune.epci.as_ref().is_some_and(|e| zone.epcis.contains(e))
            || zone.departements.contains(&commune.departement)
    }
}

/// An eligibility zone: the resident's commune, EPCI or département must be listed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Zone {
    pub communes: Vec<CompactStr>,
    pub epcis: Vec<CompactStr>,
    pub departements: Vec<CompactStr>,
    /// The whole country.
    pub france: bool,
}

/// Side of a grid cell, in 1e-5 degrees: about 22 km north-south.
const CELL_E5: i32 = 20_000;

/// The actors of a territory, with the indexes orientation needs.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    actors: Vec<Actor>,
    /// Where each actor receives people: its own point, else its commune's.
    places: Vec<Option<GeoPoint>>,
    /// Position of each actor's commune in the `Communes` the directory was built with…
    commune_indices: Vec<Option<u32>>,
    /// …which this identifies.
    communes_fingerprint: u64,
    /// Actors with a place, by grid cell, sorted by cell (a sorted list rather than a hash map:
    /// as fast at this size, and no hashing code in the browser bundle).
    grid: Vec<((i32, i32), Vec<u32>)>,
    /// Actors visited wherever the resident is: those helping only at a distance, and those
    /// with no place at all (data without a location).
    anywhere: Vec<u32>,
}

impl Directory {
    pub fn new(actors: Vec<Actor>, communes: &Communes) -> Self {
        let commune_indices = actors
            .iter()
            .map(|a| a.insee.as_deref().and_then(|code| communes.index_of(code)).map(|i| i as u32))
            .collect();
        Self::with_commune_indices(actors, commune_indices, communes)
    }

    /// As [`Directory::new`], with the position of each actor's commune in `communes` already
    /// known (a bundle stores it).
    pub(crate) fn with_commune_indices(
        actors: Vec<Actor>,
        commune_indices: Vec<Option<u32>>,
        communes: &Communes,
    ) -> Self {
        let places: Vec<Option<GeoPoint>> = actors
            .iter()
            .zip(&commune_indices)
            .map(|(a, index)| a.point.or_else(|| communes.at((*index)? as usize).and_then(|c| c.point)))
            .collect();
        // Cells are found by halves in the grid as it grows (a national directory has about
        // 1,500 cells): no sort of all actors, and no sorting code in the browser.
        let mut grid: Vec<((i32, i32), Vec<u32>)> = Vec::new();
        let mut anywhere = Vec::new();
        for (index, (place, actor)) in places.iter().zip(&actors).enumerate() {
            let Some(point) = place.filter(|_| !actor.is_remote_only()) else {
                anywhere.push(index as u32);
                continue;
            };
            let cell = cell_of(point);
            match grid.binary_search_by(|(known, _)| known.cmp(&cell)) {
                Ok(at) => grid[at].1.push(index as u32),
                Err(at) => grid.insert(at, (cell, vec![index as u32])),
            }
        }
        Directory { actors, places, commune_indices, communes_fingerprint: communes.fingerprint(), grid, anywhere }
    }

    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    pub fn len(&self) -> usize {
        self.actors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
    }

    pub fn place(&self, index: usize) -> Option<GeoPoint> {
        self.places.get(index).copied().flatten()
    }

    /// The position of the actor's commune in `communes`: from the index built with the directory
    /// when `communes` is the same list, else searched (right, only slower).
    pub fn commune_index(&self, index: usize, communes: &Communes) -> Option<usize> {
        if communes.fingerprint() == self.communes_fingerprint {
            return self.commune_indices.get(index).copied().flatten().map(|i| i as usize);
        }
        communes.index_of(self.actors.get(index)?.insee.as_deref()?)
    }

    /// Calls `visit` for each actor with a place within `radius_m` cells of `centre` (a superset:
    /// the caller measures the real distance), then for each actor met anywhere (remote only,
    /// or without a place).
    pub(crate) fn visit_near(&self, centre: GeoPoint, radius_m: u32, mut visit: impl FnMut(usize)) {
        let (row, col) = cell_of(centre);
        // Cells are 0.2° high (22.2 km) and 0.2° × cos(latitude) wide: reach as far as the radius
        // needs at the latitude of the box's edge nearest a pole (never less than 1 km wide).
        const CELL_HEIGHT_M: f64 = 22_239.0;
        let radius = f64::from(radius_m);
        let rows = (radius / CELL_HEIGHT_M).ceil() as i32;
        let edge_latitude = (f64::from(centre.lat_e5.unsigned_abs()) / 1e5 + radius / 111_195.0).min(89.0);
        let cell_width_m = (CELL_HEIGHT_M * crate::geo::cos(edge_latitude.to_radians())).max(1_000.0);
        let cols = (radius / cell_width_m).ceil().min(f64::from(i32::MAX / 4)) as i32;
        let reach = rows.max(0);
        // The grid is sorted by cell, so each row of the box is one run of it; rows beyond the
        // grid's own are skipped, so that a huge radius (any bundle's rules) costs no more than
        // a visit of every actor.
        let (Some(((first_row, _), _)), Some(((last_row, _), _))) = (self.grid.first(), self.grid.last()) else {
            self.anywhere.iter().for_each(|i| visit(*i as usize));
            return;
        };
        let (west, east) = (col.saturating_sub(cols), col.saturating_add(cols));
        for r in row.saturating_sub(reach).max(*first_row)..=row.saturating_add(reach).min(*last_row) {
            let from = self.grid.partition_point(|(cell, _)| *cell < (r, west));
            for (_, indices) in self.grid[from..].iter().take_while(|(cell, _)| *cell <= (r, east)) {
                indices.iter().for_each(|i| visit(*i as usize));
            }
        }
        self.anywhere.iter().for_each(|i| visit(*i as usize));
    }

    /// Calls `visit` for every actor.
    pub(crate) fn visit_all(&self, visit: impl FnMut(usize)) {
        (0..self.actors.len()).for_each(visit);
    }
}

fn cell_of(point: GeoPoint) -> (i32, i32) {
    (point.lat_e5.div_euclid(CELL_E5), point.lon_e5.div_euclid(CELL_E5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_one_line_without_its_empty_parts() {
        let cases = [
            (("1 rue de Paris", "16000", "Angoulême"), "1 rue de Paris, 16000 Angoulême"),
            (("", "16000", "Angoulême"), "16000 Angoulême"),
            ((" 1 rue de Paris ", "", "Angoulême"), "1 rue de Paris, Angoulême"),
            (("1 rue de Paris", "16000", ""), "1 rue de Paris, 16000"),
            (("", "", " Angoulême"), "Angoulême"),
            ((" ", "", ""), ""),
        ];
        for ((street, postal_code, town), expected) in cases {
            let mut actor = Actor::new("a", "A");
            actor.street = street.into();
            actor.postal_code = postal_code.into();
            actor.commune_name = town.into();
            assert_eq!(actor.address(), expected, "{street:?} {postal_code:?} {town:?}");
        }
    }
}
