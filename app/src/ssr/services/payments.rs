//! The payment step, kept replaceable. Today the shop has three ways of
//! paying and none of them talks to a bank: a bank transfer (the customer
//! gets instructions; staff mark the order paid when the money is in),
//! paying on pickup and paying on account. A payment provider (iDEAL or
//! Wero through a PSP such as Mollie or Adyen) plugs in at two points:
//!
//! 1. **Instructions for this order** (`instructions`): what the customer
//!    must do to pay an unpaid order. For a transfer, the shop's IBAN,
//!    name, the amount and the order number as reference; for a provider,
//!    a payment it created and the link to its checkout (a new
//!    `PaymentInstructions` variant).
//! 2. **The order is paid** (`mark_paid`): one idempotent function that
//!    moves a new order to paid and queues the "paid" mail in the same
//!    transaction. The CMS calls it when staff mark an order paid; a
//!    provider's webhook calls it too. Called twice, it changes nothing
//!    the second time and sends no second mail.
//!
//! A provider implements [`PaymentProvider`]. Its webhook handler (a plain
//! axum route, not a server function: the provider posts JSON or a form
//! without our form guard) must:
//!
//! - verify the notification before believing a word of it: the
//!   signature over the raw body with the shared secret from the
//!   configuration (`WINKEL_PSP_WEBHOOK_SECRET`, compared in constant
//!   time, e.g. Adyen's HMAC-SHA256), or, for a provider that signs
//!   nothing (Mollie sends only a payment id), by fetching the payment
//!   from the provider's API over TLS with our API key. A notification
//!   that fails verification is answered 401 and changes nothing;
//! - fetch or verify the amount and currency against the order's
//!   `total_cents` (a payment of less is not "paid");
//! - do the network call before the transaction (nothing slow inside
//!   one), then call `mark_paid` in its own transaction, and answer 2xx
//!   whether the order was just marked or already paid: providers retry
//!   until they get a 2xx, and the retry must be harmless. The provider's
//!   payment id is the idempotency key a provider's own table would keep
//!   (with the order id, no personal data: AVG-4);
//! - never log the payload (it can hold a name or an IBAN).

use super::order_mail;
use crate::cms::models::ShopSettings;
use crate::cms::rules::OrderStatus;
use crate::error::AppError;
use crate::shop::models::{BankAccount, PaymentInstructions};
use crate::shop::rules::PaymentMethod;
use crate::ssr::entities::order;
use crate::ssr::AppState;
use crate::validate::FieldError;
use chrono::NaiveDateTime;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

/// What a payment provider would implement (see the module comment for
/// the webhook's rules). Not implemented by anything yet: the shop's own
/// methods are handled by `instructions` and `mark_paid` directly.
pub trait PaymentProvider: Send + Sync {
    /// The payment method this provider serves (a new `PaymentMethod`
    /// variant such as `Ideal`).
    fn method(&self) -> PaymentMethod;

    /// Starts a payment for an unpaid order at the provider (before the
    /// transaction: it is a network call) and returns what the customer
    /// sees: typically a link to the provider's checkout.
    fn instructions(
        &self,
        order: &order::Model,
    ) -> impl std::future::Future<Output = Result<PaymentInstructions, AppError>> + Send;

    /// Checks a webhook notification (headers and raw body) and returns
    /// the id of the order it proves paid, or `None` for a notification
    /// about anything else (a failed or pending payment). An unverifiable
    /// notification is an error: nothing changes, the answer is 401.
    fn verify_webhook(
        &self,
        headers: &[(String, String)],
        body: &[u8],
    ) -> impl std::future::Future<Output = Result<Option<i32>, AppError>> + Send;
}

/// How to pay `order`, while it waits for its payment: for a bank
/// transfer (the only method that needs the customer to act) the shop's
/// account, the amount and the order number as reference. Without an IBAN
/// in the settings the instructions say the shop sends the details.
pub fn instructions(order: &order::Model, settings: &ShopSettings) -> Option<PaymentInstructions> {
    if order.status != OrderStatus::New {
        return None;
    }
    match order.payment_method {
        PaymentMethod::BankTransfer => {
            let identity = &settings.identity;
            Some(PaymentInstructions::BankTransfer {
                amount_cents: order.total_cents,
                reference: order.id.to_string(),
                account: (!identity.iban.trim().is_empty()).then(|| BankAccount {
                    iban: identity.iban.clone(),
                    name: identity.name_or(&settings.shop_name).to_owned(),
                }),
            })
        }
        PaymentMethod::PayOnPickup | PaymentMethod::OnAccount => None,
    }
}

