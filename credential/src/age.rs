//! Age attestations (`age_over_13/16/18/21/65`) derived from a birthdate on a given day.
//!
//! Dates are proleptic Gregorian calendar days (`YYYY-MM-DD`, as `birthdate` in OpenID
//! Connect). A person born on 29 February turns a year older on 1 March in common years.

use core::fmt;

/// The ages a credential attests to (`age_over_N`), as in the EU PID and ISO 18013-5.
pub const AGE_THRESHOLDS: [u8; 5] = [13, 16, 18, 21, 65];
const SECONDS_PER_DAY: i64 = 86_400;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a date was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// Not `YYYY-MM-DD` with a four-digit year.
    #[error("a date must be written YYYY-MM-DD")]
    Malformed,
    /// The month or day does not exist (e.g. 2023-02-29).
    #[error("no such day in the calendar")]
    NoSuchDay,
}

crate::error_codes! {
    DateError {
        Self::Malformed => "malformed_date",
        Self::NoSuchDay => "no_such_day",
    }
}

const fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

const fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl CivilDate {
    /// The date `year-month-day`, if it exists (years 1 to 9999).
    ///
    /// # Errors
    /// [`DateError::NoSuchDay`].
    pub fn new(year: i32, month: u8, day: u8) -> Result<Self, DateError> {
        if !(1..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return Err(DateError::NoSuchDay);
        }
        Ok(Self { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    ///
    /// # Errors
    /// [`DateError`] for any other form or a day that does not exist.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let bytes = text.as_bytes();
        if bytes.len() != 10
            || bytes.get(4) != Some(&b'-')
            || bytes.get(7) != Some(&b'-')
            || !bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
        {
            return Err(DateError::Malformed);
        }
        let number = |range: core::ops::Range<usize>| {
            text.get(range)
                .and_then(|digits| digits.parse::<i32>().ok())
                .ok_or(DateError::Malformed)
        };
        let month = u8::try_from(number(5..7)?).map_err(|_| DateError::Malformed)?;
        let day = u8::try_from(number(8..10)?).map_err(|_| DateError::Malformed)?;
        Self::new(number(0..4)?, month, day)
    }

    /// The day (UTC) that contains the Unix time `seconds`.
    #[must_use]
    pub fn from_unix(seconds: i64) -> Self {
        // Howard Hinnant's civil_from_days.
        let z = seconds.div_euclid(SECONDS_PER_DAY) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Self {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }

    /// Unix seconds at 00:00 UTC of this day.
    #[must_use]
    pub fn to_unix(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year.rem_euclid(400);
        let month = i64::from(self.month);
        let mp = if month > 2 { month - 3 } else { month + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468) * SECONDS_PER_DAY
    }

    /// The date `years` later, with 29 February becoming 1 March in a common year.
    #[must_use]
    pub fn plus_years(self, years: u8) -> Self {
        let year = self.year.saturating_add(i32::from(years));
        Self::new(year, self.month, self.day).unwrap_or(Self {
            year,
            month: 3,
            day: 1,
        })
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Whether someone born on `birthdate` is at least `years` old on `today`.
#[must_use]
pub fn is_at_least(birthdate: CivilDate, years: u8, today: CivilDate) -> bool {
    birthdate.plus_years(years) <= today
}

/// `age_over_N` for each of [`AGE_THRESHOLDS`] on `today`.
#[must_use]
pub fn age_over_claims(birthdate: CivilDate, today: CivilDate) -> Vec<(String, bool)> {
    AGE_THRESHOLDS
        .iter()
        .map(|&years| {
            (
                format!("age_over_{years}"),
                is_at_least(birthdate, years, today),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> CivilDate {
        CivilDate::parse(text).unwrap()
    }

    #[test]
    fn parses_only_real_days() {
        assert_eq!(date("2000-02-29").to_string(), "2000-02-29");
        assert_eq!(CivilDate::parse("2023-02-29"), Err(DateError::NoSuchDay));
        assert_eq!(CivilDate::parse("2023-13-01"), Err(DateError::NoSuchDay));
        assert_eq!(CivilDate::parse("2023-00-10"), Err(DateError::NoSuchDay));
        for bad in [
            "",
            "2023-1-01",
            "23-01-01",
            "2023/01/01",
            "+023-01-01",
            "2023-01-0a",
        ] {
            assert_eq!(CivilDate::parse(bad), Err(DateError::Malformed), "{bad}");
        }
    }

    #[test]
    fn unix_round_trip() {
        assert_eq!(CivilDate::from_unix(0), date("1970-01-01"));
        assert_eq!(CivilDate::from_unix(-1), date("1969-12-31"));
        assert_eq!(date("2026-11-22").to_unix(), 1_795_305_600);
        for days in (-800_000..800_000).step_by(997) {
            let day = CivilDate::from_unix(days * SECONDS_PER_DAY + 3600);
            assert_eq!(day.to_unix(), days * SECONDS_PER_DAY);
        }
    }

    #[test]
    fn thresholds_on_and_around_birthdays() {
        let born = date("2008-11-22");
        assert!(!is_at_least(born, 18, date("2026-11-21")));
        assert!(is_at_least(born, 18, date("2026-11-22")));
        let leapling = date("2008-02-29");
        assert!(!is_at_least(leapling, 18, date("2026-02-28")));
        assert!(is_at_least(leapling, 18, date("2026-03-01")));
        let claims = age_over_claims(born, date("2026-11-22"));
        let over: Vec<_> = claims
            .iter()
            .filter(|(_, v)| *v)
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(over, ["age_over_13", "age_over_16", "age_over_18"]);
    }
}
