//! The demo's bookable items (part of `winkel seed --demo`): a bike
//! workshop, a cooking school and a consultant, with schedules relative to
//! the day of seeding so that the demo always has slots ahead. The demo has
//! no customers, so it has no bookings either; `winkel seed --dev` adds a
//! few made-up customers with bookings ([`demo_bookings`]) so that the
//! agenda, Mijn account and the privacy jobs have something to show.

use app::clock::{amsterdam_to_utc, shop_today};
use app::ssr::entities::{bookable_item, booking_closure, booking_date, booking_hour};
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

pub struct DemoItem {
    pub name: &'static str,
    pub name_en: &'static str,
    pub slug: &'static str,
    pub description: &'static str,
    pub description_en: &'static str,
    pub price_cents: i64,
    pub duration_minutes: i32,
    pub slot_minutes: i32,
    pub capacity: i32,
    pub horizon_days: i32,
    pub cancel_hours: i32,
    /// Weekly hours: (weekday 0 = Monday, opens, closes) in minutes.
    pub hours: &'static [(i16, i32, i32)],
    /// One-off evenings at 19:00, as days after the seeding day.
    pub evenings: &'static [u64],
}

pub const ITEMS: [DemoItem; 3] = [
    DemoItem {
        name: "Fietsreparatie",
        name_en: "Bike repair",
        slug: "fietsreparatie",
        description: "Een uur in onze werkplaats: lekke band, remmen, versnellingen of verlichting. Breng je fiets mee; onderdelen rekenen we apart af.",
        description_en: "An hour in our workshop: a flat tyre, brakes, gears or lights. Bring your bike; parts are charged separately.",
        price_cents: 4500,
        duration_minutes: 60,
        slot_minutes: 60,
        capacity: 2,
        horizon_days: 30,
        cancel_hours: 24,
        hours: &[
            (0, 540, 1020),
            (1, 540, 1020),
            (2, 540, 1020),
            (3, 540, 1020),
            (4, 540, 1020),
        ],
        evenings: &[],
    },
    DemoItem {
        name: "Kookworkshop pasta",
        name_en: "Pasta cooking workshop",
        slug: "kookworkshop-pasta",
        description: "Een avond verse pasta maken met onze kok: deeg, tagliatelle en ravioli, twee sauzen, en samen aan tafel. Maximaal acht deelnemers.",
        description_en: "An evening of making fresh pasta with our chef: the dough, tagliatelle and ravioli, two sauces, then dinner together. Eight participants at most.",
        price_cents: 7500,
        duration_minutes: 180,
        slot_minutes: 180,
        capacity: 8,
        horizon_days: 60,
        cancel_hours: 48,
        hours: &[],
        evenings: &[3, 6, 10, 13, 17, 24, 31, 38],
    },
    DemoItem {
        name: "Adviesgesprek",
        name_en: "Advice session",
        slug: "adviesgesprek",
        description: "Een uur persoonlijk advies over je inrichting of je keuken, in de winkel of online.",
        description_en: "An hour of personal advice on your interior or your kitchen, in the shop or online.",
        price_cents: 9500,
        duration_minutes: 60,
        slot_minutes: 60,
        capacity: 1,
        horizon_days: 60,
        cancel_hours: 24,
        hours: &[(1, 600, 960), (3, 600, 960)],
        evenings: &[],
    },
];

/// The next 25 December and 1 January: the whole shop is closed.
fn closed_days(today: NaiveDate) -> Vec<NaiveDate> {
    let next = |month, day| {
        let this = NaiveDate::from_ymd_opt(today.year(), month, day);
        this.filter(|d| *d >= today)
            .or_else(|| NaiveDate::from_ymd_opt(today.year() + 1, month, day))
    };
    [next(12, 25), next(1, 1)].into_iter().flatten().collect()
}

