//! The limits several instances share (issue 19): the form limit
//! (AVG-19), the mail budgets and the login slow-down, kept in a Redis
//! server that every instance reaches (`WINKEL_REDIS_URL`). Without it each
//! instance counts in its own memory, and N instances behind a load
//! balancer let a visitor send N times as much.
//!
//! What is counted is an address (network or mail) we must not keep
//! (AVG-1, AVG-8), so the rules of `salted_counts` hold here too: each key
//! is a SHA-256 of the counted thing and a random salt of the day, shared
//! by the instances through Redis itself and gone after two days; the
//! values are times. And nothing reaches a disk: the shop refuses a Redis
//! that saves snapshots or keeps an append-only file
//! ([`Persistence::check`]).
//!
//! Each decision is one Lua script, run atomically by Redis on its own
//! clock: two instances admitting the same visitor at the same moment
//! cannot both take the last place. If Redis fails, the instance falls
//! back to its own memory (logged): per-instance limits still hold.

use super::hex;
use super::salted_counts::salted_key;
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a day's salt lives in Redis: the day and the next (counts
/// never span more than a day).
const SALT_SECONDS: u64 = 2 * 24 * 60 * 60;

/// Admits one event for every key (`KEYS`), each with its maximum
/// (`ARGV[2..]`) in a window of `ARGV[1]` ms, or none: then the wait in ms
/// until the fullest has room. `ARGV[last]` names this event.
const ADMIT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= tonumber(ARGV[i + 1]) then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[#ARGV])
  redis.call('PEXPIRE', key, window)
end
return 0
";

/// Counts one attempt on `KEYS[1]` in a window of `ARGV[1]` ms; returns
/// how many were counted before it.
const ATTEMPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local before = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], window)
return before
";

/// The value of `KEYS[1]`; a first read shortens its life to `ARGV[1]`
/// seconds (the rest of the page that shows it).
const READ: &str = r"
local value = redis.call('GET', KEYS[1])
if not value then return false end
if redis.call('TTL', KEYS[1]) > tonumber(ARGV[1]) then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return value
";

/// Why the shared store cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SharedStoreError {
    #[error("cannot reach Redis: {0}")]
    Unreachable(String),
    #[error(
        "this Redis writes its data to disk ({0}); the shared limits keep salted hashes of \
         addresses, which must stay in memory: run it with save \"\" and appendonly no"
    )]
    Persists(String),
}

/// Whether a Redis server writes what it holds to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Persistence {
    Off,
    On(String),
}

impl Persistence {
    /// From `CONFIG GET save` and `CONFIG GET appendonly`.
    pub fn of(save: &str, appendonly: &str) -> Self {
        let mut on = Vec::new();
        if !save.trim().is_empty() {
            on.push(format!("save {:?}", save.trim()));
        }
        if appendonly.trim().eq_ignore_ascii_case("yes") {
            on.push("appendonly yes".to_owned());
        }
        if on.is_empty() {
            Self::Off
        } else {
            Self::On(on.join(", "))
        }
    }

    /// Refuses a Redis that persists.
    pub fn check(self) -> Result<(), SharedStoreError> {
        match self {
            Self::Off => Ok(()),
            Self::On(what) => Err(SharedStoreError::Persists(what)),
        }
    }
}

/// A day (UTC) and its salt.
type DaySalt = (chrono::NaiveDate, [u8; 32]);

/// The connection to the shared Redis, and today's salt.
#[derive(Clone)]
pub struct SharedStore {
    client: redis::Client,
    redis: redis::aio::ConnectionManager,
    salt: Arc<Mutex<Option<DaySalt>>>,
}

impl std::fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedStore(redis)")
    }
}

impl SharedStore {
    /// Connects to `url` and checks that the server keeps nothing on disk.
    pub async fn connect(url: &str) -> Result<Self, SharedStoreError> {
        let unreachable = |e: redis::RedisError| SharedStoreError::Unreachable(e.to_string());
        let client = redis::Client::open(url).map_err(unreachable)?;
        let mut redis = client.get_connection_manager().await.map_err(unreachable)?;
        let _: String = redis::cmd("PING")
            .query_async(&mut redis)
            .await
            .map_err(unreachable)?;
        let save = config_value(&mut redis, "save")
            .await
            .map_err(unreachable)?;
        let appendonly = config_value(&mut redis, "appendonly")
            .await
            .map_err(unreachable)?;
        Persistence::of(&save, &appendonly).check()?;
        Ok(Self {
            client,
            redis,
            salt: Arc::default(),
        })
    }

    /// The connection every request shares (multiplexed).
    pub fn connection(&self) -> redis::aio::ConnectionManager {
        self.redis.clone()
    }

    /// For connections of their own (a subscription).
    pub fn client(&self) -> redis::Client {
        self.client.clone()
    }

