//! Placing an order: one transaction that checks and decrements stock,
//! records the customer and writes the order with its lines.

use super::account_mail::{self, Registered};
use super::accounts;
use crate::clock::shop_today;
use crate::customer::{CustomerData, NewsletterState};
use crate::error::AppError;
use crate::invoice::rules as invoice_rules;
use crate::locale::Locale;
use crate::shop::models::{CheckoutInput, CheckoutOptions};
use crate::shop::rules::{self, CartItem, CheckoutData, PaymentMethod, PricedLine, ShippingRates};
use crate::ssr::entities::{customer, order, order_line, product};
use crate::ssr::random_token;
use crate::ssr::AppState;
use chrono::NaiveDateTime;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, ExprTrait,
    PaginatorTrait, QueryFilter,
};
use tower_sessions::Session;

/// What the checkout form offers this visitor: a logged-in customer sees
/// their own data filled in and the payment methods granted to them.
pub async fn options(
    db: &impl ConnectionTrait,
    cart: &[CartItem],
    customer: Option<&customer::Model>,
    now: NaiveDateTime,
    locale: crate::locale::Locale,
) -> Result<CheckoutOptions, AppError> {
    let today = shop_today(now);
    let granted = customer.and_then(|c| c.payment_methods.as_deref());
    let rates = super::shipping::load(db).await?;
    Ok(CheckoutOptions {
        cart: super::cart::view(db, cart, locale).await?,
        profile: customer.map(accounts::profile_of),
        payment_methods: offered_payment_methods(granted, &rates),
        earliest_delivery: rules::earliest_delivery(today),
        latest_delivery: rules::latest_delivery(today),
        rates,
    })
}

/// The payment methods this customer may use, without "pay on pickup"
/// when the shop offers no pickup.
fn offered_payment_methods(granted: Option<&str>, rates: &ShippingRates) -> Vec<PaymentMethod> {
    let mut methods = rules::entitled_payment_methods(granted);
    if !rates.pickup {
        methods.retain(|m| *m != PaymentMethod::PayOnPickup);
    }
    methods
}

/// Places an order. Either everything is written (customer, order, lines,
/// stock) or nothing is. A guest gets a customer record of their own (with
/// a password when they chose "create an account" and the email has no
/// account yet); a logged-in customer's order is linked to their record.
/// Returns the order's public token.
/// A placed order: its confirmation token and the customer who placed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedOrder {
    pub token: String,
    pub customer_id: i32,
}

