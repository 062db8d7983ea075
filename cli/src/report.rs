//! Coverage output: a text table, CSV rows and a self-contained HTML page for élus. Formatting
//! only; the figures come from `aiguillage_engine::coverage`.

use std::fmt::Write as _;
use std::path::PathBuf;

use aiguillage_engine::calendar::Date;
use aiguillage_engine::coverage::{Coverage, EpciCell};
use aiguillage_engine::html::escape;
use aiguillage_engine::taxonomy::{NeedId, Taxonomy};
use aiguillage_engine::{Actor, Communes};
use aiguillage_import::records::csv_field;
use aiguillage_paper::zones::{self, km};

/// Everything a coverage output shows.
pub struct Page<'a> {
    pub territory: &'a str,
    pub territory_name: &'a str,
    pub taxonomy: &'a Taxonomy,
    pub actors: &'a [Actor],
    pub coverage: &'a Coverage,
    /// The commune reference: the communes' centres and the places' communes, for the maps.
    pub france: &'a Communes,
    pub sources: &'a [PathBuf],
    pub built_on: Date,
}

impl Page<'_> {
    fn label(&self, need: NeedId) -> &str {
        self.taxonomy.need(need).map_or("?", |n| n.label.fr.as_str())
    }

    fn code(&self, need: NeedId) -> &str {
        self.taxonomy.need(need).map_or("?", |n| n.code.as_str())
    }

    fn commune_name(&self, index: usize) -> &str {
        self.coverage.communes.get(index).map_or("?", |c| c.name.as_str())
    }
}

/// Kilometres with one decimal, for machines.
fn km_dot(metres: u32) -> String {
    format!("{:.1}", f64::from(metres) / 1000.0)
}

fn pad(text: &str, width: usize) -> String {
    let count = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(count)))
}

fn pad_left(text: &str, width: usize) -> String {
    let count = text.chars().count();
    format!("{}{text}", " ".repeat(width.saturating_sub(count)))
}

fn intro(page: &Page<'_>) -> String {
    format!(
        "Couverture de {} ({}) : {} intercommunalités, {} communes, {} lieux lus.",
        page.territory_name,
        page.territory,
        page.coverage.epcis.len(),
        page.coverage.communes.len(),
        page.actors.len()
    )
}

/// One table per need: EPCI, actors, worst-served commune, its distance, the weighted mean.
pub fn text(page: &Page<'_>) -> String {
    let coverage = page.coverage;
    let mut out = String::new();
    let _ = writeln!(out, "{}", intro(page));
    let _ = writeln!(
        out,
        "Distances à vol d'oiseau, du centre de chaque commune au lieu le plus proche qui propose le besoin."
    );
    let name_width = coverage.epcis.iter().map(|e| e.name.chars().count()).max().unwrap_or(0).max(16);
    let commune_width = coverage.communes.iter().map(|c| c.name.chars().count()).max().unwrap_or(0).clamp(28, 40);
    for (column, need) in coverage.needs.iter().enumerate() {
        let _ = writeln!(out, "\n== {} ({})", page.label(*need), page.code(*need));
        if coverage.remote[column] > 0 {
            let _ = writeln!(out, "   + {} aide(s) à distance, accessibles de partout", coverage.remote[column]);
        }
        let _ = writeln!(
            out,
            "{}  {}  {}  {}  {}",
            pad("Intercommunalité", name_width),
            pad_left("Lieux", 5),
            pad("Commune la moins bien servie", commune_width),
            pad_left("Dist. max", 10),
            pad_left("Moy. pond.", 10)
        );
        for epci in &coverage.epcis {
            let cell = &epci.cells[column];
            let (commune, worst) = match cell.worst {
                Some((index, metres)) => (page.commune_name(index).to_string(), format!("{} km", km(metres))),
                None => ("—".to_string(), "aucun lieu".to_string()),
            };
            let mean = cell.mean_m.map_or_else(|| "—".to_string(), |m| format!("{} km", km(m)));
            let _ = writeln!(
                out,
                "{}  {}  {}  {}  {}",
                pad(&epci.name, name_width),
                pad_left(&cell.actors.to_string(), 5),
                pad(&commune, commune_width),
                pad_left(&worst, 10),
                pad_left(&mean, 10)
            );
        }
    }
    let _ = write!(out, "\n{}", answers(page));
    out
}