    /// The salt of the (UTC) day: made by the first instance that needs
    /// it, read by the others.
    async fn salt(&self) -> redis::RedisResult<[u8; 32]> {
        let today = chrono::Utc::now().date_naive();
        if let Ok(held) = self.salt.lock() {
            if let Some((day, salt)) = *held {
                if day == today {
                    return Ok(salt);
                }
            }
        }
        // A new salt (256 random bits), stored by whichever instance comes
        // first today.
        let fresh = format!("{}{}", event_id(), event_id());
        let key = format!("winkel:salt:{today}");
        let mut redis = self.redis.clone();
        let _: Option<String> = redis::cmd("SET")
            .arg(&key)
            .arg(fresh)
            .arg("NX")
            .arg("EX")
            .arg(SALT_SECONDS)
            .query_async(&mut redis)
            .await?;
        let stored: String = redis::cmd("GET").arg(&key).query_async(&mut redis).await?;
        let salt: [u8; 32] = Sha256::digest(stored.as_bytes()).into();
        if let Ok(mut held) = self.salt.lock() {
            *held = Some((today, salt));
        }
        Ok(salt)
    }

    /// The Redis key of `parts` counted under `name`.
    async fn key(&self, name: &str, parts: &[&[u8]]) -> redis::RedisResult<String> {
        let salt = self.salt().await?;
        Ok(format!("winkel:{name}:{}", hex(&salted_key(&salt, parts))))
    }

    /// Counts one event for every `(who, max)` in `window`, or none when
    /// one is full: then the wait until it has room (as
    /// `SaltedCounts::admit_at`).
    pub async fn admit(
        &self,
        name: &str,
        whos: &[(&[&[u8]], usize)],
        window: Duration,
    ) -> redis::RedisResult<Result<(), Duration>> {
        let script = redis::Script::new(ADMIT);
        let mut call = script.prepare_invoke();
        for (parts, _) in whos {
            call.key(self.key(name, parts).await?);
        }
        call.arg(window_ms(window));
        for (_, max) in whos {
            call.arg(*max);
        }
        call.arg(event_id());
        let wait_ms: u64 = call.invoke_async(&mut self.redis.clone()).await?;
        Ok(if wait_ms == 0 {
            Ok(())
        } else {
            Err(Duration::from_millis(wait_ms))
        })
    }

    /// Counts an attempt on `who` in `window`; the number counted before.
    pub async fn attempt(
        &self,
        name: &str,
        who: &[&[u8]],
        window: Duration,
    ) -> redis::RedisResult<usize> {
        let script = redis::Script::new(ATTEMPT);
        let before: usize = script
            .key(self.key(name, who).await?)
            .arg(window_ms(window))
            .arg(event_id())
            .invoke_async(&mut self.redis.clone())
            .await?;
        Ok(before)
    }

    /// Forgets the attempts on `who`.
    pub async fn forget(&self, name: &str, who: &[&[u8]]) -> redis::RedisResult<()> {
        let key = self.key(name, who).await?;
        let _: i64 = redis::cmd("DEL")
            .arg(key)
            .query_async(&mut self.redis.clone())
            .await?;
        Ok(())
    }
}

/// One setting of the server (`CONFIG GET name`).
async fn config_value(
    redis: &mut redis::aio::ConnectionManager,
    name: &str,
) -> redis::RedisResult<String> {
    let pair: Vec<String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg(name)
        .query_async(redis)
        .await?;
    Ok(pair.get(1).cloned().unwrap_or_default())
}

impl SharedStore {
    /// Keeps `value` under `who` for `lifetime` (a secret to show once).
    pub async fn keep(
        &self,
        name: &str,
        who: &[u8],
        value: &str,
        lifetime: Duration,
    ) -> redis::RedisResult<()> {
        let key = self.key(name, &[who]).await?;
        let _: () = redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("EX")
            .arg(lifetime.as_secs().max(1))
            .query_async(&mut self.redis.clone())
            .await?;
        Ok(())
    }

    /// What waits under `who`; after this read it lives at most `grace`.
    pub async fn read(
        &self,
        name: &str,
        who: &[u8],
        grace: Duration,
    ) -> redis::RedisResult<Option<String>> {
        redis::Script::new(READ)
            .key(self.key(name, &[who]).await?)
            .arg(grace.as_secs().max(1))
            .invoke_async(&mut self.redis.clone())
            .await
    }
}

fn window_ms(window: Duration) -> u64 {
    u64::try_from(window.as_millis()).unwrap_or(u64::MAX)
}

/// 128 random bits in hex: a member name unique to one event (two events
/// in the same millisecond must both count), or a fresh salt.
fn event_id() -> String {
    super::random_token().unwrap_or_else(|_| format!("{:?}", std::time::SystemTime::now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redis_that_writes_to_disk_is_refused() {
        assert_eq!(Persistence::of("", "no"), Persistence::Off);
        assert_eq!(Persistence::of("  ", "No"), Persistence::Off);
        assert!(Persistence::of("3600 1 300 100", "no").check().is_err());
        let both = Persistence::of("900 1", "yes");
        assert_eq!(
            both,
            Persistence::On("save \"900 1\", appendonly yes".into())
        );
        let message = both.check().unwrap_err().to_string();
        assert!(message.contains("save \"\" and appendonly no"), "{message}");
    }
}
