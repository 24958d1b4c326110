//! What the audit log records: every view and change of personal data by
//! staff (AVG-11), one action each, named `record.what` in the log.

/// One kind of audited staff action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// A page of the customer list or search (never the search term: it
    /// is itself a name or an address); the customers shown are its
    /// subjects.
    CustomerList,
    CustomerView,
    CustomerEdit,
    CustomerDelete,
    /// A page of the order list (each shows its recipient's name).
    OrderList,
    /// The mailed link of a privacy request sent to a customer's address
    /// (someone asked by phone): they see, download or erase it themselves.
    CustomerPrivacyLink,
    OrderView,
    OrderStatus,
    /// A page of the question list (each shows its asker's name).
    QuestionList,
    QuestionView,
    QuestionAnswer,
    QuestionClose,
    SettingsReveal,
    SettingsEdit,
    /// A shipping zone or the pickup choice (`/cms/shipping`).
    ShippingEdit,
    StaffCreate,
    StaffRights,
    StaffLock,
    StaffUnlock,
    /// The owner made a member choose a new password at the next login.
    StaffForcePassword,
    /// A page of the booking list (each shows its customer's name).
    BookingList,
    /// A day or week of the booking agenda (the same names).
    BookingAgenda,
    /// A member switched their second factor on (confirmed with a code).
    StaffSecondFactorOn,
    /// A member switched their second factor off (password and code).
    StaffSecondFactorOff,
    /// The owner removed a member's second factor (a lost phone).
    StaffSecondFactorReset,
    /// A member logged in (or switched off) with a recovery code.
    StaffRecoveryCodeUsed,
    /// A booking with its customer's contact data.
    BookingView,
    BookingCancel,
    BookingAttended,
    BookableCreate,
    BookableUpdate,
    BookableDelete,
    /// Weekly hours, one-off dates or closed days.
    BookableSchedule,
    /// The owner downloaded who saw a customer's data (GDPR Art. 15).
    AuditExport,
}

