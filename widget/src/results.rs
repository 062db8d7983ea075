//! The answer: ranked actors, each with its reasons, opening state, contacts and what to bring;
//! the national fallbacks; a printable slip and a text copy.

use aiguillage_engine::explain::Explainer;
use aiguillage_engine::orient::{Note, Orientation, Reason};
use aiguillage_engine::{orient, Actor, LocalDateTime, OrientError, Profile};
use yew::prelude::*;

use crate::config::Mode;
use crate::context::Ctx;
use crate::fragment::Answers;
use crate::reducer::{Action, Flow, Shown, Step};
use aiguillage_engine::links;

/// How many actors a resident sees: enough to choose, few enough to read on a phone.
const LIMIT: usize = 5;

/// The answer drawn by [`results`]: the orientation for the profile, at `now`.
pub struct Answer {
    pub orientation: Orientation,
    pub profile: Profile,
    pub now: LocalDateTime,
}

/// `None` until the answers name a need and a commune (or without a clock); computed once per
/// render by the screen, which also announces it.
pub type Outcome = Option<Result<Answer, OrientError>>;

pub fn profile(answers: &Answers) -> Option<Profile> {
    Some(Profile {
        commune: answers.commune.clone()?,
        need: answers.need.clone()?,
        autonomy: answers.autonomy,
        publics: answers.publics,
        supports: answers.supports,
        can_travel: answers.can_travel,
        has_device: None,
    })
}

/// The answer where the screen shows one: always at the desk, at the last step of the resident
/// flow.
pub fn outcome(ctx: &Ctx, flow: &Flow) -> Outcome {
    if ctx.config.mode == Mode::Resident && flow.step != Step::Results {
        return None;
    }
    let profile = profile(&flow.answers)?;
    let now = ctx.now.local(&profile.commune);
    Some(orient(ctx.bundle.0.territory(), &profile, now, LIMIT).map(|orientation| Answer { orientation, profile, now }))
}

/// The distance in metres to the nearest place shown that is met on site, if one is.
pub fn nearest_m(outcome: &Outcome) -> Option<u32> {
    let recommendations =
        outcome.as_ref().and_then(|o| o.as_ref().ok()).map_or(&[][..], |a| &a.orientation.recommendations[..]);
    recommendations.iter().filter_map(|r| r.distance_m).min()
}

pub fn shown(ctx: &Ctx, outcome: &Outcome) -> Option<Shown> {
    let answer = outcome.as_ref()?.as_ref().ok()?;
    let actors = ctx.bundle.0.directory.actors();
    let ids = answer.orientation.recommendations.iter().map(|r| actors[r.actor].id.clone()).collect();
    Some((answer.profile.need.clone(), answer.profile.commune.clone(), ids))
}

/// Records what is now shown and, when results are, says how many (the screen's live region)
/// and tells the host page (an event). When the same question gets another list (a criterion
/// changed at the desk), the words change too, and name the first place: the same sentence
/// again would not be read.
pub fn announce(ctx: &Ctx, flow: &UseReducerHandle<Flow>, shown: Option<Shown>, nearest_m: Option<u32>) {
    let text = shown.as_ref().map(|(need, commune, ids)| {
        if let Some(host) = &ctx.config.host {
            crate::host::announce_orientation(host, need, commune, ids, nearest_m);
        }
        let count = ids.len().to_string();
        let same_question = flow.announced.as_ref().is_some_and(|(n, c, _)| n == need && c == commune);
        let first = ids.first().and_then(|id| ctx.bundle.0.directory.actors().iter().find(|a| &a.id == id));
        match first {
            None => ctx.text("ui.results.none"),
            Some(actor) if same_question => {
                ctx.render("ui.results.updated", &[("count", &count), ("first", &actor.name)])
            }
            Some(_) if ids.len() == 1 => ctx.text("ui.results.count-one"),
            Some(_) => ctx.render("ui.results.count", &[("count", &count)]),
        }
    });
    flow.dispatch(Action::Announce { shown, text });
}

