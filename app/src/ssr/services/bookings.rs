//! The shop side of bookings: the list of bookable items, an item's month
//! of availability, booking a slot (as checkout places an order: one
//! transaction that takes the places, records the customer and writes the
//! booking with its confirmation mail) and a customer's own bookings.

use super::booking_slots;
use super::checkout::{guest_customer, Buyer};
use crate::booking::models::{
    BookableCard, BookableDetail, BookingInput, BookingView, DayView, MonthView, SlotView,
};
use crate::booking::rules::{self, BookingStatus, SlotRefusal};
use crate::clock::amsterdam_local;
use crate::customer::CustomerData;
use crate::error::AppError;
use crate::invoice::rules as invoice_rules;
use crate::locale::{Locale, Written};
use crate::shop::rules::{entitled_payment_methods, PaymentMethod};
use crate::ssr::entities::{bookable_item, booking, customer};
use crate::ssr::mail_text::{self, bookings::BookingFacts};
use crate::ssr::mailer::{Mail, MailKind};
use crate::ssr::random_token;
use crate::ssr::AppState;
use crate::validate::{self as v, FieldError, FieldErrors};
use chrono::{Days, Months, NaiveDateTime, TimeDelta};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder,
};
use tower_sessions::Session;

/// The items that can be booked, by name, their texts in `locale`.
pub async fn list(
    db: &impl ConnectionTrait,
    locale: Locale,
) -> Result<Vec<BookableCard>, AppError> {
    let items = bookable_item::Entity::find()
        .filter(bookable_item::Column::Active.eq(true))
        .order_by_asc(bookable_item::Column::Name)
        .all(db)
        .await?;
    Ok(items
        .into_iter()
        .map(|i| BookableCard {
            name: Written::pick(locale, i.name, i.name_en),
            slug: i.slug,
            description: Written::pick(locale, i.description, i.description_en),
            image: i.image,
            price_cents: i.price_cents,
            duration_minutes: i.duration_minutes,
            capacity: i.capacity,
        })
        .collect())
}

