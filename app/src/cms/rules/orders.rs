//! What staff may do with an order's status.

/// Order statuses and the changes staff may make:
/// new → paid → shipped → completed, and new or paid → cancelled.
pub const ORDER_STATUSES: [&str; 5] = ["new", "paid", "shipped", "completed", "cancelled"];

pub fn can_change_status(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("new", "paid")
            | ("paid", "shipped")
            | ("shipped", "completed")
            | ("new", "cancelled")
            | ("paid", "cancelled")
    )
}

/// The statuses an order can be moved to from `from`.
pub fn next_statuses(from: &str) -> Vec<&'static str> {
    ORDER_STATUSES
        .into_iter()
        .filter(|to| can_change_status(from, to))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_life_cycle() {
        assert_eq!(next_statuses("new"), vec!["paid", "cancelled"]);
        assert_eq!(next_statuses("paid"), vec!["shipped", "cancelled"]);
        assert_eq!(next_statuses("shipped"), vec!["completed"]);
        assert!(next_statuses("completed").is_empty() && next_statuses("cancelled").is_empty());
        assert!(
            !can_change_status("shipped", "cancelled"),
            "what has left cannot be cancelled"
        );
        assert!(!can_change_status("new", "new") && !can_change_status("new", "bogus"));
    }
}
