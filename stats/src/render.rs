//! The report as text (a terminal), CSV (a spreadsheet) and HTML (the dashboard: charts drawn
//! here in SVG, tables, one A4 landscape page when printed; no script, no third party).

use std::fmt::Write;

use aiguillage_engine::html::escape;
use aiguillage_paper::zones;

use crate::report::{Report, Tally, NAMED_FROM, SHOWN_FROM};

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const SHORT_MONTHS: [&str; 12] =
    ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];

fn month_name((year, month): (i32, u32)) -> String {
    format!("{} {year}", MONTHS[(month as usize).clamp(1, 12) - 1])
}

/// Thousands separated by a narrow no-break space, the French way.
fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

fn share(tally: Tally) -> String {
    if tally.help_known == 0 {
        return "–".into();
    }
    format!("{} %", (tally.without_help_near * 100 + tally.help_known / 2) / tally.help_known)
}

/// What every page says of the figures it leaves out.
fn small_cells_sentence(report: &Report) -> String {
    format!(
        "Chaque nombre est une somme de cellules (un mois, un besoin, une intercommunalité) d'au moins {SHOWN_FROM} \
         orientations : {} cellule{} de 1 à {} orientations ne {} dans aucun nombre, pour qu'aucune personne ne puisse être \
         reconnue. Les communes sont nommées, sans leur nombre, à partir de {NAMED_FROM} orientations.",
        report.hidden_cells,
        if report.hidden_cells > 1 { "s" } else { "" },
        SHOWN_FROM - 1,
        if report.hidden_cells > 1 { "comptent" } else { "compte" },
    )
}

fn period_sentence(report: &Report) -> String {
    if report.period.from == report.period.to {
        format!("en {}", month_name(report.period.from))
    } else {
        format!("de {} à {}", month_name(report.period.from), month_name(report.period.to))
    }
}

pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let km = report.remote_after_km;
    let _ = writeln!(out, "Orientations, {} — {}", report.territory, period_sentence(report));
    let _ = writeln!(
        out,
        "{} orientations, dont {} sans lieu d'aide à moins de {km} km ({}).\n",
        number(report.total.orientations),
        number(report.total.without_help_near),
        share(report.total)
    );
    let _ = writeln!(out, "Par mois\n{:<20} {:>12} {:>22}", "Mois", "Orientations", format!("Sans aide à {km} km"));
    for (month, tally) in &report.months {
        let _ = writeln!(out, "{:<20} {:>12} {:>22}", month_name(*month), tally.orientations, tally.without_help_near);
    }
    let _ = writeln!(
        out,
        "\nPar besoin\n{:<40} {:>12} {:>18} {:>24}",
        "Besoin",
        "Orientations",
        format!("Sans aide à {km} km"),
        "Communes sans lieu"
    );
    for need in &report.needs {
        let white = need.white_communes.map_or("–".to_owned(), |w| format!("{w} / {}", report.territory_communes));
        let _ = writeln!(
            out,
            "{:<40} {:>12} {:>18} {:>24}",
            need.label, need.tally.orientations, need.tally.without_help_near, white
        );
    }
    let _ = writeln!(
        out,
        "\nPar intercommunalité\n{:<50} {:>9} {:>12} {:>18} {:>20}",
        "Intercommunalité",
        "Communes",
        "Orientations",
        format!("Sans aide à {km} km"),
        "Communes sans lieu"
    );
    for epci in &report.epcis {
        let white = epci.white_communes.map_or("–".to_owned(), |w| w.to_string());
        let _ = writeln!(
            out,
            "{:<50} {:>9} {:>12} {:>18} {:>20}",
            epci.name, epci.communes, epci.tally.orientations, epci.tally.without_help_near, white
        );
    }
    let _ = writeln!(out, "\nCommunes d'au moins {NAMED_FROM} orientations");
    for commune in &report.communes {
        let _ = writeln!(out, "{} ({})", commune.name, commune.insee);
    }
    let _ = writeln!(out, "\n{}", small_cells_sentence(report));
    out
}

