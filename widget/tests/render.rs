//! Every state of the widget's screens, rendered natively with Yew's server renderer, on the
//! real wording and taxonomy and a few actors placed on the real commune reference.

use std::rc::Rc;

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::taxonomy::NeedSet;
use aiguillage_engine::vocab::{Autonomy, Mode as ActorMode, Programme, Public, Support};
use aiguillage_engine::{Actor, Directory, Lang, LocalDateTime};
use aiguillage_import::{project, reference};
use aiguillage_widget::clock::Now;
use aiguillage_widget::config::{Config, Mode};
use aiguillage_widget::context::{BundleRef, Ctx};
use aiguillage_widget::desk::desk;
use aiguillage_widget::flow::resident_flow;
use aiguillage_widget::fragment::Answers;
use aiguillage_widget::reducer::{Flow, Step};
use aiguillage_widget::results::{outcome, short_text, SMS_MAX};
use yew::prelude::*;
use yew::LocalServerRenderer;

fn bundle() -> BundleRef {
    let (taxonomy, wording, rules) = project::shipped().expect("shipped data");
    let france = reference::france();
    let charente: Vec<_> = france.iter().filter(|c| c.departement == "16").cloned().collect();
    let communes = aiguillage_engine::Communes::new(charente, france.epcis().to_vec());
    let need = |code: &str| taxonomy.need_id(code).expect("need");
    let mut aidants = Actor::new("aidants-ruffec", "Maison France Services de Ruffec");
    aidants.insee = Some("16292".into());
    aidants.needs = NeedSet::default();
    aidants.needs.insert(need("demarches"));
    aidants.modes.insert(ActorMode::Individuel);
    aidants.programmes.insert(Programme::AidantsConnect);
    aidants.programmes.insert(Programme::FranceServices);
    aidants.phone = Some("+33545896163".into());
    aidants.street = "22 rue Gambetta".into();
    aidants.postal_code = "16700".into();
    aidants.commune_name = "Ruffec".into();
    aidants.booking_url = Some("javascript:alert(1)".into());
    let mut atelier = Actor::new("atelier-cognac", "Médiathèque <b>de</b> Cognac \u{202E}evil");
    atelier.insee = Some("16102".into());
    atelier.needs.insert(need("bases-numeriques"));
    atelier.modes.insert(ActorMode::Atelier);
    atelier.supports.insert(Support::Surdite);
    atelier.publics.insert(Public::Seniors);
    atelier.website = Some("https://mediatheque.example".into());
    let directory = Directory::new(vec![aidants, atelier], &communes);
    BundleRef(Rc::new(Bundle {
        territory: "16".into(),
        territory_name: "Charente".into(),
        built_on: aiguillage_engine::Date::parse("2026-11-30").unwrap(),
        communes,
        taxonomy,
        wording,
        rules,
        directory,
    }))
}

fn ctx(mode: Mode, lang: Lang) -> Ctx {
    let config = Config::unhosted("data/default.bin", lang, mode);
    Ctx {
        bundle: bundle(),
        config,
        lang,
        id_prefix: "aiguillage".into(),
        now: Now::Fixed(LocalDateTime::parse("2026-12-01T10:00").unwrap()),
        found: None,
    }
}

#[derive(Properties)]
struct HarnessProps {
    ctx: Ctx,
    step: Step,
    answers: Answers,
}

impl PartialEq for HarnessProps {
    fn eq(&self, other: &Self) -> bool {
        self.ctx.bundle == other.ctx.bundle && self.step == other.step && self.answers == other.answers
    }
}

#[function_component(Harness)]
fn harness(props: &HarnessProps) -> Html {
    // As a link to that step would start the widget.
    let answers = Answers { step: Some(props.step.code().to_string()), ..props.answers.clone() };
    let start = Flow::start(answers, None);
    assert_eq!(start.step, props.step, "the answers given reach the step");
    let flow = use_reducer(move || start);
    let outcome = outcome(&props.ctx, &flow);
    match props.ctx.config.mode {
        Mode::Resident => resident_flow(&props.ctx, &flow, &outcome),
        Mode::Desk => desk(&props.ctx, &flow, &outcome),
    }
}

fn render(mode: Mode, lang: Lang, step: Step, answers: Answers) -> String {
    let props = HarnessProps { ctx: ctx(mode, lang), step, answers };
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(LocalServerRenderer::<Harness>::with_props(props).hydratable(false).render())
}

fn answers(need: &str, commune: &str) -> Answers {
    Answers { need: Some(need.into()), commune: Some(commune.into()), ..Answers::default() }
}

