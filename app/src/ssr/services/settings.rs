//! Shop settings in the `settings` table (key → value).

use crate::cms::models::ShopSettings;
use crate::cms::rules::{DEFAULT_BACKUPS_KEEP, DEFAULT_RETENTION_YEARS};
use crate::error::AppError;
use crate::ssr::entities::setting;
use crate::validate::{self as v, FieldError, FieldErrors};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseTransaction, EntityTrait};

pub async fn load(db: &impl ConnectionTrait) -> Result<ShopSettings, AppError> {
    let rows = setting::Entity::find().all(db).await?;
    let get = |key: &str| rows.iter().find(|r| r.key == key).map(|r| r.value.clone());
    Ok(ShopSettings {
        shop_name: get("shop_name").unwrap_or_else(|| "Winkel".into()),
        contact_email: get("contact_email").unwrap_or_default(),
        retention_years: get("retention_years")
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_RETENTION_YEARS),
        backups_keep: get("backups_keep")
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_BACKUPS_KEEP),
    })
}

fn number(value: &str, range: std::ops::RangeInclusive<u32>) -> Result<u32, FieldError> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or(FieldError::Number {
            min: *range.start(),
            max: *range.end(),
        })
}

/// Validates and saves the settings, in the caller's transaction (with its
/// audit entry).
pub async fn save(
    txn: &DatabaseTransaction,
    shop_name: &str,
    contact_email: &str,
    retention_years: &str,
    backups_keep: &str,
) -> Result<ShopSettings, AppError> {
    let mut errors = FieldErrors::default();
    let shop_name = errors.check("shop_name", v::required_text(shop_name, 100));
    let contact_email = if contact_email.trim().is_empty() {
        Some(String::new())
    } else {
        errors.check("contact_email", v::email(contact_email))
    };
    let retention = errors.check("retention_years", number(retention_years, 1..=20));
    let backups = errors.check("backups_keep", number(backups_keep, 1..=30));
    let (Some(shop_name), Some(contact_email), Some(retention), Some(backups)) =
        (shop_name, contact_email, retention, backups)
    else {
        return Err(AppError::Validation(errors));
    };
    for (key, value) in [
        ("shop_name", shop_name),
        ("contact_email", contact_email),
        ("retention_years", retention.to_string()),
        ("backups_keep", backups.to_string()),
    ] {
        setting::Entity::insert(setting::ActiveModel {
            key: Set(key.to_owned()),
            value: Set(value),
        })
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .update_column(setting::Column::Value)
                .to_owned(),
        )
        .exec(txn)
        .await?;
    }
    load(txn).await
}
