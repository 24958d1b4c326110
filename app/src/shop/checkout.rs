//! The checkout form: AVG-4 data only, validated in the browser with the
//! same rules the server applies, and posted as a plain form without JS.

use super::api::get_checkout;
use super::api::PlaceOrder;
use super::cart_action;
use super::models::CheckoutOptions;
use super::rules::DeliveryMethod;
use super::text::{shipping_note, text};
use crate::forms::*;
use crate::i18n;
use crate::locale::page_href;
use crate::locale::price;
use crate::ui::ErrorMessage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
fn CheckoutForm(options: CheckoutOptions) -> impl IntoView {
    let t = text();
    let place = cart_action::<PlaceOrder>();
    let server_errors = field_errors(place);
    let guest = options.profile.is_none();
    let none = RwSignal::new(None);
    let cart = options.cart.clone();
    view! {
        <ActionForm action=place attr:class="checkout" attr:novalidate=true>
            <FormGuard/>
            <FormProblem action=place/>
            <CustomerFields server=server_errors profile=options.profile.clone() email=true/>
            <fieldset>
                <legend>{t.delivery}</legend>
                <div class="choices" role="radiogroup" aria-label=t.delivery_method>
                    <label><input type="radio" name="delivery_method" value=DeliveryMethod::Shipping.as_str() checked/> {i18n::delivery_method_label(DeliveryMethod::Shipping)}
                        " " {shipping_note(options.shipping_cents, options.free_shipping_from_cents)}</label>
                    <label><input type="radio" name="delivery_method" value=DeliveryMethod::Pickup.as_str()/> {i18n::delivery_method_label(DeliveryMethod::Pickup)}</label>
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
            <section class="summary">
                <p>{t.subtotal} ": " <strong class="checkout-subtotal">{price(cart.subtotal_cents)}</strong></p>
                <p class="hint">{t.privacy_note}</p>
            </section>
            <button type="submit" class="primary" disabled=move || place.pending().get()>
                {move || if place.pending().get() { t.placing_order } else { t.place_order }}
            </button>
        </ActionForm>
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
                            <A href=page_href("/")>{t.back_to_shop}</A>
                        }
                            .into_any()
                    }
                    Ok(o) => view! { <CheckoutForm options=o/> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