/// Writes the items, their schedules and the closed days (in the caller's
/// transaction).
pub async fn seed(db: &impl ConnectionTrait, now: NaiveDateTime) -> Result<usize, DbErr> {
    let today = shop_today(now);
    for item in &ITEMS {
        let id = bookable_item::Entity::insert(bookable_item::ActiveModel {
            name: Set(item.name.into()),
            slug: Set(item.slug.into()),
            description: Set(item.description.into()),
            name_en: Set(Some(item.name_en.into())),
            description_en: Set(Some(item.description_en.into())),
            image: Set(None),
            price_cents: Set(item.price_cents),
            vat_rate_bp: Set(2100),
            duration_minutes: Set(item.duration_minutes),
            slot_minutes: Set(item.slot_minutes),
            capacity: Set(item.capacity),
            horizon_days: Set(item.horizon_days),
            cancel_hours: Set(item.cancel_hours),
            active: Set(true),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await?
        .last_insert_id;
        for &(weekday, opens, closes) in item.hours {
            booking_hour::Entity::insert(booking_hour::ActiveModel {
                item_id: Set(id),
                weekday: Set(weekday),
                opens_minute: Set(opens),
                closes_minute: Set(closes),
                ..Default::default()
            })
            .exec(db)
            .await?;
        }
        for &days in item.evenings {
            let Some(day) = today.checked_add_days(Days::new(days)) else {
                continue;
            };
            let seven = NaiveTime::from_hms_opt(19, 0, 0).unwrap_or(NaiveTime::MIN);
            booking_date::Entity::insert(booking_date::ActiveModel {
                item_id: Set(id),
                starts_at: Set(amsterdam_to_utc(day.and_time(seven))),
                ..Default::default()
            })
            .exec(db)
            .await?;
        }
    }
    for day in closed_days(today) {
        booking_closure::Entity::insert(booking_closure::ActiveModel {
            item_id: Set(None),
            closed_on: Set(day),
            ..Default::default()
        })
        .exec(db)
        .await?;
    }
    Ok(ITEMS.len())
}

/// Made-up guests of the development shop (example.nl addresses).
const GUESTS: [(&str, &str, &str); 3] = [
    ("Sanne", "Jansen", "sanne.jansen@example.nl"),
    ("Daan", "Bakker", "daan.bakker@example.nl"),
    ("Fatima", "El Amrani", "fatima.elamrani@example.nl"),
];

/// A few bookings for the development shop: each made-up guest books the
/// first free slots of a demo item in the coming two weeks, taking places
/// as the shop does. Does nothing when any booking exists. Returns the
/// number of bookings made.
pub async fn demo_bookings(
    db: &sea_orm::DatabaseConnection,
    now: NaiveDateTime,
) -> Result<usize, app::error::AppError> {
    use app::booking::rules::{slots_on, BookingStatus};
    use app::customer::CustomerInput;
    use app::shop::rules::PaymentMethod;
    use app::ssr::entities::{booking, customer};
    use app::ssr::services::{accounts, begin_write, booking_slots};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    if booking::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let items = bookable_item::Entity::find()
        .filter(bookable_item::Column::Slug.is_in(ITEMS.iter().map(|i| i.slug)))
        .all(db)
        .await?;
    let today = shop_today(now);
    // Two upcoming slots per item, from tomorrow on.
    let mut plan = Vec::new();
    for item in &items {
        let schedule = booking_slots::schedule(db, item).await?;
        let starts = (1..15)
            .filter_map(|d| today.checked_add_days(Days::new(d)))
            .flat_map(|day| slots_on(&schedule, day))
            .take(2);
        for start in starts {
            booking_slots::ensure_slot(db, item.id, start).await?;
            plan.push((item.clone(), start));
        }
    }
    let txn = begin_write(db).await?;
    let mut made = 0;
    for (n, (item, start)) in plan.iter().enumerate() {
        let (first, last, email) = GUESTS[n % GUESTS.len()];
        let person = CustomerInput {
            email: Some(email.into()),
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            street: Some("Oudegracht".into()),
            house_number: Some(format!("{}", 10 + n)),
            postcode: Some("3511 AB".into()),
            city: Some("Utrecht".into()),
            country: Some("NL".into()),
            phone: Some("030-1234567".into()),
            ..CustomerInput::default()
        }
        .validate()
        .map_err(app::error::AppError::Validation)?;
        let places = if item.capacity > 2 { 2 } else { 1 };
        booking_slots::take(&txn, item, *start, places).await?;
        let customer_id = customer::Entity::insert(accounts::new_customer(&person, None, now))
            .exec(&txn)
            .await?
            .last_insert_id;
        booking::Entity::insert(booking::ActiveModel {
            token: Set(app::ssr::random_token()?),
            customer_id: Set(Some(customer_id)),
            item_id: Set(item.id),
            item_name: Set(item.name.clone()),
            starts_at: Set(*start),
            duration_minutes: Set(item.duration_minutes),
            places: Set(places),
            status: Set(BookingStatus::Booked),
            payment_method: Set(PaymentMethod::BankTransfer),
            unit_price_cents: Set(item.price_cents),
            total_cents: Set(item.price_cents * i64::from(places)),
            vat_rate_bp: Set(item.vat_rate_bp),
            created_at: Set(now),
            cancelled_at: Set(None),
            anonymised_at: Set(None),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        made += 1;
    }
    txn.commit().await?;
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_days_are_the_coming_holidays() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(
            closed_days(day(2026, 12, 5)),
            vec![day(2026, 12, 25), day(2027, 1, 1)]
        );
        assert_eq!(
            closed_days(day(2026, 12, 28)),
            vec![day(2027, 12, 25), day(2027, 1, 1)]
        );
    }

    #[test]
    fn demo_items_have_unique_slugs_and_a_schedule() {
        let slugs: std::collections::HashSet<&str> = ITEMS.iter().map(|i| i.slug).collect();
        assert_eq!(slugs.len(), ITEMS.len());
        for item in &ITEMS {
            assert!(
                !item.hours.is_empty() || !item.evenings.is_empty(),
                "{}",
                item.name
            );
            assert_eq!(item.slug, app::validate::slugify(item.name));
        }
    }
}
