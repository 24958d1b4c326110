//! What the audit log records: every view and change of personal data by
//! staff (AVG-11), one action each, named `record.what` in the log.

/// One kind of audited staff action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    CustomerView,
    CustomerEdit,
    CustomerDelete,
    /// The mailed link of a privacy request sent to a customer's address
    /// (someone asked by phone): they see, download or erase it themselves.
    CustomerPrivacyLink,
    OrderView,
    OrderStatus,
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
    /// A booking with its customer's contact data.
    BookingView,
    BookingCancel,
    BookingAttended,
    BookableCreate,
    BookableUpdate,
    BookableDelete,
    /// Weekly hours, one-off dates or closed days.
    BookableSchedule,
}

impl AuditAction {
    /// As stored in the log's `action` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CustomerView => "customer.view",
            Self::CustomerEdit => "customer.edit",
            Self::CustomerDelete => "customer.delete",
            Self::CustomerPrivacyLink => "customer.privacy_link",
            Self::OrderView => "order.view",
            Self::OrderStatus => "order.status",
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
            Self::BookingView => "booking.view",
            Self::BookingCancel => "booking.cancel",
            Self::BookingAttended => "booking.attended",
            Self::BookableCreate => "bookable.create",
            Self::BookableUpdate => "bookable.update",
            Self::BookableDelete => "bookable.delete",
            Self::BookableSchedule => "bookable.schedule",
        }
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
    }
}