#[test]
fn need_step_lists_top_level_needs_and_the_senior_entry() {
    let html = render(Mode::Resident, Lang::Fr, Step::Need, Answers::default());
    assert!(html.contains("De quoi avez-vous besoin ?"), "{html}");
    assert!(html.contains(r#"data-need="demarches""#));
    assert!(!html.contains(r#"data-need="demarches-impots""#), "sub-needs wait for the detail step");
    assert!(html.contains(r#"aria-pressed="false""#));
    assert!(html.contains("Étape 1 sur 4"));
}

#[test]
fn senior_path_is_pressed_and_said() {
    let seniors = Answers { publics: [Public::Seniors].into_iter().collect(), ..Answers::default() };
    let html = render(Mode::Resident, Lang::Fr, Step::Need, seniors);
    assert!(html.contains(r#"aria-pressed="true""#));
    assert!(html.contains("Parcours senior"));
}

#[test]
fn detail_step_offers_sub_needs_and_something_else() {
    let html = render(
        Mode::Resident,
        Lang::Fr,
        Step::Detail,
        Answers { need: Some("demarches".into()), ..Answers::default() },
    );
    assert!(html.contains(r#"data-need="demarches-impots""#));
    assert!(html.contains(r#"data-need="any""#));
    // The precision is part of the first step: the total stays 4.
    assert!(html.contains("Étape 1 sur 4"));
}

#[test]
fn commune_step_has_a_labelled_search_field() {
    let html =
        render(Mode::Resident, Lang::Fr, Step::Commune, Answers { need: Some("emploi".into()), ..Answers::default() });
    assert!(html.contains(r#"<label for="aiguillage-commune">"#), "{html}");
    assert!(html.contains(r#"id="aiguillage-commune""#));
    assert!(html.contains("Retour"));
}

#[test]
fn situation_step_asks_only_what_changes_the_answer() {
    let html = render(Mode::Resident, Lang::Fr, Step::Situation, answers("demarches", "16292"));
    for id in ["aiguillage-autonomy-for-me", "aiguillage-travel-no", "aiguillage-support-surdite"] {
        assert!(html.contains(&format!(r#"id="{id}""#)), "{id} in {html}");
    }
    assert!(!html.contains("aiguillage-public-seniors"), "publics are set by the senior entry, not asked again");
}

#[test]
fn results_show_reasons_contacts_and_what_to_bring() {
    let mut for_me = answers("demarches-impots", "16292");
    for_me.autonomy = Some(Autonomy::ForMe);
    let html = render(Mode::Resident, Lang::Fr, Step::Results, for_me);
    assert!(html.contains("Maison France Services de Ruffec"));
    assert!(html.contains("Habilité Aidants Connect"));
    assert!(html.contains(r#"href="tel:+33545896163""#));
    assert!(html.contains("05 45 89 61 63"));
    assert!(html.contains("À apporter"));
    assert!(!html.contains("javascript:"), "an unsafe booking link is never rendered");
    assert!(html.contains("Imprimer la fiche") && html.contains("Copier en texte"));
    // Taken away by the resident's own phone or mail program: links, nothing sent by the widget.
    assert!(html.contains(r#"href="sms:?&amp;body="#), "{html}");
    assert!(html.contains(r#"href="mailto:?subject=Fiche%20d%27orientation&amp;body="#), "{html}");
}

#[test]
fn the_message_taken_away_fits_three_sms_in_every_language() {
    // A link as long as a host's page address with a widget id and every answer can make it.
    let link = format!("https://www.mairie-exemple.fr/services/aide-numerique/{}#aiguillage-orientation=step.results~need.demarches-impots~commune.16292~autonomy.for-me~support.surdite~travel.no", "x".repeat(120));
    for lang in Lang::ALL {
        let ctx = ctx(Mode::Resident, lang);
        let mut answers = answers("demarches-impots", "16292");
        answers.step = Some("results".into());
        let flow = Flow::start(answers, None);
        let Some(Ok(answer)) = outcome(&ctx, &flow) else { panic!("an answer") };
        let bundle = &ctx.bundle.0;
        let explainer = aiguillage_engine::explain::Explainer {
            taxonomy: &bundle.taxonomy,
            wording: &bundle.wording,
            lang,
            now: answer.now,
        };
        // The mail link within what mail programs take, the link kept, the cut said.
        let mail = aiguillage_widget::results::mail_href(&ctx, &"Une ligne de la fiche\n".repeat(80), &link);
        assert!(mail.len() <= aiguillage_widget::results::MAIL_MAX, "{lang:?}: {} characters", mail.len());
        assert!(mail.ends_with(&aiguillage_engine::links::percent_encoded(&link)), "the link stays: {mail}");
        let short_slip = aiguillage_widget::results::mail_href(&ctx, "Fiche", &link);
        assert!(!short_slip.contains("%0A%0A"), "a short slip is sent whole: {short_slip}");
        // The slip's words: one colon, as the language writes it.
        let slip = aiguillage_widget::results::slip_text(&ctx, &answer.orientation, &answer.profile, &explainer);
        assert!(!slip.contains(": :") && (lang != Lang::En || !slip.contains(" :")), "{lang:?}: {slip}");
        let text = short_text(&ctx, &answer.orientation, &answer.profile, &explainer, &link);
        // In the default alphabet (any other character sends it as UCS-2), within three parts.
        assert_eq!(aiguillage_engine::links::gsm7(&text), text, "{lang:?}: only GSM-7 characters");
        let septets = aiguillage_engine::links::gsm7_length(&text);
        assert!(septets <= SMS_MAX, "{lang:?}: {septets} septets\n{text}");
        assert!(text.ends_with(&link), "the link always stays: {text}");
        assert!(text.contains("1. Maison France Services de Ruffec - 05 45 89 61 63"), "{lang:?}: {text}");
        // What does not fit is said, not dropped silently.
        let said_when_left_out = |text: &str| {
            let shown = text
                .lines()
                .filter(|line| line.split_once(". ").is_some_and(|(n, _)| n.parse::<usize>().is_ok()))
                .count();
            let left = answer.orientation.recommendations.len() - shown;
            left == 0
                || text
                    .lines()
                    .any(|line| line.ends_with(&format!(": {left}")) || line.ends_with(&format!(": {left}.")))
        };
        assert!(said_when_left_out(&text), "{lang:?}: {text}");
        // A link that leaves room for one place at most: the others go, said; the link stays.
        let long = "y".repeat(SMS_MAX - 120);
        let short = short_text(&ctx, &answer.orientation, &answer.profile, &explainer, &long);
        assert!(aiguillage_engine::links::gsm7_length(&short) <= SMS_MAX && short.ends_with(&long), "{short}");
        assert!(said_when_left_out(&short), "{lang:?}: {short}");
        let tiny = short_text(&ctx, &answer.orientation, &answer.profile, &explainer, &"z".repeat(SMS_MAX - 60));
        assert!(
            !tiny.contains("1. ") && said_when_left_out(&tiny),
            "no place fits: all said to be at the link: {tiny}"
        );
    }
}

#[test]
fn hostile_names_render_inert() {
    let html = render(Mode::Resident, Lang::Fr, Step::Results, answers("bases-numeriques", "16102"));
    assert!(html.contains("Médiathèque &lt;b&gt;de&lt;/b&gt; Cognac"), "markup is text: {html}");
    assert!(!html.contains('\u{202E}'), "bidi controls are removed");
}

#[test]
fn nothing_local_says_so_and_gives_national_fallbacks() {
    let html = render(Mode::Resident, Lang::Fr, Step::Results, answers("entreprise", "16292"));
    assert!(html.contains("Aucun lieu proche ne propose cette aide"), "{html}");
    // The need's own national contact first, then those for every need.
    let own = html.find("Conseillers-Entreprises").expect("the business contact");
    let general = html.find("France Services").expect("a contact for every need");
    assert!(own < general, "{html}");
    assert!(!html.contains("17Cyber"), "another need's contact is not given: {html}");
}

#[test]
fn english_and_falc_speak_their_language() {
    let en = render(Mode::Resident, Lang::En, Step::Need, Answers::default());
    assert!(en.contains("What do you need help with?"));
    let falc = render(Mode::Resident, Lang::FrFalc, Step::Need, Answers::default());
    assert!(falc.contains("J'ai besoin d'aide pour quoi ?"));
}

#[test]
fn desk_shows_every_criterion_and_invites_to_choose() {
    let html = render(Mode::Desk, Lang::Fr, Step::Need, Answers::default());
    assert!(html.contains("<select"));
    assert!(html.contains("aiguillage-public-seniors"), "the desk asks for publics");
    assert!(html.contains("Choisissez un besoin et une commune."));
}

#[test]
fn desk_with_need_and_commune_shows_results() {
    let html = render(Mode::Desk, Lang::Fr, Step::Need, answers("demarches", "16292"));
    assert!(html.contains("Changer de commune"));
    assert!(html.contains("Maison France Services de Ruffec"));
}