async fn active_item(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<bookable_item::Model, AppError> {
    bookable_item::Entity::find()
        .filter(bookable_item::Column::Slug.eq(slug))
        .filter(bookable_item::Column::Active.eq(true))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// An item's page: the month `month` (`YYYY-MM`, else the current one)
/// with its free and full slots, and the form's options for `customer`;
/// the item's texts in `locale`.
pub async fn detail(
    db: &impl ConnectionTrait,
    slug: &str,
    month: Option<&str>,
    customer: Option<&customer::Model>,
    now: NaiveDateTime,
    locale: Locale,
) -> Result<BookableDetail, AppError> {
    let item = active_item(db, slug).await?;
    let month = month_view(db, &item, month, now).await?;
    let granted = customer.and_then(|c| c.payment_methods.as_deref());
    Ok(BookableDetail {
        name: Written::pick(locale, item.name, item.name_en),
        slug: item.slug,
        description: Written::pick(locale, item.description, item.description_en),
        image: item.image,
        price_cents: item.price_cents,
        vat_rate_bp: item.vat_rate_bp,
        duration_minutes: item.duration_minutes,
        capacity: item.capacity,
        cancel_hours: item.cancel_hours,
        month,
        profile: customer.map(super::accounts::profile_of),
        payment_methods: entitled_payment_methods(granted),
    })
}

async fn month_view(
    db: &impl ConnectionTrait,
    item: &bookable_item::Model,
    month: Option<&str>,
    now: NaiveDateTime,
) -> Result<MonthView, AppError> {
    let first = rules::month_shown(month, now, item.horizon_days);
    let weeks = rules::month_weeks(first);
    let schedule = booking_slots::schedule(db, item).await?;
    let last_day = rules::last_bookable_day(now, item.horizon_days);
    // A day on either side covers every UTC instant of the local weeks.
    let from = weeks[0][0] - Days::new(1);
    let to = weeks[weeks.len() - 1][6] + Days::new(2);
    let taken = booking_slots::taken_between(
        db,
        item.id,
        from.and_time(chrono::NaiveTime::MIN),
        to.and_time(chrono::NaiveTime::MIN),
    )
    .await?;
    let in_month = |d: chrono::NaiveDate| d >= first && d < first + Months::new(1);
    let weeks = weeks
        .iter()
        .map(|week| {
            week.iter()
                .map(|&date| DayView {
                    date,
                    in_month: in_month(date),
                    slots: if in_month(date) && date <= last_day {
                        rules::slots_on(&schedule, date)
                            .into_iter()
                            .filter(|s| *s > now)
                            .map(|s| SlotView {
                                slot: rules::slot_param(s),
                                time: amsterdam_local(s).format("%H:%M").to_string(),
                                places_left: Ord::max(
                                    item.capacity - taken.get(&s).copied().unwrap_or(0),
                                    0,
                                ),
                            })
                            .collect()
                    } else {
                        Vec::new()
                    },
                })
                .collect()
        })
        .collect();
    let param = |d| Some(rules::month_param(d));
    let previous = first
        .checked_sub_months(Months::new(1))
        .filter(|p| rules::month_shown(Some(&rules::month_param(*p)), now, item.horizon_days) == *p)
        .and_then(param);
    let next = first
        .checked_add_months(Months::new(1))
        .filter(|n| rules::month_shown(Some(&rules::month_param(*n)), now, item.horizon_days) == *n)
        .and_then(param);
    Ok(MonthView {
        first,
        previous,
        next,
        weeks,
    })
}

/// The booking form, validated: what the customer typed and chose.
struct BookingData {
    customer: CustomerData,
    slot: NaiveDateTime,
    places: i32,
    payment_method: PaymentMethod,
    account_password: Option<String>,
}

/// Checks every field at once (as checkout does): the customer's AVG-4
/// fields, the payment method this customer may use, the password when an
/// account is asked for, the slot's form and the number of places.
fn validate(
    input: &BookingInput,
    capacity: i32,
    entitled: &[PaymentMethod],
) -> Result<BookingData, FieldErrors> {
    let mut errors = FieldErrors::default();
    let customer = input.customer.validate_into(&mut errors);
    // A missing slot gets the same sentence as a bad one: "choose a time
    // from the calendar" says what to do.
    let slot = errors.check(
        "slot",
        rules::parse_slot(input.slot.as_deref().unwrap_or_default()).map_err(|_| FieldError::Slot),
    );
    let places = errors.check("places", rules::places(input.places.as_deref(), capacity));
    let payment_method = errors.check(
        "payment_method",
        crate::shop::rules::payment_method(input.payment_method.as_deref(), entitled),
    );
    let account_password = if v::checkbox(input.create_account.as_deref()) {
        let email = input.customer.email.as_deref().unwrap_or_default();
        errors.check(
            "password",
            crate::account::rules::password_policy(
                input.password.as_deref().unwrap_or_default(),
                email,
            ),
        )
    } else {
        None
    };
    match (customer, slot, places, payment_method) {
        (Some(customer), Some(slot), Some(places), Some(payment_method)) if errors.is_empty() => {
            Ok(BookingData {
                customer,
                slot,
                places,
                payment_method,
                account_password,
            })
        }
        _ => Err(errors),
    }
}

/// A placed booking: its confirmation token and the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedBooking {
    pub token: String,
    pub customer_id: i32,
}

/// Books `input.places` places of the item `slug` in `input.slot`.
/// Either everything is written (places, customer, booking, mail) or
/// nothing is.
pub async fn book(
    state: &AppState,
    session: &Session,
    slug: &str,
    input: &BookingInput,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<PlacedBooking, AppError> {
    let customer = crate::ssr::auth::current_customer(&state.db, session).await?;
    book_as(state, customer.as_ref(), slug, input, locale, now).await
}

/// Books as `customer` (logged in) or as a guest, from a page in `locale`
/// (recorded with the booking: its confirmation's language).
pub async fn book_as(
    state: &AppState,
    customer: Option<&customer::Model>,
    slug: &str,
    input: &BookingInput,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<PlacedBooking, AppError> {
    let db = &state.db;
    let item = active_item(db, slug).await?;
    let logged_in = customer.map(|c| c.id);
    let entitled = entitled_payment_methods(customer.and_then(|c| c.payment_methods.as_deref()));
    let data = validate(input, item.capacity, &entitled)?;
    let schedule = booking_slots::schedule(db, &item).await?;
    rules::check_slot(&schedule, data.slot, now, item.horizon_days)
        .map_err(AppError::SlotRefused)?;
    // Hash before the transaction: on SQLite every other write would wait
    // behind it.
    let password_hash = match (&data.account_password, logged_in) {
        (Some(password), None) => Some(crate::ssr::password::hash_async(password.clone()).await?),
        _ => None,
    };
    booking_slots::ensure_slot(db, item.id, data.slot).await?;
    super::invoices::ensure_counter(db).await?;
    let placed = super::retry_conflicts(|| async {
        let txn = super::begin_write(db).await?;
        let buyer = Buyer {
            logged_in,
            password_hash: password_hash.clone(),
            locale,
        };
        let written = write_booking(&txn, state, &item, &data, buyer, now).await;
        super::settle(txn, written).await
    })
    .await?;
    state.outbox.wake();
    Ok(placed)
}

async fn write_booking(
    txn: &DatabaseTransaction,
    state: &AppState,
    item: &bookable_item::Model,
    data: &BookingData,
    buyer: Buyer,
    now: NaiveDateTime,
) -> Result<PlacedBooking, AppError> {
    booking_slots::take(txn, item, data.slot, data.places).await?;
    let customer_id = match buyer.logged_in {
        Some(id) => id,
        None => {
            guest_customer(
                txn,
                state,
                &data.customer,
                buyer.password_hash,
                buyer.locale,
                now,
            )
            .await?
        }
    };
    let token = random_token()?;
    // Reverse charge (a business in another EU country): no VAT, as on
    // its invoice.
    let charged = invoice_rules::as_charged(
        crate::shop::rules::PricedLine {
            unit_price_cents: item.price_cents,
            quantity: data.places,
            vat_rate_bp: item.vat_rate_bp,
        },
        invoice_rules::reverse_charge(data.customer.vat_number.as_deref()),
    );
    let row = booking::ActiveModel {
        token: Set(token.clone()),
        customer_id: Set(Some(customer_id)),
        item_id: Set(item.id),
        item_name: Set(item.name.clone()),
        starts_at: Set(data.slot),
        duration_minutes: Set(item.duration_minutes),
        places: Set(data.places),
        status: Set(BookingStatus::Booked),
        payment_method: Set(data.payment_method),
        unit_price_cents: Set(charged.unit_price_cents),
        total_cents: Set(rules::total_cents(charged.unit_price_cents, data.places)),
        vat_rate_bp: Set(charged.vat_rate_bp),
        created_at: Set(now),
        cancelled_at: Set(None),
        anonymised_at: Set(None),
        locale: Set(buyer.locale),
        ..Default::default()
    };
    let booking = row.insert(txn).await?;
    let buyer = super::invoices::Buyer::of(&data.customer);
    super::invoices::issue_for_booking(txn, &booking, &buyer, now).await?;
    queue_confirmation(txn, state, item, &booking, &data.customer.email, now).await?;
    Ok(PlacedBooking { token, customer_id })
}

/// The confirmation mail, in the booking's transaction and its language.
/// It goes to an address typed into a form: only the shop's own words and
/// the booking's facts, no name.
async fn queue_confirmation(
    txn: &DatabaseTransaction,
    state: &AppState,
    item: &bookable_item::Model,
    booking: &booking::Model,
    email: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let shop = super::settings::load(txn).await?.shop_name;
    let base = state.config.public_url.trim_end_matches('/');
    let locale = booking.locale;
    let view = format!(
        "{base}{}",
        locale.href(&format!("/bookings/confirmed/{}", booking.token))
    );
    let account = format!("{base}{}", locale.href("/account"));
    let text = mail_text::bookings::confirmation(
        locale,
        &shop,
        &BookingFacts {
            item: &booking.item_name,
            starts_local: amsterdam_local(booking.starts_at),
            minutes: booking.duration_minutes,
            places: booking.places,
            total_cents: booking.total_cents,
            payment: booking.payment_method,
            cancel_until_local: amsterdam_local(cancel_deadline(
                item.cancel_hours,
                booking.starts_at,
            )),
            view: &view,
            account: &account,
        },
    );
    let mail = Mail {
        kind: MailKind::BookingConfirmation,
        to: email.to_owned(),
        // The order mails' machinery: the text, and the same as HTML.
        html: Some(mail_text::html::from_text(locale, &text)),
        subject: text.subject,
        body: text.body,
        unsubscribe_url: None,
    };
    state
        .outbox
        .queue(txn, &mail, booking.customer_id, now)
        .await?;
    Ok(())
}

fn cancel_deadline(cancel_hours: i32, starts_at: NaiveDateTime) -> NaiveDateTime {
    starts_at - TimeDelta::hours(cancel_hours.into())
}

fn view_of(
    b: booking::Model,
    item: Option<&bookable_item::Model>,
    now: NaiveDateTime,
) -> BookingView {
    let cancel_hours = item.map_or(0, |i| i.cancel_hours);
    BookingView {
        item_slug: item.filter(|i| i.active).map(|i| i.slug.clone()),
        starts_local: amsterdam_local(b.starts_at),
        ends_local: amsterdam_local(b.starts_at + TimeDelta::minutes(b.duration_minutes.into())),
        can_cancel: item.is_some()
            && rules::check_cancel(b.status, b.starts_at, now, cancel_hours).is_ok(),
        cancel_until_local: amsterdam_local(cancel_deadline(cancel_hours, b.starts_at)),
        upcoming: b.starts_at > now,
        token: b.token,
        item_name: b.item_name,
        places: b.places,
        status: b.status,
        payment_method: b.payment_method,
        unit_price_cents: b.unit_price_cents,
        total_cents: b.total_cents,
        vat_rate_bp: b.vat_rate_bp,
        created_at: b.created_at,
    }
}

/// A booking by its public token (the confirmation page).
pub async fn by_token(
    db: &impl ConnectionTrait,
    token: &str,
    now: NaiveDateTime,
) -> Result<BookingView, AppError> {
    let (b, item) = booking::Entity::find()
        .filter(booking::Column::Token.eq(token))
        .find_also_related(bookable_item::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(view_of(b, item.as_ref(), now))
}

/// A customer's bookings: the upcoming ones first (soonest first), then
/// the past ones (latest first).
pub async fn for_customer(
    db: &impl ConnectionTrait,
    customer_id: i32,
    now: NaiveDateTime,
) -> Result<Vec<BookingView>, AppError> {
    let rows = booking::Entity::find()
        .filter(booking::Column::CustomerId.eq(customer_id))
        .find_also_related(bookable_item::Entity)
        .order_by_asc(booking::Column::StartsAt)
        .all(db)
        .await?;
    let (upcoming, mut past): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .map(|(b, item)| view_of(b, item.as_ref(), now))
        .partition(|b| b.upcoming);
    past.reverse();
    Ok(upcoming.into_iter().chain(past).collect())
}

/// A customer cancels their own booking, up to the item's cut-off: one
/// transaction sets the status and gives the places back. Another
/// customer's token is not found.
pub async fn cancel_by_customer(
    state: &AppState,
    customer_id: i32,
    token: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    super::retry_conflicts(|| async {
        let txn = super::begin_write(&state.db).await?;
        let cancelled = cancel_in(&txn, customer_id, token, now).await;
        super::settle(txn, cancelled).await
    })
    .await
}

async fn cancel_in(
    txn: &DatabaseTransaction,
    customer_id: i32,
    token: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (b, item) = booking::Entity::find()
        .filter(booking::Column::Token.eq(token))
        .filter(booking::Column::CustomerId.eq(customer_id))
        .find_also_related(bookable_item::Entity)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let item = item.ok_or(AppError::SlotRefused(SlotRefusal::NotCancellable))?;
    rules::check_cancel(b.status, b.starts_at, now, item.cancel_hours)
        .map_err(AppError::SlotRefused)?;
    // Only a booking still booked is changed: a concurrent cancel of the
    // same booking gives the places back once.
    let updated = booking::Entity::update_many()
        .col_expr(
            booking::Column::Status,
            sea_orm::sea_query::Expr::value(BookingStatus::Cancelled.as_str()),
        )
        .col_expr(
            booking::Column::CancelledAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(booking::Column::Id.eq(b.id))
        .filter(booking::Column::Status.eq(BookingStatus::Booked))
        .exec(txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::SlotRefused(SlotRefusal::NotCancellable));
    }
    booking_slots::release(txn, b.item_id, b.starts_at, b.places).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::CustomerInput;

    fn input() -> BookingInput {
        BookingInput {
            customer: CustomerInput {
                email: Some("an@example.nl".into()),
                first_name: Some("An".into()),
                last_name: Some("Smit".into()),
                street: Some("Dorpsstraat".into()),
                house_number: Some("1".into()),
                postcode: Some("3511AB".into()),
                city: Some("Utrecht".into()),
                country: Some("NL".into()),
                phone: Some("06-12345678".into()),
                ..CustomerInput::default()
            },
            slot: Some("2026-12-14T19:00+01:00".into()),
            places: Some("2".into()),
            payment_method: Some("bank_transfer".into()),
            ..BookingInput::default()
        }
    }

    fn guest() -> Vec<PaymentMethod> {
        entitled_payment_methods(None)
    }

    #[test]
    fn a_valid_form_names_the_slot_in_utc() {
        let data = validate(&input(), 8, &guest()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(data.slot.to_string(), "2026-12-14 18:00:00");
        assert_eq!(
            (data.places, data.payment_method),
            (2, PaymentMethod::BankTransfer)
        );
        assert_eq!(data.account_password, None);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let missing = BookingInput {
            slot: None,
            ..input()
        };
        let errors = validate(&missing, 8, &guest()).err().unwrap_or_default();
        assert_eq!(errors.get("slot"), Some(&FieldError::Slot));
        let bad = BookingInput {
            slot: Some("2026-12-14T19:00+02:00".into()),
            places: Some("9".into()),
            payment_method: Some("on_account".into()),
            create_account: Some("on".into()),
            password: Some("kort".into()),
            ..input()
        };
        let errors = validate(&bad, 8, &guest()).err().unwrap_or_default();
        assert_eq!(errors.get("slot"), Some(&FieldError::Slot));
        assert_eq!(
            errors.get("places"),
            Some(&FieldError::Number { min: 1, max: 8 })
        );
        assert_eq!(
            errors.get("payment_method"),
            Some(&FieldError::PaymentMethod)
        );
        assert!(errors.get("password").is_some());
    }

    #[test]
    fn the_cancel_deadline_lies_the_items_hours_before_the_start() {
        let start = chrono::NaiveDate::from_ymd_opt(2026, 12, 14)
            .and_then(|d| d.and_hms_opt(18, 0, 0))
            .unwrap_or_default();
        assert_eq!(
            cancel_deadline(48, start).to_string(),
            "2026-12-12 18:00:00"
        );
    }
}