/// Which needs rely on national contacts: those with no place in some intercommunality (or in
/// the whole territory) but a national contact of their own; and those with neither, said
/// loudly (a need left without any answer).
fn answers(page: &Page<'_>) -> String {
    let coverage = page.coverage;
    let (mut national_only, mut completed, mut unanswered) = (Vec::new(), Vec::new(), Vec::new());
    for (column, need) in coverage.needs.iter().enumerate() {
        let missing = coverage.epcis.iter().filter(|e| e.cells[column].actors == 0).count();
        if missing == 0 {
            continue;
        }
        let code = page.code(*need);
        let own_contact = page.taxonomy.fallbacks.iter().any(|f| f.needs.iter().any(|n| n == code));
        let nowhere = missing == coverage.epcis.len();
        match (own_contact, nowhere) {
            (true, true) => national_only.push(code.to_string()),
            (true, false) => completed.push(format!("{code} ({missing})")),
            (false, _) => unanswered.push(format!("{code} ({missing})")),
        }
    }
    let list = |items: &[String]| if items.is_empty() { "aucun".to_string() } else { items.join(", ") };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Besoins couverts par les seuls contacts nationaux (aucun lieu sur le territoire) : {}",
        list(&national_only)
    );
    let _ = writeln!(
        out,
        "Besoins dont des intercommunalités sans lieu (nombre) s'appuient sur un contact national : {}",
        list(&completed)
    );
    if !unanswered.is_empty() {
        let _ = writeln!(
            out,
            "Besoins SANS RÉPONSE dans des intercommunalités (nombre) : ni lieu, ni contact national propre : {}",
            list(&unanswered)
        );
    }
    out
}

/// The CSV header, then one row per need × EPCI (`niveau` = epci) and need × commune (`commune`).
pub const CSV_HEADER: &str = "niveau,besoin,code,nom,epci,population,lieux,distance_km,commune_la_moins_servie,distance_moyenne_km,lieu_le_plus_proche";

pub fn csv(page: &Page<'_>) -> String {
    let coverage = page.coverage;
    let mut out = String::new();
    let _ = writeln!(out, "{CSV_HEADER}");
    let row = |fields: &[String]| fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
    for (column, need) in coverage.needs.iter().enumerate() {
        for epci in &coverage.epcis {
            let cell = &epci.cells[column];
            let _ = writeln!(
                out,
                "{}",
                row(&[
                    "epci".into(),
                    page.code(*need).into(),
                    epci.siren.clone(),
                    epci.name.clone(),
                    epci.siren.clone(),
                    epci.population.to_string(),
                    cell.actors.to_string(),
                    cell.worst.map_or(String::new(), |(_, m)| km_dot(m)),
                    cell.worst.map_or(String::new(), |(i, _)| page.commune_name(i).to_string()),
                    cell.mean_m.map_or(String::new(), km_dot),
                    String::new(),
                ])
            );
        }
        for commune in &coverage.communes {
            let cell = &commune.cells[column];
            let _ = writeln!(
                out,
                "{}",
                row(&[
                    "commune".into(),
                    page.code(*need).into(),
                    commune.insee.to_string(),
                    commune.name.clone(),
                    commune.epci.as_deref().unwrap_or_default().to_string(),
                    commune.population.to_string(),
                    cell.actors.to_string(),
                    cell.nearest.map_or(String::new(), |(_, m)| km_dot(m)),
                    String::new(),
                    String::new(),
                    cell.nearest.and_then(|(a, _)| page.actors.get(a)).map_or(String::new(), |a| a.name.clone()),
                ])
            );
        }
    }
    out
}

/// The heat map's cell colours: the zones blanches map's classes (`aiguillage_paper::zones`),
/// their text always written in the cell, on a fill it reads on.
fn colours(cell: &EpciCell) -> (&'static str, &'static str) {
    let class = zones::class_of(cell.worst.map(|(_, metres)| metres));
    (class.fill, class.ink)
}

