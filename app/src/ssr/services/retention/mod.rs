//! The retention sweep (AVG-14, AVG-15): deletes customers and anonymises
//! orders and bookings once the term T (settings, default 7 years) has
//! passed.
//!
//! The rules, with the edge cases decided so that no personal data outlives
//! T and no order or booking younger than T loses what delivery, the
//! appointment and invoicing need (also in docs/operations.md):
//! 1. A customer without an account is deleted when their date added is
//!    more than T ago; one with an account when their last login is (an
//!    account that never logged in counts from its date added).
//! 2. Decision: a customer who has an order placed, or a booking made or
//!    starting, less than T ago is kept whatever rule 1 says: deleting them
//!    would anonymise an order that is still being delivered or invoiced,
//!    or a booking whose appointment is still to come. Their data then
//!    lives at most T after that order or booking.
//! 3. Deleting a customer erases them exactly like "Verwijder mijn account"
//!    (`privacy::erase_customers`): sessions ended, all their orders and
//!    bookings anonymised, tombstone written, in the same transaction.
//! 4. Orders of customers without an account placed more than T ago are
//!    anonymised, and so are orders that lost their customer some other way
//!    (decision: an orphan order past T has nobody left to keep it for).
//!    Bookings likewise, where a booking is past T when it was made AND
//!    started more than T ago (the mirror of rule 2). A booking holds
//!    nothing personal of its own, so anonymising it is unlinking it and
//!    stamping `anonymised_at`; an orphan booking past T (its customer
//!    removed other than by an erasure, the foreign key's SET NULL) only
//!    gets the stamp, so that every unlinked booking past T says so.
//! 5. Orders and bookings of an account holder stay linked while the
//!    account is in use (the customer sees them under "Mijn account"); they
//!    are anonymised when the account is deleted under rule 1.
//!
//! The work is done in batches (windows of [`BATCH`] ids by default), each batch one
//! transaction, so an interrupted sweep leaves every batch either done or
//! untouched and the next run picks up the rest. A dry run walks the same
//! batches with the same queries without writing.

mod select;

pub use select::{count, count_affected, Counts};
use select::{erased_with, guest_bookings_query, guest_orders_query, stale_customer};

use super::privacy::{
    anonymise_bookings, anonymise_orders, erase_customers, Erased, ErasureReason,
};
use crate::error::AppError;
use crate::privacy::models::RetentionReport;
use crate::privacy::rules::retention_cutoff;
use crate::ssr::entities::{booking, customer, order};
use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionOptions, TransactionTrait,
};

/// Rows per transaction: a batch holds its locks for a fraction of a
/// second, and the commits no longer dominate (bench/retention.sh: 1,000
/// made the sweep 2.5x the hand-written SQL, 5,000 brings it to about 1x).
pub const BATCH: u64 = 5000;

/// Whether the sweep writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    DryRun,
    Apply,
}

/// How to sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub mode: Mode,
    /// Collect the ids of what is deleted and anonymised (for `--json`).
    pub with_ids: bool,
    /// Rows per transaction.
    pub batch: u64,
}

impl Options {
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            with_ids: false,
            batch: BATCH,
        }
    }
}

/// What to sweep: everything stamped before `cutoff` is past the term.
#[derive(Debug, Clone, Copy)]
pub struct Sweep {
    pub cutoff: NaiveDateTime,
    pub options: Options,
    /// The time written as `anonymised_at` and in the tombstones.
    pub now: NaiveDateTime,
}

/// How far a sweep has come, for a progress bar.
pub trait Progress {
    /// Whether a total is shown: counting first costs about one more pass
    /// over the tables, worth it only when someone watches.
    fn wants_total(&self) -> bool;
    /// The rows the sweep will look at: guest orders and bookings past the
    /// term (steps 1 and 2) plus customers (3).
    fn start(&mut self, total: u64);
    fn advance(&mut self, rows: u64);
}

/// No progress display.
impl Progress for () {
    fn wants_total(&self) -> bool {
        false
    }
    fn start(&mut self, _total: u64) {}
    fn advance(&mut self, _rows: u64) {}
}