/// `mois,besoin,departement,code_epci,epci,orientations,sans_aide_proche`: one line per
/// published cell (the part without help near left empty where it is not published). A cell
/// that a spreadsheet would read as a formula is neutralised.
pub fn csv(report: &Report) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ =
        writer.write_record(["mois", "besoin", "departement", "code_epci", "epci", "orientations", "sans_aide_proche"]);
    for line in &report.csv {
        let _ = writer.write_record([
            format!("{:04}-{:02}", line.month.0, line.month.1),
            spreadsheet_safe(&line.need),
            spreadsheet_safe(&line.departement),
            spreadsheet_safe(&line.epci_siren),
            spreadsheet_safe(&line.epci),
            line.cell.orientations.to_string(),
            line.cell.without_help_near.map(|n| n.to_string()).unwrap_or_default(),
        ]);
    }
    writer.into_inner().map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default()
}

/// A text a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a tab or a carriage return
/// first) behind an apostrophe, so that it stays text.
pub fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Where the HTML page finds its styles.
pub enum Styles<'a> {
    /// In the page (a file saved by `aiguillage stats`).
    Inline,
    /// A stylesheet served beside the page (the server, under a strict CSP: no inline style).
    Linked(&'a str),
}

/// The dashboard's stylesheet. Colours meet 4.5:1 for text and 3:1 for the charts' marks.
pub const STYLESHEET: &str = "\
:root{font-family:system-ui,sans-serif;color:#1b1b1b;background:#fff;line-height:1.4}\
body{margin:0}main{max-width:80rem;margin:0 auto;padding:1rem}\
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.2rem 0 .4rem}\
.lead{font-size:1.05rem}.small{font-size:.85rem;color:#444}\
form{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:.6rem 0}\
label{display:flex;flex-direction:column;font-size:.9rem}\
input,button{font:inherit;padding:.25rem .4rem}button{cursor:pointer}\
a{color:#1a4f8b}a:focus,input:focus,button:focus{outline:3px solid #1a4f8b;outline-offset:2px}\
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(28rem,100%),1fr));gap:0 2rem;align-items:start}\
.wide{grid-column:1/-1}.grid>*{min-width:0}.scroll{overflow-x:auto}\
table{border-collapse:collapse;width:100%;font-size:.9rem}caption{text-align:left;font-weight:600;padding:.2rem 0}\
th,td{border-bottom:1px solid #bbb;padding:.2rem .4rem;text-align:left;vertical-align:top}td.n,th.n{text-align:right;white-space:nowrap}th.n{white-space:normal}\
.scroll caption{position:sticky;left:0;max-width:calc(100vw - 2rem)}\
thead th{border-bottom:2px solid #1b1b1b;vertical-align:bottom}svg{width:100%;max-width:36rem;height:auto}\
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}\
.with{fill:#1a4f8b}.without{fill:#b3261e}.axis{fill:#1b1b1b;font-size:12px}.key{display:inline-block;width:.8em;height:.8em;margin-right:.3em}\
.maps{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(16rem,100%),1fr));gap:1rem}.zone-map{margin:0}\
.zone-map figcaption{font-weight:600;font-size:.9rem}.zones-legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.85rem}\
.zones-legend svg{width:1em;height:1em;vertical-align:-.15em;margin-right:.3em}\
.scroll:focus{outline:3px solid #1a4f8b;outline-offset:2px}\
@media (forced-colors:active){.axis{fill:CanvasText}.with{fill:Highlight}.without{fill:CanvasText}\
.key{forced-color-adjust:none}.key.with{background:Highlight}.key.without{background:CanvasText}\
.zones,.zones-legend svg{forced-color-adjust:none;background:#fff}}\
.key.with{background:#1a4f8b}ul.communes{columns:16rem;padding-left:1.2rem;margin:.2rem 0}.key.without{background:#b3261e}.print-only{display:none}\
@page{size:A4 landscape;margin:8mm}\
@media print{:root{font-size:6.5pt}main{max-width:none;padding:0}form,.screen-only{display:none}\
h1{font-size:12pt}h2{font-size:9pt;margin:.3rem 0 .1rem}.lead{font-size:8pt}\
.grid{grid-template-columns:repeat(4,minmax(0,1fr));gap:0 4mm}.wide{grid-column:auto}\
table{table-layout:fixed}th,td,th.n,td.n{padding:.05rem .2rem;white-space:normal;overflow-wrap:anywhere}thead th:first-child{width:38%}svg{max-width:100%}tr.extra{display:none}tr.print-only{display:table-row}\
.maps-section{grid-column:1/-1}.maps{grid-template-columns:repeat(8,minmax(0,1fr));gap:2mm}.zones-legend{font-size:6.5pt}\
th,td,th.n,td.n{overflow-wrap:normal;hyphens:manual}thead th{font-size:5.5pt}\
section{break-inside:avoid}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/// Rows of a long table shown on paper; the others are said in one line (the screen and the
/// CSV have them all).
const PRINTED_ROWS: usize = 18;

