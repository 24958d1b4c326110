//! An order's status and the changes staff may make to it.

use crate::stored::stored_enum;

stored_enum! {
    /// new → paid → shipped → completed, and new or paid → cancelled.
    pub enum OrderStatus {
        New = "new",
        Paid = "paid",
        Shipped = "shipped",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}

impl OrderStatus {
    pub fn can_change_to(self, to: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, to),
            (New, Paid)
                | (Paid, Shipped)
                | (Shipped, Completed)
                | (New, Cancelled)
                | (Paid, Cancelled)
        )
    }

    /// The statuses an order can be moved to from this one.
    pub fn next(self) -> Vec<OrderStatus> {
        Self::ALL
            .iter()
            .copied()
            .filter(|to| self.can_change_to(*to))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    #[test]
    fn the_order_life_cycle() {
        assert_eq!(New.next(), vec![Paid, Cancelled]);
        assert_eq!(Paid.next(), vec![Shipped, Cancelled]);
        assert_eq!(Shipped.next(), vec![Completed]);
        assert!(Completed.next().is_empty() && Cancelled.next().is_empty());
        assert!(
            !Shipped.can_change_to(Cancelled),
            "what has left cannot be cancelled"
        );
        assert!(!New.can_change_to(New));
        assert_eq!(OrderStatus::parse("bogus"), None);
        assert!(OrderStatus::ALL
            .iter()
            .all(|s| OrderStatus::parse(s.as_str()) == Some(*s)));
    }
}