/// The next id window's width, from how many rows the last one held:
/// aimed at `batch` rows per transaction, growing at most fourfold a step
/// (sparse stretches of old data pass in few transactions) and never wider
/// than 16 batches (a dense stretch after a sparse one stays bounded).
/// Walking the primary key in windows, rather than asking for "the next
/// `batch` matches", keeps every query a short range scan of the primary
/// key, whatever plan the database would pick for the date conditions.
pub fn next_window(width: u64, found: u64, batch: u64) -> u64 {
    let batch = Ord::max(batch, 1);
    let aim = width
        .saturating_mul(batch)
        .checked_div(found)
        .unwrap_or(width.saturating_mul(4));
    let most = Ord::min(width.saturating_mul(4), batch.saturating_mul(16));
    aim.clamp(batch, Ord::max(most, batch))
}

fn window_end(after: i32, width: u64) -> i32 {
    after.saturating_add(i32::try_from(width).unwrap_or(i32::MAX))
}

/// A batch's transaction. Writing: IMMEDIATE on SQLite, so the batch queues
/// behind a checkout instead of failing on a lock upgrade.
async fn begin_batch(
    db: &DatabaseConnection,
    mode: Mode,
) -> Result<sea_orm::DatabaseTransaction, AppError> {
    let sqlite_transaction_mode = match mode {
        Mode::Apply => Some(sea_orm::SqliteTransactionMode::Immediate),
        Mode::DryRun => None,
    };
    Ok(db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode,
            ..Default::default()
        })
        .await?)
}

/// Locks the selected rows on MySQL until the batch commits, so a login or
/// order arriving meanwhile either lands before (and is seen) or waits.
/// SQLite has one writer at a time already (the IMMEDIATE transaction).
fn locked<S: QuerySelect>(select: S, backend: DbBackend, mode: Mode) -> S {
    if backend == DbBackend::Sqlite || mode == Mode::DryRun {
        select
    } else {
        select.lock_exclusive()
    }
}

/// The sweep as of the shop's day `as_of`, with the term from the settings.
pub async fn run_as_of(
    db: &DatabaseConnection,
    as_of: NaiveDate,
    options: Options,
    now: NaiveDateTime,
    progress: &mut (dyn Progress + Send),
) -> Result<RetentionReport, AppError> {
    let years = super::settings::load(db).await?.retention_years;
    let sweep = Sweep {
        cutoff: retention_cutoff(as_of, years),
        options,
        now,
    };
    let report = run(db, sweep, progress).await?;
    if options.mode == Mode::Apply {
        // Invoices past the fiscal term lose their buyer (business
        // invoices keep it until then; `invoices`).
        let fiscal = retention_cutoff(as_of, crate::invoice::rules::FISCAL_RETENTION_YEARS);
        super::invoices::anonymise_past_fiscal_term(db, fiscal, now).await?;
    }
    Ok(RetentionReport {
        as_of: Some(as_of),
        retention_years: years,
        ..report
    })
}

/// What a sweep today would do (counts only): the CMS settings preview.
pub async fn preview(
    db: &impl ConnectionTrait,
    now: NaiveDateTime,
) -> Result<RetentionReport, AppError> {
    let as_of = crate::clock::shop_today(now);
    let years = super::settings::load(db).await?.retention_years;
    let cutoff = retention_cutoff(as_of, years);
    let counts = count_affected(db, cutoff).await?;
    Ok(RetentionReport {
        dry_run: true,
        as_of: Some(as_of),
        retention_years: years,
        cutoff: Some(cutoff),
        customers_deleted: counts.customers,
        orders_anonymised: counts.orders,
        bookings_anonymised: counts.bookings,
        ..Default::default()
    })
}

/// Runs the sweep: first the guest orders and bookings past the term (rule
/// 4), then the customers past it (rules 1-3). Returns what was (or would
/// be) done.
pub async fn run(
    db: &DatabaseConnection,
    sweep: Sweep,
    progress: &mut (dyn Progress + Send),
) -> Result<RetentionReport, AppError> {
    if progress.wants_total() {
        let counts = count(db, sweep.cutoff).await?;
        progress.start(counts.customers + counts.orders + counts.bookings);
    }
    let mut report = RetentionReport {
        dry_run: sweep.options.mode == Mode::DryRun,
        cutoff: Some(sweep.cutoff),
        ..Default::default()
    };
    anonymise_past_term(db, sweep, Guests::Orders, &mut report, progress).await?;
    anonymise_past_term(db, sweep, Guests::Bookings, &mut report, progress).await?;
    delete_customers(db, sweep, &mut report, progress).await?;
    Ok(report)
}