/// The checkout as the customer sends it: validated against the payment
/// methods this customer may use, placed from the session's cart, then the
/// cart emptied and the cached pages dropped (stock changed: "sold out"
/// may now show on the catalogue).
pub async fn check_out(
    state: &AppState,
    session: &Session,
    input: &CheckoutInput,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<PlacedOrder, AppError> {
    let customer = crate::ssr::auth::current_customer(&state.db, session).await?;
    let rates = super::shipping::load(&state.db).await?;
    let granted = offered_payment_methods(
        customer.as_ref().and_then(|c| c.payment_methods.as_deref()),
        &rates,
    );
    let data = rules::validate_checkout(input, shop_today(now), &granted, &rates)?;
    let cart = super::cart::load(session).await?;
    let placed = place_order(
        state,
        &cart,
        session.id(),
        &data,
        customer.map(|c| c.id),
        locale,
        now,
    )
    .await?;
    state.catalogue_changed().await;
    // Already out of the stored session (taken in the order's
    // transaction); this keeps the session layer from writing it back.
    super::cart::store(session, &[]).await?;
    Ok(placed)
}

/// Places the cart of the session `session_id` (`loaded` is that cart as
/// the request loaded it). The order's transaction takes the stored cart
/// out of the session and places that: the order and the emptied cart
/// commit together, so a second checkout of the same cart (a double click,
/// a retry after an answer lost in a crash) finds it empty instead of
/// ordering twice.
pub async fn place_order(
    state: &AppState,
    loaded: &[CartItem],
    session_id: Option<tower_sessions::session::Id>,
    data: &CheckoutData,
    logged_in: Option<i32>,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<PlacedOrder, AppError> {
    let Some(session_id) = session_id.filter(|_| !loaded.is_empty()) else {
        return Err(AppError::CartEmpty);
    };
    // Hash before the transaction: it takes a tenth of a second, and on
    // SQLite every other write would wait behind it.
    let password_hash = match (&data.account_password, logged_in) {
        (Some(password), None) => Some(crate::ssr::password::hash_async(password.clone()).await?),
        _ => None,
    };
    super::invoices::ensure_counter(&state.db).await?;
    let placed = super::retry_conflicts(|| async {
        // IMMEDIATE on SQLite: two concurrent checkouts queue instead of
        // failing on a lock upgrade.
        let txn = super::begin_write(&state.db).await?;
        let written = async {
            let cart = super::cart::take_in(&txn, &session_id).await?;
            if cart.is_empty() {
                return Err(AppError::CartEmpty);
            }
            let buyer = Buyer {
                logged_in,
                password_hash: password_hash.clone(),
                locale,
            };
            write_order(&txn, state, &cart, data, buyer, now).await
        }
        .await;
        let placed = super::settle(txn, written).await?;
        let found = order::Entity::find()
            .filter(order::Column::Token.eq(&placed.token))
            .count(&state.db)
            .await;
        super::held(found.map(|n| n > 0), "order")?;
        Ok(placed)
    })
    .await?;
    state.outbox.wake();
    Ok(placed)
}

/// Who places an order or a booking: logged in, or a guest (with the
/// hash of a new account's password); and the language of the page, which
/// the order or booking records and its mails are written in.
pub(super) struct Buyer {
    pub logged_in: Option<i32>,
    pub password_hash: Option<String>,
    pub locale: Locale,
}

async fn take_stock(
    txn: &DatabaseTransaction,
    item: &CartItem,
) -> Result<product::Model, AppError> {
    let product = product::Entity::find_by_id(item.product_id)
        .filter(product::Column::Active.eq(true))
        .one(txn)
        .await?
        .ok_or(AppError::ProductUnavailable)?;
    // The condition makes the decrement safe against a concurrent order on
    // both backends: it only succeeds while enough stock remains.
    let updated = product::Entity::update_many()
        .col_expr(
            product::Column::Stock,
            ExprTrait::sub(Expr::col(product::Column::Stock), item.quantity),
        )
        .filter(product::Column::Id.eq(product.id))
        .filter(product::Column::Stock.gte(item.quantity))
        .exec(txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::OutOfStock {
            product: product.name,
            available: Ord::max(product.stock, 0),
        });
    }
    Ok(product)
}

async fn write_order(
    txn: &DatabaseTransaction,
    state: &AppState,
    cart: &[CartItem],
    data: &CheckoutData,
    buyer: Buyer,
    now: NaiveDateTime,
) -> Result<PlacedOrder, AppError> {
    let Buyer {
        logged_in,
        password_hash,
        locale,
    } = buyer;
    // Stock is taken in the order of the product ids, whatever the order
    // of the cart: two checkouts of the same products in a different
    // order would otherwise lock them crosswise (a MariaDB deadlock under
    // load, bench/faults.sh). The lines keep the cart's order.
    let mut by_id: Vec<&CartItem> = cart.iter().collect();
    by_id.sort_by_key(|item| item.product_id);
    let mut taken = std::collections::HashMap::with_capacity(cart.len());
    for item in by_id {
        let product = take_stock(txn, item).await?;
        taken.insert(item.product_id, product);
    }
    let mut lines = Vec::with_capacity(cart.len());
    for item in cart {
        let product = taken
            .get(&item.product_id)
            .cloned()
            .ok_or(AppError::Internal)?;
        lines.push((product, item.quantity));
    }
    // A business in another EU country is invoiced without VAT (reverse
    // charge): the order's prices and totals follow the invoice's rule.
    let reverse_charge = invoice_rules::reverse_charge(data.customer.vat_number.as_deref());
    let priced: Vec<PricedLine> = lines
        .iter()
        .map(|(p, quantity)| PricedLine {
            unit_price_cents: p.price_cents,
            quantity: *quantity,
            vat_rate_bp: p.vat_rate_bp,
        })
        .map(|line| invoice_rules::as_charged(line, reverse_charge))
        .collect();
    // The rates as they are now, read in the order's transaction: the
    // order keeps the cost it was placed with, whatever changes later.
    let rates = super::shipping::load(txn).await?;
    let totals = rules::order_totals(&priced, data.destination(), &rates).map_err(|error| {
        let field = if data.customer.delivery_address.is_some() {
            "delivery_country"
        } else {
            "country"
        };
        let mut errors = crate::validate::FieldErrors::default();
        errors.add(
            if error == crate::validate::FieldError::PickupUnavailable {
                "delivery_method"
            } else {
                field
            },
            error,
        );
        AppError::Validation(errors)
    })?;
    // With reverse charge the order is charged net, shipping too.
    let totals = invoice_rules::totals_as_charged(totals, reverse_charge);

    let person = &data.customer;
    let customer_id = match logged_in {
        Some(id) => id,
        None => guest_customer(txn, state, person, password_hash, locale, now).await?,
    };

    let ship_to = person.delivery_address.as_ref().unwrap_or(&person.address);
    let token = random_token()?;
    let order = order::ActiveModel {
        token: Set(token.clone()),
        customer_id: Set(Some(customer_id)),
        status: Set(order::OrderStatus::New),
        placed_at: Set(now),
        desired_delivery_date: Set(data.delivery_date),
        delivery_method: Set(data.delivery_method),
        payment_method: Set(data.payment_method),
        subtotal_cents: Set(totals.subtotal_cents),
        shipping_cents: Set(totals.shipping_cents),
        vat_cents: Set(totals.vat_cents),
        total_cents: Set(totals.total_cents),
        recipient_name: Set(format!("{} {}", person.first_name, person.last_name)),
        company_name: Set(person.company_name.clone()),
        vat_number: Set(person.vat_number.clone()),
        street: Set(ship_to.street.clone()),
        house_number: Set(ship_to.house_number.clone()),
        postcode: Set(ship_to.postcode.clone()),
        city: Set(ship_to.city.clone()),
        country: Set(ship_to.country.clone()),
        anonymised_at: Set(None),
        locale: Set(locale),
        ..Default::default()
    };
    let order_id = order::Entity::insert(order).exec(txn).await?.last_insert_id;

    let rows = lines
        .iter()
        .zip(&priced)
        .map(|((p, _), charged)| order_line::ActiveModel {
            order_id: Set(order_id),
            product_id: Set(Some(p.id)),
            product_name: Set(p.name.clone()),
            quantity: Set(charged.quantity),
            unit_price_cents: Set(charged.unit_price_cents),
            vat_rate_bp: Set(charged.vat_rate_bp),
            line_total_cents: Set(charged.total_cents()),
            ..Default::default()
        });
    order_line::Entity::insert_many(rows).exec(txn).await?;
    super::invoices::issue_for_order(txn, order_id, &super::invoices::Buyer::of(person), now)
        .await?;
    super::order_mail::queue_confirmation(txn, state, order_id, now).await?;
    Ok(PlacedOrder { token, customer_id })
}

/// The customer record of a guest's order. With "create an account" it is
/// an account unless the address already has one; then it stays a guest
/// record, and (as after a registration) that account is told by mail.
/// One mail either way: the checkout never shows whether the address had
/// an account. A newsletter wish gets its confirmation mail. Bookings use
/// it too. The mails are in `locale`, the page's language.
pub(super) async fn guest_customer(
    txn: &DatabaseTransaction,
    state: &AppState,
    person: &CustomerData,
    password_hash: Option<String>,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let insert =
        |hash| customer::Entity::insert(accounts::new_customer(person, hash, now)).exec(txn);
    let (id, registered) = match password_hash {
        None => (insert(None).await?.last_insert_id, None),
        Some(hash) => match accounts::insert_account(txn, person, hash, now).await? {
            Registered::Created(id) => (id, Some(Registered::Created(id))),
            existing => (insert(None).await?.last_insert_id, Some(existing)),
        },
    };
    match registered {
        // The welcome mail carries the newsletter link too.
        Some(registered) => {
            account_mail::queue_registration_mail(
                txn,
                state,
                registered,
                &person.email,
                locale,
                now,
            )
            .await?;
            if matches!(registered, Registered::AlreadyExists(_)) && person.newsletter {
                queue_newsletter(txn, state, id, locale, now).await?;
            }
        }
        None if person.newsletter => queue_newsletter(txn, state, id, locale, now).await?,
        None => {}
    }
    Ok(id)
}

async fn queue_newsletter(
    txn: &DatabaseTransaction,
    state: &AppState,
    customer_id: i32,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let customer = customer::Entity::find_by_id(customer_id)
        .one(txn)
        .await?
        .ok_or(AppError::Internal)?;
    super::newsletter::confirm_new_wish(txn, state, &customer, NewsletterState::None, locale, now)
        .await
}
