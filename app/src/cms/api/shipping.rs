//! The shipping rates (`/cms/shipping`). Shipping costs are prices: they
//! need the catalogue right (`CatalogEdit`), which the owner always has and
//! grants to whoever keeps the prices. Every change is audited, like the
//! settings.

use crate::cms::models::{PickupInput, ShippingView, ShippingZoneInput};
#[cfg(feature = "ssr")]
use crate::cms::rules::{AuditAction, Right};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::services::audit::audited;
#[cfg(feature = "ssr")]
use crate::ssr::{services, staff_auth, AppState};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
async fn view(state: &AppState) -> Result<ShippingView, AppError> {
    Ok(ShippingView {
        rates: services::shipping::load(&state.db).await?,
        countries: crate::validate::COUNTRIES.map(str::to_owned).to_vec(),
    })
}

#[server(endpoint = "cms_shipping")]
pub async fn cms_shipping() -> Result<ShippingView, AppError> {
    let (state, _member) = staff_auth::require(Right::CatalogEdit).await?;
    view(&state).await
}

/// Creates or changes one country's zone. The cached pages are dropped,
/// so that no page shows an old rate.
#[server(endpoint = "cms_save_shipping_zone")]
pub async fn cms_save_shipping_zone(
    #[server(flatten)] input: ShippingZoneInput,
) -> Result<ShippingView, AppError> {
    let (state, member) = staff_auth::require(Right::CatalogEdit).await?;
    let save = async |txn: &_| {
        let zone = services::shipping::save_zone(txn, &input).await?;
        let detail = format!(
            "{}: {} cents, free from {}, {}",
            zone.country,
            zone.rate_cents,
            zone.free_from_cents
                .map_or_else(|| "never".to_owned(), |c| format!("{c} cents")),
            if zone.active { "active" } else { "inactive" }
        );
        Ok(((), Some(detail)))
    };
    audited(&state.db, member.id, AuditAction::ShippingEdit, None, save).await?;
    state.catalogue_changed().await;
    view(&state).await
}

/// Turns pickup on or off and sets its hint.
#[server(endpoint = "cms_save_pickup")]
pub async fn cms_save_pickup(
    #[server(flatten)] input: PickupInput,
) -> Result<ShippingView, AppError> {
    let (state, member) = staff_auth::require(Right::CatalogEdit).await?;
    let save = async |txn: &_| {
        let pickup = services::shipping::save_pickup(txn, &input).await?;
        Ok((
            (),
            Some(format!("pickup {}", if pickup { "on" } else { "off" })),
        ))
    };
    audited(&state.db, member.id, AuditAction::ShippingEdit, None, save).await?;
    state.catalogue_changed().await;
    view(&state).await
}