fn legend(km: u32) -> String {
    format!(
        "<p class=\"small\"><span class=\"key with\"></span>avec un lieu d'aide à moins de {km} km · \
         <span class=\"key without\"></span>sans lieu d'aide à moins de {km} km</p>"
    )
}

/// Bars per month, the part without help near on top.
fn months_chart(report: &Report) -> String {
    let (width, height, top, bottom) = (560.0_f64, 200.0_f64, 14.0_f64, 30.0_f64);
    let count = report.months.len().max(1) as f64;
    let max = report.months.iter().map(|(_, t)| t.orientations).max().unwrap_or(0).max(1) as f64;
    let slot = width / count;
    let bar = (slot * 0.7).max(1.0);
    let scale = (height - top - bottom) / max;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"chart-months-title\">\
         <title id=\"chart-months-title\">Orientations par mois, {}: le tableau qui suit donne les nombres</title>",
        escape(&period_sentence(report))
    );
    for (i, ((year, month), tally)) in report.months.iter().enumerate() {
        let x = i as f64 * slot + (slot - bar) / 2.0;
        let base = height - bottom;
        let all = tally.orientations as f64 * scale;
        let without = tally.without_help_near as f64 * scale;
        let _ = write!(
            svg,
            "<rect class=\"with\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\"/>\
             <rect class=\"without\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{without:.1}\"/>\
             <text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            base - all,
            all - without,
            base - without,
            x + bar / 2.0,
            height - 14.0,
            SHORT_MONTHS[(*month as usize).clamp(1, 12) - 1]
        );
        if *month == 1 || i == 0 {
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{year}</text>",
                x + bar / 2.0,
                height - 2.0
            );
        }
        if tally.orientations > 0 {
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + bar / 2.0,
                (base - all - 2.0).max(9.0),
                tally.orientations
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars per need asked for.
fn needs_chart(report: &Report) -> String {
    let asked: Vec<_> = report.needs.iter().filter(|n| n.tally.orientations > 0).collect();
    if asked.is_empty() {
        return String::new();
    }
    let (width, row, label) = (560.0_f64, 22.0_f64, 250.0_f64);
    let height = row * asked.len() as f64 + 4.0;
    let max = asked.iter().map(|n| n.tally.orientations).max().unwrap_or(1).max(1) as f64;
    let scale = (width - label - 60.0) / max;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"chart-needs-title\">\
         <title id=\"chart-needs-title\">Orientations par besoin: le tableau qui suit donne les nombres</title>"
    );
    for (i, need) in asked.iter().enumerate() {
        let y = i as f64 * row + 2.0;
        let all = need.tally.orientations as f64 * scale;
        let without = need.tally.without_help_near as f64 * scale;
        let _ = write!(
            svg,
            "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect class=\"with\" x=\"{label}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>\
             <rect class=\"without\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{without:.1}\" height=\"{:.1}\"/>\
             <text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            label - 6.0,
            y + row * 0.65,
            escape(&need.label),
            all - without,
            row - 6.0,
            label + all - without,
            row - 6.0,
            label + all + 4.0,
            y + row * 0.65,
            need.tally.orientations
        );
    }
    svg.push_str("</svg>");
    svg
}

fn cell(n: u64) -> String {
    format!("<td class=\"n\">{}</td>", number(n))
}

