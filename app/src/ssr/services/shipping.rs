//! Shipping rates: the zones (`shipping_zones`) and pickup (two keys in
//! `settings`), read by the checkout and edited on `/cms/shipping`.
//! Placed orders keep their own `shipping_cents`; nothing here touches
//! them.

use crate::cms::models::{PickupInput, ShippingZoneInput};
use crate::cms::rules::{validate_pickup, validate_zone};
use crate::error::AppError;
use crate::shop::rules::{ShippingRates, ShippingZone};
use crate::ssr::entities::{setting, shipping_zone};
use crate::validate::COUNTRIES;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
};

const PICKUP: &str = "pickup_enabled";
const PICKUP_NOTE: &str = "pickup_note";

/// The rates of the moment, zones in the order of `COUNTRIES` (the shop's
/// own country first). Pickup is on unless the owner turned it off.
pub async fn load(db: &impl ConnectionTrait) -> Result<ShippingRates, AppError> {
    let mut zones: Vec<ShippingZone> = shipping_zone::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|z| ShippingZone {
            country: z.country,
            rate_cents: z.rate_cents,
            free_from_cents: z.free_from_cents,
            active: z.active,
        })
        .collect();
    zones.sort_by_key(|z| COUNTRIES.iter().position(|c| *c == z.country));
    let settings = setting::Entity::find()
        .filter(setting::Column::Key.is_in([PICKUP, PICKUP_NOTE]))
        .all(db)
        .await?;
    let get = |key: &str| {
        settings
            .iter()
            .find(|s| s.key == key)
            .map(|s| s.value.clone())
    };
    Ok(ShippingRates {
        zones,
        pickup: get(PICKUP).is_none_or(|v| v == "true"),
        pickup_note: get(PICKUP_NOTE).unwrap_or_default(),
    })
}

/// Creates or changes the zone of one country, in the caller's transaction
/// (with its audit entry). Returns the zone as saved.
pub async fn save_zone(
    txn: &DatabaseTransaction,
    input: &ShippingZoneInput,
) -> Result<ShippingZone, AppError> {
    let zone = validate_zone(input)?;
    shipping_zone::Entity::insert(shipping_zone::ActiveModel {
        country: Set(zone.country.clone()),
        rate_cents: Set(zone.rate_cents),
        free_from_cents: Set(zone.free_from_cents),
        active: Set(zone.active),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(shipping_zone::Column::Country)
            .update_columns([
                shipping_zone::Column::RateCents,
                shipping_zone::Column::FreeFromCents,
                shipping_zone::Column::Active,
            ])
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(zone)
}

/// Turns pickup on or off and sets its hint, in the caller's transaction.
/// Returns whether pickup is on.
pub async fn save_pickup(txn: &DatabaseTransaction, input: &PickupInput) -> Result<bool, AppError> {
    let (pickup, note) = validate_pickup(input)?;
    for (key, value) in [(PICKUP, pickup.to_string()), (PICKUP_NOTE, note)] {
        setting::Entity::insert(setting::ActiveModel {
            key: Set(key.to_owned()),
            value: Set(value),
        })
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .update_column(setting::Column::Value)
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    Ok(pickup)
}
