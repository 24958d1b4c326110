//! Screen text of the shop, Dutch and English. The customer fields,
//! payment choice and "create an account" of `forms` use it too.

use crate::locale::{price_in, Locale};

#[cfg_attr(test, derive(serde::Serialize))]
pub struct ShopText {
    pub search_placeholder: &'static str,
    pub search_button: &'static str,
    pub all_categories: &'static str,
    pub categories: &'static str,
    pub no_products: &'static str,
    pub in_stock: &'static str,
    pub sold_out: &'static str,
    pub quantity: &'static str,
    pub add_to_cart: &'static str,
    pub added_to_cart: &'static str,
    pub vat_included: &'static str,
    pub back_to_shop: &'static str,
    pub cart_title: &'static str,
    pub cart_empty: &'static str,
    pub product: &'static str,
    pub price: &'static str,
    pub total: &'static str,
    pub subtotal: &'static str,
    pub shipping: &'static str,
    pub vat: &'static str,
    pub update: &'static str,
    pub remove: &'static str,
    pub to_checkout: &'static str,
    pub checkout_title: &'static str,
    pub checkout_intro: &'static str,
    pub your_details: &'static str,
    pub email: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub gender: &'static str,
    pub gender_none: &'static str,
    pub gender_m: &'static str,
    pub gender_f: &'static str,
    pub gender_x: &'static str,
    pub phone: &'static str,
    pub phone2: &'static str,
    pub create_account: &'static str,
    pub create_account_hint: &'static str,
    pub password: &'static str,
    pub company_name: &'static str,
    pub vat_number: &'static str,
    pub address: &'static str,
    pub street: &'static str,
    pub house_number: &'static str,
    pub postcode: &'static str,
    pub city: &'static str,
    pub country: &'static str,
    pub netherlands: &'static str,
    pub belgium: &'static str,
    pub delivery_address: &'static str,
    pub delivery_address_hint: &'static str,
    pub delivery: &'static str,
    pub delivery_method: &'static str,
    pub delivery_date: &'static str,
    pub delivery_date_hint: &'static str,
    pub payment_method: &'static str,
    pub newsletter: &'static str,
    pub optional: &'static str,
    pub place_order: &'static str,
    pub placing_order: &'static str,
    pub privacy_note: &'static str,
    pub order_title: &'static str,
    pub order_thanks: &'static str,
    pub order_number: &'static str,
    pub order_status: &'static str,
    pub order_date: &'static str,
    pub ship_to: &'static str,
    pub not_found: &'static str,
    /// The order's public code (the token in its link).
    pub order_code: &'static str,
    pub pay_title: &'static str,
    pub pay_transfer: &'static str,
    pub pay_amount: &'static str,
    pub pay_iban: &'static str,
    pub pay_name: &'static str,
    pub pay_reference: &'static str,
    pub pay_details_follow: &'static str,
    pub pay_after: &'static str,
    pub track_title: &'static str,
    pub invoice: &'static str,
}

pub const NL: ShopText = ShopText {
    search_placeholder: "Zoek in het assortiment",
    search_button: "Zoeken",
    all_categories: "Alles",
    categories: "Categorieën",
    no_products: "Geen artikelen gevonden.",
    in_stock: "Op voorraad",
    sold_out: "Uitverkocht",
    quantity: "Aantal",
    add_to_cart: "In winkelwagen",
    added_to_cart: "Toegevoegd aan je winkelwagen.",
    vat_included: "incl. btw",
    back_to_shop: "Verder winkelen",
    cart_title: "Winkelwagen",
    cart_empty: "Je winkelwagen is leeg.",
    product: "Artikel",
    price: "Prijs",
    total: "Totaal",
    subtotal: "Subtotaal",
    shipping: "Verzendkosten",
    vat: "waarvan btw",
    update: "Bijwerken",
    remove: "Verwijderen",
    to_checkout: "Afrekenen",
    checkout_title: "Afrekenen",
    checkout_intro:
        "Je bestelt als gast. We vragen alleen wat nodig is om je bestelling te leveren.",
    your_details: "Je gegevens",
    email: "E-mailadres",
    first_name: "Voornaam",
    last_name: "Achternaam",
    gender: "Aanhef",
    gender_none: "Zeg ik liever niet",
    gender_m: "Dhr.",
    gender_f: "Mevr.",
    gender_x: "Anders",
    phone: "Telefoonnummer",
    phone2: "Tweede telefoonnummer",
    create_account: "Maak meteen een account aan",
    create_account_hint: "Dan zie je je bestellingen later terug onder \"Mijn account\".",
    password: "Wachtwoord",
    company_name: "Bedrijfsnaam",
    vat_number: "Btw-nummer",
    address: "Adres",
    street: "Straat",
    house_number: "Huisnummer",
    postcode: "Postcode",
    city: "Plaats",
    country: "Land",
    netherlands: "Nederland",
    belgium: "België",
    delivery_address: "Ander afleveradres",
    delivery_address_hint: "Alleen invullen als we ergens anders moeten bezorgen.",
    delivery: "Levering",
    delivery_method: "Verzendwijze",
    delivery_date: "Gewenste leverdatum",
    delivery_date_hint: "Laat leeg voor zo snel mogelijk.",
    payment_method: "Betaalwijze",
    newsletter: "Stuur mij de nieuwsbrief (je bevestigt dit eerst per e-mail)",
    optional: "optioneel",
    place_order: "Bestelling plaatsen",
    placing_order: "Bezig met bestellen…",
    privacy_note:
        "We bewaren je gegevens alleen om je bestelling te leveren. Geen IP-adres, geen tracking.",
    order_title: "Bedankt voor je bestelling",
    order_thanks: "We hebben je bestelling ontvangen.",
    order_number: "Bestelnummer",
    order_status: "Status",
    order_date: "Besteld op",
    ship_to: "Afleveradres",
    not_found: "Deze bestelling bestaat niet.",
    order_code: "Bestelcode",
    pay_title: "Betalen per bankoverschrijving",
    pay_transfer: "Maak het bedrag over onder vermelding van je bestelnummer:",
    pay_amount: "Bedrag",
    pay_iban: "IBAN",
    pay_name: "Rekeninghouder",
    pay_reference: "Omschrijving",
    pay_details_follow: "We sturen je de rekeninggegevens zo snel mogelijk per e-mail.",
    pay_after: "Zodra je betaling binnen is, versturen we je bestelling.",
    track_title: "Volg je pakket",
    invoice: "Factuur (pdf)",
};

