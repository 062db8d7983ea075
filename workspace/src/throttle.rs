//! Sign-in attempts limited with back-off, per account name and per client: a few mistakes are
//! free, then each failure locks for twice as long as the one before, up to an hour. The count
//! is forgotten an hour after the last failure, and an account's at a successful sign-in.

/// When a key (an account name, a client address) is locked.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Failures in a row before the first lock.
    pub free: u32,
    /// Seconds of the first lock; each further failure doubles it.
    pub first_lock: i64,
    pub longest_lock: i64,
}

/// A person mistyping their password: five tries, then a minute.
pub const PER_ACCOUNT: Policy = Policy { free: 5, first_lock: 60, longest_lock: 3_600 };
/// One client trying many names (or an office behind one address): twenty.
pub const PER_CLIENT: Policy = Policy { free: 20, first_lock: 60, longest_lock: 3_600 };

/// Seconds after the last failure when the count starts again from zero.
pub const FORGOTTEN_AFTER: i64 = 3_600;

impl Policy {
    /// Seconds locked after the `failures`-th failure in a row.
    pub fn lock_after(&self, failures: u32) -> i64 {
        if failures < self.free {
            return 0;
        }
        let doublings = (failures - self.free).min(20);
        self.first_lock.saturating_mul(1 << doublings).min(self.longest_lock)
    }
}