/// What rule 4 anonymises past the term: the orders and the bookings
/// that belong to no account holder. One walk serves both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Guests {
    Orders,
    Bookings,
}

impl Guests {
    async fn last_id(self, db: &DatabaseConnection) -> Result<i32, AppError> {
        match self {
            Self::Orders => super::max_id::<order::Entity>(db, order::Column::Id).await,
            Self::Bookings => super::max_id::<booking::Entity>(db, booking::Column::Id).await,
        }
    }

    /// The ids in the window (after, upto], locked when writing.
    async fn ids(
        self,
        txn: &sea_orm::DatabaseTransaction,
        sweep: Sweep,
        (after, upto): (i32, i32),
    ) -> Result<Vec<i32>, AppError> {
        let (backend, mode) = (txn.get_database_backend(), sweep.options.mode);
        Ok(match self {
            Self::Orders => {
                let select = guest_orders_query(sweep.cutoff)
                    .select_only()
                    .column(order::Column::Id)
                    .filter(order::Column::Id.gt(after))
                    .filter(order::Column::Id.lte(upto))
                    .order_by_asc(order::Column::Id);
                locked(select, backend, mode).into_tuple().all(txn).await?
            }
            Self::Bookings => {
                let select = guest_bookings_query(sweep.cutoff)
                    .select_only()
                    .column(booking::Column::Id)
                    .filter(booking::Column::Id.gt(after))
                    .filter(booking::Column::Id.lte(upto))
                    .order_by_asc(booking::Column::Id);
                locked(select, backend, mode).into_tuple().all(txn).await?
            }
        })
    }

    async fn anonymise(
        self,
        txn: &sea_orm::DatabaseTransaction,
        ids: &[i32],
        now: NaiveDateTime,
    ) -> Result<u64, AppError> {
        let ids = ids.iter().copied();
        match self {
            Self::Orders => {
                anonymise_orders(txn, Condition::all().add(order::Column::Id.is_in(ids)), now).await
            }
            Self::Bookings => {
                let which = Condition::all().add(booking::Column::Id.is_in(ids));
                anonymise_bookings(txn, which, now).await
            }
        }
    }

    fn record(self, report: &mut RetentionReport, done: u64, ids: &[i32], with_ids: bool) {
        let (count, list) = match self {
            Self::Orders => (&mut report.orders_anonymised, &mut report.order_ids),
            Self::Bookings => (&mut report.bookings_anonymised, &mut report.booking_ids),
        };
        *count += done;
        if with_ids {
            list.extend(ids);
        }
    }
}

async fn anonymise_past_term(
    db: &DatabaseConnection,
    sweep: Sweep,
    guests: Guests,
    report: &mut RetentionReport,
    progress: &mut (dyn Progress + Send),
) -> Result<(), AppError> {
    let last_id = guests.last_id(db).await?;
    let (mut after, mut width) = (0, sweep.options.batch);
    while after < last_id {
        let window = (after, window_end(after, width));
        // A batch that lost to another write (a Galera conflict) is sent
        // again whole: nothing of it was kept.
        let (ids, done) =
            super::retry_conflicts(|| anonymise_batch(db, sweep, guests, window)).await?;
        after = window.1;
        width = next_window(width, ids.len() as u64, sweep.options.batch);
        if ids.is_empty() {
            continue;
        }
        guests.record(report, done, &ids, sweep.options.with_ids);
        progress.advance(ids.len() as u64);
    }
    Ok(())
}

/// One batch of `anonymise_past_term`, in its own transaction: the ids in
/// `window` past their term, and how many were anonymised.
async fn anonymise_batch(
    db: &DatabaseConnection,
    sweep: Sweep,
    guests: Guests,
    window: (i32, i32),
) -> Result<(Vec<i32>, u64), AppError> {
    let txn = begin_batch(db, sweep.options.mode).await?;
    let ids = guests.ids(&txn, sweep, window).await?;
    let done = match sweep.options.mode {
        _ if ids.is_empty() => 0,
        Mode::DryRun => ids.len() as u64,
        Mode::Apply => guests.anonymise(&txn, &ids, sweep.now).await?,
    };
    txn.commit().await?;
    Ok((ids, done))
}

