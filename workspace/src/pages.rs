//! The workspace's pages: French, usable without JavaScript, no inline script or style (the
//! server's CSP forbids them), every value escaped by the template engine.

use maud::{html, Markup, DOCTYPE};

use crate::accounts::Account;
use crate::fields::{self, Field, Kind};
use crate::places::{Flag, Place};
use crate::store::Change;

/// Where the workspace lives on this server. Its pages write every address relative to it (with
/// a `<base>`), so that they work the same behind a proxy that serves them under a prefix
/// (`/aiguillage/espace/`).
pub const ROOT: &str = "/espace";

/// Where a page is: its address within the workspace (`lieux/ab12`, as asked) and the way from
/// it to the workspace's (`./`, `../`: its `<base>`).
pub struct Here {
    pub path: String,
    pub base: String,
}

impl Here {
    /// From the path the server was asked (`/espace/lieux/ab12`).
    pub fn of(path: &str) -> Here {
        let inside = path.strip_prefix(ROOT).unwrap_or(path);
        let Some(inside) = inside.strip_prefix('/') else {
            return Here { path: String::new(), base: "espace/".into() };
        };
        let depth = inside.matches('/').count();
        Here { path: inside.to_owned(), base: if depth == 0 { "./".into() } else { "../".repeat(depth) } }
    }

    /// A fragment of this page (with a `<base>`, `#x` alone would lead to the workspace's root).
    fn fragment(&self, id: &str) -> String {
        format!("{}#{id}", self.path)
    }
}

/// A page: its title, where it is, the signed-in account (with the token of the sign-out form),
/// its body.
pub fn page(title: &str, here: &Here, signed_in: Option<(&Account, &str)>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                base href=(here.base);
                title { (title) " — Espace de coordination Aiguillage" }
                link rel="stylesheet" href="espace.css";
                link rel="icon" href="favicon.svg" type="image/svg+xml";
            }
            body {
                a.skip href=(here.fragment("contenu")) { "Aller au contenu" }
                header {
                    p.brand { "Aiguillage — espace de coordination" }
                    @if let Some((account, csrf)) = signed_in {
                        nav aria-label="Espace" {
                            ul {
                                li { a href="lieux" { "Lieux" } }
                                li { a href="signalements" { "Signalements" } }
                                li { a href="tableau-de-bord" { "Tableau de bord" } }
                                li { a href="partage" { "Liens de partage" } }
                                li { a href="journal" { "Journal des modifications" } }
                                li { a href="publication" { "Publication" } }
                            }
                        }
                        form.sign-out method="post" action="deconnexion" {
                            input type="hidden" name="csrf" value=(csrf);
                            span { (account.name) " (" (account.territories.join(", ")) ")" }
                            " "
                            button type="submit" { "Se déconnecter" }
                        }
                    }
                }
                main id="contenu" tabindex="-1" { (body) }
            }
        }
    }
    .into_string()
}

/// `/espace/connexion`.
pub fn sign_in(csrf: &str, name: &str, message: Option<&str>) -> Markup {
    html! {
        h1 { "Connexion" }
        @if let Some(message) = message {
            p.error role="alert" id="erreur" { (message) }
        }
        form method="post" action="connexion" {
            input type="hidden" name="csrf" value=(csrf);
            p {
                label for="identifiant" { "Identifiant" }
                input id="identifiant" name="identifiant" type="text" autocomplete="username" required
                    value=(name) aria-describedby=[message.map(|_| "erreur")];
            }
            p {
                label for="mot-de-passe" { "Mot de passe" }
                input id="mot-de-passe" name="mot_de_passe" type="password" autocomplete="current-password" required;
            }
            p { button type="submit" { "Se connecter" } }
        }
    }
}

/// What the list of places is filtered by.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub epci: Option<String>,
    pub need: Option<String>,
    pub flag: Option<Flag>,
}