/// The results of `outcome` (the "copied" mark is in the screen's reducer).
pub fn results(ctx: &Ctx, flow: &UseReducerHandle<Flow>, outcome: &Outcome) -> Html {
    let bundle = &ctx.bundle.0;
    match outcome {
        None => html! { <p class="note">{ ctx.text("ui.desk.choose") }</p> },
        Some(Err(error)) => {
            html! { <p role="alert">{ ctx.render("ui.error.orient", &[("error", &error.to_string())]) }</p> }
        }
        Some(Ok(Answer { orientation, profile, now })) => {
            let explainer =
                Explainer { taxonomy: &bundle.taxonomy, wording: &bundle.wording, lang: ctx.lang, now: *now };
            let link = crate::host::link_to(&ctx.config.fragment_key, &flow.answers.encode());
            // Sent by the resident's own phone or mail program: the widget itself sends nothing.
            let sms = sms_href(&short_text(ctx, orientation, profile, &explainer, &link));
            let slip = slip_text(ctx, orientation, profile, &explainer);
            let mail = mail_href(ctx, &slip, &link);
            let on_copy = {
                let flow = flow.clone();
                Callback::from(move |_| {
                    crate::host::copy_text(&slip);
                    flow.dispatch(Action::Copied);
                })
            };
            let host = ctx.config.host.clone();
            let on_print = Callback::from(move |_| crate::host::print(host.as_ref()));
            let nothing_local = orientation.notes.contains(&Note::NothingLocal);
            let items = orientation.recommendations.iter().enumerate().map(|(rank, rec)| {
                let actor = &bundle.directory.actors()[rec.actor];
                result_card(ctx, rank + 1, rec.actor, &reason_texts(&explainer, rec, actor))
            });
            html! {
                <div class="results">
                    <p class="results-for">{ results_for(ctx, profile) }</p>
                    { bring_list(ctx, profile) }
                    if nothing_local { <p class="note">{ ctx.text("ui.fallbacks.nothing-local") }</p> }
                    <ol class="result-list" part="results">{ for items }</ol>
                    { crate::map::map(ctx, orientation, profile) }
                    { fallbacks(ctx, orientation) }
                    <div class="slip-actions">
                        <button type="button" class="secondary" onclick={on_print}>{ ctx.text("ui.results.print") }</button>
                        <button type="button" class="secondary" onclick={on_copy}>{ ctx.text("ui.results.copy") }</button>
                        <a class="secondary" href={sms}>{ ctx.text("ui.results.sms") }</a>
                        <a class="secondary" href={mail}>{ ctx.text("ui.results.mail") }</a>
                        if flow.copied { <span class="note" role="status">{ ctx.text("ui.results.copied") }</span> }
                    </div>
                </div>
            }
        }
    }
}

fn reason_texts(explainer: &Explainer<'_>, rec: &aiguillage_engine::Recommendation, actor: &Actor) -> Vec<String> {
    rec.reasons.iter().map(|r| links::inert(&explainer.reason(*r, actor.hours.source_text()))).collect()
}

fn results_for(ctx: &Ctx, profile: &Profile) -> String {
    let bundle = &ctx.bundle.0;
    let need = bundle
        .taxonomy
        .need_id(&profile.need)
        .and_then(|id| bundle.taxonomy.need(id))
        .map_or("", |n| n.label.get(ctx.lang));
    let commune =
        bundle.communes.get(&profile.commune).map(|c| format!("{} ({})", c.name, c.departement)).unwrap_or_default();
    ctx.render("ui.results.for", &[("need", need), ("commune", &commune)])
}

/// What to bring: the sub-need's list, else its parent's.
fn bring(ctx: &Ctx, profile: &Profile) -> Vec<String> {
    let taxonomy = &ctx.bundle.0.taxonomy;
    let Some(id) = taxonomy.need_id(&profile.need) else { return Vec::new() };
    let own = taxonomy.need(id).map(|n| n.bring.get(ctx.lang).to_vec()).unwrap_or_default();
    if !own.is_empty() {
        return own;
    }
    taxonomy.parent(id).and_then(|p| taxonomy.need(p)).map(|n| n.bring.get(ctx.lang).to_vec()).unwrap_or_default()
}

fn bring_list(ctx: &Ctx, profile: &Profile) -> Html {
    let items = bring(ctx, profile);
    if items.is_empty() {
        return Html::default();
    }
    html! {
        <div class="bring">
            <@{heading(ctx)}>{ ctx.text("ui.results.bring") }</@>
            <ul>{ for items.iter().map(|item| html! { <li>{ item.clone() }</li> }) }</ul>
        </div>
    }
}

fn fallbacks(ctx: &Ctx, orientation: &Orientation) -> Html {
    let taxonomy = &ctx.bundle.0.taxonomy;
    let items = orientation
        .fallbacks
        .iter()
        .filter_map(|i| taxonomy.fallbacks.get(*i))
        .map(|f| fallback_item(ctx, &f.name, f.text.get(ctx.lang), f.phone.as_deref(), f.url.as_deref()));
    html! {
        <div class="fallbacks">
            <@{heading(ctx)}>{ ctx.text("ui.fallbacks.title") }</@>
            <ul>{ for items }</ul>
        </div>
    }
}