async fn delete_customers(
    db: &DatabaseConnection,
    sweep: Sweep,
    report: &mut RetentionReport,
    progress: &mut (dyn Progress + Send),
) -> Result<(), AppError> {
    let last_id = super::max_id::<customer::Entity>(db, customer::Column::Id).await?;
    let (mut after, mut width) = (0, sweep.options.batch);
    while after < last_id {
        let window = (after, window_end(after, width));
        let batch = super::retry_conflicts(|| delete_batch(db, sweep, window)).await?;
        after = window.1;
        width = next_window(width, batch.ids.len() as u64, sweep.options.batch);
        if batch.ids.is_empty() {
            continue;
        }
        report.customers_deleted += batch.ids.len() as u64;
        report.orders_anonymised += batch.anonymised.orders;
        report.bookings_anonymised += batch.anonymised.bookings;
        progress.advance(batch.ids.len() as u64);
        if sweep.options.with_ids {
            report.customer_ids.extend(batch.ids);
            report.order_ids.extend(batch.order_ids);
            report.booking_ids.extend(batch.booking_ids);
        }
    }
    Ok(())
}

/// What one batch of `delete_customers` deleted (or would delete).
struct DeletedBatch {
    ids: Vec<i32>,
    order_ids: Vec<i32>,
    booking_ids: Vec<i32>,
    anonymised: Erased,
}

/// One batch of `delete_customers`, in its own transaction.
async fn delete_batch(
    db: &DatabaseConnection,
    sweep: Sweep,
    (after, upto): (i32, i32),
) -> Result<DeletedBatch, AppError> {
    let backend = db.get_database_backend();
    let txn = begin_batch(db, sweep.options.mode).await?;
    // (id, 1 for a customer without an account)
    let customers: Vec<(i32, i64)> = locked(
        customer::Entity::find()
            .select_only()
            .column(customer::Column::Id)
            .expr(Expr::col(customer::Column::PasswordHash).is_null())
            .filter(customer::Column::Id.gt(after))
            .filter(customer::Column::Id.lte(upto))
            .filter(stale_customer(sweep.cutoff))
            .order_by_asc(customer::Column::Id),
        backend,
        sweep.options.mode,
    )
    .into_tuple()
    .all(&txn)
    .await?;
    if customers.is_empty() {
        txn.commit().await?;
        return Ok(DeletedBatch {
            ids: Vec::new(),
            order_ids: Vec::new(),
            booking_ids: Vec::new(),
            anonymised: Erased::default(),
        });
    }
    let ids: Vec<i32> = customers.iter().map(|(id, _)| *id).collect();
    let (order_ids, booking_ids) = erased_with(&txn, sweep.cutoff, &customers).await?;
    let anonymised = match sweep.options.mode {
        Mode::DryRun => Erased {
            orders: order_ids.len() as u64,
            bookings: booking_ids.len() as u64,
        },
        Mode::Apply => erase_customers(&txn, &ids, ErasureReason::Retention, sweep.now).await?,
    };
    txn.commit().await?;
    Ok(DeletedBatch {
        ids,
        order_ids,
        booking_ids,
        anonymised,
    })
}

#[cfg(test)]
mod tests {
    use super::next_window;

    #[test]
    fn windows_aim_at_a_batch_of_rows() {
        // Dense: a full window stays one batch wide.
        assert_eq!(next_window(1000, 1000, 1000), 1000);
        // A quarter full: four times wider next time.
        assert_eq!(next_window(1000, 250, 1000), 4000);
        // Empty or nearly: at most fourfold growth a step, at most 16 batches.
        assert_eq!(next_window(1000, 0, 1000), 4000);
        assert_eq!(next_window(8000, 1, 1000), 16_000);
        // Denser again: narrower, never below one batch.
        assert_eq!(next_window(16_000, 4000, 1000), 4000);
        assert_eq!(next_window(16_000, 16_000, 1000), 1000);
    }
}
