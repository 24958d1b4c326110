//! `winkel seed --customers N --orders M`: a large, made-up clientele for
//! benchmarks and retention trials, spread over the last 12 years.
//!
//! The shape follows how the shop records people: a guest gets a customer
//! record of their own with each order (placed when the record was added);
//! account holders (60 %) order several times between registering and their
//! last login, and one in ten accounts never logged in. Names and addresses
//! are invented; every account has the password `winkel-demo-1`.
//!
//! Rows go in as multi-row INSERTs, a block of customers with their orders
//! and lines per transaction, so an interrupted seed leaves whole customers
//! only. The generator is seeded, so the same N and M give the same data.

use super::progress::bar;
use crate::error::CliError;
use app::cms::rules::OrderStatus;
use app::customer::{CustomerKind, NewsletterState};
use app::shop::rules::{
    order_totals, DeliveryMethod, Destination, PaymentMethod, PricedLine, ShippingRates,
};
use app::ssr::entities::{customer, order, order_line, product};
use app::ssr::now_utc;
use chrono::{Duration, NaiveDateTime};
use sea_orm::sea_query::{Expr, InsertStatement, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait};

/// Customers per transaction. With 27 columns a customers INSERT of this
/// many rows stays below SQLite's 32,766 bound parameters.
const BLOCK: usize = 1000;
const YEARS: i64 = 12;
const GUEST_SHARE: f64 = 0.4;
const NEVER_LOGGED_IN_SHARE: f64 = 0.1;
pub const DEMO_PASSWORD: &str = "winkel-demo-1";

const FIRST_NAMES: [&str; 16] = [
    "Anna", "Bram", "Daan", "Emma", "Fleur", "Gijs", "Ilse", "Jasper", "Lotte", "Milan", "Noor",
    "Ruben", "Sanne", "Thijs", "Vera", "Zoë",
];
const LAST_NAMES: [&str; 16] = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
];
const STREETS: [&str; 8] = [
    "Kerkstraat",
    "Dorpsstraat",
    "Schoolstraat",
    "Molenweg",
    "Stationsweg",
    "Julianalaan",
    "Beatrixstraat",
    "Nieuwstraat",
];
const CITIES: [(&str, &str); 8] = [
    ("Amsterdam", "1012"),
    ("Rotterdam", "3011"),
    ("Utrecht", "3511"),
    ("Den Haag", "2511"),
    ("Groningen", "9711"),
    ("Eindhoven", "5611"),
    ("Zwolle", "8011"),
    ("Maastricht", "6211"),
];

/// SplitMix64: small, fast and reproducible; no cryptographic use.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// A number in `0..n` for counts and indexes, which fit any integer.
    fn small(&mut self, n: usize) -> usize {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        usize::try_from(self.below(n)).unwrap_or(0)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.small(items.len())]
    }
    /// An instant uniformly between `from` and `to`.
    fn between(&mut self, from: NaiveDateTime, to: NaiveDateTime) -> NaiveDateTime {
        let span = u64::try_from((to - from).num_seconds()).unwrap_or(0);
        from + Duration::seconds(i64::try_from(self.below(span + 1)).unwrap_or(0))
    }
}

/// A product orders can refer to.
struct Article {
    id: Option<i32>,
    name: String,
    price_cents: i64,
    vat_rate_bp: i32,
}

/// Rows of one transaction.
#[derive(Default)]
struct Block {
    customers: Vec<Vec<Expr>>,
    orders: Vec<Vec<Expr>>,
    lines: Vec<Vec<Expr>>,
}

struct Generator {
    random: Random,
    now: NaiveDateTime,
    password_hash: String,
    articles: Vec<Article>,
    next_customer: i32,
    next_order: i32,
    next_line: i32,
    guests_left: u64,
    accounts_left: u64,
    account_orders_left: u64,
    guest_orders_left: u64,
}

