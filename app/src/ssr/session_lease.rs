//! The session generation in Redis (MariaDB with `WINKEL_REDIS_URL`), and
//! the lease that lets a serving instance keep its own copy of it, so that
//! a page with a kept session reads nothing from Redis (issue 13, goal 3).
//!
//! Reading the generation from Redis on every page cost a round trip that
//! was the whole gap between MariaDB and SQLite (docs/benchmarks.md). With
//! a lease an instance answers from memory, and only a write waits:
//!
//! - **The generation** is a count in Redis. A write adds one and
//!   publishes the new value ([`BUMP`]); a count that is missing (a new,
//!   restarted or emptied Redis) starts at Redis's clock in microseconds,
//!   above any count an instance still holds (unless that clock was set
//!   back), so values only rise and an instance keeps the highest it has
//!   seen.
//! - **The lease**: each serving instance renews a lease of [`LEASE`] in
//!   a sorted set every [`RENEW_EVERY`], judged by Redis's clock
//!   ([`RENEW`]). The renewal also reports the current count (catching up
//!   a message it missed) and acknowledges the count the instance had
//!   applied when it sent it.
//! - **Messages**: the instance hears each new count on a pub/sub
//!   connection of its own, applies it and acknowledges it.
//! - **Trust**: the instance uses its own count only while it is
//!   subscribed and within [`LEASE`] minus [`MARGIN`] of *sending* its
//!   last renewal (made after subscribing), so it stops trusting before
//!   Redis lets its lease go. Otherwise it reads the count from Redis on
//!   every page, as it did before the lease.
//! - **The writer** (a request that wrote, a job, a command) applies the
//!   new count to its own instance, then waits until every other instance
//!   that holds a lease has acknowledged it or its lease ended ([`PENDING`]),
//!   before its answer leaves. So the change shows on every instance's
//!   very next page, as it did when every page asked Redis.
//!
//! A lost connection ends trust at once; a Redis that stops answering ends
//! it within a lease; a subscription that silently stops delivering delays
//! a writer by at most one renewal. Nothing here is personal: instance ids
//! are random, values are counts.

use super::shared_store::SharedStore;
use futures_util::StreamExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// How long a lease lasts in Redis.
pub const LEASE: Duration = Duration::from_millis(1_000);
/// How often an instance renews it.
pub const RENEW_EVERY: Duration = Duration::from_millis(250);
/// How much sooner than Redis the instance stops trusting its lease (for
/// two clocks that run at slightly different rates).
pub const MARGIN: Duration = Duration::from_millis(200);
/// The longest a writer waits for the other instances.
const WAIT_AT_MOST: Duration = Duration::from_millis(1_500);
/// The longest one Redis call of the lease may take.
const CALL_AT_MOST: Duration = Duration::from_millis(500);

const COUNT: &str = "winkel:session-count";
const LEASES: &str = "winkel:session-leases";
const ACKS: &str = "winkel:session-acks";
const CHANNEL: &str = "winkel:session-count";

/// What every script here starts with: `now_ms()`, Redis's clock in
/// milliseconds, and `seed(key)`, which sets the count `key` to that clock
/// in microseconds when it is missing (Lua numbers are doubles: the value
/// is built as a string).
const PRELUDE: &str = r"
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function seed(key)
  if redis.call('EXISTS', key) == 0 then
    local t = redis.call('TIME')
    redis.call('SET', key, t[1] .. string.format('%06d', tonumber(t[2])))
    return 1
  end
  return 0
end
";

/// Adds one to the count `KEYS[1]` and publishes it on `ARGV[1]`;
/// returns the new count and whether the count had to be seeded.
const BUMP: &str = r"
local seeded = seed(KEYS[1])
local count = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], string.format('%d', count))
return {count, seeded}
";

/// The count `KEYS[1]`, seeded when missing.
const READ: &str = r"
seed(KEYS[1])
return redis.call('GET', KEYS[1])
";

/// Renews the lease of instance `ARGV[1]` for `ARGV[2]` ms in the set
/// `KEYS[1]`, drops ended leases and their acknowledgements (`KEYS[2]`),
/// records `ARGV[3]` as applied, and returns the count `KEYS[3]`.
const RENEW: &str = r"
local now = now_ms()
for _, ended in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  redis.call('HDEL', KEYS[2], ended)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
if tonumber(ARGV[3]) > tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
end
redis.call('PEXPIRE', KEYS[1], 60000)
redis.call('PEXPIRE', KEYS[2], 60000)
seed(KEYS[3])
return redis.call('GET', KEYS[3])
";

/// Records that instance `ARGV[1]` applied the count `ARGV[2]`, while it
/// holds a lease in `KEYS[1]` (acknowledgements in `KEYS[2]`).
const ACK: &str = r"
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
if tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
return 1
";

/// How many instances other than `ARGV[2]` hold a lease in `KEYS[1]` and
/// have not yet acknowledged the count `ARGV[1]` in `KEYS[2]`.
const PENDING: &str = r"
local now = now_ms()
local count = tonumber(ARGV[1])
local waiting = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
  if id ~= ARGV[2] and tonumber(redis.call('HGET', KEYS[2], id) or '0') < count then
    waiting = waiting + 1
  end
