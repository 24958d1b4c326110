//! Screen text of the shop, Dutch and English. The customer fields,
//! payment choice and "create an account" of `forms` use it too.

use super::rules::ShippingZone;
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
    pub germany: &'static str,
    pub luxembourg: &'static str,
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
    pub shipping_rates: &'static str,
    pub no_zone_here: &'static str,
    pub free: &'static str,
    pub terms_accept: &'static str,
    pub terms_link: &'static str,
    pub withdrawal: &'static str,
    pub returns_link: &'static str,
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
    germany: "Duitsland",
    luxembourg: "Luxemburg",
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
    shipping_rates: "Verzendkosten per land",
    no_zone_here: "Naar dit land verzenden wij niet",
    free: "gratis",
    terms_accept: "Door te bestellen ga je akkoord met onze",
    terms_link: "algemene voorwaarden",
    withdrawal: "Je hebt 14 dagen bedenktijd: binnen 14 dagen na ontvangst mag je de koop zonder opgave van reden herroepen. Zie",
    returns_link: "retourneren en herroepingsrecht",
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
    germany: "Germany",
    luxembourg: "Luxembourg",
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
    shipping_rates: "Shipping costs per country",
    no_zone_here: "We do not ship to this country",
    free: "free",
    terms_accept: "By ordering you accept our",
    terms_link: "terms and conditions",
    withdrawal: "You have 14 days to change your mind: within 14 days of receipt you may withdraw from the purchase without giving a reason. See",
    returns_link: "returns and right of withdrawal",
};

crate::i18n::text_by_locale!(ShopText);

/// One zone's line in the checkout's rate list: "Nederland: € 4,95, gratis
/// vanaf € 50,00".
pub fn zone_line(zone: &ShippingZone) -> String {
    zone_line_in(Locale::current(), zone)
}

pub fn zone_line_in(locale: Locale, zone: &ShippingZone) -> String {
    let rate = if zone.rate_cents == 0 {
        text_in(locale).free.to_owned()
    } else {
        price_in(locale, zone.rate_cents)
    };
    let country = country_name_in(locale, &zone.country);
    match (locale, zone.free_from_cents) {
        (_, None) => format!("{country}: {rate}"),
        (Locale::Nl, Some(from)) => {
            format!("{country}: {rate}, gratis vanaf {}", price_in(locale, from))
        }
        (Locale::En, Some(from)) => {
            format!("{country}: {rate}, free from {}", price_in(locale, from))
        }
    }
}

/// A country of `validate::COUNTRIES` by its name.
pub fn country_name_in(locale: Locale, code: &str) -> &'static str {
    let t = text_in(locale);
    match code {
        "NL" => t.netherlands,
        "BE" => t.belgium,
        "DE" => t.germany,
        "LU" => t.luxembourg,
        _ => "",
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
        let zone = ShippingZone {
            country: "NL".into(),
            rate_cents: 495,
            free_from_cents: Some(5_000),
            active: true,
        };
        assert_eq!(
            zone_line_in(Locale::Nl, &zone),
            "Nederland: € 4,95, gratis vanaf € 50,00"
        );
        assert_eq!(
            zone_line_in(Locale::En, &zone),
            "Netherlands: €4.95, free from €50.00"
        );
        let flat = ShippingZone {
            country: "DE".into(),
            rate_cents: 0,
            free_from_cents: None,
            ..zone
        };
        assert_eq!(zone_line_in(Locale::Nl, &flat), "Duitsland: gratis");
        assert_eq!(zone_line_in(Locale::En, &flat), "Germany: free");
        assert_eq!(vat_rate_in(Locale::Nl, 550), "5,5%");
        assert_eq!(vat_rate_in(Locale::En, 550), "5.5%");
        assert_eq!(vat_rate_in(Locale::En, 2100), "21%");
    }
}
