//! The checkout form: AVG-4 data only, validated in the browser with the
//! same rules the server applies, and posted as a plain form without JS.
//! The form is one island (`CheckoutForm`); the page around it is server
//! HTML.

use super::api::get_checkout;
use super::api::PlaceOrder;
use super::models::CheckoutOptions;
use super::rules::{shipping_cost, DeliveryMethod, ShippingRates};
use super::text::{text, zone_line};
use crate::forms::*;
use crate::i18n;
use crate::locale::page_href;
use crate::locale::price;
use crate::ui::ErrorMessage;
use crate::LazyIslandBody;
use leptos::prelude::*;
use leptos_meta::Title;

/// What the form's fields say about where the order goes, as the browser
/// changes them: the country, the delivery address's country (counted when
/// a delivery street, number, postcode or city is filled in, as the
/// server's validation does) and the delivery method.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Destination {
    country: String,
    delivery_country: String,
    delivery_fields: [bool; 4],
    method: String,
}

impl Destination {
    fn from_profile(profile: Option<&crate::account::models::Profile>) -> Self {
        let country = profile
            .map(|p| p.country.clone())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "NL".to_owned());
        Self {
            country,
            delivery_country: profile
                .and_then(|p| p.delivery_country.clone())
                .unwrap_or_default(),
            delivery_fields: [
                profile.is_some_and(|p| p.delivery_street.is_some()),
                false,
                false,
                false,
            ],
            method: DeliveryMethod::Shipping.as_str().to_owned(),
        }
    }

    fn change(&mut self, name: &str, value: String) {
        let filled = !value.trim().is_empty();
        match name {
            "country" => self.country = value,
            "delivery_country" => self.delivery_country = value,
            "delivery_street" => self.delivery_fields[0] = filled,
            "delivery_house_number" => self.delivery_fields[1] = filled,
            "delivery_postcode" => self.delivery_fields[2] = filled,
            "delivery_city" => self.delivery_fields[3] = filled,
            "delivery_method" => self.method = value,
            _ => {}
        }
    }

    /// The shipping costs by the rule the order is placed with; `None`
    /// when the shop does not ship there.
    fn shipping(&self, rates: &ShippingRates, subtotal_cents: i64) -> Option<i64> {
        let method = DeliveryMethod::parse(&self.method).unwrap_or(DeliveryMethod::Shipping);
        let country = if self.delivery_fields.iter().any(|f| *f) {
            &self.delivery_country
        } else {
            &self.country
        };
        shipping_cost(rates, method, country, subtotal_cents).ok()
    }
}

/// The costs before the order is placed: every zone's rate listed (what a
/// browser without JavaScript shows), and the shipping costs and total
/// for the country and delivery method chosen, updated as they change.
#[component]
fn CostSummary(
    rates: ShippingRates,
    subtotal_cents: i64,
    destination: RwSignal<Destination>,
) -> impl IntoView {
    let t = text();
    let lines: Vec<String> = rates.active_zones().map(zone_line).collect();
    let shipping = Memo::new(move |_| destination.with(|d| d.shipping(&rates, subtotal_cents)));
    view! {
        <section class="summary">
            <p>{t.subtotal} ": " <strong class="checkout-subtotal">{price(subtotal_cents)}</strong></p>
            <p>{t.shipping} ": " <strong class="checkout-shipping">{move || match shipping.get() {
                Some(0) => t.free.to_owned(),
                Some(cents) => price(cents),
                None => t.no_zone_here.to_owned(),
            }}</strong></p>
            <p>{t.total} ": " <strong class="checkout-total">{move || {
                price(subtotal_cents + shipping.get().unwrap_or_default())
            }}</strong></p>
            <details class="shipping-rates">
                <summary>{t.shipping_rates}</summary>
                <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
            </details>
        </section>
    }
}

/// "By ordering you accept our terms", and the 14-day right of withdrawal,
/// each with its page.
#[component]
fn TermsNotice() -> impl IntoView {
    let t = text();
    view! {
        <p class="terms-notice">
            {t.terms_accept} " " <a href=page_href("/voorwaarden")>{t.terms_link}</a> "."
        </p>
        <p class="withdrawal-notice hint">
            {t.withdrawal} " " <a href=page_href("/retourneren")>{t.returns_link}</a> "."
        </p>
    }
}

