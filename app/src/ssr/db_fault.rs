//! Which database failures mean "the database is away just now" (issue 18):
//! the server restarts, the connection broke, the pool found no connection
//! in time, the disk is full, a lock was held too long. Those are answered
//! 503 with `Retry-After` (`AppError::Unavailable`) and a sentence asking
//! to try again in a few seconds; every other failure stays a 500 (a bug to
//! fix). A write that fails this way rolls back as a whole: the checkout
//! and the booking are each one transaction.

use sea_orm::sqlx;
use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};

/// What a client is told to wait before trying again: about the time a
/// database server takes to start again.
pub const RETRY_AFTER_SECS: u64 = 5;

/// The marks `session_store` puts on a store error caused by an away or
/// refusing database, so that the kind survives tower-sessions'
/// string-only error.
const SESSION_AWAY: &str = "database away: ";
const SESSION_REFUSING: &str = "database refusing: ";

/// A session store's message for a load or save not tried because the
/// shop's gate is closed (`ssr::db_gate`).
pub fn session_gate_closed() -> String {
    format!("{SESSION_AWAY}the database was found away; not tried")
}

/// A session store's message for `error`, marked with its kind.
pub fn session_message(error: &DbErr) -> String {
    match classify(error) {
        DbFault::Away => format!("{SESSION_AWAY}{error}"),
        DbFault::Refusing | DbFault::Conflict => format!("{SESSION_REFUSING}{error}"),
        DbFault::Statement => error.to_string(),
    }
}

/// How a database failure is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbFault {
    /// The server cannot be reached (refused, broken, no connection in
    /// time): 503, and the shop's gate closes until it answers a ping
    /// (`ssr::db_gate`).
    Away,
    /// The server is there but cannot take this write now (full disk, a
    /// lock held too long): 503 for this request only.
    Refusing,
    /// This transaction lost to another one and the server rolled it back:
    /// a deadlock victim or, on a Galera cluster, a certification conflict
    /// reported at COMMIT (both MySQL error 1213). Sending the whole
    /// transaction again is safe and usually succeeds
    /// (`services::retry_conflicts`); 503 if it keeps losing.
    Conflict,
    /// A fault in a statement: 500, a bug to fix.
    Statement,
}

/// Which kind of failure `error` is.
pub fn classify(error: &DbErr) -> DbFault {
    match error {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout | ConnAcquireErr::ConnectionClosed) => {
            DbFault::Away
        }
        DbErr::Conn(runtime) | DbErr::Exec(runtime) | DbErr::Query(runtime) => match runtime {
            RuntimeErr::SqlxError(e) => classify_sqlx(e),
            RuntimeErr::Internal(_) => DbFault::Statement,
        },
        _ => DbFault::Statement,
    }
}

/// Whether `error` means the database cannot be reached or written just
/// now, rather than a fault in a statement.
pub fn is_unavailable(error: &DbErr) -> bool {
    classify(error) != DbFault::Statement
}

/// Whether `error` is a transaction that lost to another one and was
/// rolled back by the server ([`DbFault::Conflict`]).
pub fn is_conflict(error: &DbErr) -> bool {
    classify(error) == DbFault::Conflict
}

/// The kind of a session store error (see [`session_message`]).
pub fn classify_session(error: &tower_sessions::session::Error) -> DbFault {
    match error {
        tower_sessions::session::Error::Store(tower_sessions::session_store::Error::Backend(
            message,
        )) if message.starts_with(SESSION_AWAY) => DbFault::Away,
        tower_sessions::session::Error::Store(tower_sessions::session_store::Error::Backend(
            message,
        )) if message.starts_with(SESSION_REFUSING) => DbFault::Refusing,
        _ => DbFault::Statement,
    }
}

fn classify_sqlx(error: &sqlx::Error) -> DbFault {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_) => DbFault::Away,
        sqlx::Error::Database(e) => {
            if let Some(mysql) = e.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
                return mysql_fault(mysql.number());
            }
            let sqlite_refusing = e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some()
                && e.code()
                    .and_then(|code| code.parse::<i32>().ok())
                    .is_some_and(sqlite_refusing);
            if sqlite_refusing {
                DbFault::Refusing
            } else {
                DbFault::Statement
            }
        }
        _ => DbFault::Statement,
    }
}

