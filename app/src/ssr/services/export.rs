//! "Download mijn gegevens" (GDPR Art. 15/20): everything stored about a
//! customer, in the format of docs/export-format.md.

use super::accounts::{order_history, profile_of};
use super::orders;
use crate::account::models::{CustomerExport, ExportedBooking, ExportedQuestion, EXPORT_FORMAT};
use crate::clock::amsterdam_local;
use crate::error::AppError;
use crate::ssr::entities::{booking, customer, question};
use chrono::NaiveDateTime;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// Everything stored about the customer.
pub async fn export(
    db: &impl ConnectionTrait,
    current: &customer::Model,
    now: NaiveDateTime,
) -> Result<CustomerExport, AppError> {
    let mut placed = Vec::new();
    for summary in order_history(db, current.id).await? {
        placed.push(orders::by_token(db, &summary.token).await?);
    }
    let questions = question::Entity::find()
        .filter(question::Column::CustomerId.eq(current.id))
        .order_by_asc(question::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|q| ExportedQuestion {
            asked_at: q.created_at,
            question: q.body,
            status: q.status,
            answer: q.answer,
            answered_at: q.answered_at,
        })
        .collect();
    Ok(CustomerExport {
        format: EXPORT_FORMAT.to_owned(),
        exported_at: now,
        profile: profile_of(current),
        orders: placed,
        questions,
        bookings: bookings_of(db, current.id).await?,
    })
}

/// Every booking linked to the customer, cancelled ones included, in the
/// order they were made.
async fn bookings_of(
    db: &impl ConnectionTrait,
    customer_id: i32,
) -> Result<Vec<ExportedBooking>, AppError> {
    Ok(booking::Entity::find()
        .filter(booking::Column::CustomerId.eq(customer_id))
        .order_by_asc(booking::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|b| ExportedBooking {
            token: b.token,
            item_name: b.item_name,
            starts_local: amsterdam_local(b.starts_at),
            duration_minutes: b.duration_minutes,
            places: b.places,
            status: b.status,
            payment_method: b.payment_method,
            unit_price_cents: b.unit_price_cents,
            total_cents: b.total_cents,
            vat_rate_bp: b.vat_rate_bp,
            created_at: b.created_at,
            cancelled_at: b.cancelled_at,
        })
        .collect())
}
