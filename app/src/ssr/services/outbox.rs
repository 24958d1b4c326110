//! The outbox: every mail the shop sends is first written here, in the
//! transaction of the change that causes it (a subscription, an account,
//! an answer), and sent after the response by a worker
//! (`server/src/jobs/outbox.rs`). So a mail goes out exactly when its
//! change is committed, a request never waits on the mail server (nor does
//! its answer time tell what was mailed), and a mail server that is down
//! delays mail instead of losing it.
//!
//! A row is deleted once sent, given up after `MAX_ATTEMPTS`, and erased
//! with its customer (`privacy::erase_customers`). Several workers (other
//! instances) may run: each claims a row before sending it.
//!
//! Unsolicited mail (`MailKind::unsolicited`: anyone can type an address
//! into a form) is bounded per recipient address and day, whatever the
//! sender does: counted in memory under a salted hash of the address, so
//! the address of someone who is not a customer is written nowhere
//! (AVG-1). Staff's answers are not bounded, and a later kind that the
//! owner of the address asks for (a password reset) gets a budget of its
//! own, which third parties cannot use up; so does the link of a privacy
//! request.
//!
//! An order confirmation goes to an address the buyer typed, too, but it
//! is the receipt of a purchase: a customer who places four orders in a
//! day must get four. So it has its own budget per address and day
//! (`ORDER_CONFIRMATIONS_PER_DAY`), not the shared unsolicited one. A bot
//! that wants to mail-bomb an address through the checkout must place a
//! real order per mail (stock is taken, and the form limit of AVG-19
//! bounds one visitor's orders), and even then the address gets at most
//! this many confirmations a day; the orders themselves are still placed,
//! only their confirmations beyond the budget are dropped. The mails about
//! an order's status are sent because staff changed it: not bounded.

use crate::error::AppError;
use crate::ssr::entities::outbox;
use crate::ssr::mailer::{Mail, MailKind, Mailer};
use crate::ssr::salted_counts::SaltedCounts;
use chrono::NaiveDateTime;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::time::Duration;

/// Sends of one mail before it is given up (about a day, see `retry_delay`).
pub const MAX_ATTEMPTS: i32 = 8;
/// Rows one pass of the worker sends.
pub const BATCH: u64 = 50;
/// How long a worker's claim on a row holds (a send takes at most 20 s).
const CLAIM: chrono::TimeDelta = chrono::TimeDelta::minutes(2);
/// Unsolicited mails one address receives per day, by default.
pub const UNSOLICITED_PER_DAY: usize = 3;
/// Password-reset mails one address receives per hour: enough for a
/// person who asks again, too few to flood a mailbox. Counted apart from
/// the unsolicited mail, so other forms cannot use it up.
pub const RESETS_PER_HOUR: usize = 3;
/// Privacy-request links (`/privacy/request`) one address receives per
/// hour: counted like the resets, apart from every other mail, so that
/// nobody can keep the holder of an address from their data by using up
/// its mail, nor flood it through the form.
pub const PRIVACY_REQUESTS_PER_HOUR: usize = 3;
/// Order confirmations one address receives per day (see the module
/// comment): more than a real customer orders, few enough not to be a
/// weapon.
pub const ORDER_CONFIRMATIONS_PER_DAY: usize = 10;

/// The wait after the `attempts`-th failed send, or `None`: give up.
pub fn retry_delay(attempts: i32) -> Option<Duration> {
    const MINUTES: [u64; 7] = [1, 5, 15, 60, 180, 360, 720];
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    (attempts < MAX_ATTEMPTS)
        .then(|| MINUTES.get(index).map(|m| Duration::from_secs(m * 60)))
        .flatten()
}

/// Whether a mail was queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    Yes,
    /// The recipient had their share of this kind of mail today.
    OverBudget,
}

/// The shop's outbox: the mail budget and the worker's doorbell.
pub struct Outbox {
    budget: SaltedCounts,
    unsolicited_per_day: usize,
    /// Password resets (`RESETS_PER_HOUR`) and privacy-request links
    /// (`PRIVACY_REQUESTS_PER_HOUR`) per address and hour, each under
    /// its own name.
    reset_budget: SaltedCounts,
    wake: tokio::sync::Notify,
}

impl Outbox {
    pub fn new(unsolicited_per_day: usize) -> Self {
        Self {
            budget: SaltedCounts::new(Duration::from_secs(24 * 60 * 60)),
            unsolicited_per_day,
            reset_budget: SaltedCounts::new(Duration::from_secs(60 * 60)),
            wake: tokio::sync::Notify::new(),
        }
    }