impl Generator {
    fn customer(&mut self, block: &mut Block) {
        let id = self.next_customer;
        self.next_customer += 1;
        let r = &mut self.random;
        let created = r.between(self.now - Duration::days(365 * YEARS), self.now);
        // Guests and accounts in the asked-for numbers, in random order.
        let guest = r.below(self.guests_left + self.accounts_left) < self.guests_left;
        let first = *r.pick(&FIRST_NAMES);
        let last = *r.pick(&LAST_NAMES);
        let (city, postcode) = *r.pick(&CITIES);
        let street = *r.pick(&STREETS);
        let house = (1 + r.below(200)).to_string();
        let postcode = format!("{postcode} {}{}", letter(r), letter(r));
        let email = format!(
            "{}.{}{id}@example.nl",
            first.to_lowercase(),
            last.replace(' ', "").to_lowercase()
        );
        let phone = format!("06{:08}", r.below(100_000_000));
        let (last_login, hash, order_times) = if guest {
            self.guests_left -= 1;
            let times = if self.guest_orders_left > 0 {
                self.guest_orders_left -= 1;
                vec![created + Duration::seconds(5)]
            } else {
                Vec::new()
            };
            (None, None, times)
        } else {
            self.accounts_left -= 1;
            let never = self.accounts_left > 0 && r.unit() < NEVER_LOGGED_IN_SHARE;
            let last_login = (!never).then(|| r.between(created, self.now));
            // Spread the remaining orders over the remaining accounts at
            // random, the last account taking what is left.
            let count = if never {
                0
            } else if self.accounts_left == 0 {
                self.account_orders_left
            } else {
                let mean = count_f64(self.account_orders_left) / count_f64(self.accounts_left + 1);
                whole(mean * 2.0 * r.unit()).min(self.account_orders_left)
            };
            self.account_orders_left -= count;
            let until = last_login.unwrap_or(created);
            let times = (0..count).map(|_| r.between(created, until)).collect();
            (last_login, Some(self.password_hash.clone()), times)
        };
        block.customers.push(vec![
            Expr::val(id),
            Expr::val(CustomerKind::Customer),
            Expr::val(first),
            Expr::val(last),
            Expr::val(email),
            Expr::val(phone),
            Expr::val(street),
            Expr::val(house.clone()),
            Expr::val(postcode.clone()),
            Expr::val(city),
            Expr::val("NL"),
            Expr::val(NewsletterState::None),
            Expr::val(created),
            Expr::val(last_login),
            Expr::val(hash),
        ]);
        let name = format!("{first} {last}");
        for placed in order_times {
            self.order(block, id, placed, &name, street, &house, &postcode, city);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn order(
        &mut self,
        block: &mut Block,
        customer_id: i32,
        placed: NaiveDateTime,
        name: &str,
        street: &str,
        house: &str,
        postcode: &str,
        city: &str,
    ) {
        let id = self.next_order;
        self.next_order += 1;
        let lines = 1 + self.random.small(3);
        let mut priced = Vec::with_capacity(lines);
        for _ in 0..lines {
            let article = self.random.pick(&self.articles);
            let quantity = 1 + i32::try_from(self.random.small(3)).unwrap_or(0);
            let line = PricedLine {
                unit_price_cents: article.price_cents,
                quantity,
                vat_rate_bp: article.vat_rate_bp,
            };
            block.lines.push(vec![
                Expr::val(self.next_line),
                Expr::val(id),
                Expr::val(article.id),
                Expr::val(article.name.clone()),
                Expr::val(quantity),
                Expr::val(article.price_cents),
                Expr::val(article.vat_rate_bp),
                Expr::val(line.total_cents()),
            ]);
            self.next_line += 1;
            priced.push(line);
        }
        let delivery = if self.random.unit() < 0.8 {
            DeliveryMethod::Shipping
        } else {
            DeliveryMethod::Pickup
        };
        // The rates every shop starts with; every customer lives in NL.
        let to = Destination {
            method: delivery,
            country: "NL",
        };
        let Ok(totals) = order_totals(&priced, to, &ShippingRates::standard()) else {
            // Unreachable: the standard rates ship to NL.
            return;
        };
        let age = self.now - placed;
        let status = if age > Duration::days(30) {
            OrderStatus::Completed
        } else {
            use OrderStatus::*;
            *self.random.pick(&[New, Paid, Shipped, Completed])
        };
        block.orders.push(vec![
            Expr::val(id),
            Expr::val(format!("{id:08x}{:016x}", self.random.next())),
            Expr::val(customer_id),
            Expr::val(status.as_str()),
            Expr::val(placed),
            Expr::val(delivery.as_str()),
            Expr::val(PaymentMethod::BankTransfer.as_str()),
            Expr::val(totals.subtotal_cents),
            Expr::val(totals.shipping_cents),
            Expr::val(totals.vat_cents),
            Expr::val(totals.total_cents),
            Expr::val(name),
            Expr::val(street),
            Expr::val(house),
            Expr::val(postcode),
            Expr::val(city),
            Expr::val("NL"),
        ]);
    }
}

/// A count as a float, for shares and means (exact up to 2^53).
#[allow(clippy::cast_precision_loss)]
fn count_f64(count: u64) -> f64 {
    count as f64
}

/// A non-negative float rounded to a count; negative or NaN is 0.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn whole(value: f64) -> u64 {
    // `as` saturates at the bounds and turns NaN into 0.
    value.round().max(0.0) as u64
}

fn letter(r: &mut Random) -> char {
    char::from(b'A' + u8::try_from(r.below(26)).unwrap_or(0))
}

fn insert<E: EntityTrait>(
    table: E,
    columns: Vec<E::Column>,
    rows: Vec<Vec<Expr>>,
) -> Result<InsertStatement, CliError> {
    let mut statement = Query::insert();
    statement.into_table(table).columns(columns);
    for row in rows {
        statement
            .values(row)
            .map_err(|e| CliError::Job(format!("building an insert: {e}")))?;
    }
    Ok(statement)
}

async fn write(db: &DatabaseConnection, block: Block) -> Result<(), CliError> {
    use customer::Column as C;
    use order::Column as O;
    use order_line::Column as L;
    let txn = db.begin().await?;
    let customers = insert(
        customer::Entity,
        vec![
            C::Id,
            C::Kind,
            C::FirstName,
            C::LastName,
            C::Email,
            C::Phone,
            C::Street,
            C::HouseNumber,
            C::Postcode,
            C::City,
            C::Country,
            C::Newsletter,
            C::CreatedAt,
            C::LastLoginAt,
            C::PasswordHash,
        ],
        block.customers,
    )?;
    txn.execute(&customers).await?;
    // Orders and lines in slices that stay below the parameter limits.
    let mut orders = block.orders;
    while !orders.is_empty() {
        let rest = orders.split_off(orders.len().min(BLOCK));
        let slice = std::mem::replace(&mut orders, rest);
        let statement = insert(
            order::Entity,
            vec![
                O::Id,
                O::Token,
                O::CustomerId,
                O::Status,
                O::PlacedAt,
                O::DeliveryMethod,
                O::PaymentMethod,
                O::SubtotalCents,
                O::ShippingCents,
                O::VatCents,
                O::TotalCents,
                O::RecipientName,
                O::Street,
                O::HouseNumber,
                O::Postcode,
                O::City,
                O::Country,
            ],
            slice,
        )?;
        txn.execute(&statement).await?;
    }
    let mut lines = block.lines;
    while !lines.is_empty() {
        let rest = lines.split_off(lines.len().min(3 * BLOCK));
        let slice = std::mem::replace(&mut lines, rest);
        let statement = insert(
            order_line::Entity,
            vec![
                L::Id,
                L::OrderId,
                L::ProductId,
                L::ProductName,
                L::Quantity,
                L::UnitPriceCents,
                L::VatRateBp,
                L::LineTotalCents,
            ],
            slice,
        )?;
        txn.execute(&statement).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The next free id of a table (explicit ids let orders refer to customers
/// inserted in the same statement batch).
async fn next_id<E: EntityTrait>(
    db: &DatabaseConnection,
    column: E::Column,
) -> Result<i32, CliError> {
    Ok(app::ssr::services::max_id::<E>(db, column).await? + 1)
}

pub async fn population(
    db: &DatabaseConnection,
    customers: u64,
    orders: u64,
) -> Result<(), CliError> {
    let guests = whole(count_f64(customers) * GUEST_SHARE);
    let guest_orders = guests.min(orders);
    let accounts = customers - guests;
    if accounts == 0 && orders > guest_orders {
        return Err(CliError::Config(format!(
            "{orders} orders need more than {customers} customers"
        )));
    }
    let articles: Vec<Article> = product::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| Article {
            id: Some(p.id),
            name: p.name,
            price_cents: p.price_cents,
            vat_rate_bp: p.vat_rate_bp,
        })
        .collect();
    let articles = if articles.is_empty() {
        vec![Article {
            id: None,
            name: "Cadeaubon".into(),
            price_cents: 2500,
            vat_rate_bp: 0,
        }]
    } else {
        articles
    };
    let password_hash = app::ssr::password::hash_async(DEMO_PASSWORD.to_owned()).await?;
    let mut generator = Generator {
        random: Random(customers.wrapping_mul(31).wrapping_add(orders)),
        now: now_utc(),
        password_hash,
        articles,
        next_customer: next_id::<customer::Entity>(db, customer::Column::Id).await?,
        next_order: next_id::<order::Entity>(db, order::Column::Id).await?,
        next_line: next_id::<order_line::Entity>(db, order_line::Column::Id).await?,
        guests_left: guests,
        accounts_left: accounts,
        account_orders_left: orders - guest_orders,
        guest_orders_left: guest_orders,
    };
    let progress = bar(customers, "customers");
    let mut done = 0;
    while done < customers {
        let size = (customers - done).min(BLOCK as u64);
        let mut block = Block::default();
        for _ in 0..size {
            generator.customer(&mut block);
        }
        write(db, block).await?;
        done += size;
        progress.inc(size);
    }
    progress.finish();
    eprintln!(
        "seeded {customers} customers ({accounts} with an account, password {DEMO_PASSWORD}) and {} orders",
        orders - generator.account_orders_left - generator.guest_orders_left
    );
    Ok(())
}
