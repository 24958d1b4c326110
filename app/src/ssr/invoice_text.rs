//! The words of an invoice, in Dutch and English: the invoice is written
//! in the language its order or booking was made in. Server-only, like
//! the mail texts.

use crate::locale::Locale;

pub struct InvoiceText {
    pub title: &'static str,
    pub number: &'static str,
    pub date: &'static str,
    pub order: &'static str,
    pub booking: &'static str,
    pub kvk: &'static str,
    pub vat_id: &'static str,
    pub bill_to: &'static str,
    pub buyer_vat: &'static str,
    pub description: &'static str,
    pub quantity: &'static str,
    pub unit_price: &'static str,
    pub vat: &'static str,
    pub amount: &'static str,
    pub shipping: &'static str,
    pub vat_summary: &'static str,
    pub base: &'static str,
    pub total_net: &'static str,
    pub total_vat: &'static str,
    pub total: &'static str,
    pub reverse_charged: &'static str,
    pub reverse_charge_note: &'static str,
    pub anonymised: &'static str,
}

pub const NL: InvoiceText = InvoiceText {
    title: "Factuur",
    number: "Factuurnummer",
    date: "Factuurdatum",
    order: "Bestelling",
    booking: "Reservering",
    kvk: "KvK-nummer",
    vat_id: "Btw-id",
    bill_to: "Factuuradres",
    buyer_vat: "Btw-nummer afnemer",
    description: "Omschrijving",
    quantity: "Aantal",
    unit_price: "Prijs",
    vat: "Btw",
    amount: "Bedrag",
    shipping: "Verzendkosten",
    vat_summary: "Btw-specificatie",
    base: "grondslag",
    total_net: "Totaal excl. btw",
    total_vat: "Totaal btw",
    total: "Totaal te betalen",
    reverse_charged: "verlegd",
    reverse_charge_note: "Btw verlegd: intracommunautaire prestatie, de btw is verschuldigd door de afnemer (art. 138 en 196 Btw-richtlijn 2006/112/EG).",
    anonymised: "Afnemer geanonimiseerd",
};

pub const EN: InvoiceText = InvoiceText {
    title: "Invoice",
    number: "Invoice number",
    date: "Invoice date",
    order: "Order",
    booking: "Booking",
    kvk: "Chamber of Commerce (KvK) number",
    vat_id: "VAT ID",
    bill_to: "Invoice address",
    buyer_vat: "Customer VAT number",
    description: "Description",
    quantity: "Qty",
    unit_price: "Price",
    vat: "VAT",
    amount: "Amount",
    shipping: "Shipping",
    vat_summary: "VAT summary",
    base: "base",
    total_net: "Total excl. VAT",
    total_vat: "Total VAT",
    total: "Total due",
    reverse_charged: "reverse-charged",
    reverse_charge_note:
        "VAT reverse-charged: intra-Community supply, VAT is due by the customer (Art. 138 and 196 VAT Directive 2006/112/EC).",
    anonymised: "Customer anonymised",
};

pub fn text_in(locale: Locale) -> &'static InvoiceText {
    match locale {
        Locale::Nl => &NL,
        Locale::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_written_in_both_languages() {
        for text in [&NL, &EN] {
            let all = [
                text.title,
                text.number,
                text.date,
                text.order,
                text.booking,
                text.kvk,
                text.vat_id,
                text.bill_to,
                text.buyer_vat,
                text.description,
                text.quantity,
                text.unit_price,
                text.vat,
                text.amount,
                text.shipping,
                text.vat_summary,
                text.base,
                text.total_net,
                text.total_vat,
                text.total,
                text.reverse_charged,
                text.reverse_charge_note,
                text.anonymised,
            ];
            assert!(all.iter().all(|t| !t.trim().is_empty()));
        }
        assert_ne!(NL.title, EN.title);
    }
}
