//! Screen text of the CMS, Dutch.

pub struct CmsText {
    pub title: &'static str,
    pub login_title: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub login: &'static str,
    pub logout: &'static str,
    pub dashboard: &'static str,
    pub customers: &'static str,
    pub staff: &'static str,
    pub audit: &'static str,
    pub to_shop: &'static str,
    pub first_password_title: &'static str,
    pub first_password_intro: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub staff_password_hint: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub search: &'static str,
    pub search_hint: &'static str,
    pub more: &'static str,
    pub name: &'static str,
    pub city: &'static str,
    pub account: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub added: &'static str,
    pub last_login: &'static str,
    pub payment_methods: &'static str,
    pub on_account_allowed: &'static str,
    pub orders: &'static str,
    pub status: &'static str,
    pub all_statuses: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub mark_as: &'static str,
    /// The optional carrier's link on the "shipped" button.
    pub track_url: &'static str,
    pub anonymised: &'static str,
    pub no_orders: &'static str,
    pub delete_customer: &'static str,
    pub privacy_link: &'static str,
    pub privacy_link_hint: &'static str,
    pub privacy_link_sent: &'static str,
    pub privacy_link_over_budget: &'static str,
    pub delete_customer_warning: &'static str,
    pub edit_customer: &'static str,
    pub new_staff: &'static str,
    pub create: &'static str,
    pub staff_created: &'static str,
    pub rights: &'static str,
    pub owner: &'static str,
    pub locked: &'static str,
    pub lock: &'static str,
    pub unlock: &'static str,
    pub unlock_password: &'static str,
    pub force_password: &'static str,
    pub my_password: &'static str,
    pub my_password_intro: &'static str,
    pub password_changed: &'static str,
    pub when: &'static str,
    pub who: &'static str,
    pub what: &'static str,
    pub record: &'static str,
    pub nothing_yet: &'static str,
    pub all_members: &'static str,
    pub customer_number: &'static str,
    /// The link from a customer to the log filtered on them.
    pub seen_by: &'static str,
    pub seen_by_title: &'static str,
    pub access_export: &'static str,
    pub orders_today: &'static str,
    pub orders_to_handle: &'static str,
    pub open_questions: &'static str,
    pub last_retention: &'static str,
    pub last_backup: &'static str,
    pub backups: &'static str,
    pub backups_kept: &'static str,
    pub not_yet: &'static str,
    pub running: &'static str,
    pub not_allowed: &'static str,
    pub settings: &'static str,
    pub catalog: &'static str,
    pub pages: &'static str,
    pub pages_intro: &'static str,
    pub new_page: &'static str,
    pub page_title: &'static str,
    pub updated: &'static str,
    pub body: &'static str,
    pub body_hint: &'static str,
    pub view_page: &'static str,
    pub categories: &'static str,
    pub products: &'static str,
    pub category: &'static str,
    pub slug: &'static str,
    pub slug_hint: &'static str,
    pub position: &'static str,
    pub delete: &'static str,
    pub new_category: &'static str,
    pub new_product: &'static str,
    pub stock: &'static str,
    pub stock_alert: &'static str,
    pub stock_alert_hint: &'static str,
    pub low_stock: &'static str,
    pub charts: &'static str,
    pub chart_orders: &'static str,
    pub chart_revenue: &'static str,
    pub chart_security: &'static str,
    pub chart_jobs: &'static str,
    pub chart_jobs_ok: &'static str,
    pub chart_jobs_failed: &'static str,
    pub chart_empty: &'static str,
    pub active: &'static str,
    pub active_hint: &'static str,
    pub description: &'static str,
    pub price_incl: &'static str,
    pub vat: &'static str,
    pub image: &'static str,
    pub image_saved: &'static str,
    pub upload: &'static str,
    pub delete_product: &'static str,
    pub shop_settings: &'static str,
    pub shop_name: &'static str,
    pub contact_email: &'static str,
    pub retention_years: &'static str,
    pub retention_hint: &'static str,
    pub backups_keep: &'static str,
    pub require_second_factor: &'static str,
    pub require_second_factor_hint: &'static str,
    pub identity_title: &'static str,
    pub identity_hint: &'static str,
    pub legal_name: &'static str,
    pub street: &'static str,
    pub postcode: &'static str,
    pub kvk_number: &'static str,
    pub vat_id: &'static str,
    pub iban: &'static str,
    /// Shown while the IBAN is empty: what bank-transfer customers miss.
    pub iban_missing: &'static str,
    pub retention_preview: &'static str,
    /// (customers deleted, orders anonymised, bookings anonymised, term in years)
    pub retention_preview_line: fn(u64, u64, u64, u32) -> String,
    pub retention_preview_hint: &'static str,
    pub database_login: &'static str,
    pub backend: &'static str,
    pub host: &'static str,
    pub database: &'static str,
    pub user: &'static str,
    pub reveal: &'static str,
    pub reveal_hint: &'static str,
    pub name_en: &'static str,
    pub description_en: &'static str,
    pub page_title_en: &'static str,
    pub body_en: &'static str,
    pub english_hint: &'static str,
    pub invoice: &'static str,
}