fn cell_text(cell: &EpciCell) -> String {
    cell.worst.map_or_else(|| "aucun".to_string(), |(_, m)| format!("{} km", km(m)))
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0;color:#111;background:#fff;line-height:1.5}\
main{max-width:78rem;margin:0 auto;padding:1rem 1.5rem 3rem}h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin-top:2rem}\
figure{margin:1rem 0;overflow-x:auto}svg{max-width:100%;height:auto}svg text{font-family:inherit}\
table{border-collapse:collapse;font-size:.95rem}caption{text-align:left;font-weight:bold;padding:.5rem 0}\
th,td{border:1px solid #777;padding:.3rem .5rem;vertical-align:top}thead th{background:#eef}td{text-align:right;white-space:nowrap}\
th[scope=row]{text-align:left;font-weight:normal}.small{font-size:.85rem;color:#333}.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem}\
.swatch{display:inline-block;width:1.2rem;height:1.2rem;border:1px solid #555;vertical-align:middle;margin-right:.3rem}\
.table-wrap{overflow-x:auto}.maps{display:grid;grid-template-columns:repeat(auto-fill,minmax(22rem,1fr));gap:1rem}\
.zone-map{margin:0}.zone-map figcaption{font-weight:bold}.zones{width:100%;height:auto}\
.zones-legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem}.zones-legend .swatch{border:0;width:1.2rem;height:1.2rem}\
@media print{.zone-map{break-inside:avoid}}";

/// A self-contained page (no external resource): heat map, the same figures as a table, and the
/// communes furthest from help.
pub fn html(page: &Page<'_>) -> String {
    let title = format!("Couverture de l'inclusion numérique — {} ({})", page.territory_name, page.territory);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );
    let _ = write!(
        out,
        "<p>Pour chaque besoin et chaque intercommunalité : la distance entre le centre de la commune la moins bien servie et le lieu d'aide le plus proche qui propose ce besoin (à vol d'oiseau). Plus la distance est grande, plus il est difficile de se faire aider sans voiture. « Aucun » signale un besoin qu'aucun lieu connu ne propose : une zone blanche.</p>\n<p class=\"small\">{} Données lues : {}. Calculé le {}.</p>\n",
        escape(&intro(page)),
        escape(&page.sources.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")),
        page.built_on
    );
    out.push_str("<h2 id=\"carte\">Carte de chaleur</h2>\n");
    out.push_str(&heat_map(page));
    out.push_str(&legend());
    out.push_str(&maps(page));
    out.push_str(&table(page));
    out.push_str(&worst_communes(page));
    out.push_str(
        "<h2 id=\"lire\">Comment lire ces chiffres</h2>\n<ul>\n<li>Les distances sont mesurées à vol d'oiseau depuis le centre de chaque commune ; la route est plus longue.</li>\n<li>Un lieu situé dans un département voisin compte s'il est plus proche.</li>\n<li>Les aides à distance (téléphone, visio) ne sont pas dans les distances : elles sont comptées à part dans le tableau.</li>\n<li>Les chiffres ne valent que ce que valent les annuaires : un lieu absent des données n'est pas compté.</li>\n</ul>\n</main>\n</body>\n</html>\n",
    );
    out
}

fn heat_map(page: &Page<'_>) -> String {
    let coverage = page.coverage;
    let (label_width, cell_width, cell_height, header_height) = (300, 96, 34, 190);
    // Room on the right for the last rotated column label.
    let width = label_width + cell_width * coverage.needs.len() + 160;
    let height = header_height + cell_height * coverage.epcis.len() + 10;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<figure>\n<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"carte-titre carte-desc\">\n<title id=\"carte-titre\">Distance au lieu le plus proche, commune la moins bien servie, par besoin et par intercommunalité</title>\n<desc id=\"carte-desc\">Les mêmes chiffres sont dans le tableau qui suit la carte.</desc>\n"
    );
    for (column, need) in coverage.needs.iter().enumerate() {
        let x = label_width + column * cell_width + cell_width / 2;
        let _ = writeln!(
            svg,
            "<text x=\"{x}\" y=\"{}\" transform=\"rotate(-40 {x} {})\" font-size=\"13\">{}</text>",
            header_height - 8,
            header_height - 8,
            escape(&shorten(page.label(*need), 30))
        );
    }
    for (row, epci) in coverage.epcis.iter().enumerate() {
        let y = header_height + row * cell_height;
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\">{}</text>",
            label_width - 8,
            y + cell_height / 2 + 5,
            escape(&shorten(&epci.name, 40))
        );
        for (column, cell) in epci.cells.iter().enumerate() {
            let x = label_width + column * cell_width;
            let (fill, ink) = colours(cell);
            // A white cell (no place) keeps a dark edge, as its dot does on the maps.
            let edge = if cell.worst.is_none() { "#000" } else { "#fff" };
            let detail = match cell.worst {
                Some((index, metres)) => format!(
                    "{} — {} : {} lieu(x) ; commune la moins bien servie : {} à {} km",
                    epci.name,
                    page.label(coverage.needs[column]),
                    cell.actors,
                    page.commune_name(index),
                    km(metres)
                ),
                None => format!("{} — {} : aucun lieu", epci.name, page.label(coverage.needs[column])),
            };
            let _ = writeln!(
                svg,
                "<g><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"{edge}\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" fill=\"{ink}\">{}</text></g>",
                escape(&detail),
                cell_width,
                cell_height,
                x + cell_width / 2,
                y + cell_height / 2 + 5,
                escape(&cell_text(cell))
            );
        }
    }
    svg.push_str("</svg>\n</figure>\n");
    svg
}