end
return waiting
";

fn script(body: &str) -> redis::Script {
    redis::Script::new(&format!("{PRELUDE}{body}"))
}

/// A count as Redis keeps it (a decimal string).
fn count_of(text: &str) -> redis::RedisResult<u64> {
    text.trim().parse().map_err(|_| {
        redis::RedisError::from((
            redis::ErrorKind::UnexpectedReturnType,
            "the session count is not a number",
        ))
    })
}

/// The session count every instance checks its kept sessions against.
pub async fn read(store: &SharedStore) -> redis::RedisResult<u64> {
    let mut redis = store.connection();
    let held: Option<String> = redis::cmd("GET").arg(COUNT).query_async(&mut redis).await?;
    let text = match held {
        Some(text) => text,
        None => script(READ).key(COUNT).invoke_async(&mut redis).await?,
    };
    count_of(&text)
}

/// Adds one to the session count and tells every instance; returns the
/// new count and whether Redis had lost the count (then no instance's
/// lease can be counted on either).
async fn bump(store: &SharedStore) -> redis::RedisResult<(u64, bool)> {
    let (count, seeded): (u64, u8) = script(BUMP)
        .key(COUNT)
        .arg(CHANNEL)
        .invoke_async(&mut store.connection())
        .await?;
    Ok((count, seeded == 1))
}

/// How many instances, other than `own`, still keep sessions under a
/// count below `count`.
async fn pending(store: &SharedStore, count: u64, own: &str) -> redis::RedisResult<u64> {
    script(PENDING)
        .key(LEASES)
        .key(ACKS)
        .arg(count)
        .arg(own)
        .invoke_async(&mut store.connection())
        .await
}