pub const NL: CmsText = CmsText {
    title: "Winkel beheer",
    login_title: "Inloggen in het beheer",
    email: "E-mailadres",
    password: "Wachtwoord",
    login: "Inloggen",
    logout: "Uitloggen",
    dashboard: "Overzicht",
    customers: "Klanten",
    staff: "Medewerkers",
    audit: "Logboek",
    to_shop: "Naar de winkel",
    first_password_title: "Kies je eigen wachtwoord",
    first_password_intro: "Je hebt een tijdelijk wachtwoord gekregen. Kies nu een eigen wachtwoord dat alleen jij kent.",
    current_password: "Huidig wachtwoord",
    new_password: "Nieuw wachtwoord",
    staff_password_hint: "Minstens 12 tekens; een zin van een paar woorden werkt goed.",
    save: "Opslaan",
    saved: "Opgeslagen.",
    search: "Zoeken",
    search_hint: "Achternaam, of e-mailadres (met @)",
    more: "Meer",
    name: "Naam",
    city: "Plaats",
    account: "Account",
    yes: "ja",
    no: "nee",
    added: "Toegevoegd",
    last_login: "Laatst ingelogd",
    payment_methods: "Betaalwijzen",
    on_account_allowed: "Mag op rekening betalen",
    orders: "Bestellingen",
    status: "Status",
    all_statuses: "Alle statussen",
    from: "Vanaf",
    to: "Tot en met",
    mark_as: "Markeer als",
    track_url: "Track-and-trace-link (optioneel, https://…)",
    anonymised: "Deze bestelling is geanonimiseerd.",
    no_orders: "Geen bestellingen.",
    delete_customer: "Klant verwijderen",
    privacy_link: "Stuur inzage/verwijderlink",
    privacy_link_hint: "Vraagt iemand per telefoon om inzage of verwijdering? Stuur de link naar het e-mailadres van deze klant: daarmee ziet, downloadt of verwijdert de klant zelf alle gegevens bij dit adres (ook van andere klantrecords met hetzelfde adres). De link is 1 uur geldig.",
    privacy_link_sent: "De link is verstuurd.",
    privacy_link_over_budget: "Niet verstuurd: dit adres kreeg het afgelopen uur al het maximum aantal links.",
    delete_customer_warning: "Verwijdert alle gegevens van deze klant en anonimiseert de bestellingen. Dit kan niet ongedaan worden gemaakt.",
    edit_customer: "Gegevens wijzigen",
    new_staff: "Nieuwe medewerker",
    create: "Aanmaken",
    staff_created: "De medewerker is aangemaakt en kiest bij de eerste keer inloggen een eigen wachtwoord.",
    rights: "Rechten",
    owner: "eigenaar",
    locked: "geblokkeerd",
    lock: "Blokkeren",
    unlock: "Deblokkeren",
    unlock_password: "Nieuw tijdelijk wachtwoord",
    force_password: "Nieuw wachtwoord verplichten",
    my_password: "Mijn wachtwoord",
    my_password_intro: "Kies een nieuw wachtwoord. Je andere sessies (op andere apparaten) worden daarbij beëindigd.",
    password_changed: "Je wachtwoord is gewijzigd; je andere sessies zijn beëindigd.",
    when: "Wanneer",
    who: "Wie",
    what: "Wat",
    record: "Record",
    nothing_yet: "Nog niets.",
    all_members: "Alle medewerkers",
    customer_number: "Klantnummer",
    seen_by: "Wie heeft deze gegevens gezien?",
    seen_by_title: "Wie zag de gegevens van klant",
    access_export: "Downloaden voor de klant (JSON)",
    orders_today: "Bestellingen vandaag",
    orders_to_handle: "Nieuwe bestellingen te verwerken",
    open_questions: "Open vragen",
    last_retention: "Laatste opschoning (bewaartermijn)",
    last_backup: "Laatste back-up",
    backups: "Back-ups",
    backups_kept: "Aantal bewaard",
    not_yet: "nog niet uitgevoerd",
    running: "bezig",
    not_allowed: "Je hebt geen recht om dit te zien.",
    settings: "Instellingen",
    catalog: "Catalogus",
    pages: "Pagina's",
    pages_intro: "Pagina's in Markdown. De privacyverklaring wordt automatisch gemaakt uit de instellingen:",
    new_page: "Nieuwe pagina",
    page_title: "Titel",
    updated: "Gewijzigd",
    body: "Tekst (Markdown)",
    body_hint: "**vet**, *schuin*, # kop, [link](https://...). HTML wordt als tekst getoond.",
    view_page: "Bekijk de pagina",
    categories: "Categorieën",
    products: "Artikelen",
    category: "Categorie",
    slug: "Naam in de URL",
    slug_hint: "Leeg laten: wordt gemaakt van de naam.",
    position: "Volgorde",
    delete: "Verwijderen",
    new_category: "Nieuwe categorie",
    new_product: "Nieuw artikel",
    stock: "Voorraad",
    stock_alert: "Waarschuwen bij voorraad",
    stock_alert_hint: "Leeg: nooit. Op of onder dit aantal staat het product op het dashboard en krijgt de eigenaar hooguit een keer per dag een e-mail.",
    low_stock: "Voorraad bijna op",
    charts: "De afgelopen dagen",
    chart_orders: "Bestellingen per dag, laatste 30 dagen",
    chart_revenue: "Omzet per dag, laatste 30 dagen",
    chart_security: "Beveiligingsmeldingen per uur, laatste 7 dagen",
    chart_jobs: "Achtergrondtaken per dag, laatste 30 dagen",
    chart_jobs_ok: "gelukt",
    chart_jobs_failed: "mislukt",
    chart_empty: "Nog niets te tonen",
    active: "Zichtbaar",
    active_hint: "Zichtbaar in de winkel",
    description: "Omschrijving",
    price_incl: "Prijs in euro (incl. btw)",
    vat: "Btw",
    image: "Foto",
    image_saved: "De foto is opgeslagen.",
    upload: "Foto uploaden",
    delete_product: "Artikel verwijderen",
    shop_settings: "Winkel",
    shop_name: "Naam van de winkel",
    contact_email: "Contactadres",
    retention_years: "Bewaartermijn (jaren)",
    retention_hint: "Klanten zonder activiteit worden na deze termijn verwijderd en hun bestellingen en boekingen geanonimiseerd.",
    backups_keep: "Aantal back-ups dat bewaard blijft",
    require_second_factor: "Tweede factor verplicht voor wie klantgegevens mag zien",
    require_second_factor_hint: "Wie klanten, bestellingen of boekingen mag inzien (en de eigenaar) \
                                 logt dan in met wachtwoord én een code uit een authenticator-app. \
                                 Wie die nog niet heeft ingesteld, kan na het inloggen alleen dat doen.",
    identity_title: "Bedrijfsgegevens",
    identity_hint: "Deze gegevens staan op de facturen, in de betaalinstructies en in de privacyverklaring. Een factuur vraagt adres, KvK-nummer en btw-id.",
    legal_name: "Statutaire naam (leeg: de naam van de winkel)",
    street: "Straat en huisnummer",
    postcode: "Postcode",
    kvk_number: "KvK-nummer",
    vat_id: "Btw-id",
    iban: "IBAN (voor betalingen per overboeking)",
    iban_missing: "Er is nog geen IBAN ingevuld: klanten die per overschrijving betalen, lezen nu dat de winkel hun de rekeninggegevens stuurt.",
    retention_preview: "Opschoning van vannacht (voorbeeld)",
    retention_preview_line: |customers, orders, bookings, years| {
        format!(
            "Met een bewaartermijn van {years} jaar worden vandaag {customers} klanten verwijderd en {orders} bestellingen en {bookings} boekingen geanonimiseerd."
        )
    },
    retention_preview_hint: "Een proefrun: er is niets gewijzigd. De opschoning draait elke nacht; zie de laatste run op het dashboard.",
    database_login: "Databaselogin",
    backend: "Soort",
    host: "Server",
    database: "Database",
    user: "Gebruiker",
    reveal: "Wachtwoord tonen",
    reveal_hint: "Alleen de eigenaar ziet het wachtwoord; elke keer dat het wordt getoond, komt in het logboek.",
    name_en: "Naam (Engels, optioneel)",
    description_en: "Omschrijving (Engels, optioneel)",
    page_title_en: "Titel (Engels, optioneel)",
    body_en: "Tekst (Engels, optioneel)",
    english_hint: "Leeg gelaten toont de Engelse winkel de Nederlandse tekst.",
    invoice: "Factuur (pdf)",
};

