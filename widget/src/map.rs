//! A schematic map of the answer, drawn from the bundle's own points: no tiles, no request. The
//! département's communes as a faint cloud of dots, the places met on site numbered as in the
//! list, the resident's commune circled (over them), and a scale in kilometres. The list itself
//! is its text alternative; the map is an image with a name.

use aiguillage_engine::geo::GeoPoint;
use aiguillage_engine::orient::Orientation;
use aiguillage_engine::Profile;
use yew::prelude::*;

use crate::context::Ctx;

/// The drawing's width in SVG units; its height follows the territory's shape.
const WIDTH: i64 = 400;

/// Where a mark goes when its place's spot is taken: the spot, then around it.
const AROUND: [(i64, i64); 9] =
    [(0, 0), (28, 0), (-28, 0), (0, 28), (0, -28), (28, 28), (-28, -28), (28, -28), (-28, 28)];

/// The map, after the list, unfolded (a resident on a phone folds it with one tap; it always
/// prints); nothing when the resident's commune has no point.
pub fn map(ctx: &Ctx, orientation: &Orientation, profile: &Profile) -> Html {
    let bundle = &ctx.bundle.0;
    let Some(home) = bundle.communes.get(&profile.commune) else { return Html::default() };
    let Some(centre) = home.point else { return Html::default() };
    let places = || {
        let actors = bundle.directory.actors();
        // Help at a distance only has no place to go to, whatever its office's address.
        orientation.recommendations.iter().enumerate().filter_map(move |(rank, r)| {
            let on_site = !actors.get(r.actor)?.is_remote_only();
            Some((rank as i64 + 1, bundle.directory.place(r.actor).filter(|_| on_site)?))
        })
    };
    let cloud = || bundle.communes.iter().filter(|c| c.departement == home.departement).filter_map(|c| c.point);
    // East-west degrees shrink with the latitude: x is scaled by its cosine, in thousandths (a
    // short series in milliradians, within 0.2 % of it up to 55°, without floats).
    let angle = i64::from(centre.lat_e5) * 1745 / 10_000_000;
    let shrink = 1000 - angle * angle / 2000 + angle.pow(4) / 24_000_000_000;
    let project = |p: GeoPoint| (i64::from(p.lon_e5) * shrink / 1000, -i64::from(p.lat_e5));
    let (x, y) = project(centre);
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (x, y, x, y);
    let mut grow = |p: GeoPoint| {
        let (x, y) = project(p);
        (min_x, min_y, max_x, max_y) = (min_x.min(x), min_y.min(y), max_x.max(x), max_y.max(y));
    };
    cloud().for_each(&mut grow);
    places().for_each(|(_, p)| grow(p));
    // 1e-5 degrees per WIDTH units: at least 3 km (a lone commune still has a size, and its
    // scale bar of 1 km fits).
    let span = (max_x - min_x).max(max_y - min_y).max(2703);
    let height = (max_y - min_y) * WIDTH / span;
    let at = |p: GeoPoint| {
        let (x, y) = project(p);
        ((x - min_x) * WIDTH / span, (y - min_y) * WIDTH / span)
    };
    let mut dots = String::new();
    for (x, y) in cloud().map(at) {
        dots.push_str(&format!("M{x} {y}h0"));
    }
    // Marks that would cover one another (places of one town) are set side by side around the
    // place, a line back to it: every number can be read. Apart means 28 units on an axis (a
    // mark is 26 wide).
    let mut taken: Vec<(i64, i64)> = Vec::new();
    let marks: Html = places()
        .map(|(rank, p)| {
            let (x, y) = at(p);
            let mut spot = (x, y);
            for (dx, dy) in AROUND {
                spot = (x + dx, y + dy);
                if taken.iter().all(|t| (t.0 - spot.0).abs().max((t.1 - spot.1).abs()) >= 28) {
                    break;
                }
            }
            taken.push(spot);
            let (mx, my) = spot;
            html! {<>
                <path class="map-leader" d={format!("M{x} {y}L{mx} {my}")}/>
                <circle class="map-place" r="13" cx={mx.to_string()} cy={my.to_string()}/>
                <text x={mx.to_string()} y={my.to_string()}>{rank}</text>
            </>}
        })
        .collect();
    let (home_x, home_y) = at(centre);
    // A scale bar of a round length, at most a third of the width (1e-5 degree of latitude is
    // 1.11 m: a kilometre is 100,000 / 1.11 * WIDTH / span units).
    let km = [100, 50, 20, 10, 5, 2, 1].into_iter().find(|km| km * 3 <= span * 111 / 100_000).unwrap_or(1);
    // Nodes, not markup: the words are text whatever they hold, and the widget needs no
    // Trusted Types policy on a page that requires them.
    html! {
        <details class="map" open=true>
            // The summary says what a press does: show when folded, hide when open.
            <summary><span class="map-show">{ctx.text("ui.map.show")}</span><span class="map-hide">{ctx.text("ui.map.hide")}</span></summary>
            <svg viewBox={format!("-44 -44 488 {}", height + 100)} role="img" aria-label={ctx.text("ui.map.label")}>
                <path class="map-communes" d={dots}/>
                {marks}
                // The resident's commune last: a ring around what is there.
                <circle class="map-home" r="19" cx={home_x.to_string()} cy={home_y.to_string()}/>
                <path class="map-scale" d={format!("M0 {}h{}", height + 48, km * 360_360 / span)}/>
                <text class="map-km" x="0" y={(height + 30).to_string()}>{km}{" km"}</text>
            </svg>
        </details>
    }
}
