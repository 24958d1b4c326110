//! Staff rights (AVG-10): what the owner grants per staff member. The owner
//! has every right. Checked on the server for every CMS call; the browser
//! only uses them to hide what is not allowed.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Right {
    CustomersView,
    CustomersEdit,
    CustomersDelete,
    OrdersView,
    OrdersEdit,
    CatalogEdit,
    PagesEdit,
    SettingsView,
    StaffManage,
    AuditView,
    /// Bookings have rights of their own rather than the order rights: a
    /// cooking school's teacher sees the agenda (who comes, with their
    /// contact details) without seeing the shop's orders and customers.
    BookingsView,
    /// Cancel / mark attended, and the bookable items with their schedules.
    BookingsEdit,
}

impl Right {
    pub const ALL: [Right; 12] = [
        Self::CustomersView,
        Self::CustomersEdit,
        Self::CustomersDelete,
        Self::OrdersView,
        Self::OrdersEdit,
        Self::CatalogEdit,
        Self::PagesEdit,
        Self::SettingsView,
        Self::StaffManage,
        Self::AuditView,
        Self::BookingsView,
        Self::BookingsEdit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CustomersView => "customers.view",
            Self::CustomersEdit => "customers.edit",
            Self::CustomersDelete => "customers.delete",
            Self::OrdersView => "orders.view",
            Self::OrdersEdit => "orders.edit",
            Self::CatalogEdit => "catalog.edit",
            Self::PagesEdit => "pages.edit",
            Self::SettingsView => "settings.view",
            Self::StaffManage => "staff.manage",
            Self::AuditView => "audit.view",
            Self::BookingsView => "bookings.view",
            Self::BookingsEdit => "bookings.edit",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Whether this right shows customers' personal data (AVG-4 fields):
    /// the customers themselves and their questions, the addresses on
    /// orders, the contact details in the booking agenda. The owner's
    /// second-factor requirement applies to whoever holds one of these.
    /// The catalogue, the pages, the settings (the database password is
    /// the owner's alone), the staff list and the audit log (which never
    /// holds the data itself) do not.
    pub fn shows_customer_data(self) -> bool {
        match self {
            Self::CustomersView
            | Self::CustomersEdit
            | Self::CustomersDelete
            | Self::OrdersView
            | Self::OrdersEdit
            | Self::BookingsView
            | Self::BookingsEdit => true,
            Self::CatalogEdit
            | Self::PagesEdit
            | Self::SettingsView
            | Self::StaffManage
            | Self::AuditView => false,
        }
    }
}

/// A logged-in staff member as the CMS screens see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: i32,
    pub email: String,
    pub is_owner: bool,
    pub rights: Vec<Right>,
    pub must_change_password: bool,
    /// The member logs in with a TOTP code after the password.
    pub second_factor: bool,
    /// The owner requires a second factor of whoever sees customer data,
    /// this member does and has none yet: nothing but setting it up opens.
    pub needs_second_factor: bool,
}

impl StaffMember {
    pub fn allows(&self, right: Right) -> bool {
        self.is_owner || self.rights.contains(&right)
    }

    /// No escalation: the owner gives any right; a member with
    /// `staff.manage` only rights they hold themselves, so nobody can hand
    /// anyone (a member they just created with a password they chose
    /// included) more than the owner gave them.
    pub fn may_grant(&self, rights: &[Right]) -> bool {
        rights.iter().all(|right| self.allows(*right))
    }

    /// Whether this member sees customers' personal data: the owner, or a
    /// member holding any right that shows it.
    pub fn sees_customer_data(&self) -> bool {
        self.is_owner || self.rights.iter().any(|r| r.shows_customer_data())
    }
}

/// Parses rights as stored or posted; unknown names are ignored.
pub fn parse_rights<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<Right> {
    let mut rights: Vec<Right> = names.into_iter().filter_map(Right::parse).collect();
    rights.sort_by_key(|r| Right::ALL.iter().position(|a| a == r));
    rights.dedup();
    rights
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_grant_only_what_they_hold() {
        let owner = StaffMember {
            id: 1,
            email: "o@x.nl".into(),
            is_owner: true,
            rights: vec![],
            must_change_password: false,
            second_factor: false,
            needs_second_factor: false,
        };
        let manager = StaffMember {
            is_owner: false,
            rights: vec![Right::StaffManage, Right::OrdersView],
            ..owner.clone()
        };
        assert!(owner.may_grant(&Right::ALL));
        assert!(manager.may_grant(&[Right::OrdersView]));
        assert!(manager.may_grant(&[]));
        assert!(!manager.may_grant(&[Right::OrdersView, Right::CustomersView]));
        assert!(!manager.may_grant(&[Right::AuditView]));
    }

    #[test]
    fn names_round_trip() {
        for right in Right::ALL {
            assert_eq!(Right::parse(right.as_str()), Some(right));
        }
        assert_eq!(Right::parse("everything"), None);
    }

    #[test]
    fn the_owner_may_do_everything_staff_only_what_is_granted() {
        let owner = StaffMember {
            id: 1,
            email: "o@x.nl".into(),
            is_owner: true,
            rights: vec![],
            must_change_password: false,
            second_factor: false,
            needs_second_factor: false,
        };
        let clerk = StaffMember {
            is_owner: false,
            rights: vec![Right::OrdersView],
            ..owner.clone()
        };
        assert!(Right::ALL.iter().all(|r| owner.allows(*r)));
        assert!(clerk.allows(Right::OrdersView));
        assert!(!clerk.allows(Right::CustomersView));
    }

    #[test]
    fn customer_data_is_seen_with_customer_order_and_booking_rights() {
        let shown: Vec<&str> = Right::ALL
            .into_iter()
            .filter(|r| r.shows_customer_data())
            .map(Right::as_str)
            .collect();
        assert_eq!(
            shown,
            [
                "customers.view",
                "customers.edit",
                "customers.delete",
                "orders.view",
                "orders.edit",
                "bookings.view",
                "bookings.edit"
            ]
        );
        let owner = StaffMember {
            id: 1,
            email: "o@x.nl".into(),
            is_owner: true,
            rights: vec![],
            must_change_password: false,
            second_factor: false,
            needs_second_factor: false,
        };
        let editor = StaffMember {
            is_owner: false,
            rights: vec![Right::CatalogEdit, Right::PagesEdit, Right::AuditView],
            ..owner.clone()
        };
        let teacher = StaffMember {
            rights: vec![Right::BookingsView],
            ..editor.clone()
        };
        assert!(owner.sees_customer_data());
        assert!(!editor.sees_customer_data());
        assert!(teacher.sees_customer_data());
    }

    #[test]
    fn parsing_orders_and_dedups() {
        assert_eq!(
            parse_rights(["audit.view", "customers.view", "bogus", "customers.view"]),
            vec![Right::CustomersView, Right::AuditView]
        );
    }
}
