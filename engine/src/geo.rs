//! Points on the map and the distance between them.

/// A WGS84 point, stored in 1e-5 degrees (about 1 m): compact in a bundle and exactly comparable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GeoPoint {
    pub lat_e5: i32,
    pub lon_e5: i32,
}

impl GeoPoint {
    /// Returns `None` for coordinates that are not numbers or are off the globe.
    pub fn from_degrees(lat: f64, lon: f64) -> Option<Self> {
        if !lat.is_finite() || !lon.is_finite() || lat.abs() > 90.0 || lon.abs() > 180.0 {
            return None;
        }
        Some(Self { lat_e5: (lat * 1e5).round() as i32, lon_e5: (lon * 1e5).round() as i32 })
    }

    pub fn lat(self) -> f64 {
        f64::from(self.lat_e5) / 1e5
    }

    pub fn lon(self) -> f64 {
        f64::from(self.lon_e5) / 1e5
    }

    /// Great-circle distance in metres (haversine; good to a few metres at French scales).
    pub fn distance_m(self, other: GeoPoint) -> u32 {
        const EARTH_RADIUS_M: f64 = 6_371_000.0;
        let (lat1, lat2) = (self.lat().to_radians(), other.lat().to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.lon() - self.lon()).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        let metres = 2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin();
        metres.round() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn angouleme_to_cognac_is_about_40_km() {
        let angouleme = GeoPoint::from_degrees(45.6484, 0.1562).unwrap();
        let cognac = GeoPoint::from_degrees(45.6958, -0.3287).unwrap();
        let km = angouleme.distance_m(cognac) / 1000;
        assert!((37..=39).contains(&km), "{km} km");
    }

    #[test]
    fn rejects_impossible_coordinates() {
        assert_eq!(GeoPoint::from_degrees(91.0, 0.0), None);
        assert_eq!(GeoPoint::from_degrees(f64::NAN, 0.0), None);
    }
}
