//! The zones blanches map, for élus who read maps before tables: for one need, every commune of
//! the territory a dot at its centre, coloured by the distance to the nearest place that serves
//! it, the places as marks. An SVG with no script and no style attribute; the coverage table
//! stays beside it as its text alternative.

use std::fmt::Write;

use aiguillage_engine::coverage::{self, Coverage};
use aiguillage_engine::geo::GeoPoint;
use aiguillage_engine::html::escape;
use aiguillage_engine::taxonomy::NeedId;
use aiguillage_engine::{Actor, Communes, Taxonomy};

/// A class of distance: up to `max_m` metres, its fill, the ink that reads on it, its legend.
pub struct Class {
    pub max_m: u32,
    pub fill: &'static str,
    pub ink: &'static str,
    pub legend: &'static str,
}

/// The four classes, from near to far: viridis, read in the same order by colour-blind readers
/// and in grey on a black-and-white copy (light near, dark far).
pub const CLASSES: [Class; 4] = [
    Class { max_m: 5_000, fill: "#fde725", ink: "#000", legend: "5 km ou moins" },
    Class { max_m: 10_000, fill: "#35b779", ink: "#000", legend: "de 5 à 10 km" },
    Class { max_m: 20_000, fill: "#31688e", ink: "#fff", legend: "de 10 à 20 km" },
    Class { max_m: u32::MAX, fill: "#440154", ink: "#fff", legend: "plus de 20 km" },
];

/// No place serves the need: a white dot with a thick ring, told apart without colour.
pub const NO_PLACE: Class = Class { max_m: u32::MAX, fill: "#fff", ink: "#000", legend: "aucun lieu" };

/// The class of a distance (`None`: no place at all).
pub fn class_of(distance_m: Option<u32>) -> &'static Class {
    match distance_m {
        Some(metres) => CLASSES.iter().find(|c| metres <= c.max_m).unwrap_or(&CLASSES[3]),
        None => &NO_PLACE,
    }
}

/// The index of a distance's class in [`CLASSES`], 4 for no place: what a dot's `data-class` says.
pub fn class_index(distance_m: Option<u32>) -> usize {
    match distance_m {
        Some(metres) => CLASSES.iter().position(|c| metres <= c.max_m).unwrap_or(3),
        None => CLASSES.len(),
    }
}

/// Width of the drawing, in its own units; its height follows the territory's shape.
const WIDTH: f64 = 600.0;
const MARGIN: f64 = 12.0;

/// A plane projection of the territory's points: longitudes narrowed by the cosine of the mean
/// latitude (a département is small enough for it), fitted into [`WIDTH`].
struct Projection {
    west: f64,
    north: f64,
    scale: f64,
    narrowing: f64,
    height: f64,
}

impl Projection {
    fn fit(points: impl Iterator<Item = GeoPoint> + Clone) -> Option<Projection> {
        let (mut west, mut east, mut south, mut north) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in points {
            west = west.min(p.lon());
            east = east.max(p.lon());
            south = south.min(p.lat());
            north = north.max(p.lat());
        }
        if west > east {
            return None;
        }
        let narrowing = ((south + north) / 2.0).to_radians().cos();
        let span_x = ((east - west) * narrowing).max(1e-6);
        let span_y = (north - south).max(1e-6);
        let scale = (WIDTH - 2.0 * MARGIN) / span_x.max(span_y * 0.8);
        let height = span_y * scale + 2.0 * MARGIN;
        Some(Projection { west, north, scale, narrowing, height })
    }

    fn xy(&self, p: GeoPoint) -> (f64, f64) {
        (MARGIN + (p.lon() - self.west) * self.narrowing * self.scale, MARGIN + (self.north - p.lat()) * self.scale)
    }
}

/// A commune on the map: where its centre is and how far the nearest place serving the need is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dot {
    pub insee: String,
    pub name: String,
    pub point: GeoPoint,
    /// `None`: no place serves the need.
    pub distance_m: Option<u32>,
}

