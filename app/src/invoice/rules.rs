//! What an invoice says and how its amounts add up, as Dutch law asks
//! (Wet OB art. 35a): one series of numbers without gaps, totals per VAT
//! rate, and reverse charge ("btw verlegd") for a business customer in
//! another EU country.

use crate::money::vat_included;
use crate::shop::rules::{OrderTotals, PricedLine, SHIPPING_VAT_BP};
use serde::{Deserialize, Serialize};

/// The invoice number as printed: the plain sequence, six digits at least
/// (`000123`). One series for orders and bookings, never reset, so the
/// number alone identifies the invoice.
pub fn format_number(number: i64) -> String {
    format!("{number:06}")
}

/// Whether a sale is reverse-charged: the buyer gave a VAT number in the
/// valid form of another EU member state (`validate::vat_number` checks
/// the form; nobody asks VIES, so the shop checks it by hand when in
/// doubt). A Dutch VAT number, or none, is an ordinary sale with VAT.
pub fn reverse_charge(vat_number: Option<&str>) -> bool {
    match crate::validate::vat_number(vat_number) {
        Ok(Some(number)) => !number.starts_with("NL"),
        _ => false,
    }
}

/// A VAT-inclusive amount without its VAT.
pub fn net_of(gross_cents: i64, rate_bp: i32) -> i64 {
    gross_cents - vat_included(gross_cents, rate_bp)
}

/// A cart line as charged: with reverse charge its unit price is the
/// price without VAT and it carries no VAT; otherwise it is unchanged.
pub fn as_charged(line: PricedLine, reverse_charge: bool) -> PricedLine {
    if !reverse_charge {
        return line;
    }
    PricedLine {
        unit_price_cents: net_of(line.unit_price_cents, line.vat_rate_bp),
        quantity: line.quantity,
        vat_rate_bp: 0,
    }
}

/// The order's totals as charged: with reverse charge (the lines already
/// [`as_charged`]) shipping loses its VAT too and no VAT is due, so the
/// order, its page, its mail and its invoice all say the same amount.
pub fn totals_as_charged(totals: OrderTotals, reverse_charge: bool) -> OrderTotals {
    if !reverse_charge {
        return totals;
    }
    let shipping_cents = net_of(totals.shipping_cents, SHIPPING_VAT_BP);
    OrderTotals {
        subtotal_cents: totals.subtotal_cents,
        shipping_cents,
        vat_cents: 0,
        total_cents: totals.subtotal_cents + shipping_cents,
    }
}

/// One line of an invoice as charged: the amounts include VAT at
/// `vat_rate_bp` (0 with reverse charge, when they are net amounts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub description: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub vat_rate_bp: i32,
    /// Shipping: written as "Verzendkosten" / "Shipping" in the invoice's
    /// language rather than as the description.
    #[serde(default)]
    pub shipping: bool,
}

impl InvoiceLine {
    pub fn total_cents(&self) -> i64 {
        self.unit_price_cents * i64::from(self.quantity)
    }
}

/// The amounts at one VAT rate: the base (without VAT) and the VAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VatGroup {
    pub rate_bp: i32,
    pub base_cents: i64,
    pub vat_cents: i64,
}

/// An invoice's totals: per VAT rate (highest rate first), without VAT,
/// the VAT, and the total to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceTotals {
    pub groups: Vec<VatGroup>,
    pub net_cents: i64,
    pub vat_cents: i64,
    pub total_cents: i64,
}

/// Adds up the lines. VAT is taken per line from its VAT-inclusive total
/// and summed per rate, as the checkout computes an order's VAT
/// (`shop::rules::order_totals`), so the invoice and the order agree to the
/// cent.
pub fn totals(lines: &[InvoiceLine]) -> InvoiceTotals {
    let mut groups: Vec<VatGroup> = Vec::new();
    for line in lines {
        let gross = line.total_cents();
        let vat = vat_included(gross, line.vat_rate_bp);
        match groups.iter_mut().find(|g| g.rate_bp == line.vat_rate_bp) {
            Some(group) => {
                group.base_cents += gross - vat;
                group.vat_cents += vat;
            }
            None => groups.push(VatGroup {
                rate_bp: line.vat_rate_bp,
                base_cents: gross - vat,
                vat_cents: vat,
            }),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.rate_bp));
    let net_cents = groups.iter().map(|g| g.base_cents).sum::<i64>();
    let vat_cents = groups.iter().map(|g| g.vat_cents).sum::<i64>();
    InvoiceTotals {
        groups,
        net_cents,
        vat_cents,
        total_cents: net_cents + vat_cents,
    }
}

