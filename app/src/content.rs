//! Content pages (about, delivery terms, ...) written in the CMS, and the
//! privacy statement generated from the live settings.

use crate::error::AppError;
use crate::locale::{Locale, Written};
use crate::ui::ErrorMessage;
use chrono::NaiveDateTime;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// Paths the shop itself uses; no page may take them.
pub const RESERVED_SLUGS: [&str; 14] = [
    "products",
    "cart",
    "checkout",
    "orders",
    "account",
    "cms",
    "api",
    "uploads",
    "pkg",
    "healthz",
    "privacy",
    "contact",
    "newsletter",
    "bookings",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageView {
    pub slug: String,
    pub title: Written,
    /// Sanitised on the server (see `ssr::markdown`).
    pub html: Written,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageAdminRow {
    pub id: i32,
    pub slug: String,
    pub title: String,
    pub published: bool,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageEdit {
    pub id: i32,
    pub slug: String,
    pub title: String,
    pub body_markdown: String,
    /// The English version, where written.
    pub title_en: Option<String>,
    pub body_markdown_en: Option<String>,
    pub published: bool,
}

/// A published page, its texts in the page's `locale` (an argument: a
/// cached page and a refetch ask the same).
#[server(endpoint = "get_page")]
pub async fn get_page(
    slug: String,
    #[server(default)] locale: Locale,
) -> Result<PageView, AppError> {
    crate::ssr::services::pages::published(&crate::ssr::db()?, &slug, locale).await
}

/// The live settings the privacy statement is made from.
#[server(endpoint = "get_privacy")]
pub async fn get_privacy() -> Result<crate::cms::models::ShopSettings, AppError> {
    crate::ssr::services::settings::load(&crate::ssr::db()?).await
}

#[component]
pub fn ContentPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let locale = Locale::current();
    let page = Resource::new(
        move || (slug(), locale),
        |(slug, locale)| get_page(slug, locale),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => {
                        let (title_lang, body_lang) = (p.title.lang_attr(locale), p.html.lang_attr(locale));
                        view! {
                            <Title text=p.title.text.clone()/>
                            <article class="content-page">
                                <h1 lang=title_lang>{p.title.text}</h1>
                                <div class="content" lang=body_lang inner_html=p.html.text></div>
                            </article>
                        }.into_any()
                    }
                    Err(AppError::NotFound) => view! { <crate::layout::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The privacy statement, generated from what the code actually does and
/// the shop's live settings (retention term, backups kept).
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_privacy());
    view! {
        <Title text="Privacyverklaring"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => view! {
                        <article class="content-page privacy">
                            <h1>{format!("Privacyverklaring van {}", s.shop_name)}</h1>
                            <p>"Wij bewaren alleen gegevens van klanten en mensen die een vraag stellen, en alleen om een bestelling te leveren, een boeking te maken, een nieuwsbrief te sturen of een vraag te beantwoorden."</p>
                            <h2>"Wat we bewaren"</h2>
                            <p>"Je naam en adres, eventueel een afwijkend afleveradres, je aanhef als je die opgeeft, je e-mailadres, je telefoonnummer(s), eventueel je bedrijfsnaam en btw-nummer, je keuze voor de nieuwsbrief, de betaalwijzen waarvoor je in aanmerking komt, de datum waarop je klant werd en, met een account, de datum waarop je voor het laatst inlogde. Bij een bestelling: de artikelen, aantallen, prijzen, datums en de gewenste levering. Bij een boeking: wat je boekte, de datum en het tijdstip, het aantal plaatsen, de prijs, de betaalwijze en de status (geboekt, geannuleerd of geweest), gekoppeld aan je klantgegevens; verder niets over jou."</p>
                            <h2>"Wat we nooit vragen of bewaren"</h2>
                            <p>"Geen IP-adres, geen locatie, geen bank- of kaartgegevens, geen beroep, voorkeuren of interesses en geen bijzondere persoonsgegevens — niet in de database, niet in sessies, niet in logbestanden en niet in back-ups."</p>
                            <h2>"Hoe lang"</h2>
                            <p class="retention">{format!(
                                "Klanten zonder account verwijderen we {t} jaar nadat ze klant werden; met een account {t} jaar na de laatste keer inloggen. Een bestelling of boeking van minder dan {t} jaar geleden, of een afspraak die minder dan {t} jaar geleden was of nog komt, houdt je gegevens langer: tot {t} jaar daarna. Bij het verwijderen worden je bestellingen en boekingen geanonimiseerd: we houden alleen wat de boekhouding nodig heeft, zonder iets dat naar jou leidt. Zonder account gebeurt dat met een bestelling of boeking ook zelf, {t} jaar nadat je bestelde of je afspraak was.",
                                t = s.retention_years
                            )}</p>
                            <p class="backups">{format!(
                                "We maken elke nacht een back-up en bewaren alleen de laatste {}. Wie zijn gegevens liet verwijderen, blijft verwijderd, ook als we een back-up terugzetten.",
                                s.backups_keep
                            )}</p>
                            <h2>"Je rechten"</h2>
                            <p>"Met een account bekijk en wijzig je je gegevens onder “Mijn account”, download je alles wat we over je bewaren (ook je bestellingen en boekingen) en kies je “Verwijder mijn account”: je gegevens zijn dan weg en je bestellingen en boekingen geanonimiseerd. Een wachtwoord bewaren we alleen versleuteld; niemand kan het inzien."</p>
                            {(!s.contact_email.is_empty()).then(|| view! { <p>"Vragen? Mail naar " <a href=format!("mailto:{}", s.contact_email)>{s.contact_email.clone()}</a> "."</p> })}
                        </article>
                    }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
