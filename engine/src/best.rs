//! Keeping the best few of many, in order, without sorting them all.
//!
//! Orientation and commune search show a handful of results out of hundreds or thousands. A
//! short list kept in order as items come is faster than a sort for that, and it spares the
//! browser the code of a general sort for every element type.

use std::cmp::Ordering;

/// Puts `item` into `best`, which is kept in `order` (least first) and at most `limit` long,
/// if it ranks among the first `limit`. Items equal in `order` keep their arrival order.
pub fn keep_best<T>(best: &mut Vec<T>, item: T, limit: usize, order: &impl Fn(&T, &T) -> Ordering) {
    if best.len() >= limit && best.last().is_none_or(|last| order(&item, last) != Ordering::Less) {
        return;
    }
    let at = best.partition_point(|kept| order(kept, &item) != Ordering::Greater);
    best.insert(at, item);
    best.truncate(limit);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best_of(items: &[(u32, char)], limit: usize) -> Vec<(u32, char)> {
        let mut best = Vec::new();
        for &item in items {
            keep_best(&mut best, item, limit, &|a: &(u32, char), b: &(u32, char)| a.0.cmp(&b.0));
        }
        best
    }

    #[test]
    fn keeps_the_least_in_order_and_ties_in_arrival_order() {
        let items = [(5, 'a'), (1, 'b'), (3, 'c'), (1, 'd'), (9, 'e'), (0, 'f'), (3, 'g')];
        assert_eq!(best_of(&items, 3), [(0, 'f'), (1, 'b'), (1, 'd')]);
        assert_eq!(best_of(&items, 0), []);
        let mut sorted = items.to_vec();
        sorted.sort_by_key(|item| item.0);
        assert_eq!(best_of(&items, 100), sorted);
    }
}
