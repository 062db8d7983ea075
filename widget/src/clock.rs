//! The time answers are computed at: a fixed local time (`data-now`, for demonstrations and
//! tests), or the browser's clock read as the resident's commune's local time.

use aiguillage_engine::calendar::Calendar;
use aiguillage_engine::LocalDateTime;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Now {
    /// A local time, taken as the resident's whatever their commune.
    Fixed(LocalDateTime),
    /// Seconds since the Unix epoch, from the browser, when the widget started.
    Unix(i64),
}

impl Now {
    /// The configured instant, else the browser's clock (a valid `data-now` wins).
    pub fn read(fixed: Option<&str>) -> Now {
        match fixed.and_then(LocalDateTime::parse) {
            Some(fixed) => Now::Fixed(fixed),
            None => Now::Unix((js_sys::Date::now() / 1000.0) as i64),
        }
    }

    /// The resident's local time: in the time zone of their commune (La Réunion is three or
    /// four hours ahead of Paris; the engine knows each commune's zone).
    pub fn local(self, commune: &str) -> LocalDateTime {
        match self {
            Now::Fixed(fixed) => fixed,
            Now::Unix(seconds) => Calendar::of_insee(commune).zone.local_from_unix(seconds),
        }
    }
}