/// `/espace/lieux`: the count per flag, the filters, the places.
pub fn places(
    shown: &[&Place<'_>],
    all: &[Place<'_>],
    added: &[String],
    filters: &Filters,
    epcis: &[(String, String)],
    needs: &[(String, String)],
) -> Markup {
    let selected = |wanted: &Option<String>, code: &str| wanted.as_deref() == Some(code);
    html! {
        h1 { "Lieux" }
        p { (all.len()) " lieux dans vos territoires, tels que les habitants les voient." }
        p { a href="lieux/nouveau" { "Ajouter un lieu" } " qu'aucune source nationale ne connaît." }
        @if !added.is_empty() {
            h2 { "Lieux ajoutés, à publier" }
            ul { @for name in added { li { (name) } } }
        }
        h2 { "À vérifier" }
        ul.flags {
            @for flag in Flag::ALL {
                li {
                    a href={ "lieux?signal=" (flag.code()) } { (flag.label()) }
                    " : " (all.iter().filter(|p| p.flags.contains(&flag)).count())
                }
            }
        }
        form.filters method="get" action="lieux" {
            p {
                label for="epci" { "Intercommunalité" }
                select id="epci" name="epci" {
                    option value="" { "Toutes" }
                    @for (siren, name) in epcis {
                        option value=(siren) selected[selected(&filters.epci, siren)] { (name) }
                    }
                }
            }
            p {
                label for="besoin" { "Besoin" }
                select id="besoin" name="besoin" {
                    option value="" { "Tous" }
                    @for (code, label) in needs {
                        option value=(code) selected[selected(&filters.need, code)] { (label) }
                    }
                }
            }
            p {
                label for="signal" { "À vérifier" }
                select id="signal" name="signal" {
                    option value="" { "Tous les lieux" }
                    @for flag in Flag::ALL {
                        option value=(flag.code()) selected[filters.flag == Some(flag)] { (flag.label()) }
                    }
                }
            }
            p { button type="submit" { "Filtrer" } }
        }
        h2 id="liste" { (shown.len()) " lieux affichés" }
        @if !shown.is_empty() {
            table aria-labelledby="liste" {
                thead { tr { th scope="col" { "Lieu" } th scope="col" { "Commune" } th scope="col" { "À vérifier" } } }
                tbody {
                    @for place in shown {
                        tr {
                            td { a href={ "lieux/" (percent(&place.actor.id)) } { (place.actor.name) } }
                            td { (place.actor.commune_name.as_ref() as &str) }
                            td { (place.flags.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ")) }
                        }
                    }
                }
            }
        }
    }
}

/// One field of the correction form as shown: its current value and, after a refused
/// submission, what was typed and what was expected.
pub struct FieldState<'a> {
    pub field: &'a Field,
    pub value: String,
    pub error: Option<String>,
    /// The list fields' codes and labels.
    pub choices: Vec<(String, String)>,
}

/// What the place's page shows besides its fields.
pub struct PlacePage<'a> {
    pub place: &'a Place<'a>,
    pub fields: Vec<FieldState<'a>>,
    pub csrf: &'a str,
    /// The coming week of the hours shown.
    pub preview: Vec<String>,
    pub hidden: Option<String>,
    pub checked_on: Option<String>,
    /// « Corrections enregistrées » and the like, after a submission.
    pub notice: Option<String>,
    pub pending: Vec<(String, String)>,
    /// Corrected fields the sources now say otherwise: (field, the sources now, then).
    pub conflicts: Vec<(String, String, String)>,
}

/// `/espace/lieux/<id>`.
pub fn place(page: &PlacePage<'_>) -> Markup {
    let actor = page.place.actor;
    let action = format!("lieux/{}", percent(&actor.id));
    let errors = page.fields.iter().filter(|f| f.error.is_some()).count();
    html! {
        p { a href="lieux" { "← Tous les lieux" } }
        h1 { (actor.name) }
        p.meta { "Identifiant : " code { (actor.id) } " — source : " (actor.source.as_ref() as &str) }
        @if let Some(notice) = &page.notice {
            p.notice role="status" { (notice) }
        }
        @if errors > 0 {
            div.error role="alert" {
                p { (errors) " champ(s) à revoir :" }
                ul { @for state in page.fields.iter().filter(|f| f.error.is_some()) {
                    li { a href={ (action) "#" (state.field.code) } { (state.field.label) } }
                } }
            }
        }
        @if !page.conflicts.is_empty() {
            div.conflicts role="note" {
                h2 { "Corrections à revoir" }
                ul { @for (field, now, then) in &page.conflicts {
                    li {
                        strong { (fields::label(field)) } " : les sources disent maintenant « " (now) " » ; elles disaient « "
                        (then) " » quand ce champ a été corrigé. Votre correction reste appliquée : gardez-la, ou remettez la valeur des sources."
                    }
                } }
            }
        }
        @if !page.pending.is_empty() {
            h2 { "Corrections à publier" }
            ul { @for (field, value) in &page.pending { li { (fields::label(field)) " : " (value) } } }
        }
        form method="post" action=(action) {
            input type="hidden" name="csrf" value=(page.csrf);
            input type="hidden" name="action" value="corriger";
            h2 { "Corriger" }
            p { "Laissez un champ tel quel pour garder la valeur des sources nationales." }
            @for state in &page.fields {
                (field_input(state, &page.preview))
            }
            p { button type="submit" { "Enregistrer les corrections" } }
        }
        h2 { "Toujours exact ?" }
        form method="post" action=(action) {
            input type="hidden" name="csrf" value=(page.csrf);
            input type="hidden" name="action" value="confirmer";
            p {
                @if let Some(day) = &page.checked_on { "Vérifié le " (day) ". " }
                button type="submit" { "Toujours exact" }
            }
        }
        h2 { "Masquer ce lieu" }
        form method="post" action=(action) {
            input type="hidden" name="csrf" value=(page.csrf);
            @if let Some(reason) = &page.hidden {
                p { "Ce lieu est masqué : " (reason) }
                input type="hidden" name="action" value="afficher";
                p { button type="submit" { "Afficher de nouveau ce lieu" } }
            } @else {
                input type="hidden" name="action" value="masquer";
                p {
                    label for="raison" { "Raison (fermé, déménagé…)" }
                    input id="raison" name="raison" type="text" required maxlength="280";
                }
                p { button type="submit" { "Masquer ce lieu" } }
            }
        }
    }
}

/// `/espace/lieux/nouveau`: « Ajouter un lieu », every field a resident sees; where it is says
/// which of the account's départements it belongs to.
pub fn new_place(csrf: &str, fields: &[FieldState<'_>], preview: &[String]) -> Markup {
    let errors: Vec<&FieldState<'_>> = fields.iter().filter(|f| f.error.is_some()).collect();
    html! {
        p { a href="lieux" { "← Tous les lieux" } }
        h1 { "Ajouter un lieu" }
        p {
            "Un lieu qu'aucune source nationale ne connaît (un club, une permanence associative…). "
            "Le nom, au moins un besoin, le code postal et la commune sont nécessaires ; il sera proposé aux habitants après la prochaine publication."
        }
        @if !errors.is_empty() {
            div.error role="alert" {
                p { (errors.len()) " champ(s) à revoir :" }
                ul { @for state in &errors { li { a href={ "lieux/nouveau#" (state.field.code) } { (state.field.label) } } } }
            }
        }
        form method="post" action="lieux/nouveau" {
            input type="hidden" name="csrf" value=(csrf);
            @for state in fields { (field_input(state, preview)) }
            p { button type="submit" { "Ajouter ce lieu" } }
        }
    }
}

fn field_input(state: &FieldState<'_>, preview: &[String]) -> Markup {
    let field = state.field;
    let error_id = format!("{}-erreur", field.code);
    let described = state.error.as_ref().map(|_| error_id.clone());
    let error =
        html! { @if let Some(error) = &state.error { span.field-error id=(error_id) { "Attendu : " (error) } } };
    match field.kind {
        Kind::Needs | Kind::Modes | Kind::Publics | Kind::Supports => {
            let chosen: Vec<&str> = state.value.split(',').collect();
            html! {
                fieldset id=(field.code) aria-describedby=[described] {
                    legend { (field.label) }
                    (error)
                    // Present even when no box is ticked: « none » is then told from « not in this form ».
                    input type="hidden" name=(field.code) value="";
                    @for (code, label) in &state.choices {
                        @let id = format!("{}-{code}", field.code);
                        span.choice {
                            input type="checkbox" id=(id) name=(field.code) value=(code) checked[chosen.contains(&code.as_str())];
                            label for=(id) { (label) }
                        }
                    }
                }
            }
        }
        Kind::Hours => html! {
            p {
                label for=(field.code) { (field.label) " (format OpenStreetMap)" }
                (error)
                textarea id=(field.code) name=(field.code) rows="3" aria-describedby=[described.as_deref().or(Some("semaine"))] { (state.value) }
            }
            @if !preview.is_empty() {
                div id="semaine" {
                    p { "Les sept prochains jours avec ces horaires :" }
                    ul { @for day in preview { li { (day) } } }
                }
            }
        },
        _ => {
            let kind = match field.kind {
                Kind::Phone => "tel",
                Kind::Email => "email",
                Kind::Link => "url",
                _ => "text",
            };
            html! {
                p {
                    label for=(field.code) { (field.label) }
                    (error)
                    input id=(field.code) name=(field.code) type=(kind) value=(state.value) aria-invalid=[state.error.as_ref().map(|_| "true")] aria-describedby=[described];
                }
            }
        }
    }
}

/// `/espace/journal`.
pub fn journal(changes: &[Change], time: impl Fn(i64) -> String) -> Markup {
    html! {
        h1 { "Journal des modifications" }
        p { a href="journal.csv" { "Télécharger le journal (CSV)" } }
        @if changes.is_empty() {
            p { "Aucune modification pour le moment." }
        } @else {
            table {
                caption { "Les " (changes.len()) " dernières modifications" }
                thead { tr {
                    th scope="col" { "Quand" } th scope="col" { "Qui" } th scope="col" { "Lieu" }
                    th scope="col" { "Champ" } th scope="col" { "Avant" } th scope="col" { "Après" }
                } }
                tbody { @for change in changes { tr {
                    td { (time(change.at)) }
                    td { (change.account) }
                    td { a href={ "lieux/" (percent(&change.place)) } { (change.place) } }
                    td { (fields::label(&change.field)) }
                    td { (change.before) }
                    td { (change.after) }
                } } }
            }
        }
    }
}

/// A place's reports, as the queue shows them.
pub struct ReportedPlace<'a> {
    pub id: &'a str,
    /// Its name now, if it is still served.
    pub name: Option<&'a str>,
    pub reports: Vec<&'a crate::store::StoredReport>,
}

/// `/espace/signalements`: the open reports grouped by place, each with the way to correct the
/// place and to mark it resolved; then the resolved ones.
pub fn reports(
    csrf: &str,
    open: &[ReportedPlace<'_>],
    resolved: &[ReportedPlace<'_>],
    time: impl Fn(i64) -> String,
) -> Markup {
    let kind = |code: &str| crate::reports::Kind::from_code(code).map_or("Autre", |k| k.label());
    html! {
        h1 { "Signalements" }
        p { "Ce que les habitants et les travailleurs sociaux ont signalé depuis le widget. Rien ne permet de savoir qui l'a envoyé." }
        h2 { "À traiter (" (open.iter().map(|p| p.reports.len()).sum::<usize>()) ")" }
        @if open.is_empty() { p { "Aucun signalement à traiter." } }
        @for place in open {
            section.reported aria-labelledby={ "lieu-" (percent(place.id)) } {
                h3 id={ "lieu-" (percent(place.id)) } { (place.name.unwrap_or(place.id)) }
                p { a href={ "lieux/" (percent(place.id)) } { "Corriger ce lieu" } }
                ul { @for report in &place.reports {
                    li {
                        (report.day) " — " strong { (kind(&report.kind)) }
                        @if !report.text.is_empty() { " : " q { (report.text) } }
                        form.inline method="post" action="signalements" {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="signalement" value=(report.id);
                            " " button type="submit" { "Marquer comme traité" }
                        }
                    }
                } }
            }
        }
        @if !resolved.is_empty() {
            h2 { "Traités" }
            ul { @for place in resolved { @for report in &place.reports {
                li {
                    (place.name.unwrap_or(place.id)) " — " (report.day) " — " (kind(&report.kind))
                    @if let Some((who, when)) = &report.resolved { " : traité par " (who) " le " (time(*when)) }
                }
            } } }
        }
    }
}

/// `/espace/partage`: the dashboard's share links of the account's territories — a new one
/// shown once, in full —, each revocable.
pub fn share_links(
    csrf: &str,
    territories: &[String],
    links: &[crate::store::ShareLink],
    created: Option<(&str, &str)>,
    time: impl Fn(i64) -> String,
) -> Markup {
    html! {
        h1 { "Liens de partage du tableau de bord" }
        p {
            "Le tableau de bord est réservé aux coordinateurs connectés. Pour un élu qui ne se connecte pas, "
            "créez un lien : il ouvre le tableau de bord d'un département, sans compte, jusqu'à ce que vous le révoquiez."
        }
        @if let Some((territory, token)) = created {
            div.notice role="status" {
                p { "Nouveau lien pour le département " (territory) " ; copiez-le maintenant, il ne sera plus affiché :" }
                p { a.share href={ "../tableau-de-bord?territoire=" (territory) "&partage=" (token) } { "Tableau de bord du département " (territory) } }
            }
        }
        form method="post" action="partage" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="action" value="creer";
            p {
                label for="territoire" { "Département" }
                select id="territoire" name="territoire" { @for code in territories { option value=(code) { (code) } } }
            }
            p { button type="submit" { "Créer un lien de partage" } }
        }
        h2 { "Liens existants" }
        @if links.is_empty() { p { "Aucun lien pour le moment." } } @else {
            table {
                thead { tr { th scope="col" { "Département" } th scope="col" { "Créé" } th scope="col" { "État" } } }
                tbody { @for link in links { tr {
                    td { (link.territory) }
                    td { (time(link.created_at)) " par " (link.created_by) }
                    td {
                        @if let Some(revoked) = link.revoked_at { "révoqué le " (time(revoked)) } @else {
                            form.inline method="post" action="partage" {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="action" value="revoquer";
                                input type="hidden" name="lien" value=(link.id);
                                "actif " button type="submit" { "Révoquer" }
                            }
                        }
                    }
                } } }
            }
        }
    }
}

/// What a publication asked from the workspace gave.
pub struct Published {
    pub dry_run: bool,
    pub ok: bool,
    /// The report of `aiguillage publish`.
    pub report: String,
}

/// `/espace/publication`: the corrections waiting, what the next publication would change, the
/// button that publishes.
pub fn publication(csrf: &str, configured: bool, pending: usize, outcome: Option<&Published>) -> Markup {
    html! {
        h1 { "Publication" }
        p { (pending) " correction(s) dans vos territoires ; chaque publication les applique aux données des sources." }
        @if !configured {
            p role="status" {
                "La publication automatique n'est pas configurée sur ce serveur (section [publish] de sa configuration) : "
                "les corrections seront appliquées par la prochaine commande « aiguillage publish » qui lit leur fichier."
            }
        } @else {
            @if let Some(outcome) = outcome {
                h2 id="rapport" {
                    @if outcome.dry_run { "Ce que la prochaine publication changerait" }
                    @else if outcome.ok { "Publié : les habitants ont les nouvelles données" }
                    @else { "La publication n'a pas abouti" }
                }
                @if !outcome.ok { p.error role="alert" { "Les données en ligne restent celles d'avant. Le rapport dit pourquoi." } }
                pre.report tabindex="0" aria-labelledby="rapport" { (outcome.report) }
            }
            form method="post" action="publication" {
                input type="hidden" name="csrf" value=(csrf);
                p {
                    button type="submit" name="action" value="prevoir" { "Voir ce que la prochaine publication changerait" }
                    " "
                    button type="submit" name="action" value="publier" { "Publier maintenant" }
                }
            }
            p { "Une publication télécharge les sources, les vérifie et met en ligne tous les départements d'un coup ; elle peut prendre quelques minutes." }
        }
    }
}

/// A page that says what went wrong, with a way back.
pub fn problem(message: &str) -> Markup {
    html! {
        h1 { "Impossible" }
        p role="alert" { (message) }
        p { a href="lieux" { "Retour aux lieux" } }
    }
}

/// An id in a path: letters, digits and `-_.~` as they are, the rest percent-encoded.
pub fn percent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
