//! An order's status and the changes staff may make to it.

use serde::{Deserialize, Serialize};

/// new → paid → shipped → completed, and new or paid → cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
pub enum OrderStatus {
    New,
    Paid,
    Shipped,
    Completed,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 5] = [
        Self::New,
        Self::Paid,
        Self::Shipped,
        Self::Completed,
        Self::Cancelled,
    ];

    /// As stored, and as forms and URLs name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Paid => "paid",
            Self::Shipped => "shipped",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

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
            .into_iter()
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
            .into_iter()
            .all(|s| OrderStatus::parse(s.as_str()) == Some(s)));
    }
}
