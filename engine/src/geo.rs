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

    /// From hundred-thousandths of a degree, as bundles store them; `None` off the globe.
    pub fn from_e5(lat_e5: i64, lon_e5: i64) -> Option<Self> {
        if lat_e5.unsigned_abs() > 9_000_000 || lon_e5.unsigned_abs() > 18_000_000 {
            return None;
        }
        Some(Self { lat_e5: lat_e5 as i32, lon_e5: lon_e5 as i32 })
    }

    pub fn lat(self) -> f64 {
        f64::from(self.lat_e5) / 1e5
    }

    pub fn lon(self) -> f64 {
        f64::from(self.lon_e5) / 1e5
    }

    /// Distance in metres on the equirectangular projection at the mean latitude: within 0.5 %
    /// of the great-circle distance over the few hundred kilometres orientation looks at, with
    /// only `+ - * sqrt` (the same result natively and in wasm, and no trigonometry code in the
    /// browser bundle).
    pub fn distance_m(self, other: GeoPoint) -> u32 {
        const EARTH_RADIUS_M: f64 = 6_371_000.0;
        const RADIANS_PER_E5: f64 = std::f64::consts::PI / 180.0 / 1e5;
        let mean_lat = f64::from(self.lat_e5 / 2 + other.lat_e5 / 2) * RADIANS_PER_E5;
        let x = f64::from(other.lon_e5 - self.lon_e5) * RADIANS_PER_E5 * cos(mean_lat);
        let y = f64::from(other.lat_e5 - self.lat_e5) * RADIANS_PER_E5;
        let metres = EARTH_RADIUS_M * (x * x + y * y).sqrt();
        metres.round().min(f64::from(u32::MAX)) as u32
    }
}

/// Cosine of an angle in [-π/2, π/2] (latitudes), by its Taylor series to x¹⁴ in Horner form
/// (constant coefficients: no division on the hot path): error < 1e-9.
pub(crate) fn cos(x: f64) -> f64 {
    const C: [f64; 7] = [
        -1.0 / 2.0,
        1.0 / 24.0,
        -1.0 / 720.0,
        1.0 / 40_320.0,
        -1.0 / 3_628_800.0,
        1.0 / 479_001_600.0,
        -1.0 / 87_178_291_200.0,
    ];
    let x2 = x * x;
    let mut sum = C[6];
    for c in C[..6].iter().rev() {
        sum = sum * x2 + c;
    }
    1.0 + x2 * sum
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

    /// Haversine, the reference the fast formula is checked against.
    fn great_circle_m(a: GeoPoint, b: GeoPoint) -> f64 {
        let (lat1, lat2) = (a.lat().to_radians(), b.lat().to_radians());
        let dlat = lat2 - lat1;
        let dlon = (b.lon() - a.lon()).to_radians();
        let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * 6_371_000.0 * h.sqrt().asin()
    }

    #[test]
    fn within_half_a_percent_of_the_great_circle_up_to_300_km() {
        let centres = [(45.65, 0.16), (48.85, 2.35), (43.3, 5.37), (-21.11, 55.53), (4.93, -52.33), (51.0, 2.3)];
        for (lat, lon) in centres {
            let a = GeoPoint::from_degrees(lat, lon).unwrap();
            for (dlat, dlon) in [(0.01, 0.0), (0.3, 0.4), (-1.2, 0.9), (2.0, -2.5), (0.0, 3.5)] {
                let b = GeoPoint::from_degrees(lat + dlat, lon + dlon).unwrap();
                let exact = great_circle_m(a, b);
                let fast = f64::from(a.distance_m(b));
                assert!((fast - exact).abs() <= exact * 0.005 + 1.0, "{lat},{lon} +{dlat},{dlon}: {fast} vs {exact}");
            }
        }
    }

    #[test]
    fn the_cosine_series_is_exact_enough() {
        for i in -157..=157 {
            let x = f64::from(i) / 100.0;
            assert!((cos(x) - x.cos()).abs() < 1e-9, "{x}");
        }
    }

    #[test]
    fn rejects_impossible_coordinates() {
        assert_eq!(GeoPoint::from_degrees(91.0, 0.0), None);
        assert_eq!(GeoPoint::from_degrees(f64::NAN, 0.0), None);
    }

    #[test]
    fn hundred_thousandths_read_as_degrees_do() {
        for (lat, lon) in [(0, 0), (4_564_840, 15_620), (-2_100_000, 5_545_000), (9_000_000, -18_000_000)] {
            let by_degrees = GeoPoint::from_degrees(lat as f64 / 1e5, lon as f64 / 1e5);
            assert_eq!(GeoPoint::from_e5(lat, lon), by_degrees);
            assert!(by_degrees.is_some());
        }
        for (lat, lon) in [(9_000_001, 0), (0, -18_000_001), (i64::MAX, 0), (i64::MIN, 0)] {
            assert_eq!(GeoPoint::from_e5(lat, lon), None, "{lat} {lon}");
        }
    }
}