    /// Counts the budgets in `store` when several instances share one, so
    /// that an address gets its share once, not once per instance.
    pub fn shared(mut self, store: Option<crate::ssr::shared_store::SharedStore>) -> Self {
        self.budget = self.budget.shared(store.clone(), "mail_day");
        self.reset_budget = self.reset_budget.shared(store, "mail_hour");
        self
    }

    /// Writes `mail` to the outbox in the caller's transaction (`db`), for
    /// `customer_id` (erased with them). Unsolicited mail beyond the
    /// recipient's daily share is dropped (logged without the address).
    /// Call `wake` after the commit.
    pub async fn queue(
        &self,
        db: &impl ConnectionTrait,
        mail: &Mail,
        customer_id: Option<i32>,
        now: NaiveDateTime,
    ) -> Result<Queued, AppError> {
        let budget = match mail.kind {
            MailKind::PasswordReset => {
                Some((&self.reset_budget, &b"password_reset"[..], RESETS_PER_HOUR))
            }
            MailKind::PrivacyRequest => Some((
                &self.reset_budget,
                &b"privacy_request"[..],
                PRIVACY_REQUESTS_PER_HOUR,
            )),
            MailKind::OrderConfirmation => {
                Some((&self.budget, &b"order"[..], ORDER_CONFIRMATIONS_PER_DAY))
            }
            kind if kind.unsolicited() => {
                Some((&self.budget, &b"unsolicited"[..], self.unsolicited_per_day))
            }
            _ => None,
        };
        if let Some((counts, name, limit)) = budget {
            let recipient = mail.to.trim().to_lowercase();
            let who: &[&[u8]] = &[name, recipient.as_bytes()];
            if counts.admit(&[(who, limit)]).await.is_err() {
                tracing::info!(
                    kind = mail.kind.as_str(),
                    "mail not queued: the recipient had their share of this mail"
                );
                return Ok(Queued::OverBudget);
            }
        }
        outbox::Entity::insert(outbox::ActiveModel {
            kind: Set(mail.kind.as_str().to_owned()),
            customer_id: Set(customer_id),
            recipient: Set(mail.to.clone()),
            subject: Set(mail.subject.clone()),
            body: Set(mail.body.clone()),
            html_body: Set(mail.html.clone()),
            unsubscribe_url: Set(mail.unsubscribe_url.clone()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            claimed_until: Set(None),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(db)
        .await?;
        Ok(Queued::Yes)
    }

    /// Tells the worker that mail is waiting (after the commit).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Completes when `wake` was called (also if it was called before).
    pub async fn woken(&self) {
        self.wake.notified().await;
    }
}

/// What one pass of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    /// Failed, to be tried again later.
    pub deferred: usize,
    pub given_up: usize,
    /// Rows looked at (a full batch: there may be more).
    pub looked_at: usize,
}

fn claimable(now: NaiveDateTime) -> Condition {
    Condition::any()
        .add(outbox::Column::ClaimedUntil.is_null())
        .add(outbox::Column::ClaimedUntil.lt(now))
}

/// Sends the mails that are due, each claimed first so that two workers
/// never send the same one. No transaction is open while the mail server
/// is talked to.
pub async fn deliver_due(
    db: &impl ConnectionTrait,
    mailer: &Mailer,
    now: NaiveDateTime,
) -> Result<Delivery, AppError> {
    let due: Vec<i64> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .filter(claimable(now))
        .order_by_asc(outbox::Column::Id)
        .limit(BATCH)
        .into_tuple()
        .all(db)
        .await?;
    let mut done = Delivery {
        looked_at: due.len(),
        ..Delivery::default()
    };
    for id in due {
        let claimed = outbox::Entity::update_many()
            .col_expr(outbox::Column::ClaimedUntil, Expr::value(Some(now + CLAIM)))
            .col_expr(
                outbox::Column::Attempts,
                ExprTrait::add(Expr::col(outbox::Column::Attempts), 1),
            )
            .filter(outbox::Column::Id.eq(id))
            .filter(claimable(now))
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue; // Another worker has it.
        }
        // Gone when its customer was erased meanwhile.
        let Some(row) = outbox::Entity::find_by_id(id).one(db).await? else {
            continue;
        };
        let Some(kind) = MailKind::parse(&row.kind) else {
            tracing::error!(kind = row.kind, "outbox row of an unknown kind dropped");
            outbox::Entity::delete_by_id(id).exec(db).await?;
            continue;
        };
        let mail = Mail {
            kind,
            to: row.recipient,
            subject: row.subject,
            body: row.body,
            html: row.html_body,
            unsubscribe_url: row.unsubscribe_url,
        };
        if mailer.send(&mail).await.is_ok() {
            outbox::Entity::delete_by_id(id).exec(db).await?;
            done.sent += 1;
            continue;
        }
        match retry_delay(row.attempts) {
            Some(wait) => {
                let later = now + chrono::TimeDelta::from_std(wait).unwrap_or(CLAIM);
                outbox::Entity::update_many()
                    .col_expr(outbox::Column::NextAttemptAt, Expr::value(later))
                    .col_expr(
                        outbox::Column::ClaimedUntil,
                        Expr::value(None::<NaiveDateTime>),
                    )
                    .filter(outbox::Column::Id.eq(id))
                    .exec(db)
                    .await?;
                done.deferred += 1;
            }
            None => {
                tracing::error!(
                    kind = kind.as_str(),
                    attempts = row.attempts,
                    "mail given up after repeated failures"
                );
                outbox::Entity::delete_by_id(id).exec(db).await?;
                done.given_up += 1;
            }
        }
    }
    Ok(done)
}

/// Mails waiting to be sent.
pub async fn waiting(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    Ok(outbox::Entity::find().count(db).await?)
}

/// Erases the waiting mails of these customers (their erasure).
pub async fn erase_for(db: &impl ConnectionTrait, customer_ids: &[i32]) -> Result<(), AppError> {
    outbox::Entity::delete_many()
        .filter(outbox::Column::CustomerId.is_in(customer_ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_end_after_about_a_day() {
        assert_eq!(retry_delay(1), Some(Duration::from_secs(60)));
        assert_eq!(retry_delay(2), Some(Duration::from_secs(300)));
        assert_eq!(retry_delay(7), Some(Duration::from_secs(720 * 60)));
        assert_eq!(retry_delay(MAX_ATTEMPTS), None);
        assert_eq!(retry_delay(0), None);
        let total: u64 = (1..MAX_ATTEMPTS)
            .filter_map(retry_delay)
            .map(|d| d.as_secs())
            .sum();
        assert!((20 * 3600..30 * 3600).contains(&total), "{total}");
    }

    fn mail(kind: MailKind, to: &str) -> Mail {
        Mail {
            kind,
            to: to.into(),
            subject: "s".into(),
            body: "b".into(),
            html: None,
            unsubscribe_url: None,
        }
    }

    #[tokio::test]
    async fn unsolicited_mail_is_bounded_per_recipient_and_answers_are_not() {
        let db = sea_orm::Database::connect("sqlite::memory:")
            .await
            .expect("db");
        db.execute_unprepared(
            "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT, customer_id INTEGER, recipient TEXT, subject TEXT, body TEXT, html_body TEXT, unsubscribe_url TEXT, attempts INTEGER, next_attempt_at TEXT, claimed_until TEXT, created_at TEXT)",
        )
        .await
        .expect("table");
        let outbox = Outbox::new(3);
        let now = crate::ssr::now_utc();
        let mut queued = Vec::new();
        for to in [
            "An@Example.nl",
            "an@example.nl ",
            "an@example.nl",
            "an@example.nl",
        ] {
            queued.push(
                outbox
                    .queue(&db, &mail(MailKind::NewsletterConfirm, to), None, now)
                    .await
                    .expect("queue"),
            );
        }
        assert_eq!(
            queued,
            [Queued::Yes, Queued::Yes, Queued::Yes, Queued::OverBudget]
        );
        // Another kind of unsolicited mail shares the budget ...
        assert_eq!(
            outbox
                .queue(
                    &db,
                    &mail(MailKind::AccountExists, "an@example.nl"),
                    None,
                    now
                )
                .await,
            Ok(Queued::OverBudget)
        );
        // ... but staff's answer and other recipients are not touched.
        assert_eq!(
            outbox
                .queue(
                    &db,
                    &mail(MailKind::QuestionAnswer, "an@example.nl"),
                    None,
                    now
                )
                .await,
            Ok(Queued::Yes)
        );
        assert_eq!(
            outbox
                .queue(
                    &db,
                    &mail(MailKind::NewsletterConfirm, "bo@example.nl"),
                    None,
                    now
                )
                .await,
            Ok(Queued::Yes)
        );
        assert_eq!(waiting(&db).await, Ok(5));
    }
}
