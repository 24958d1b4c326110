//! Shop settings in the `settings` table (key → value).

use crate::cms::models::{SettingsInput, ShopIdentity, ShopSettings};
use crate::cms::rules::{validate_identity, DEFAULT_BACKUPS_KEEP, DEFAULT_RETENTION_YEARS};
use crate::error::AppError;
use crate::ssr::entities::setting;
use crate::ssr::staff_auth::REQUIRE_SECOND_FACTOR;
use crate::validate::{self as v, FieldError, FieldErrors};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseTransaction, EntityTrait};

pub async fn load(db: &impl ConnectionTrait) -> Result<ShopSettings, AppError> {
    let rows = setting::Entity::find().all(db).await?;
    let get = |key: &str| rows.iter().find(|r| r.key == key).map(|r| r.value.clone());
    let text = |key: &str| get(key).unwrap_or_default();
    Ok(ShopSettings {
        shop_name: get("shop_name").unwrap_or_else(|| "Winkel".into()),
        contact_email: text("contact_email"),
        retention_years: get("retention_years")
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_RETENTION_YEARS),
        backups_keep: get("backups_keep")
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_BACKUPS_KEEP),
        require_second_factor: get(REQUIRE_SECOND_FACTOR).as_deref() == Some("true"),
        identity: ShopIdentity {
            legal_name: text("legal_name"),
            street: text("street"),
            postcode: text("postcode"),
            city: text("city"),
            kvk_number: text("kvk_number"),
            vat_id: text("vat_id"),
            iban: text("iban"),
        },
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
/// audit entry). Every bad field is reported at once.
pub async fn save(
    txn: &DatabaseTransaction,
    input: &SettingsInput,
) -> Result<ShopSettings, AppError> {
    let mut errors = FieldErrors::default();
    let shop_name = errors.check("shop_name", v::required_text(&input.shop_name, 100));
    let contact_email = if input.contact_email.trim().is_empty() {
        Some(String::new())
    } else {
        errors.check("contact_email", v::email(&input.contact_email))
    };
    let retention = errors.check("retention_years", number(&input.retention_years, 1..=20));
    let backups = errors.check("backups_keep", number(&input.backups_keep, 1..=30));
    let identity = validate_identity(&input.identity, &mut errors);
    let (Some(shop_name), Some(contact_email), Some(retention), Some(backups), Some(identity)) =
        (shop_name, contact_email, retention, backups, identity)
    else {
        return Err(AppError::Validation(errors));
    };
    let ShopIdentity {
        legal_name,
        street,
        postcode,
        city,
        kvk_number,
        vat_id,
        iban,
    } = identity;
    for (key, value) in [
        ("shop_name", shop_name),
        ("contact_email", contact_email),
        ("retention_years", retention.to_string()),
        ("backups_keep", backups.to_string()),
        (
            REQUIRE_SECOND_FACTOR,
            input.require_second_factor.is_some().to_string(),
        ),
        ("legal_name", legal_name),
        ("street", street),
        ("postcode", postcode),
        ("city", city),
        ("kvk_number", kvk_number),
        ("vat_id", vat_id),
        ("iban", iban),
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