/// The dashboard page. `query` is the period's query string, for the CSV link (empty offline).
pub fn html(report: &Report, styles: Styles<'_>, csv_link: Option<&str>) -> String {
    let km = report.remote_after_km;
    let title = format!("Tableau de bord des orientations — {}", report.territory);
    let mut out = format!(
        "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\"><title>{}</title>{}</head>\
         <body><main><h1>{}</h1>",
        escape(&title),
        match styles {
            Styles::Inline => format!("<style>{STYLESHEET}</style>"),
            Styles::Linked(href) => format!("<link rel=\"stylesheet\" href=\"{}\">", escape(href)),
        },
        escape(&title)
    );
    let _ = write!(
        out,
        "<p class=\"lead\">{}, <strong>{} orientations</strong> ont été montrées à des habitants et à des guichets, \
         dont <strong>{}</strong> ({}) sans aucun lieu d'aide à moins de {km} km de la commune.</p>",
        capitalised(&period_sentence(report)),
        number(report.total.orientations),
        number(report.total.without_help_near),
        share(report.total)
    );
    if let Some(link) = csv_link {
        let (from, to) = (report.period.from, report.period.to);
        let _ = write!(
            out,
            "<form method=\"get\" class=\"no-print\"><label>Du mois <span class=\"small\">(aaaa-mm)</span> <input type=\"month\" name=\"du\" value=\"{:04}-{:02}\" pattern=\"[0-9]{{4}}-[0-9]{{2}}\"></label>\
             <label>au mois <span class=\"small\">(aaaa-mm)</span> <input type=\"month\" name=\"au\" value=\"{:04}-{:02}\" pattern=\"[0-9]{{4}}-[0-9]{{2}}\"></label>\
             <input type=\"hidden\" name=\"territoire\" value=\"{}\"><button type=\"submit\">Afficher</button>\
             <a href=\"{}\">Télécharger le tableau par mois, besoin et intercommunalité (CSV)</a></form>",
            from.0,
            from.1,
            to.0,
            to.1,
            escape(&report.departements.join(",")),
            escape(link)
        );
    }

    out.push_str("<div class=\"grid\"><section><h2>Par mois</h2>");
    out.push_str(&months_chart(report));
    out.push_str(&legend(km));
    let _ = write!(
        out,
        "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"par-mois\"><table><caption id=\"par-mois\">Orientations par mois</caption><thead><tr><th scope=\"col\">Mois</th>\
         <th scope=\"col\" class=\"n\">Orien&shy;ta&shy;tions</th><th scope=\"col\" class=\"n\">Sans aide à moins de {km} km</th></tr></thead><tbody>"
    );
    for (month, tally) in &report.months {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th>{}{}</tr>",
            month_name(*month),
            cell(tally.orientations),
            cell(tally.without_help_near)
        );
    }
    out.push_str("</tbody></table></div></section><section><h2>Par besoin</h2>");
    out.push_str(&needs_chart(report));
    let _ = write!(
        out,
        "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"par-besoin\"><table><caption id=\"par-besoin\">La demande et l'offre de chaque besoin</caption><thead><tr><th scope=\"col\">Besoin</th>\
         <th scope=\"col\" class=\"n\">Orien&shy;ta&shy;tions</th><th scope=\"col\" class=\"n\">Sans aide à moins de {km} km</th>\
         <th scope=\"col\" class=\"n\">Communes sans lieu à moins de {km} km (sur {})</th></tr></thead><tbody>",
        report.territory_communes
    );
    for need in &report.needs {
        let white = need.white_communes.map_or("–".to_owned(), |w| number(w as u64));
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th>{}{}<td class=\"n\">{white}</td></tr>",
            escape(&need.label),
            cell(need.tally.orientations),
            cell(need.tally.without_help_near)
        );
    }
    out.push_str("</tbody></table></div></section>");

    let _ = write!(
        out,
        "<section class=\"wide\"><h2>Par intercommunalité</h2><div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"par-epci\">\
         <table><caption id=\"par-epci\">La demande sans aide proche, \
         à côté des communes où au moins un besoin n'a aucun lieu à moins de {km} km (zones blanches)</caption>\
         <thead><tr><th scope=\"col\">Inter&shy;commu&shy;na&shy;lité</th><th scope=\"col\" class=\"n\">Com&shy;munes</th>\
         <th scope=\"col\" class=\"n\">Orien&shy;ta&shy;tions</th><th scope=\"col\" class=\"n\">Sans aide à moins de {km} km</th>\
         <th scope=\"col\" class=\"n\">Communes en zone blanche</th></tr></thead><tbody>"
    );
    for (row, epci) in report.epcis.iter().enumerate() {
        let white = epci.white_communes.map_or("–".to_owned(), |w| number(w as u64));
        let _ = write!(
            out,
            "<tr{}><th scope=\"row\">{}</th>{}{}{}<td class=\"n\">{white}</td></tr>",
            extra(row),
            escape(&epci.name),
            cell(epci.communes as u64),
            cell(epci.tally.orientations),
            cell(epci.tally.without_help_near)
        );
    }
    out.push_str(&left_off(report.epcis.len(), 5));
    out.push_str("</tbody></table></div>");
    out.push_str("</section>");

    let _ = write!(
        out,
        "<section class=\"wide\"><h2>Communes d'au moins {NAMED_FROM} orientations</h2><p class=\"small\">Sur la période, \
         par ordre alphabétique et sans leur nombre.</p><ul class=\"communes\">"
    );
    for commune in &report.communes {
        let _ =
            write!(out, "<li>{} <span class=\"small\">({})</span></li>", escape(&commune.name), escape(&commune.epci));
    }
    if report.communes.is_empty() {
        out.push_str("<li>Aucune sur la période.</li>");
    }
    out.push_str("</ul></section>");
    // Last in the grid: on paper, the four tables fill the first row and the maps the second.
    out.push_str(&maps(report));
    let _ = write!(out, "</div><p class=\"small\">{}</p>", escape(&small_cells_sentence(report)));
    let coverage_note = if report.coverage.is_some() {
        format!("Les zones blanches sont calculées sur les lieux d'aide publiés pour ce territoire (à vol d'oiseau, {km} km).")
    } else {
        "Sans les lieux du territoire, les zones blanches ne sont pas calculées.".to_owned()
    };
    let _ = write!(
        out,
        "<p class=\"small\">Chaque orientation est comptée une fois par besoin et par commune dans une page, de façon anonyme : \
         ni adresse IP, ni navigateur, ni heure, ni cookie ne sont gardés, seulement des totaux par jour. \
         « Sans aide à moins de {km} km » : aucun lieu d'aide sur place n'a été proposé à moins de {km} km du centre de la commune. {coverage_note}</p>\
         </main></body></html>\n"
    );
    out
}