pub fn text() -> &'static CmsText {
    &NL
}

/// The owner-facing description of a right.
pub fn right_label(right: super::rules::Right) -> &'static str {
    use super::rules::Right::*;
    match right {
        CustomersView => "Klanten bekijken",
        CustomersEdit => "Klanten wijzigen",
        CustomersDelete => "Klanten verwijderen",
        OrdersView => "Bestellingen bekijken",
        OrdersEdit => "Bestellingen wijzigen",
        CatalogEdit => "Catalogus beheren",
        PagesEdit => "Pagina's beheren",
        SettingsView => "Instellingen bekijken",
        StaffManage => "Medewerkers beheren",
        AuditView => "Logboek bekijken",
        BookingsView => "Boekingen bekijken",
        BookingsEdit => "Boekingen en boekbare items beheren",
    }
}

/// AVG-18: a warning as the dashboard and the owner's mail say it. Numbers
/// and kinds only; a staff member by number (the audit log names them).
pub fn warning(w: &super::rules::Warning) -> String {
    use super::rules::monitoring::{SLOW_QUERY_SECONDS, STAFF_READS_DAYS, WINDOW_MINUTES};
    use super::rules::WarningKind::*;
    let (count, against) = (w.count, w.against);
    let security = |kind| {
        let what = security_events(kind);
        format!(
            "Let op: {count} {what} in het afgelopen uur, normaal {} per uur. \
             Mogelijk een aanval; kijk in de serverlog.",
            decimal(against, 168)
        )
    };
    match w.kind {
        FailedLoginCustomer | FailedLoginStaff | HoneypotHit | FormLimitRefusal => security(w.kind),
        ServerErrors => format!(
            "Let op: {count} van de {against} verzoeken in de laatste {WINDOW_MINUTES} minuten \
             eindigden in een serverfout (5xx). Kijk in de serverlog."
        ),
        DatabaseErrors => format!(
            "Let op: {count} mislukte databasevragen in de laatste {WINDOW_MINUTES} minuten \
             (van {against}). Kijk in de serverlog of de database bereikbaar is."
        ),
        SlowQueries => format!(
            "Let op: {count} databasevragen duurden langer dan {} s in de laatste \
             {WINDOW_MINUTES} minuten (van {against}). De winkel wordt traag.",
            format!("{SLOW_QUERY_SECONDS}").replace('.', ",")
        ),
        Traffic => format!(
            "Let op: {count} verzoeken in het afgelopen uur, normaal {against} per uur. \
             Mogelijk een aanval of een scraper; kijk in de serverlog."
        ),
        StaffReads => format!(
            "Let op: medewerker #{} kreeg in het afgelopen uur de gegevens van {count} klanten \
             te zien, normaal {against} per dag (gemiddeld over {STAFF_READS_DAYS} dagen). \
             Kijk in het logboek.",
            w.staff_id.unwrap_or_default()
        ),
    }
}

