//! Injectable time: the `LastModified` timestamps and their service format.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A point in time with millisecond precision, displayed the way the service writes
/// `LastModified`: `2015-10-03T00:48:00.435+0000`.
///
/// ```
/// use lambda_versioning::Timestamp;
/// let t = Timestamp::from_unix_millis(1_443_833_280_435);
/// assert_eq!(t.to_string(), "2015-10-03T00:48:00.435+0000");
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The instant `millis` milliseconds after 1970-01-01T00:00:00Z.
    pub const fn from_unix_millis(millis: i64) -> Timestamp {
        Timestamp(millis)
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub const fn unix_millis(self) -> i64 {
        self.0
    }
}

/// The service's format, as the `time` crate describes it (the oracle of the tests).
#[cfg(test)]
const LAST_MODIFIED_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+0000"
);

impl fmt::Display for Timestamp {
    /// The calendar fields come from the `time` crate and are written through a stack
    /// buffer, without an intermediate string (list pages write one per version).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = i128::from(self.0) * 1_000_000;
        let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(nanos) else {
            // Outside the years -9999..=9999 the service format has no spelling.
            return write!(f, "@{}ms", self.0);
        };
        let year = t.year();
        let sign = if year < 0 { "-" } else { "" };
        // At most 29 bytes (`-9999-12-31T23:59:59.999+0000`), written in one piece so
        // that `to_string` allocates once.
        let mut text = [0u8; 32];
        let mut cursor = std::io::Cursor::new(&mut text[..]);
        std::io::Write::write_fmt(
            &mut cursor,
            format_args!(
                "{sign}{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+0000",
                year.unsigned_abs(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                t.millisecond()
            ),
        )
        .map_err(|_| fmt::Error)?;
        let len = usize::try_from(cursor.position()).map_err(|_| fmt::Error)?;
        f.write_str(std::str::from_utf8(&text[..len]).map_err(|_| fmt::Error)?)
    }
}

/// Where the registry reads the current time from.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Timestamp(millis)
    }
}

/// A clock that only moves when told to; clones share the same time. For tests and
/// deterministic replays.
///
/// ```
/// use lambda_versioning::{Clock, ManualClock, Timestamp};
/// let clock = ManualClock::new(Timestamp::from_unix_millis(1_000));
/// let view = clock.clone();
/// clock.advance_millis(500);
/// assert_eq!(view.now(), Timestamp::from_unix_millis(1_500));
/// ```
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: Timestamp) -> ManualClock {
        ManualClock(Arc::new(AtomicI64::new(start.0)))
    }

    /// Moves the clock forward by `millis`.
    pub fn advance_millis(&self, millis: i64) {
        self.0.fetch_add(millis, Ordering::SeqCst);
    }

    /// Sets the clock to `t`.
    pub fn set(&self, t: Timestamp) {
        self.0.store(t.0, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// `Display` writes exactly what the `time` crate's formatting of the service
        /// format writes, for every representable instant.
        #[test]
        fn display_matches_the_format_description(millis in -377_705_116_800_000i64..=253_402_300_799_999) {
            let t = Timestamp::from_unix_millis(millis);
            let nanos = i128::from(millis) * 1_000_000;
            let expected = time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
                .unwrap()
                .format(LAST_MODIFIED_FORMAT)
                .unwrap();
            prop_assert_eq!(t.to_string(), expected);
        }
    }

    #[test]
    fn out_of_range_instants_have_a_fallback() {
        assert_eq!(
            Timestamp::from_unix_millis(i64::MAX).to_string(),
            format!("@{}ms", i64::MAX)
        );
        assert_eq!(
            Timestamp::from_unix_millis(0).to_string(),
            "1970-01-01T00:00:00.000+0000"
        );
    }
}