/// The whole form, one island: field checks, the shipping costs as the
/// choices change, and the server's messages after a refused order. A
/// placed order sends the browser to its confirmation page.
#[island(lazy)]
fn CheckoutForm(
    options: CheckoutOptions,
    /// The form's signed start time (`forms::form_started`).
    started: Option<String>,
) -> impl IntoView {
    let t = text();
    // Not a `cart_action`: a refused order leaves the cart as it was, and a
    // placed one is a page load (its confirmation), which would cut off the
    // header's refetch of the cart.
    let place = ServerAction::<PlaceOrder>::new();
    let server_errors = field_errors(place);
    let guest = options.profile.is_none();
    let none = RwSignal::new(None);
    let cart = options.cart.clone();
    let destination = RwSignal::new(Destination::from_profile(options.profile.as_ref()));
    // Change events bubble up from every field of the form.
    let on_change = move |ev: leptos::ev::Event| {
        use leptos::wasm_bindgen::JsCast;
        let name = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
            .and_then(|e| e.get_attribute("name"));
        if let Some(name) = name {
            let value = event_target_value(&ev);
            destination.update(|d| d.change(&name, value));
        }
    };
    let rates = options.rates.clone();
    let pickup_note = (!rates.pickup_note.is_empty()).then(|| rates.pickup_note.clone());
    view! {
        <LazyIslandBody>
            <ActionForm action=place attr:class="checkout" attr:novalidate=true>
                <div class="checkout-fields" on:change=on_change>
                <IslandFormGuard started/>
                <FormProblem action=place/>
                <CustomerFields server=server_errors profile=options.profile.clone() email=true/>
                <fieldset>
                    <legend>{t.delivery}</legend>
                    <div class="choices" role="radiogroup" aria-label=t.delivery_method>
                        <label><input type="radio" name="delivery_method" value=DeliveryMethod::Shipping.as_str() checked/> {i18n::delivery_method_label(DeliveryMethod::Shipping)}</label>
                        {rates.pickup.then(|| view! {
                            <label><input type="radio" name="delivery_method" value=DeliveryMethod::Pickup.as_str()/> {i18n::delivery_method_label(DeliveryMethod::Pickup)}
                                " (" {t.free} ")"</label>
                            {pickup_note.map(|note| view! { <small class="hint pickup-note">{note}</small> })}
                        })}
                        <FieldMessage name="delivery_method" local=none server=server_errors/>
                    </div>
                    <label class="field">
                        <span class="label">{t.delivery_date} <small>" (" {t.optional} ")"</small></span>
                        <input
                            type="date"
                            name="delivery_date"
                            id="delivery_date"
                            min=options.earliest_delivery.to_string()
                            max=options.latest_delivery.to_string()
                        />
                        <small class="hint">{t.delivery_date_hint}</small>
                        <FieldMessage name="delivery_date" local=none server=server_errors/>
                    </label>
                </fieldset>
                <PaymentMethodChoice methods=options.payment_methods.clone() server=server_errors/>
                {guest.then(|| view! { <CreateAccountFields server=server_errors/> })}
                </div>
                <CostSummary rates subtotal_cents=cart.subtotal_cents destination/>
                <p class="hint">{t.privacy_note}</p>
                <TermsNotice/>
                <button type="submit" class="primary" disabled=move || place.pending().get()>
                    {move || if place.pending().get() { t.placing_order } else { t.place_order }}
                </button>
            </ActionForm>
        </LazyIslandBody>
    }
}

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let t = text();
    let options = Resource::new(|| (), |_| get_checkout());
    view! {
        <Title text=t.checkout_title/>
        <h1>{t.checkout_title}</h1>
        <p class="intro">{t.checkout_intro}</p>
        <Suspense fallback=|| view! { <p>{i18n::layout().loading}</p> }>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(o) if o.cart.lines.is_empty() => {
                        view! {
                            <p class="empty">{t.cart_empty}</p>
                            <a href=page_href("/")>{t.back_to_shop}</a>
                        }
                            .into_any()
                    }
                    Ok(o) => view! { <CheckoutForm options=o started=form_started()/> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