/// One national or regional contact, for when nothing local fits (or the data did not load).
fn fallback_item(ctx: &Ctx, name: &str, text: &str, phone: Option<&str>, url: Option<&str>) -> Html {
    let tel = phone.and_then(|phone| links::tel(phone).map(|href| (href, links::display_phone(phone))));
    let url = url.and_then(links::https);
    html! {
        <li>
            <strong>{ name.to_string() }</strong>{ " — " }{ text.to_string() }
            if let Some((href, shown)) = tel { { " " }<a href={href}>{ shown }</a> }
            if let Some(url) = url { { " " }{ new_tab_link(url.clone(), url, &ctx.text("ui.results.new-tab")) } }
        </li>
    }
}

/// One recommended actor, with its number in the list (the map's marks carry the same).
fn result_card(ctx: &Ctx, number: usize, actor_index: usize, reasons: &[String]) -> Html {
    let bundle = &ctx.bundle.0;
    let Some(actor) = bundle.directory.actors().get(actor_index) else { return Html::default() };
    let place = bundle.directory.place(actor_index);
    let address = actor.address();
    let new_tab = ctx.text("ui.results.new-tab");
    let phone = actor.phone.as_deref().and_then(|p| links::tel(p).map(|href| (href, links::display_phone(p))));
    let email = actor.email.as_deref().and_then(links::mailto);
    let booking = actor.booking_url.as_deref().and_then(links::https);
    let website = actor.website.as_deref().and_then(links::https);
    // The data is French: in an English widget, its names and addresses are marked so (RGAA 8.7).
    let french = (ctx.lang == aiguillage_engine::Lang::En).then_some("fr");
    html! {
        <li class="result" data-actor={actor.id.clone()} part="result">
            <@{heading(ctx)}><span class="rank">{ number }{ ". " }</span><span lang={french}>{ links::inert(&actor.name) }</span></@>
            <ul class="reasons">{ for reasons.iter().map(|r| html! { <li>{ r.clone() }</li> }) }</ul>
            if !address.is_empty() { <p class="address" lang={french}>{ links::inert(&address) }</p> }
            <p class="contact">
                if let Some((href, shown)) = phone {
                    <a class="call" href={href}>{ ctx.render("ui.results.call", &[("phone", &shown)]) }</a>
                }
                if let Some(href) = email {
                    <a {href}>{ ctx.text("ui.results.email") }</a>
                    // On paper, the address itself.
                    <span class="print-only">{ format!(" {}", actor.email.as_deref().unwrap_or_default()) }</span>
                }
                if let Some(point) = place { { new_tab_link(map_link(point), ctx.text("ui.results.map"), &new_tab) } }
                if let Some(href) = booking { { new_tab_link(href, ctx.text("ui.results.booking"), &new_tab) } }
                if let Some(href) = website { { new_tab_link(href, ctx.text("ui.results.website"), &new_tab) } }
                // Shown where the host opted in (`data-signalement`, the stylesheet); the loader
                // opens the form (issue #29): no code of the engine's for it.
                <button type="button" class="report">{ ctx.text("ui.results.report") }</button>
            </p>
        </li>
    }
}

/// The level of the results' own headings: under the step's question (h2) for a resident, under
/// "Lieux proposés" (h3) at the desk.
fn heading(ctx: &Ctx) -> &'static str {
    if ctx.config.mode == Mode::Desk {
        "h4"
    } else {
        "h3"
    }
}

/// A link that opens a new tab, and says so to screen readers.
fn new_tab_link(href: String, label: String, new_tab: &str) -> Html {
    html! {
        <a {href} target="_blank" rel="noopener noreferrer">
            { label }<span class="visually-hidden">{ format!(" {new_tab}") }</span>
        </a>
    }
}

/// An `sms:` link whose body is `text` (`?&body=` is read by Android and iOS alike).
fn sms_href(text: &str) -> String {
    format!("sms:?&body={}", links::percent_encoded(text))
}

/// The longest message sent by SMS, in septets: three parts of 153 in the default alphabet.
pub const SMS_MAX: usize = 459;

/// The orientation as a message the resident takes away by SMS: what was asked, the first places
/// with their phone and when they open, and the link that opens the answers again; written in
/// the SMS default alphabet (`links::gsm7`: one accent or French quote would send the whole
/// message as UCS-2, in more than twice the parts). Places that would not fit within
/// [`SMS_MAX`] are left out, and the message says how many; the link always stays.
pub fn short_text(
    ctx: &Ctx,
    orientation: &Orientation,
    profile: &Profile,
    explainer: &Explainer<'_>,
    link: &str,
) -> String {
    let actors = ctx.bundle.0.directory.actors();
    let mut text = links::gsm7(&results_for(ctx, profile));
    let places = &orientation.recommendations;
    for (rank, rec) in places.iter().enumerate() {
        let actor = &actors[rec.actor];
        let mut line = format!("\n{}. {}", rank + 1, links::inert(&actor.name));
        if let Some(phone) = &actor.phone {
            line.push_str(" - ");
            line.push_str(&links::display_phone(phone));
        }
        let opening = rec.reasons.iter().find(|r| matches!(r, Reason::OpenNow { .. } | Reason::NextOpening(_)));
        if let Some(reason) = opening {
            line.push_str(" - ");
            line.push_str(&explainer.reason(*reason, None));
        }
        let line = links::gsm7(&line);
        // Room for this place, and for saying how many more there are if it is not the last.
        let left_after = places.len() - rank - 1;
        let more = if left_after > 0 { more_places(ctx, left_after) } else { String::new() };
        let length = [&text, &line, &more, link].iter().map(|part| links::gsm7_length(part)).sum::<usize>() + 1;
        if length > SMS_MAX {
            text.push_str(&more_places(ctx, places.len() - rank));
            break;
        }
        text.push_str(&line);
    }
    text.push('\n');
    text.push_str(link);
    text
}