/// MySQL/MariaDB error numbers of an away, full or overloaded server.
pub fn mysql_fault(number: u16) -> DbFault {
    match number {
        // 1053 server shutdown in progress, 1927 connection killed,
        // 2002/2003 cannot connect, 2006 server has gone away, 2013 lost
        // connection during query, 4031 disconnected for inactivity; 1047
        // a Galera node that is not (or no longer) part of the cluster
        // ("WSREP has not yet prepared node for application use"): it
        // stops, joins or lost the others (the cluster test saw it as a
        // 500 while a node stopped).
        1047 | 1053 | 1927 | 2002 | 2003 | 2006 | 2013 | 4031 => DbFault::Away,
        // 1021 disk full, 1114 table full (out of space), 1040 too many
        // connections, 1205 lock wait timeout.
        1021 | 1114 | 1040 | 1205 => DbFault::Refusing,
        // Deadlock, or Galera's certification failure: rolled back.
        1213 => DbFault::Conflict,
        _ => DbFault::Statement,
    }
}

/// SQLite result codes (primary or extended) of a busy, full or failing
/// disk: BUSY (5), LOCKED (6), IOERR (10), FULL (13), CANTOPEN (14).
pub fn sqlite_refusing(code: i32) -> bool {
    matches!(code & 0xff, 5 | 6 | 10 | 13 | 14)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn sqlx_error(error: sqlx::Error) -> DbErr {
        DbErr::Query(RuntimeErr::SqlxError(Arc::new(error)))
    }

    #[test]
    fn an_away_connection_is_away() {
        assert_eq!(
            classify(&DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)),
            DbFault::Away
        );
        assert_eq!(
            classify(&sqlx_error(sqlx::Error::Io(std::io::Error::from(
                std::io::ErrorKind::ConnectionReset
            )))),
            DbFault::Away
        );
        assert!(is_unavailable(&DbErr::ConnectionAcquire(
            ConnAcquireErr::Timeout
        )));
        assert!(is_unavailable(&DbErr::ConnectionAcquire(
            ConnAcquireErr::ConnectionClosed
        )));
        assert!(is_unavailable(&sqlx_error(sqlx::Error::PoolTimedOut)));
        assert!(is_unavailable(&sqlx_error(sqlx::Error::Io(
            std::io::Error::from(std::io::ErrorKind::ConnectionRefused)
        ))));
        assert!(is_unavailable(&DbErr::Conn(RuntimeErr::SqlxError(
            Arc::new(sqlx::Error::Io(std::io::Error::from(
                std::io::ErrorKind::BrokenPipe
            )))
        ))));
    }

    #[test]
    fn a_fault_in_a_statement_is_not() {
        assert!(!is_unavailable(&DbErr::RecordNotFound("order".into())));
        assert!(!is_unavailable(&DbErr::Custom("bad".into())));
        assert!(!is_unavailable(&sqlx_error(sqlx::Error::RowNotFound)));
        assert!(!is_unavailable(&sqlx_error(sqlx::Error::Protocol(
            "unexpected packet".into()
        ))));
        assert!(!is_unavailable(&DbErr::Query(RuntimeErr::Internal(
            "x".into()
        ))));
    }

    #[test]
    fn sqlite_codes_of_a_busy_or_full_disk() {
        // SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT (517), SQLITE_FULL,
        // SQLITE_IOERR_WRITE (778), SQLITE_LOCKED.
        for code in [5, 517, 13, 778, 6, 14] {
            assert!(sqlite_refusing(code), "{code}");
        }
        // SQLITE_CONSTRAINT_UNIQUE (2067), SQLITE_ERROR, SQLITE_MISMATCH.
        for code in [2067, 1, 20, 19] {
            assert!(!sqlite_refusing(code), "{code}");
        }
    }

    #[test]
    fn mysql_numbers_of_an_away_server() {
        for number in [2002, 2006, 2013, 1053, 1047] {
            assert_eq!(mysql_fault(number), DbFault::Away, "{number}");
        }
        for number in [1205, 1114, 1021] {
            assert_eq!(mysql_fault(number), DbFault::Refusing, "{number}");
        }
        // Rolled back because another write won: sent again.
        assert_eq!(mysql_fault(1213), DbFault::Conflict);
        // Duplicate entry, foreign key, syntax error.
        for number in [1062, 1452, 1064] {
            assert_eq!(mysql_fault(number), DbFault::Statement, "{number}");
        }
    }

    #[test]
    fn a_session_error_keeps_its_kind() {
        let store = |message: String| {
            tower_sessions::session::Error::Store(tower_sessions::session_store::Error::Backend(
                message,
            ))
        };
        let away = DbErr::ConnectionAcquire(ConnAcquireErr::Timeout);
        assert_eq!(
            classify_session(&store(session_message(&away))),
            DbFault::Away
        );
        let bug = DbErr::Custom("bad".into());
        assert_eq!(
            classify_session(&store(session_message(&bug))),
            DbFault::Statement
        );
        let decode = tower_sessions::session::Error::Store(
            tower_sessions::session_store::Error::Decode("bad json".into()),
        );
        assert_eq!(classify_session(&decode), DbFault::Statement);
    }
}