impl AuditAction {
    /// As stored in the log's `action` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CustomerList => "customer.list",
            Self::CustomerView => "customer.view",
            Self::CustomerEdit => "customer.edit",
            Self::CustomerDelete => "customer.delete",
            Self::OrderList => "order.list",
            Self::CustomerPrivacyLink => "customer.privacy_link",
            Self::OrderView => "order.view",
            Self::OrderStatus => "order.status",
            Self::QuestionList => "question.list",
            Self::QuestionView => "question.view",
            Self::QuestionAnswer => "question.answer",
            Self::QuestionClose => "question.close",
            Self::SettingsReveal => "settings.reveal",
            Self::SettingsEdit => "settings.edit",
            Self::ShippingEdit => "shipping.edit",
            Self::StaffCreate => "staff.create",
            Self::StaffRights => "staff.rights",
            Self::StaffLock => "staff.lock",
            Self::StaffUnlock => "staff.unlock",
            Self::StaffForcePassword => "staff.force_password",
            Self::BookingList => "booking.list",
            Self::BookingAgenda => "booking.agenda",
            Self::StaffSecondFactorOn => "staff.second_factor_on",
            Self::StaffSecondFactorOff => "staff.second_factor_off",
            Self::StaffSecondFactorReset => "staff.second_factor_reset",
            Self::StaffRecoveryCodeUsed => "staff.recovery_code_used",
            Self::BookingView => "booking.view",
            Self::BookingCancel => "booking.cancel",
            Self::BookingAttended => "booking.attended",
            Self::BookableCreate => "bookable.create",
            Self::BookableUpdate => "bookable.update",
            Self::BookableDelete => "bookable.delete",
            Self::BookableSchedule => "bookable.schedule",
            Self::AuditExport => "audit.export",
        }
    }

    /// Every action, for reading a stored one back.
    pub const ALL: [AuditAction; 34] = [
        Self::CustomerList,
        Self::CustomerView,
        Self::CustomerEdit,
        Self::CustomerDelete,
        Self::CustomerPrivacyLink,
        Self::OrderList,
        Self::OrderView,
        Self::OrderStatus,
        Self::QuestionList,
        Self::QuestionView,
        Self::QuestionAnswer,
        Self::QuestionClose,
        Self::SettingsReveal,
        Self::SettingsEdit,
        Self::ShippingEdit,
        Self::StaffCreate,
        Self::StaffRights,
        Self::StaffLock,
        Self::StaffUnlock,
        Self::StaffForcePassword,
        Self::StaffSecondFactorOn,
        Self::StaffSecondFactorOff,
        Self::StaffSecondFactorReset,
        Self::StaffRecoveryCodeUsed,
        Self::BookingList,
        Self::BookingAgenda,
        Self::BookingView,
        Self::BookingCancel,
        Self::BookingAttended,
        Self::BookableCreate,
        Self::BookableUpdate,
        Self::BookableDelete,
        Self::BookableSchedule,
        Self::AuditExport,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == value)
    }

    /// What a member did that showed a customer's data, in words a
    /// customer reads in their "who saw my data" export (English, as the
    /// export's keys). `None` for actions that show no customer.
    pub fn describe(self) -> Option<&'static str> {
        Some(match self {
            Self::CustomerList => "looked at the customer list or searched it",
            Self::CustomerView => "opened your customer record",
            Self::CustomerEdit => "changed your customer record",
            Self::CustomerDelete => "deleted your customer record",
            Self::CustomerPrivacyLink => "sent you the link to see or erase your data",
            Self::OrderList => "looked at the order list",
            Self::OrderView => "opened your order or its invoice",
            Self::OrderStatus => "changed your order's status",
            Self::QuestionList => "looked at the question list",
            Self::QuestionView => "opened your question",
            Self::QuestionAnswer => "answered your question",
            Self::QuestionClose => "closed your question",
            Self::BookingList => "looked at the booking list",
            Self::BookingAgenda => "looked at the booking agenda",
            Self::BookingView => "opened your booking or its invoice",
            Self::BookingCancel => "cancelled your booking",
            Self::BookingAttended => "marked your booking attended",
            Self::AuditExport => "exported this list of who saw your data",
            Self::SettingsReveal
            | Self::SettingsEdit
            | Self::ShippingEdit
            | Self::StaffCreate
            | Self::StaffRights
            | Self::StaffLock
            | Self::StaffUnlock
            | Self::StaffForcePassword
            | Self::StaffSecondFactorOn
            | Self::StaffSecondFactorOff
            | Self::StaffSecondFactorReset
            | Self::StaffRecoveryCodeUsed
            | Self::BookableCreate
            | Self::BookableUpdate
            | Self::BookableDelete
            | Self::BookableSchedule => return None,
        })
    }

    /// The kind of record it concerns, as stored in the `entity` column:
    /// the part before the dot.
    pub fn entity(self) -> &'static str {
        self.as_str()
            .split_once('.')
            .map_or("", |(entity, _)| entity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_names_its_record() {
        assert_eq!(AuditAction::CustomerView.as_str(), "customer.view");
        assert_eq!(AuditAction::CustomerView.entity(), "customer");
        assert_eq!(AuditAction::StaffUnlock.entity(), "staff");
        assert_eq!(AuditAction::SettingsReveal.entity(), "settings");
        assert_eq!(AuditAction::OrderList.as_str(), "order.list");
        assert_eq!(AuditAction::OrderList.entity(), "order");
    }

    #[test]
    fn every_action_reads_back_and_those_about_a_customer_say_so() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            let about_people = ["customer", "order", "question", "booking", "audit"];
            assert_eq!(
                action.describe().is_some(),
                about_people.contains(&action.entity()),
                "{}",
                action.as_str()
            );
        }
        assert_eq!(AuditAction::parse("customer.search"), None);
    }
}