/// « Autres lieux sur le lien : 2 », in the default alphabet, on a line of its own.
fn more_places(ctx: &Ctx, count: usize) -> String {
    links::gsm7(&format!("\n{}", ctx.render("ui.results.sms-more", &[("count", &count.to_string())])))
}

/// The longest `mailto:` link written: some mail programs and browsers cut longer ones.
pub const MAIL_MAX: usize = 2000;

/// A `mailto:` link with the slip and the link that opens the answers again; a slip too long
/// for [`MAIL_MAX`] loses its last lines, and says the whole slip is at the link.
pub fn mail_href(ctx: &Ctx, slip: &str, link: &str) -> String {
    let href = |body: &str| {
        format!(
            "mailto:?subject={}&body={}",
            links::percent_encoded(&ctx.text("ui.results.slip-title")),
            links::percent_encoded(body)
        )
    };
    let whole = href(&format!("{slip}\n{link}"));
    if whole.len() <= MAIL_MAX {
        return whole;
    }
    // The slip cut at the end of a line, the longest that fits.
    let more = ctx.text("ui.results.mail-more");
    let ends: Vec<usize> = slip.char_indices().filter(|(_, c)| *c == '\n').map(|(at, _)| at).collect();
    for end in ends.into_iter().rev() {
        let cut = href(&format!("{}\n\n{more}\n{link}", &slip[..end]));
        if cut.len() <= MAIL_MAX {
            return cut;
        }
    }
    href(&format!("{more}\n{link}"))
}

/// The slip as plain text, for the case file or a message.
pub fn slip_text(ctx: &Ctx, orientation: &Orientation, profile: &Profile, explainer: &Explainer<'_>) -> String {
    let bundle = &ctx.bundle.0;
    let mut out = format!("{}\n{}\n", ctx.text("ui.results.slip-title"), results_for(ctx, profile));
    let bring = bring(ctx, profile);
    if !bring.is_empty() {
        // The label as the screen shows it, with the colon its language writes (« : » in French).
        let label = ctx.text("ui.results.bring");
        let colon = if ctx.lang == aiguillage_engine::Lang::En { ":" } else { " :" };
        out.push_str(&format!("\n{}{colon}\n", label.trim_end_matches([' ', ':'])));
        for item in bring {
            out.push_str(&format!("- {item}\n"));
        }
    }
    for (rank, rec) in orientation.recommendations.iter().enumerate() {
        let actor = &bundle.directory.actors()[rec.actor];
        out.push_str(&format!("\n{}. {}\n", rank + 1, links::inert(&actor.name)));
        let address = actor.address();
        if !address.is_empty() {
            out.push_str(&format!("   {}\n", links::inert(&address)));
        }
        if let Some(phone) = &actor.phone {
            out.push_str(&format!("   {}\n", links::display_phone(phone)));
        }
        for reason in reason_texts(explainer, rec, actor) {
            out.push_str(&format!("   - {reason}\n"));
        }
    }
    out
}

/// An OpenStreetMap link to a point (a link, not a request: nothing is loaded until clicked).
/// Degrees are written from the integer 1e-5 units: no float formatting code in the widget.
fn map_link(point: aiguillage_engine::geo::GeoPoint) -> String {
    let (lat, lon) = (degrees(point.lat_e5), degrees(point.lon_e5));
    format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}")
}

fn degrees(e5: i32) -> String {
    let sign = if e5 < 0 { "-" } else { "" };
    let abs = e5.unsigned_abs();
    format!("{sign}{}.{:05}", abs / 100_000, abs % 100_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_links_write_degrees_from_integers() {
        let point = aiguillage_engine::geo::GeoPoint { lat_e5: 4_564_840, lon_e5: -15 };
        assert_eq!(
            map_link(point),
            "https://www.openstreetmap.org/?mlat=45.64840&mlon=-0.00015#map=17/45.64840/-0.00015"
        );
    }
}
