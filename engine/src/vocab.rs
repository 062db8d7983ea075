//! The closed vocabularies of a situation and of an actor, with their stable codes.
//!
//! Codes are what travels (URL fragment, CLI flags, bundle); labels live in the wording data.

/// Declares a closed vocabulary: an enum, its stable codes, and a bit per value for [`Set`].
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The codes, for error messages that say what was expected.
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
            }
        }

        impl Member for $name {
            fn bit(self) -> u32 { 1 << (self as u8) }
            fn all() -> &'static [Self] { Self::ALL }
        }
    };
}

vocabulary! {
    /// How the resident wants to be helped.
    Autonomy { Learn = "learn", Help = "help", ForMe = "for-me", }
}

vocabulary! {
    /// Publics an actor declares it specifically welcomes.
    Public { Seniors = "seniors", Jeunes = "jeunes", Etudiants = "etudiants", Familles = "familles", Femmes = "femmes", }
}

vocabulary! {
    /// Specific support (prise en charge spécifique).
    Support {
        Surdite = "surdite",
        HandicapMoteur = "handicap-moteur",
        HandicapMental = "handicap-mental",
        Illettrisme = "illettrisme",
        LangueAnglais = "langue-anglais",
        LangueAutre = "langue-autre",
        DeficienceVisuelle = "deficience-visuelle",
    }
}

vocabulary! {
    /// How an actor accompanies (modalités d'accompagnement).
    Mode {
        Autonomie = "autonomie",
        Individuel = "individuel",
        Atelier = "atelier",
        ADistance = "a-distance",
        AMaPlace = "a-ma-place",
    }
}

vocabulary! {
    /// National programmes and labels that change what an actor may do for a resident.
    Programme {
        AidantsConnect = "aidants-connect",
        FranceServices = "france-services",
        ConseillerNumerique = "conseiller-numerique",
        Aptic = "aptic",
        PointNumeriqueCaf = "point-numerique-caf",
        EmmausConnect = "emmaus-connect",
        CroixRouge = "croix-rouge",
        FranceTravail = "france-travail",
        MissionLocale = "mission-locale",
        Ccas = "ccas",
        Bibliotheque = "bibliotheque",
        ChambreConsulaire = "chambre-consulaire",
    }
}

vocabulary! {
    /// What using an actor costs.
    Fee { Gratuit = "gratuit", GratuitSousCondition = "gratuit-sous-condition", Payant = "payant", Adhesion = "adhesion", PassNumerique = "pass-numerique", }
}

/// A value of a closed vocabulary, representable as one bit.
pub trait Member: Copy + 'static {
    fn bit(self) -> u32;
    fn all() -> &'static [Self];
}

/// A small set of vocabulary values, one bit each.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Set<T> {
    bits: u32,
    marker: std::marker::PhantomData<T>,
}

impl<T: Member> Set<T> {
    pub const fn empty() -> Self {
        Self { bits: 0, marker: std::marker::PhantomData }
    }

    /// Keeps only the bits that name a value, so a corrupt bundle cannot invent one.
    pub fn from_bits(bits: u32) -> Self {
        let known = T::all().iter().fold(0, |acc, v| acc | v.bit());
        Self { bits: bits & known, marker: std::marker::PhantomData }
    }

    pub fn bits(self) -> u32 {
        self.bits
    }

    pub fn insert(&mut self, value: T) {
        self.bits |= value.bit();
    }

    pub fn remove(&mut self, value: T) {
        self.bits &= !value.bit();
    }

    /// Adds the value when absent, removes it when present (a checkbox).
    pub fn toggle(&mut self, value: T) {
        self.bits ^= value.bit();
    }

    pub fn contains(self, value: T) -> bool {
        self.bits & value.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.bits == 0
    }

    pub fn intersection(self, other: Self) -> Self {
        Self { bits: self.bits & other.bits, marker: std::marker::PhantomData }
    }

    pub fn iter(self) -> impl Iterator<Item = T> {
        T::all().iter().copied().filter(move |v| self.contains(*v))
    }
}

impl<T: Member> Default for Set<T> {
    fn default() -> Self {
        Self::empty()
    }
}

impl<T: Member> FromIterator<T> for Set<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = Self::empty();
        for value in iter {
            set.insert(value);
        }
        set
    }
}

impl<T: Member> Extend<T> for Set<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for value in iter {
            self.insert(value);
        }
    }
}

impl<T: Member + std::fmt::Debug> std::fmt::Debug for Set<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for support in Support::ALL {
            assert_eq!(Support::from_code(support.code()), Some(*support));
        }
        assert_eq!(Autonomy::from_code("for-me"), Some(Autonomy::ForMe));
        assert_eq!(Autonomy::from_code("pour-moi"), None);
    }

    #[test]
    fn sets_ignore_unknown_bits() {
        let set = Set::<Autonomy>::from_bits(u32::MAX);
        assert_eq!(set.iter().count(), Autonomy::ALL.len());
    }
}
