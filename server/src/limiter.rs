//! Per-client rate limiting, in memory only: token buckets never written anywhere, forgotten
//! once full again (looked for every so many calls).
//!
//! A client is its address as the server sees it, or, from a configured proxy only, as the proxy
//! forwards it (`X-Forwarded-For`). An IPv4 address mapped into IPv6 (a server listening on
//! `[::]`) is the IPv4 address. An IPv6 client is limited at once by its /64 (a household), its
//! /56 and its /48 (a site, which may hand out 65,536 /64s): the wider, the larger the allowance.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Calls between two sweeps of the buckets that are full again.
const SWEEP_EVERY: u32 = 1024;
/// The IPv6 prefixes a client is limited by, with how many times the per-client allowance each
/// gets.
const IPV6_PREFIXES: [(u8, u32); 3] = [(64, 1), (56, 4), (48, 16)];

/// What a bucket is kept for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    V4([u8; 4]),
    /// The first `bits` bits of an IPv6 address, the rest zero.
    V6 {
        network: u128,
        bits: u8,
    },
    /// No address known (a request made in-process).
    Unknown,
}

/// The buckets a client's request draws from, with each one's multiple of the allowance.
pub fn keys(client: Option<IpAddr>) -> Vec<(Key, u32)> {
    match client.map(|address| address.to_canonical()) {
        Some(IpAddr::V4(v4)) => vec![(Key::V4(v4.octets()), 1)],
        Some(IpAddr::V6(v6)) => IPV6_PREFIXES
            .iter()
            .map(|&(bits, times)| (Key::V6 { network: u128::from(v6) & (u128::MAX << (128 - bits)), bits }, times))
            .collect(),
        None => vec![(Key::Unknown, 1)],
    }
}

/// An address or a network, as `trusted_proxies` lists them: `127.0.0.1`, `10.0.0.0/8`, `::1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    bits: u8,
}

impl Network {
    pub fn parse(text: &str) -> Option<Network> {
        let (address, bits) = match text.trim().split_once('/') {
            Some((address, bits)) => (address.parse::<IpAddr>().ok()?, Some(bits.parse::<u8>().ok()?)),
            None => (text.trim().parse::<IpAddr>().ok()?, None),
        };
        let address = address.to_canonical();
        let width = if address.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(width);
        (bits <= width).then_some(Network { address, bits })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.address, address.to_canonical()) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.bits)).unwrap_or(0);
                u32::from(network) & mask == u32::from(address) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.bits)).unwrap_or(0);
                u128::from(network) & mask == u128::from(address) & mask
            }
            _ => false,
        }
    }
}

/// The client of a request from `peer`: `peer` itself, unless it is a trusted proxy; then the
/// last address of `X-Forwarded-For` that is not a trusted proxy (each proxy appends the address
/// it received from, so the addresses before are the client's own word).
pub fn client(peer: Option<IpAddr>, forwarded_for: Option<&str>, trusted: &[Network]) -> Option<IpAddr> {
    let trusted_address = |address: IpAddr| trusted.iter().any(|network| network.contains(address));
    let peer = peer?;
    if !trusted_address(peer) {
        return Some(peer);
    }
    let Some(forwarded_for) = forwarded_for else { return Some(peer) };
    let mut client = peer;
    for hop in forwarded_for.rsplit(',') {
        let Ok(address) = hop.trim().parse::<IpAddr>() else { break };
        client = address;
        if !trusted_address(address) {
            break;
        }
    }
    Some(client)
}

pub struct Limiter {
    /// Beacons per minute per client, with bursts up to this many; 0: no limit.
    per_minute: u32,
    clients: Mutex<(HashMap<Key, Bucket>, u32)>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
    /// The allowance's multiple (see [`IPV6_PREFIXES`]).
    times: u32,
}

impl Bucket {
    fn refilled(&self, now: Instant, per_minute: u32) -> f64 {
        let capacity = f64::from(per_minute * self.times);
        (self.tokens + now.saturating_duration_since(self.at).as_secs_f64() * capacity / 60.0).min(capacity)
    }
}

impl Limiter {
    pub fn new(per_minute: u32) -> Limiter {
        Limiter { per_minute, clients: Mutex::new((HashMap::new(), 0)) }
    }

    /// One beacon from `client`: allowed when every bucket it draws from has a token left.
    pub fn allow(&self, client: Option<IpAddr>) -> bool {
        self.allow_at(&keys(client), Instant::now())
    }

