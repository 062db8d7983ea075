//! Per-client rate limiting, in memory only: a token bucket per client key (its address, an
//! IPv6 network's first 64 bits), never written anywhere, forgotten once the bucket is full again
//! (looked for every so many calls).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Calls between two sweeps of the buckets that are full again.
const SWEEP_EVERY: u32 = 1024;

pub struct Limiter {
    /// Beacons per minute per client, with bursts up to this many; 0: no limit.
    per_minute: u32,
    clients: Mutex<(HashMap<String, Bucket>, u32)>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Limiter {
    pub fn new(per_minute: u32) -> Limiter {
        Limiter { per_minute, clients: Mutex::new((HashMap::new(), 0)) }
    }

    pub fn allow(&self, client: &str) -> bool {
        self.allow_at(client, Instant::now())
    }

    fn allow_at(&self, client: &str, now: Instant) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut guard = self.clients.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (clients, calls) = &mut *guard;
        *calls += 1;
        if *calls >= SWEEP_EVERY {
            *calls = 0;
            clients.retain(|_, b| b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_second < capacity);
        }
        let bucket = clients.entry(client.to_owned()).or_insert(Bucket { tokens: capacity, at: now });
        bucket.tokens =
            (bucket.tokens + now.saturating_duration_since(bucket.at).as_secs_f64() * per_second).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_client_gets_its_burst_then_one_per_interval_and_others_are_not_affected() {
        let limiter = Limiter::new(6);
        let start = Instant::now();
        assert!((0..6).all(|_| limiter.allow_at("a", start)));
        assert!(!limiter.allow_at("a", start));
        assert!(limiter.allow_at("b", start));
        assert!(!limiter.allow_at("a", start + Duration::from_secs(9)));
        assert!(limiter.allow_at("a", start + Duration::from_secs(10)));
        assert!(Limiter::new(0).allow("anyone"));
    }

    #[test]
    fn clients_whose_bucket_is_full_again_are_forgotten() {
        let limiter = Limiter::new(60);
        let start = Instant::now();
        assert!(limiter.allow_at("gone", start));
        for i in 0..SWEEP_EVERY {
            limiter.allow_at(&format!("other-{}", i % 3), start + Duration::from_secs(120));
        }
        let clients = &limiter.clients.lock().unwrap().0;
        assert!(!clients.contains_key("gone"), "refilled two minutes later: forgotten");
        assert!(clients.len() <= 3);
    }
}