/// The communes of `coverage` that `communes` places, for the need at `column` of its `needs`.
pub fn dots(coverage: &Coverage, communes: &Communes, column: usize) -> Vec<Dot> {
    coverage
        .communes
        .iter()
        .filter_map(|row| {
            Some(Dot {
                insee: row.insee.to_string(),
                name: row.name.clone(),
                point: communes.get(&row.insee)?.point?,
                distance_m: row.cells.get(column)?.nearest.map(|(_, metres)| metres),
            })
        })
        .collect()
}

/// Where the actors offering `need` receive people (help at a distance has no place).
pub fn places(actors: &[Actor], need: NeedId, taxonomy: &Taxonomy, france: &Communes) -> Vec<GeoPoint> {
    actors.iter().filter(|a| coverage::offers(a, need, taxonomy)).filter_map(|a| coverage::place(a, france)).collect()
}

/// The map of `dots`, with `places` (where the actors offering the need receive people) as
/// marks; `title` names it, `id` makes its title's id unique in the page.
pub fn map(dots: &[Dot], places: &[GeoPoint], title: &str, id: &str) -> String {
    let Some(projection) = Projection::fit(dots.iter().map(|d| d.point)) else { return String::new() };
    let height = projection.height.ceil();
    let mut svg = format!(
        "<svg class=\"zones\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-titre\"><title id=\"{id}-titre\">{}</title>",
        escape(title)
    );
    for dot in dots {
        let (x, y) = projection.xy(dot.point);
        let class = class_of(dot.distance_m);
        let ring = if dot.distance_m.is_none() { "1.6" } else { "0.6" };
        let _ = write!(
            svg,
            "<circle class=\"commune\" data-insee=\"{}\" data-class=\"{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"{}\" stroke=\"#000\" stroke-width=\"{ring}\"><title>{}</title></circle>",
            escape(&dot.insee),
            class_index(dot.distance_m),
            class.fill,
            escape(&match dot.distance_m {
                Some(m) => format!("{} : {} km", dot.name, km(m)),
                None => format!("{} : aucun lieu", dot.name),
            })
        );
    }
    for place in places {
        let (x, y) = projection.xy(*place);
        // Places beyond the territory's frame (across a border) are left out of the drawing.
        if x < 0.0 || y < 0.0 || x > WIDTH || y > height {
            continue;
        }
        // A cross, ringed in white: read as "a place" whatever the dot beneath.
        let d = format!("M{:.1} {y:.1}h8M{x:.1} {:.1}v8", x - 4.0, y - 4.0);
        let _ = write!(
            svg,
            "<g class=\"place\"><path d=\"{d}\" stroke=\"#fff\" stroke-width=\"4\"/><path d=\"{d}\" stroke=\"#d40000\" stroke-width=\"2\"/></g>"
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The legend, as a list the table's readers also understand; swatches drawn in SVG (no style
/// attribute: the strict CSP of the dashboard allows none).
pub fn legend() -> String {
    let swatch = |class: &Class, ring: &str| {
        format!(
            "<svg class=\"swatch\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><circle cx=\"5\" cy=\"5\" r=\"4\" fill=\"{}\" stroke=\"#000\" stroke-width=\"{ring}\"/></svg>",
            class.fill
        )
    };
    let mut out = String::from("<ul class=\"zones-legend\">");
    for class in &CLASSES {
        let _ = write!(out, "<li>{}{}</li>", swatch(class, "0.6"), class.legend);
    }
    let _ = write!(
        out,
        "<li>{}{}</li><li><svg class=\"swatch\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><path d=\"M1 5h8M5 1v8\" stroke=\"#d40000\" stroke-width=\"2\"/></svg>un lieu qui propose ce besoin</li></ul>",
        swatch(&NO_PLACE, "1.6"),
        NO_PLACE.legend
    );
    out
}

/// "8,2" km, the French way.
pub fn km(metres: u32) -> String {
    format!("{:.1}", f64::from(metres) / 1000.0).replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_distance() {
        assert_eq!(class_index(Some(5_000)), 0);
        assert_eq!(class_index(Some(5_001)), 1);
        assert_eq!(class_index(Some(20_000)), 2);
        assert_eq!(class_index(Some(80_000)), 3);
        assert_eq!(class_index(None), 4);
    }
}