    fn allow_at(&self, keys: &[(Key, u32)], now: Instant) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let per_minute = self.per_minute;
        let mut guard = self.clients.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (clients, calls) = &mut *guard;
        *calls += 1;
        if *calls >= SWEEP_EVERY {
            *calls = 0;
            clients.retain(|_, bucket| bucket.refilled(now, per_minute) < f64::from(per_minute * bucket.times));
        }
        for (key, times) in keys {
            let bucket = clients.entry(key.clone()).or_insert(Bucket {
                tokens: f64::from(per_minute * times),
                at: now,
                times: *times,
            });
            bucket.tokens = bucket.refilled(now, per_minute);
            bucket.at = now;
        }
        let allowed = keys.iter().all(|(key, _)| clients.get(key).is_some_and(|b| b.tokens >= 1.0));
        if allowed {
            for (key, _) in keys {
                if let Some(bucket) = clients.get_mut(key) {
                    bucket.tokens -= 1.0;
                }
            }
        }
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn address(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn a_client_gets_its_burst_then_one_per_interval_and_others_are_not_affected() {
        let limiter = Limiter::new(6);
        let start = Instant::now();
        let (a, b) = (keys(address("192.0.2.1")), keys(address("192.0.2.2")));
        assert!((0..6).all(|_| limiter.allow_at(&a, start)));
        assert!(!limiter.allow_at(&a, start));
        assert!(limiter.allow_at(&b, start));
        assert!(!limiter.allow_at(&a, start + Duration::from_secs(9)));
        assert!(limiter.allow_at(&a, start + Duration::from_secs(10)));
        assert!(Limiter::new(0).allow(None));
    }

    #[test]
    fn an_ipv4_address_mapped_into_ipv6_is_the_ipv4_address() {
        assert_eq!(keys(address("::ffff:192.0.2.1")), keys(address("192.0.2.1")));
        assert_ne!(keys(address("::ffff:192.0.2.1")), keys(address("::ffff:192.0.2.2")), "one bucket each");
    }

    #[test]
    fn an_ipv6_client_is_limited_by_its_64_56_and_48() {
        let keys = keys(address("2001:db8:1234:5678:9abc::1"));
        let networks: Vec<(u128, u8)> = keys
            .iter()
            .map(|(key, _)| match key {
                Key::V6 { network, bits } => (*network, *bits),
                other => panic!("{other:?}"),
            })
            .collect();
        let expected = ["2001:db8:1234:5678::", "2001:db8:1234:5600::", "2001:db8:1234::"];
        assert_eq!(
            networks,
            expected
                .iter()
                .zip([64, 56, 48])
                .map(|(n, bits)| (u128::from(n.parse::<std::net::Ipv6Addr>().unwrap()), bits))
                .collect::<Vec<_>>()
        );

        // One /48 walking through its /64s: each /64 is new, the /48 is not.
        let limiter = Limiter::new(2);
        let start = Instant::now();
        let allowed = (0..200u32)
            .filter(|i| {
                let address = format!("2001:db8:1234:{:x}::1", i * 7);
                limiter.allow_at(&super::keys(address.parse().ok()), start)
            })
            .count();
        assert_eq!(allowed, 2 * 16, "the /48's allowance, not 200 × 2");
        assert!(limiter.allow_at(&super::keys(address("2001:db8:9999::1")), start), "another /48 is not affected");
    }

    #[test]
    fn forwarded_for_is_read_from_trusted_proxies_only() {
        let trusted = [Network::parse("127.0.0.1").unwrap(), Network::parse("10.0.0.0/8").unwrap()];
        let client = |peer: &str, forwarded: Option<&str>| super::client(address(peer), forwarded, &trusted);
        // A client that writes the header itself, straight to the server: its own address.
        assert_eq!(client("203.0.113.9", Some("198.51.100.1")), address("203.0.113.9"));
        // Through the proxy: the address the proxy received from, not what the client wrote.
        assert_eq!(client("127.0.0.1", Some("198.51.100.1, 203.0.113.9")), address("203.0.113.9"));
        assert_eq!(client("::ffff:127.0.0.1", Some("203.0.113.9")), address("203.0.113.9"), "mapped");
        // Two proxies of ours in a row.
        assert_eq!(client("127.0.0.1", Some("203.0.113.9, 10.1.2.3")), address("203.0.113.9"));
        assert_eq!(client("127.0.0.1", None), address("127.0.0.1"));
        assert_eq!(client("127.0.0.1", Some("nonsense")), address("127.0.0.1"));
        assert_eq!(super::client(address("127.0.0.1"), Some("203.0.113.9"), &[]), address("127.0.0.1"), "none trusted");
        assert!(Network::parse("10.0.0.0/33").is_none() && Network::parse("proxy").is_none());
        assert!(Network::parse("2001:db8::/32").unwrap().contains(address("2001:db8:1::1").unwrap()));
    }

    #[test]
    fn clients_whose_bucket_is_full_again_are_forgotten() {
        let limiter = Limiter::new(60);
        let start = Instant::now();
        assert!(limiter.allow_at(&keys(address("192.0.2.1")), start));
        for i in 0..SWEEP_EVERY {
            limiter.allow_at(&keys(address(&format!("198.51.100.{}", i % 3))), start + Duration::from_secs(120));
        }
        let clients = &limiter.clients.lock().unwrap().0;
        assert!(!clients.contains_key(&Key::V4([192, 0, 2, 1])), "refilled two minutes later: forgotten");
        assert!(clients.len() <= 3);
    }
}
