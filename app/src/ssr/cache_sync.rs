//! The page cache of several instances on one database (issue 19).
//!
//! Each instance keeps anonymous pages and the catalogue in memory for a
//! few seconds (`page_cache`). A change made through one instance clears
//! that instance's cache at once and bumps a counter in the database
//! (`cache_generations`); every instance reads the counter every second
//! and clears its own cache when it moved. So a stock change, a price or a
//! new product shows on every instance within about a second, without a
//! message bus: the database every instance already shares carries it.
//! One single-row read a second per instance is the cost.

use super::page_cache::PageCache;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, StatementBuilder};
use std::sync::Arc;
use std::time::Duration;

/// How often an instance looks whether another one changed the catalogue.
pub const WATCH_EVERY: Duration = Duration::from_secs(1);

const TABLE: &str = "cache_generations";
const CATALOGUE: &str = "catalogue";

/// The catalogue changed through this instance: its cache is cleared now,
/// the others' within [`WATCH_EVERY`]. A failed bump is logged, not
/// passed on: the change itself is saved, and the others' caches expire
/// within their few seconds anyway.
pub async fn catalogue_changed(db: &DatabaseConnection, cache: &PageCache) {
    cache.clear();
    if let Err(error) = bump(db).await {
        tracing::warn!(%error, "telling the other instances about a catalogue change failed");
    }
}

/// Adds one to the catalogue's generation (made at the first change).
pub async fn bump(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let insert = Query::insert()
        .into_table(TABLE)
        .columns(["name", "generation"])
        .values_panic([CATALOGUE.into(), 1i64.into()])
        .on_conflict(
            OnConflict::column("name")
                .value("generation", Expr::col((TABLE, "generation")).add(1i64))
                .to_owned(),
        )
        .to_owned();
    db.execute_raw(StatementBuilder::build(&insert, &db.get_database_backend()))
        .await?;
    Ok(())
}

/// The catalogue's generation (0 before the first change).
pub async fn generation(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let select = Query::select()
        .column("generation")
        .from(TABLE)
        .and_where(ExprTrait::eq(Expr::col("name"), CATALOGUE))
        .to_owned();
    let row = db
        .query_one_raw(StatementBuilder::build(&select, &db.get_database_backend()))
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<i64>("", "generation")?,
        None => 0,
    })
}

/// Whether a cache that last saw `seen` must be cleared for `now`.
pub fn moved(seen: Option<i64>, now: i64) -> bool {
    seen.is_some_and(|seen| seen != now)
}

/// Watches the generation for as long as the instance runs, clearing the
/// cache when another instance (or a restore) moved it.
pub fn spawn_watch(db: DatabaseConnection, cache: Arc<PageCache>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(WATCH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut seen = None;
        loop {
            tick.tick().await;
            // While the database is away nothing changes in it either.
            let Ok(now) = generation(&db).await else {
                continue;
            };
            if moved(seen, now) {
                cache.clear();
            }
            seen = Some(now);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_moved_generation_clears() {
        assert!(!moved(None, 7), "the first look learns the generation");
        assert!(!moved(Some(7), 7));
        assert!(moved(Some(7), 8));
        // A restore may put an older counter back: any move counts.
        assert!(moved(Some(8), 0));
    }
}