/// Moves the session count and returns once no instance still trusts an
/// older one: each has acknowledged it, or its lease ended. `lease` is the
/// writer's own instance, which applies the count first.
pub async fn retire(store: &SharedStore, lease: Option<&SessionLease>) -> redis::RedisResult<()> {
    let (count, seeded) = bump(store).await?;
    if let Some(lease) = lease {
        lease.apply(count);
    }
    if seeded {
        // Redis lost every lease and acknowledgement with the count: wait
        // until no instance can still be trusting its own.
        tokio::time::sleep(LEASE).await;
        return Ok(());
    }
    let own = lease.map_or("", |lease| lease.id.as_str());
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        let waiting = pending(store, count, own).await?;
        if waiting == 0 {
            return Ok(());
        }
        if started.elapsed() > WAIT_AT_MOST {
            tracing::warn!(
                waiting,
                "instances did not acknowledge a session change in time"
            );
            return Ok(());
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// Whether the instance may trust its own count, and since which
/// subscription.
#[derive(Debug, Default)]
struct Subscription {
    /// Counts subscriptions made; a renewal sent under an earlier one
    /// cannot establish trust.
    made: u64,
    active: bool,
}

/// One serving instance's lease and its own copy of the session count
/// (see the module docs).
#[derive(Debug)]
pub struct SessionLease {
    id: String,
    store: SharedStore,
    /// The highest count this instance has applied.
    applied: AtomicU64,
    /// Nanoseconds after `started` until which `applied` may be used
    /// without asking Redis; 0: not at all.
    trusted_until: AtomicU64,
    started: Instant,
    subscription: Mutex<Subscription>,
    /// Wakes the renewal early (a new subscription, a count caught up).
    renew_now: Arc<tokio::sync::Notify>,
    tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

impl SessionLease {
    /// Takes a lease for this instance and keeps it (and the subscription)
    /// for as long as the returned value lives.
    pub fn start(store: SharedStore) -> Arc<Self> {
        let lease = Arc::new(Self {
            id: super::random_token().unwrap_or_else(|_| format!("{:?}", Instant::now())),
            store,
            applied: AtomicU64::new(0),
            trusted_until: AtomicU64::new(0),
            started: Instant::now(),
            subscription: Mutex::default(),
            renew_now: Arc::default(),
            tasks: Mutex::default(),
        });
        let listen = tokio::spawn(listen(Arc::downgrade(&lease)));
        let renew = tokio::spawn(renew(Arc::downgrade(&lease), lease.renew_now.clone()));
        if let Ok(mut tasks) = lease.tasks.lock() {
            tasks.extend([listen, renew]);
        }
        lease
    }

    /// The instance's own count, when it may be trusted now.
    pub fn trusted(&self) -> Option<u64> {
        let until = self.trusted_until.load(Ordering::Acquire);
        (self.nanos_now() < until).then(|| self.applied.load(Ordering::Acquire))
    }

    /// Keeps `count` when it is the highest seen.
    fn apply(&self, count: u64) {
        self.applied.fetch_max(count, Ordering::AcqRel);
    }

    fn nanos_now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    fn distrust(&self) {
        self.trusted_until.store(0, Ordering::Release);
    }

    /// Gives the lease back (a graceful stop), so that no writer waits for
    /// an instance that has gone.
    pub async fn release(&self) {
        if let Ok(mut subscription) = self.subscription.lock() {
            subscription.active = false;
        }
        self.distrust();
        if let Ok(mut tasks) = self.tasks.lock() {
            tasks.drain(..).for_each(|task| task.abort());
        }
        if let Err(error) = give_back(self.store.connection(), &self.id).await {
            tracing::warn!(%error, "the session lease could not be given back");
        }
    }
}

impl Drop for SessionLease {
    fn drop(&mut self) {
        if let Ok(mut tasks) = self.tasks.lock() {
            tasks.drain(..).for_each(|task| task.abort());
        }
        // Dropped without `release` (a shop built for a moment): give the
        // lease back when a runtime is still there to do it, else Redis
        // lets it go within a lease.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let redis = self.store.connection();
            let id = std::mem::take(&mut self.id);
            runtime.spawn(async move {
                let _ = give_back(redis, &id).await;
            });
        }
    }
}

/// Removes the lease of instance `id` and its acknowledgement.
async fn give_back(mut redis: redis::aio::ConnectionManager, id: &str) -> redis::RedisResult<()> {
    redis::pipe()
        .cmd("ZREM")
        .arg(LEASES)
        .arg(id)
        .ignore()
        .cmd("HDEL")
        .arg(ACKS)
        .arg(id)
        .ignore()
        .query_async(&mut redis)
        .await
}

/// Hears every new count for as long as `lease` lives, subscribing again
/// after a lost connection.
async fn listen(lease: Weak<SessionLease>) {
    let mut pause = Duration::from_millis(100);
    loop {
        let Some(client) = lease.upgrade().map(|lease| lease.store.client()) else {
            return;
        };
        let subscribed = tokio::time::timeout(CALL_AT_MOST, async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.subscribe(CHANNEL).await?;
            redis::RedisResult::Ok(pubsub)
        })
        .await;
        if let Ok(Ok(pubsub)) = subscribed {
            pause = Duration::from_millis(100);
            {
                let Some(lease) = lease.upgrade() else { return };
                if let Ok(mut subscription) = lease.subscription.lock() {
                    subscription.made += 1;
                    subscription.active = true;
                }
                lease.renew_now.notify_one();
            }
            let mut messages = pubsub.into_on_message();
            while let Some(message) = messages.next().await {
                let Some(lease) = lease.upgrade() else { return };
                let Ok(text) = message.get_payload::<String>() else {
                    continue;
                };
                let Ok(count) = count_of(&text) else { continue };
                lease.apply(count);
                let acked: redis::RedisResult<u8> = script(ACK)
                    .key(LEASES)
                    .key(ACKS)
                    .arg(&lease.id)
                    .arg(lease.applied.load(Ordering::Acquire))
                    .invoke_async(&mut lease.store.connection())
                    .await;
                if let Err(error) = acked {
                    tracing::debug!(%error, "a session count was not acknowledged");
                }
            }
        }
        // Whatever was published meanwhile may be lost: trust nothing until
        // subscribed again and renewed after that.
        if let Some(lease) = lease.upgrade() {
            if let Ok(mut subscription) = lease.subscription.lock() {
                subscription.active = false;
            }
            lease.distrust();
        }
        tracing::debug!("the session count subscription was lost");
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}

/// Renews the lease every [`RENEW_EVERY`] (sooner when asked) for as long
/// as `lease` lives.
async fn renew(lease: Weak<SessionLease>, renew_now: Arc<tokio::sync::Notify>) {
    loop {
        let wait = {
            let Some(lease) = lease.upgrade() else { return };
            let subscribed_as = lease
                .subscription
                .lock()
                .ok()
                .and_then(|subscription| subscription.active.then_some(subscription.made));
            let sent = lease.nanos_now();
            let applied = lease.applied.load(Ordering::Acquire);
            let renewed = tokio::time::timeout(
                CALL_AT_MOST,
                script(RENEW)
                    .key(LEASES)
                    .key(ACKS)
                    .key(COUNT)
                    .arg(&lease.id)
                    .arg(LEASE.as_millis().to_string())
                    .arg(applied)
                    .invoke_async::<String>(&mut lease.store.connection()),
            )
            .await;
            match renewed.map(|reply| reply.and_then(|text| count_of(&text))) {
                Ok(Ok(count)) => {
                    lease.apply(count);
                    if let Ok(subscription) = lease.subscription.lock() {
                        if subscribed_as.is_some()
                            && subscription.active
                            && Some(subscription.made) == subscribed_as
                        {
                            let trusted = sent.saturating_add(
                                u64::try_from((LEASE - MARGIN).as_nanos()).unwrap_or(0),
                            );
                            lease.trusted_until.fetch_max(trusted, Ordering::AcqRel);
                        }
                    }
                    // A count caught up here is acknowledged at once.
                    if count > applied {
                        Duration::ZERO
                    } else {
                        RENEW_EVERY
                    }
                }
                Ok(Err(error)) => {
                    tracing::debug!(%error, "the session lease was not renewed");
                    RENEW_EVERY
                }
                Err(_) => RENEW_EVERY,
            }
        };
        // Only the weak reference waits: a lease nobody holds is dropped.
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = renew_now.notified() => {}
        }
    }
}
