//! The shipping rates (`/cms/shipping`): a zone per country with its rate,
//! an optional free-shipping threshold and whether it is active; pickup on
//! or off with its hint. The checkout computes the costs from these; a
//! placed order keeps what it was charged. Needs the catalogue right.

use super::api::{cms_shipping, CmsSavePickup, CmsSaveShippingZone};
use super::catalog::euros;
use super::models::ShippingView;
use crate::forms::{field_errors, Field};
use crate::i18n::price;
use crate::locale::Locale;
use crate::shop::rules::ShippingZone;
use crate::shop::text::country_name_in;
use crate::ui::{loaded, ErrorMessage, Wait};
use leptos::prelude::*;

/// Screen text, Dutch (the CMS is Dutch only).
pub struct ShippingText {
    pub title: &'static str,
    pub intro: &'static str,
    pub country: &'static str,
    pub rate: &'static str,
    pub rate_hint: &'static str,
    pub free_from: &'static str,
    pub free_from_hint: &'static str,
    pub active: &'static str,
    pub inactive: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub add_zone: &'static str,
    pub add: &'static str,
    pub never_free: &'static str,
    pub pickup_title: &'static str,
    pub pickup: &'static str,
    pub pickup_note: &'static str,
    pub pickup_note_hint: &'static str,
}

pub const SHIPPING_NL: ShippingText = ShippingText {
    title: "Verzendkosten",
    intro: "Per land het tarief (inclusief btw) en het bedrag vanaf waar verzenden gratis is. \
            Naar een land zonder actieve zone kan niet besteld worden (afhalen kan wel). \
            Een nieuw tarief geldt voor nieuwe bestellingen; geplaatste bestellingen houden hun verzendkosten.",
    country: "Land",
    rate: "Tarief",
    rate_hint: "In euro's inclusief btw, bijvoorbeeld 4,95 (hoogstens € 250).",
    free_from: "Gratis vanaf",
    free_from_hint: "Leeg laten: nooit gratis.",
    active: "Actief: naar dit land verzenden we",
    inactive: "niet actief",
    save: "Opslaan",
    saved: "Opgeslagen.",
    add_zone: "Land toevoegen",
    add: "Toevoegen",
    never_free: "nooit gratis",
    pickup_title: "Afhalen",
    pickup: "Klanten mogen hun bestelling afhalen (gratis)",
    pickup_note: "Waar en wanneer",
    pickup_note_hint: "Staat bij de keuze afhalen, bijvoorbeeld: Dorpsstraat 1, Utrecht, ma–za 10–17 uur.",
};

/// One zone's form. Each row has its own action, so that a field message
/// shows under the row it belongs to.
#[component]
fn ZoneRow(zone: ShippingZone) -> impl IntoView {
    let t = &SHIPPING_NL;
    let save = ServerAction::<CmsSaveShippingZone>::new();
    let server = field_errors(save);
    let scope: &'static str = match zone.country.as_str() {
        "NL" => "nl",
        "BE" => "be",
        "DE" => "de",
        "LU" => "lu",
        _ => "zone",
    };
    let summary = format!(
        "{}: {}, {}",
        country_name_in(Locale::Nl, &zone.country),
        price(zone.rate_cents),
        zone.free_from_cents.map_or_else(
            || t.never_free.to_owned(),
            |c| format!("gratis vanaf {}", price(c))
        ),
    );
    view! {
        <section class=format!("shipping-zone zone-{scope}")>
            <h3>{country_name_in(Locale::Nl, &zone.country)}
                {(!zone.active).then(|| view! { " (" {t.inactive} ")" })}</h3>
            <p class="hint zone-summary">{summary}</p>
            {move || save.value().get().map(|r| match r {
                Ok(_) => view! { <p class="notice" role="status">{t.saved}</p> }.into_any(),
                Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
            })}
            <ActionForm action=save attr:class="cms-shipping-zone" attr:novalidate=true>
                <input type="hidden" name="country" value=zone.country.clone()/>
                <Field name="rate" scope label=t.rate required=true hint=t.rate_hint value=euros(zone.rate_cents) server/>
                <Field name="free_from" scope label=t.free_from hint=t.free_from_hint value=zone.free_from_cents.map(euros).unwrap_or_default() server/>
                <label class="checkbox">
                    <input type="checkbox" name="active" value="on" checked=zone.active/>
                    {t.active}
                </label>
                <button type="submit">{t.save}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ShippingScreen(
    view: ShippingView,
    add: ServerAction<CmsSaveShippingZone>,
    pickup: ServerAction<CmsSavePickup>,
) -> impl IntoView {
    let t = &SHIPPING_NL;
    let add_errors = field_errors(add);
    let pickup_errors = field_errors(pickup);
    let missing: Vec<String> = view
        .countries
        .iter()
        .filter(|c| !view.rates.zones.iter().any(|z| &z.country == *c))
        .cloned()
        .collect();
    let rates = view.rates.clone();
    view! {
        <div class="cms-shipping">
            {rates.zones.into_iter().map(|zone| view! { <ZoneRow zone/> }).collect_view()}
            {(!missing.is_empty()).then(|| view! {
                <section class="shipping-add">
                    <h2>{t.add_zone}</h2>
                    {move || add.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
                    <ActionForm action=add attr:class="cms-shipping-add" attr:novalidate=true>
                        <label class="field">
                            <span class="label">{t.country}</span>
                            <select name="country">
                                {missing.into_iter().map(|c| {
                                    let name = country_name_in(Locale::Nl, &c);
                                    view! { <option value=c>{name}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <Field name="rate" scope="add" label=t.rate required=true hint=t.rate_hint server=add_errors/>
                        <Field name="free_from" scope="add" label=t.free_from hint=t.free_from_hint server=add_errors/>
                        <input type="hidden" name="active" value="on"/>
                        <button type="submit">{t.add}</button>
                    </ActionForm>
                </section>
            })}
            <section class="shipping-pickup">
                <h2>{t.pickup_title}</h2>
                {move || pickup.value().get().map(|r| match r {
                    Ok(_) => view! { <p class="notice" role="status">{t.saved}</p> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                })}
                <ActionForm action=pickup attr:class="cms-shipping-pickup" attr:novalidate=true>
                    <label class="checkbox">
                        <input type="checkbox" name="pickup" value="on" checked=rates.pickup/>
                        {t.pickup}
                    </label>
                    <Field name="pickup_note" label=t.pickup_note hint=t.pickup_note_hint value=rates.pickup_note.clone() server=pickup_errors/>
                    <button type="submit">{t.save}</button>
                </ActionForm>
            </section>
        </div>
    }
}

#[component]
pub fn CmsShippingPage() -> impl IntoView {
    let t = &SHIPPING_NL;
    // Made before the first await (see the settings screen): a zone added
    // shows at once, the list refetched on the action's version.
    let add = ServerAction::<CmsSaveShippingZone>::new();
    let pickup = ServerAction::<CmsSavePickup>::new();
    let shipping = Resource::new(move || add.version().get(), |_| cms_shipping());
    view! {
        <h1>{t.title}</h1>
        <p class="intro">{t.intro}</p>
        {loaded(Wait::Transition, shipping, move |v| view! { <ShippingScreen view=v add pickup/> })}
    }
}
