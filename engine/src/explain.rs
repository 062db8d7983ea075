//! Reasons and vocabulary values in words, in the resident's language.

use crate::calendar::LocalDateTime;
use crate::orient::{Contacts, Locality, Reason};
use crate::taxonomy::{Lang, Taxonomy};
use crate::vocab::{Public, Support};
use crate::wording::Wording;

/// Says things in one language, relative to one instant ("demain, 9 h").
#[derive(Clone, Copy)]
pub struct Explainer<'a> {
    pub taxonomy: &'a Taxonomy,
    pub wording: &'a Wording,
    pub lang: Lang,
    pub now: LocalDateTime,
}

impl Explainer<'_> {
    pub fn reason(&self, reason: Reason, hours_text: Option<&str>) -> String {
        let w = self.wording;
        let key = format!("reason.{}", reason.code());
        match reason {
            Reason::OffersNeed(need) => {
                let label = self.taxonomy.need(need).map_or("", |n| n.label.get(self.lang));
                w.render(&key, self.lang, &[("need", label)])
            }
            Reason::Support(support) => w.render(&key, self.lang, &[("support", &self.support(support))]),
            Reason::Public(public) => w.render(&key, self.lang, &[("public", &self.public(public))]),
            Reason::Distance { metres } => {
                if metres < 1000 {
                    w.render("reason.distance-near", self.lang, &[])
                } else {
                    w.render(&key, self.lang, &[("km", &((metres + 500) / 1000).to_string())])
                }
            }
            Reason::OpenNow { until: Some(until) } => {
                w.render(&key, self.lang, &[("time", &self.wording.time(until.minute, self.lang))])
            }
            Reason::OpenNow { until: None } => w.render("reason.open-now-unknown-end", self.lang, &[]),
            Reason::NextOpening(at) => w.render(&key, self.lang, &[("when", &self.when(at))]),
            Reason::HoursAsWritten => w.render(&key, self.lang, &[("hours", hours_text.unwrap_or(""))]),
            Reason::Remote(contacts) => {
                let means = self.means(contacts);
                if means.is_empty() {
                    w.render("reason.remote-unknown-means", self.lang, &[])
                } else {
                    w.render(&key, self.lang, &[("means", &means)])
                }
            }
            Reason::DataAge { year } => w.render(&key, self.lang, &[("year", &year.to_string())]),
            Reason::Checked(date) => w.render(&key, self.lang, &[("when", &w.date(date, self.lang))]),
            // Never "call" when there is no number: the first way there is to ask.
            Reason::HoursUnknown(contacts) => {
                let way = match contacts {
                    Contacts { phone: true, .. } => "reason.hours-unknown",
                    Contacts { email: true, .. } => "reason.hours-unknown-email",
                    Contacts { online: true, .. } => "reason.hours-unknown-online",
                    _ => "reason.hours-unknown-no-contact",
                };
                w.render(way, self.lang, &[])
            }
            Reason::Locality(Locality::Remote) | Reason::Locality(_) => w.render(&key, self.lang, &[]),
            Reason::AidantsConnect
            | Reason::ActsForYou
            | Reason::FranceServices
            | Reason::Workshop
            | Reason::Individual
            | Reason::FreeAccessDevices
            | Reason::Itinerant
            | Reason::ForResidents(_)
            | Reason::OpenToAll
            | Reason::AlsoRemote => w.render(&key, self.lang, &[]),
        }
    }

    /// "by phone or by e-mail": the ways of reaching remote help, in the resident's words.
    fn means(&self, contacts: Contacts) -> String {
        let mut means = String::new();
        for (has, key) in
            [(contacts.phone, "means.phone"), (contacts.email, "means.email"), (contacts.online, "means.online")]
        {
            if has {
                if !means.is_empty() {
                    means.push_str(self.wording.text("means.or", self.lang));
                }
                means.push_str(self.wording.text(key, self.lang));
            }
        }
        means
    }

    pub fn when(&self, at: LocalDateTime) -> String {
        self.wording.when(at, self.now, self.lang)
    }

    pub fn support(&self, support: Support) -> String {
        self.wording.text(&format!("support.{}", support.code()), self.lang).to_string()
    }

    pub fn public(&self, public: Public) -> String {
        self.wording.text(&format!("public.{}", public.code()), self.lang).to_string()
    }
}