pub const EN: ShopText = ShopText {
    search_placeholder: "Search our products",
    search_button: "Search",
    all_categories: "All",
    categories: "Categories",
    no_products: "No products found.",
    in_stock: "In stock",
    sold_out: "Sold out",
    quantity: "Quantity",
    add_to_cart: "Add to cart",
    added_to_cart: "Added to your cart.",
    vat_included: "incl. VAT",
    back_to_shop: "Continue shopping",
    cart_title: "Your cart",
    cart_empty: "Your cart is empty.",
    product: "Product",
    price: "Price",
    total: "Total",
    subtotal: "Subtotal",
    shipping: "Shipping",
    vat: "of which VAT",
    update: "Update",
    remove: "Remove",
    to_checkout: "Check out",
    checkout_title: "Check out",
    checkout_intro:
        "You are ordering as a guest. We only ask for what we need to deliver your order.",
    your_details: "Your details",
    email: "Email address",
    first_name: "First name",
    last_name: "Last name",
    gender: "Title",
    gender_none: "I'd rather not say",
    gender_m: "Mr",
    gender_f: "Ms",
    gender_x: "Other",
    phone: "Phone number",
    phone2: "Second phone number",
    create_account: "Create an account as well",
    create_account_hint: "Then you can find your orders later under \"My account\".",
    password: "Password",
    company_name: "Company name",
    vat_number: "VAT number",
    address: "Address",
    street: "Street",
    house_number: "House number",
    postcode: "Postcode",
    city: "Town or city",
    country: "Country",
    netherlands: "Netherlands",
    belgium: "Belgium",
    delivery_address: "Different delivery address",
    delivery_address_hint: "Only fill this in if we should deliver somewhere else.",
    delivery: "Delivery",
    delivery_method: "Delivery method",
    delivery_date: "Preferred delivery date",
    delivery_date_hint: "Leave empty for as soon as possible.",
    payment_method: "Payment method",
    newsletter: "Send me the newsletter (you confirm this by email first)",
    optional: "optional",
    place_order: "Place order",
    placing_order: "Placing your order…",
    privacy_note: "We only keep your details to deliver your order. No IP address, no tracking.",
    order_title: "Thank you for your order",
    order_thanks: "We have received your order.",
    order_number: "Order number",
    order_status: "Status",
    order_date: "Ordered on",
    ship_to: "Delivery address",
    not_found: "This order does not exist.",
    order_code: "Order code",
    pay_title: "Paying by bank transfer",
    pay_transfer: "Please transfer the amount, quoting your order number:",
    pay_amount: "Amount",
    pay_iban: "IBAN",
    pay_name: "Account holder",
    pay_reference: "Reference",
    pay_details_follow: "We will email you the account details as soon as possible.",
    pay_after: "As soon as your payment has arrived, we send your order.",
    track_title: "Track your parcel",
    invoice: "Invoice (PDF)",
};

crate::i18n::text_by_locale!(ShopText);

/// The shipping choice's note: "(€ 4,95, gratis vanaf € 50,00)".
pub fn shipping_note(shipping_cents: i64, free_from_cents: i64) -> String {
    shipping_note_in(Locale::current(), shipping_cents, free_from_cents)
}

pub fn shipping_note_in(locale: Locale, shipping_cents: i64, free_from_cents: i64) -> String {
    let (shipping, free_from) = (
        price_in(locale, shipping_cents),
        price_in(locale, free_from_cents),
    );
    match locale {
        Locale::Nl => format!("({shipping}, gratis vanaf {free_from})"),
        Locale::En => format!("({shipping}, free from {free_from})"),
    }
}

/// A VAT rate as the page's language writes it: `5,5%`, `5.5%`.
pub fn vat_rate(rate_bp: i32) -> String {
    vat_rate_in(Locale::current(), rate_bp)
}

pub fn vat_rate_in(locale: Locale, rate_bp: i32) -> String {
    let dutch = crate::money::format_vat_rate(rate_bp);
    match locale {
        Locale::Nl => dutch,
        Locale::En => dutch.replace(',', "."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shop_text_is_translated() {
        crate::i18n::assert_translated(&NL, &EN);
    }

    #[test]
    fn notes_in_both_languages() {
        assert_eq!(
            shipping_note_in(Locale::Nl, 495, 5000),
            "(€ 4,95, gratis vanaf € 50,00)"
        );
        assert_eq!(
            shipping_note_in(Locale::En, 495, 5000),
            "(€4.95, free from €50.00)"
        );
        assert_eq!(vat_rate_in(Locale::Nl, 550), "5,5%");
        assert_eq!(vat_rate_in(Locale::En, 550), "5.5%");
        assert_eq!(vat_rate_in(Locale::En, 2100), "21%");
    }
}