/// What `mark_paid` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkedPaid {
    /// The order was new and is paid now; the "paid" mail is queued.
    Now,
    /// It was paid (or further along) already: nothing changed.
    Already,
}

/// Marks order `id` paid, in the caller's transaction, and queues the
/// "paid" mail with it. Idempotent: one conditional UPDATE (new → paid)
/// decides, so of two concurrent calls (a double click, a provider's
/// retried webhook) one changes the order and mails, the other finds it
/// paid; an order that is paid, shipped or completed stays as it is. A
/// cancelled order cannot be paid (a field error for the CMS; a
/// provider's webhook would refund). The caller wakes the outbox after
/// its commit.
pub async fn mark_paid(
    txn: &DatabaseTransaction,
    state: &AppState,
    id: i32,
    now: NaiveDateTime,
) -> Result<MarkedPaid, AppError> {
    let changed = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(OrderStatus::Paid))
        .filter(order::Column::Id.eq(id))
        .filter(order::Column::Status.eq(OrderStatus::New))
        .exec(txn)
        .await?;
    let row = order::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if changed.rows_affected == 1 {
        order_mail::queue_status(txn, state, &row, now).await?;
        return Ok(MarkedPaid::Now);
    }
    match row.status {
        OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Completed => {
            Ok(MarkedPaid::Already)
        }
        OrderStatus::New | OrderStatus::Cancelled => {
            Err(AppError::field("status", FieldError::StatusChange))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cms::models::ShopIdentity;
    use crate::locale::Locale;
    use crate::shop::rules::DeliveryMethod;

    fn order(status: OrderStatus, method: PaymentMethod) -> order::Model {
        order::Model {
            id: 42,
            token: "t".into(),
            customer_id: Some(1),
            status,
            placed_at: NaiveDateTime::default(),
            desired_delivery_date: None,
            delivery_method: DeliveryMethod::Shipping,
            payment_method: method,
            subtotal_cents: 2_500,
            shipping_cents: 495,
            vat_cents: 520,
            total_cents: 2_995,
            recipient_name: "An".into(),
            company_name: None,
            vat_number: None,
            street: "s".into(),
            house_number: "1".into(),
            postcode: "1015 KK".into(),
            city: "c".into(),
            country: "NL".into(),
            anonymised_at: None,
            locale: Locale::Nl,
            track_url: None,
        }
    }

    fn settings(iban: &str, legal_name: &str) -> ShopSettings {
        ShopSettings {
            shop_name: "Winkel".into(),
            identity: ShopIdentity {
                iban: iban.into(),
                legal_name: legal_name.into(),
                ..ShopIdentity::default()
            },
            contact_email: String::new(),
            retention_years: 7,
            backups_keep: 14,
            require_second_factor: false,
        }
    }

    #[test]
    fn a_new_bank_transfer_order_gets_the_account_amount_and_reference() {
        let o = order(OrderStatus::New, PaymentMethod::BankTransfer);
        assert_eq!(
            instructions(&o, &settings("NL91 ABNA 0417 1643 00", "")),
            Some(PaymentInstructions::BankTransfer {
                amount_cents: 2_995,
                reference: "42".into(),
                account: Some(BankAccount {
                    iban: "NL91 ABNA 0417 1643 00".into(),
                    name: "Winkel".into()
                }),
            })
        );
        let Some(PaymentInstructions::BankTransfer { account, .. }) =
            instructions(&o, &settings("NL91 ABNA 0417 1643 00", "Winkel B.V."))
        else {
            panic!("instructions");
        };
        assert_eq!(account.map(|a| a.name).as_deref(), Some("Winkel B.V."));
        let Some(PaymentInstructions::BankTransfer { account, .. }) =
            instructions(&o, &settings("", ""))
        else {
            panic!("instructions");
        };
        assert_eq!(account, None, "no IBAN yet: the shop sends the details");
    }

    #[test]
    fn no_instructions_once_paid_or_for_other_methods() {
        let s = settings("NL91 ABNA 0417 1643 00", "");
        for status in [
            OrderStatus::Paid,
            OrderStatus::Shipped,
            OrderStatus::Completed,
            OrderStatus::Cancelled,
        ] {
            assert_eq!(
                instructions(&order(status, PaymentMethod::BankTransfer), &s),
                None
            );
        }
        for method in [PaymentMethod::PayOnPickup, PaymentMethod::OnAccount] {
            assert_eq!(instructions(&order(OrderStatus::New, method), &s), None);
        }
    }
}