/// Whether an invoice's buyer is a business (a company name or a VAT
/// number): such an invoice is kept whole for the fiscal term; a
/// consumer's loses its buyer with the order.
pub fn is_business(company: Option<&str>, vat_number: Option<&str>) -> bool {
    let given = |v: Option<&str>| v.is_some_and(|v| !v.trim().is_empty());
    given(company) || given(vat_number)
}

/// How long the shop keeps invoices (Dutch fiscal retention, AWR art. 52;
/// GDPR Art. 17(3)(b)): a business invoice keeps its buyer this long after
/// its date, then the buyer is anonymised.
pub const FISCAL_RETENTION_YEARS: u32 = 7;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shop::rules::{order_totals, DeliveryMethod, Destination, ShippingRates};

    fn line(price: i64, quantity: i32, rate: i32) -> InvoiceLine {
        InvoiceLine {
            description: "x".into(),
            quantity,
            unit_price_cents: price,
            vat_rate_bp: rate,
            shipping: false,
        }
    }

    #[test]
    fn numbers_are_the_plain_sequence() {
        assert_eq!(format_number(1), "000001");
        assert_eq!(format_number(123), "000123");
        assert_eq!(format_number(1_234_567), "1234567");
    }

    #[test]
    fn reverse_charge_only_for_a_valid_eu_number_outside_nl() {
        assert!(reverse_charge(Some("BE0123456789")));
        assert!(reverse_charge(Some("be 0123.456.789")));
        assert!(reverse_charge(Some("DE123456789")));
        assert!(!reverse_charge(Some("NL123456789B01")));
        assert!(!reverse_charge(Some("BE999")));
        assert!(!reverse_charge(Some("US123456789")));
        assert!(!reverse_charge(Some("")));
        assert!(!reverse_charge(None));
    }

    #[test]
    fn totals_per_rate_match_the_orders_vat() {
        let lines = [
            line(1_210, 2, 2_100),
            line(545, 1, 900),
            line(495, 1, 2_100),
        ];
        let t = totals(&lines);
        assert_eq!(t.groups.len(), 2);
        assert_eq!(t.groups[0].rate_bp, 2_100);
        // 24,20 + 4,95 at 21%: VAT 4,20 + 0,86
        assert_eq!(t.groups[0].vat_cents, 420 + 86);
        assert_eq!(t.groups[0].base_cents, 2_420 + 495 - 506);
        assert_eq!(t.groups[1].vat_cents, 45);
        assert_eq!(t.total_cents, 2_420 + 545 + 495);
        // The checkout's own arithmetic gives the same VAT.
        let priced = [
            PricedLine {
                unit_price_cents: 1_210,
                quantity: 2,
                vat_rate_bp: 2_100,
            },
            PricedLine {
                unit_price_cents: 545,
                quantity: 1,
                vat_rate_bp: 900,
            },
        ];
        let order = order_totals(
            &priced,
            Destination {
                method: DeliveryMethod::Shipping,
                country: "NL",
            },
            &ShippingRates::standard(),
        )
        .expect("NL has a zone");
        assert_eq!(order.vat_cents, t.vat_cents);
        assert_eq!(order.total_cents, t.total_cents);
    }

    #[test]
    fn reverse_charge_invoices_net_amounts_without_vat() {
        let priced = PricedLine {
            unit_price_cents: 1_210,
            quantity: 2,
            vat_rate_bp: 2_100,
        };
        let charged = as_charged(priced.clone(), true);
        assert_eq!(charged.unit_price_cents, 1_000);
        assert_eq!(charged.vat_rate_bp, 0);
        assert_eq!(as_charged(priced.clone(), false), priced);
        let order = totals_as_charged(
            order_totals(
                &[charged],
                Destination {
                    method: DeliveryMethod::Shipping,
                    country: "NL",
                },
                &ShippingRates::standard(),
            )
            .expect("NL has a zone"),
            true,
        );
        // 20,00 net + shipping 4,95 without its 0,86 VAT.
        assert_eq!(order.shipping_cents, 409);
        assert_eq!(order.vat_cents, 0);
        assert_eq!(order.total_cents, 2_000 + 409);
        let invoice = totals(&[line(1_000, 2, 0), line(409, 1, 0)]);
        assert_eq!(invoice.vat_cents, 0);
        assert_eq!(invoice.total_cents, order.total_cents);
        assert_eq!(invoice.groups.len(), 1);
    }

    #[test]
    fn a_business_is_a_company_or_a_vat_number() {
        assert!(is_business(Some("Bakkerij BV"), None));
        assert!(is_business(None, Some("BE0123456789")));
        assert!(!is_business(Some("  "), None));
        assert!(!is_business(None, None));
    }
}