/// What the events of a security kind are (plural); for any other kind
/// of warning, what it is about.
pub fn security_events(kind: super::rules::WarningKind) -> &'static str {
    use super::rules::WarningKind::*;
    match kind {
        FailedLoginCustomer => "mislukte inlogpogingen van klanten",
        FailedLoginStaff => "mislukte inlogpogingen in het CMS",
        HoneypotHit => "formulieren van spambots",
        FormLimitRefusal => "geweigerde formulieren (te veel per bezoeker)",
        ServerErrors => "serverfouten",
        DatabaseErrors => "databasefouten",
        SlowQueries => "trage databasevragen",
        Traffic => "verzoeken",
        StaffReads => "getoonde klantgegevens",
    }
}

/// `total / periods` with one decimal and a decimal comma.
fn decimal(total: u64, periods: u64) -> String {
    let tenths = (total * 10 + periods / 2) / periods.max(1);
    format!("{},{}", tenths / 10, tenths % 10)
}

/// The language an order, booking or question was made in, for staff
/// (the CMS stays Dutch): its mails go out in it, and an answer to an
/// English question is written in English.
pub fn language_line(locale: crate::locale::Locale) -> &'static str {
    match locale {
        crate::locale::Locale::Nl => "Taal: Nederlands",
        crate::locale::Locale::En => "Taal: Engels",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cms::rules::{Warning, WarningKind};

    #[test]
    fn warnings_say_their_numbers() {
        assert_eq!(
            warning(&Warning::new(WarningKind::HoneypotHit, 12, 5 * 168 + 17)),
            "Let op: 12 formulieren van spambots in het afgelopen uur, normaal 5,1 per uur. \
             Mogelijk een aanval; kijk in de serverlog."
        );
        assert!(warning(&Warning::new(WarningKind::ServerErrors, 20, 25))
            .starts_with("Let op: 20 van de 25 verzoeken in de laatste 10 minuten"));
        assert!(warning(&Warning::new(WarningKind::SlowQueries, 10, 90)).contains("dan 0,5 s"));
        let reads = Warning {
            staff_id: Some(7),
            ..Warning::new(WarningKind::StaffReads, 400, 20)
        };
        assert!(warning(&reads)
            .contains("medewerker #7 kreeg in het afgelopen uur de gegevens van 400 klanten"));
    }
}