/// Beyond this many communes (more than a région), no map is drawn: too many dots to read.
const MAPPED_COMMUNES: usize = 6_000;

/// The zones blanches, need by need: every commune a dot coloured by the distance to the nearest
/// place (the table « Par besoin » gives their count).
fn maps(report: &Report) -> String {
    let Some(coverage) = &report.coverage else { return String::new() };
    if coverage.maps.is_empty() || coverage.communes > MAPPED_COMMUNES {
        return String::new();
    }
    let mut out = String::from(
        "<section class=\"wide maps-section\"><h2>Zones blanches, besoin par besoin</h2><p class=\"small\">Chaque point est \
         une commune, coloré selon la distance entre son centre et le lieu le plus proche qui propose ce besoin ; les croix \
         sont les lieux. Le tableau « Par besoin » compte les communes sans lieu proche.</p>",
    );
    out.push_str(&zones::legend());
    out.push_str("<div class=\"maps\">");
    // The needs of the report (the top-level ones), in its order.
    for (need, map) in report.needs.iter().filter_map(|n| Some((n, coverage.maps.iter().find(|m| m.need == n.code)?))) {
        let label = need.label.as_str();
        let _ = write!(
            out,
            "<figure class=\"zone-map\"><figcaption>{}</figcaption>{}</figure>",
            escape(label),
            zones::map(&map.dots, &map.places, &format!("Zones blanches : {label}"), &format!("carte-{}", map.need))
        );
    }
    out.push_str("</div></section>");
    out
}

/// Marks the rows not printed.
fn extra(row: usize) -> &'static str {
    if row >= PRINTED_ROWS {
        " class=\"extra\""
    } else {
        ""
    }
}

/// On paper, the line that says how many rows were left off.
fn left_off(rows: usize, columns: usize) -> String {
    if rows <= PRINTED_ROWS {
        return String::new();
    }
    format!(
        "<tr class=\"print-only\"><td colspan=\"{columns}\">… et {} autres lignes, à l'écran et dans le CSV</td></tr>",
        rows - PRINTED_ROWS
    )
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spreadsheet_formula_stays_text() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for first in ['+', '-', '@', '\t', '\r'] {
            assert!(spreadsheet_safe(&format!("{first}1")).starts_with('\''));
        }
        assert_eq!(spreadsheet_safe("CC du Ruffécois"), "CC du Ruffécois");
    }

    #[test]
    fn numbers_and_shares_read_the_french_way() {
        assert_eq!(number(1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(number(999), "999");
        assert_eq!(share(Tally { orientations: 9, without_help_near: 1, help_known: 3 }), "33 %");
        assert_eq!(share(Tally::default()), "–");
    }
}