fn legend() -> String {
    let mut out = String::from("<ul class=\"legend\" aria-label=\"Légende des couleurs\">\n");
    for class in zones::CLASSES.iter().chain([&zones::NO_PLACE]) {
        let _ = writeln!(
            out,
            "<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>",
            class.fill, class.legend
        );
    }
    out.push_str("</ul>\n");
    out
}

/// The zones blanches, need by need: every commune a dot coloured as the heat map's cells.
fn maps(page: &Page<'_>) -> String {
    let mut out = String::from(
        "<h2 id=\"cartes\">Carte des zones blanches, besoin par besoin</h2>\n<p>Chaque point est une commune, coloré selon la distance entre son centre et le lieu le plus proche qui propose ce besoin ; les croix rouges sont les lieux. Le tableau des distances donne les mêmes chiffres.</p>\n",
    );
    out.push_str(&zones::legend());
    out.push_str("<div class=\"maps\">\n");
    for (column, need) in page.coverage.needs.iter().enumerate() {
        let dots = zones::dots(page.coverage, page.france, column);
        let places = zones::places(page.actors, *need, page.taxonomy, page.france);
        let title = format!("Zones blanches : {}", page.label(*need));
        let _ = writeln!(
            out,
            "<figure class=\"zone-map\"><figcaption>{}</figcaption>{}</figure>",
            escape(page.label(*need)),
            zones::map(&dots, &places, &title, &format!("carte-{}", page.code(*need)))
        );
    }
    out.push_str("</div>\n");
    out
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    format!("{}…", text.chars().take(max - 1).collect::<String>().trim_end())
}

fn table(page: &Page<'_>) -> String {
    let coverage = page.coverage;
    let mut out = String::from("<h2 id=\"tableau\">Tableau des distances</h2>\n<div class=\"table-wrap\">\n<table>\n<caption>Par intercommunalité : distance maximale (commune la moins bien servie), nombre de lieux et distance moyenne pondérée par la population</caption>\n<thead>\n<tr><th scope=\"col\">Intercommunalité</th>");
    for need in &coverage.needs {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(page.label(*need)));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for epci in &coverage.epcis {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}<br><span class=\"small\">{} hab., {} communes</span></th>",
            escape(&epci.name),
            epci.population,
            epci.communes.len()
        );
        for cell in &epci.cells {
            let detail = match (cell.worst, cell.mean_m) {
                (Some((index, _)), Some(mean)) => {
                    format!("{} lieu(x) · moy. {} km<br>{}", cell.actors, km(mean), escape(page.commune_name(index)))
                }
                _ => format!("{} lieu(x)", cell.actors),
            };
            let _ = write!(out, "<td>{}<br><span class=\"small\">{detail}</span></td>", escape(&cell_text(cell)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("<tr><th scope=\"row\">Aides à distance (tout le territoire)</th>");
    for remote in &coverage.remote {
        let _ = write!(out, "<td>{remote}</td>");
    }
    out.push_str("</tr>\n</tbody>\n</table>\n</div>\n");
    out
}

/// The five communes furthest from help, per need.
fn worst_communes(page: &Page<'_>) -> String {
    let coverage = page.coverage;
    let mut out = String::from("<h2 id=\"communes\">Les communes les plus éloignées d'un lieu, par besoin</h2>\n");
    for (column, need) in coverage.needs.iter().enumerate() {
        let mut ranked: Vec<(u32, &str, u32)> = coverage
            .communes
            .iter()
            .filter_map(|c| c.cells[column].nearest.map(|(_, m)| (m, c.name.as_str(), c.population)))
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let _ = writeln!(out, "<h3>{}</h3>", escape(page.label(*need)));
        if ranked.is_empty() {
            out.push_str("<p>Aucun lieu connu ne propose ce besoin.</p>\n");
            continue;
        }
        out.push_str("<ol>\n");
        for (metres, name, population) in ranked.iter().take(5) {
            let _ = writeln!(out, "<li>{} ({} hab.) : {} km</li>", escape(name), population, km(*metres));
        }
        out.push_str("</ol>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_is_escaped() {
        assert_eq!(escape("<b>\"L'EPN\" & co</b>"), "&lt;b&gt;&quot;L&#39;EPN&quot; &amp; co&lt;/b&gt;");
    }

    #[test]
    fn kilometres_read_the_french_way() {
        assert_eq!((km(8_249), km_dot(8_251), km(0)), ("8,2".to_string(), "8.3".to_string(), "0,0".to_string()));
    }

    #[test]
    fn shortened_labels_end_with_an_ellipsis() {
        assert_eq!(shorten("Premiers pas avec le numérique", 10), "Premiers…");
        assert_eq!(shorten("Court", 10), "Court");
    }
}
