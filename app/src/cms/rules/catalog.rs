//! Product prices as typed, VAT rates and the pictures products may have.

/// Dutch VAT rates a product can have, in basis points.
pub const VAT_RATES_BP: [i32; 3] = [2100, 900, 0];

/// Euros as a shop owner types them ("12,95", "12.95", "€ 1.234,50", "7")
/// to cents. At most two decimals; zero or more; below a million.
pub fn parse_price(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('€')
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if cleaned.is_empty() || cleaned.starts_with('-') {
        return None;
    }
    // The last ',' or '.' followed by one or two digits is the decimal mark;
    // any other separators group thousands.
    let (whole, fraction) = match cleaned.rfind([',', '.']) {
        Some(at) if cleaned.len() - at - 1 <= 2 && at + 1 < cleaned.len() => {
            (&cleaned[..at], &cleaned[at + 1..])
        }
        _ => (cleaned.as_str(), ""),
    };
    let whole: String = whole.chars().filter(|c| *c != '.' && *c != ',').collect();
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let euros: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    let total = euros.checked_mul(100)?.checked_add(cents)?;
    (total < 100_000_000).then_some(total)
}

/// A VAT rate as the form sends it, in percent ("21", "9 %", "0"), to
/// basis points; only the Dutch rates.
pub fn parse_vat_rate(text: &str) -> Option<i32> {
    text.trim()
        .trim_end_matches('%')
        .trim()
        .parse::<i32>()
        .ok()
        .and_then(|p| p.checked_mul(100))
        .filter(|bp| VAT_RATES_BP.contains(bp))
}

/// The picture types accepted for products, recognised by their first
/// bytes (never by the name the browser sends). SVG is refused: it can
/// carry scripts.
pub fn image_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_as_typed() {
        assert_eq!(parse_price("12,95"), Some(1295));
        assert_eq!(parse_price("12.95"), Some(1295));
        assert_eq!(parse_price("€ 1.234,50"), Some(123_450));
        assert_eq!(parse_price("1,234.5"), Some(123_450));
        assert_eq!(parse_price("7"), Some(700));
        assert_eq!(parse_price("0,5"), Some(50));
        assert_eq!(
            parse_price("1.000"),
            Some(100_000),
            "three digits after the dot group thousands"
        );
        for bad in ["", "-1", "abc", "12,3x", "€", "99999999"] {
            assert_eq!(parse_price(bad), None, "{bad}");
        }
    }

    #[test]
    fn vat_rates_in_percent() {
        assert_eq!(parse_vat_rate("21"), Some(2100));
        assert_eq!(parse_vat_rate("9 %"), Some(900));
        assert_eq!(parse_vat_rate("0"), Some(0));
        for bad in ["", "19", "-21", "veel", "99999999999"] {
            assert_eq!(parse_vat_rate(bad), None, "{bad}");
        }
    }

    #[test]
    fn images_by_their_bytes() {
        assert_eq!(image_extension(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(image_extension(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("jpg"));
        assert_eq!(image_extension(b"RIFF\0\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(image_extension(b"<svg onload=alert(1)>"), None);
        assert_eq!(image_extension(b"GIF89a"), None);
    }
}
