//! Money is integer euro cents everywhere; consumer prices include VAT.

/// Formats cents the Dutch way: `€ 1.234,56`.
pub fn format_eur(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let euros = (abs / 100).to_string();
    let mut grouped = String::with_capacity(euros.len() + euros.len() / 3);
    for (i, ch) in euros.chars().enumerate() {
        if i > 0 && (euros.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    format!("{sign}€ {grouped},{:02}", abs % 100)
}

/// The VAT contained in a VAT-inclusive amount, rounded half up to a cent.
/// `rate_bp` is the rate in basis points (2100 = 21 %).
pub fn vat_included(gross_cents: i64, rate_bp: i32) -> i64 {
    if rate_bp <= 0 {
        return 0;
    }
    let rate = i128::from(rate_bp);
    let gross = i128::from(gross_cents);
    let numerator = gross * rate;
    let denominator = 10_000 + rate;
    // Round half away from zero.
    let vat = (2 * numerator + denominator) / (2 * denominator);
    // Never more than the gross amount, so it fits.
    i64::try_from(vat).unwrap_or(gross_cents)
}

/// Formats a VAT rate in basis points as a percentage: `21%`, `9%`, `5,5%`.
pub fn format_vat_rate(rate_bp: i32) -> String {
    if rate_bp % 100 == 0 {
        format!("{}%", rate_bp / 100)
    } else {
        format!(
            "{},{}%",
            rate_bp / 100,
            (rate_bp % 100).to_string().trim_end_matches('0')
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dutch_amounts() {
        assert_eq!(format_eur(0), "€ 0,00");
        assert_eq!(format_eur(5), "€ 0,05");
        assert_eq!(format_eur(1995), "€ 19,95");
        assert_eq!(format_eur(123_456), "€ 1.234,56");
        assert_eq!(format_eur(100_000_000), "€ 1.000.000,00");
        assert_eq!(format_eur(-250), "-€ 2,50");
    }

    #[test]
    fn vat_is_extracted_from_gross_prices() {
        assert_eq!(vat_included(12_100, 2100), 2_100);
        assert_eq!(vat_included(10_900, 900), 900);
        assert_eq!(vat_included(1995, 2100), 346); // 1995 * 21 / 121 = 346.24
        assert_eq!(vat_included(1000, 0), 0);
    }

    #[test]
    fn formats_rates() {
        assert_eq!(format_vat_rate(2100), "21%");
        assert_eq!(format_vat_rate(900), "9%");
        assert_eq!(format_vat_rate(550), "5,5%");
    }
}
