//! The checkout form: AVG-4 data only, validated in the browser with the
//! same rules the server applies, and posted as a plain form without JS.

use super::api::get_checkout;
use super::api::PlaceOrder;
use super::models::CheckoutOptions;
use super::text::text;
use super::{cart_action, ErrorMessage};
use crate::error::AppError;
use crate::i18n::{self, field_message, price};
use crate::validate::{self as v, FieldError, FieldErrors};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

type Check = fn(&str) -> Result<(), FieldError>;

fn check_email(s: &str) -> Result<(), FieldError> {
    v::email(s).map(drop)
}
fn check_name(s: &str) -> Result<(), FieldError> {
    v::required_text(s, 100).map(drop)
}
fn check_street(s: &str) -> Result<(), FieldError> {
    v::required_text(s, 150).map(drop)
}
fn check_house_number(s: &str) -> Result<(), FieldError> {
    v::house_number(s).map(drop)
}
fn check_postcode(s: &str) -> Result<(), FieldError> {
    // The country may still change; accept what is valid for either.
    v::postcode(s, "NL")
        .or_else(|_| v::postcode(s, "BE"))
        .map(drop)
}
fn check_phone(s: &str) -> Result<(), FieldError> {
    v::phone(s).map(drop)
}
fn check_vat(s: &str) -> Result<(), FieldError> {
    v::vat_number(Some(s)).map(drop)
}
fn check_optional_150(s: &str) -> Result<(), FieldError> {
    v::optional_text(Some(s), 150).map(drop)
}
fn check_optional_house_number(s: &str) -> Result<(), FieldError> {
    if s.trim().is_empty() {
        Ok(())
    } else {
        check_house_number(s)
    }
}
fn check_optional_postcode(s: &str) -> Result<(), FieldError> {
    if s.trim().is_empty() {
        Ok(())
    } else {
        check_postcode(s)
    }
}

/// The message under a field: the browser's own check while typing, else
/// what the server said.
#[component]
fn FieldMessage(
    name: &'static str,
    local: RwSignal<Option<FieldError>>,
    server: Signal<Option<FieldErrors>>,
) -> impl IntoView {
    let message = move || {
        local
            .get()
            .or_else(|| server.with(|errors| errors.as_ref().and_then(|e| e.get(name).cloned())))
            .map(|e| field_message(&e))
    };
    view! {
        <span class="field-error" id=format!("{name}-error") role="alert">
            {message}
        </span>
    }
}

/// A labelled text input with shared validation.
#[component]
fn Field(
    name: &'static str,
    label: &'static str,
    server: Signal<Option<FieldErrors>>,
    #[prop(optional)] check: Option<Check>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    let local = RwSignal::new(None::<FieldError>);
    let on_blur = move |ev: leptos::ev::FocusEvent| {
        if let Some(check) = check {
            local.set(check(&event_target_value(&ev)).err());
        }
    };
    let invalid = move || {
        local.get().is_some() || server.with(|e| e.as_ref().is_some_and(|e| e.get(name).is_some()))
    };
    view! {
        <label class="field" class:invalid=invalid>
            <span class="label">
                {label}
                {(!required).then(|| view! { <small>" (" {text().optional} ")"</small> })}
            </span>
            <input
                type=kind
                name=name
                id=name
                required=required
                autocomplete=autocomplete
                aria-describedby=format!("{name}-error")
                on:blur=on_blur
            />
            {(!hint.is_empty()).then(|| view! { <small class="hint">{hint}</small> })}
            <FieldMessage name local server/>
        </label>
    }
}

#[component]
fn CountrySelect(
    name: &'static str,
    server: Signal<Option<FieldErrors>>,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    let t = text();
    let local = RwSignal::new(None);
    view! {
        <label class="field">
            <span class="label">{t.country}</span>
            <select name=name id=name>
                {optional.then(|| view! { <option value="">"—"</option> })}
                <option value="NL">{t.netherlands}</option>
                <option value="BE">{t.belgium}</option>
            </select>
            <FieldMessage name local server/>
        </label>
    }
}

#[component]
fn CheckoutForm(options: CheckoutOptions) -> impl IntoView {
    let t = text();
    let place = cart_action::<PlaceOrder>();
    let server_errors: Signal<Option<FieldErrors>> = Signal::derive(move || {
        place
            .value()
            .get()
            .and_then(Result::err)
            .and_then(|e| e.fields().cloned())
    });
    let other_error = move || {
        place
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| !matches!(e, AppError::Validation(_)))
    };
    let none = RwSignal::new(None);
    let cart = options.cart.clone();
    view! {
        <ActionForm action=place attr:class="checkout" attr:novalidate=true>
            {move || other_error().map(|e| view! { <ErrorMessage error=e/> })}
            {move || {
                server_errors
                    .get()
                    .map(|_| view! { <p class="error" role="alert">{i18n::error_message(&AppError::Validation(FieldErrors::default()))}</p> })
            }}
            <fieldset>
                <legend>{t.your_details}</legend>
                <Field name="email" label=t.email kind="email" required=true autocomplete="email" check=check_email server=server_errors/>
                <label class="field">
                    <span class="label">{t.gender} <small>" (" {t.optional} ")"</small></span>
                    <select name="gender" id="gender">
                        <option value="">{t.gender_none}</option>
                        <option value="f">{t.gender_f}</option>
                        <option value="m">{t.gender_m}</option>
                        <option value="x">{t.gender_x}</option>
                    </select>
                    <FieldMessage name="gender" local=none server=server_errors/>
                </label>
                <Field name="first_name" label=t.first_name required=true autocomplete="given-name" check=check_name server=server_errors/>
                <Field name="last_name" label=t.last_name required=true autocomplete="family-name" check=check_name server=server_errors/>
                <Field name="phone" label=t.phone kind="tel" required=true autocomplete="tel" check=check_phone server=server_errors/>
                <Field name="company_name" label=t.company_name autocomplete="organization" check=check_optional_150 server=server_errors/>
                <Field name="vat_number" label=t.vat_number check=check_vat server=server_errors/>
            </fieldset>
            <fieldset>
                <legend>{t.address}</legend>
                <Field name="street" label=t.street required=true autocomplete="address-line1" check=check_street server=server_errors/>
                <Field name="house_number" label=t.house_number required=true check=check_house_number server=server_errors/>
                <Field name="postcode" label=t.postcode required=true autocomplete="postal-code" check=check_postcode server=server_errors/>
                <Field name="city" label=t.city required=true autocomplete="address-level2" check=check_name server=server_errors/>
                <CountrySelect name="country" server=server_errors/>
            </fieldset>
            <details class="delivery-address">
                <summary>{t.delivery_address}</summary>
                <p class="hint">{t.delivery_address_hint}</p>
                <Field name="delivery_street" label=t.street check=check_optional_150 server=server_errors/>
                <Field name="delivery_house_number" label=t.house_number check=check_optional_house_number server=server_errors/>
                <Field name="delivery_postcode" label=t.postcode check=check_optional_postcode server=server_errors/>
                <Field name="delivery_city" label=t.city check=check_optional_150 server=server_errors/>
                <CountrySelect name="delivery_country" optional=true server=server_errors/>
            </details>
            <fieldset>
                <legend>{t.delivery}</legend>
                <div class="choices" role="radiogroup" aria-label=t.delivery_method>
                    <label><input type="radio" name="delivery_method" value="shipping" checked/> {i18n::delivery_method_label("shipping")}
                        " (" {price(options.shipping_cents)} ", " {t.free} " vanaf " {price(options.free_shipping_from_cents)} ")"</label>
                    <label><input type="radio" name="delivery_method" value="pickup"/> {i18n::delivery_method_label("pickup")}</label>
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
            <fieldset>
                <legend>{t.payment_method}</legend>
                <div class="choices" role="radiogroup" aria-label=t.payment_method>
                    {options
                        .payment_methods
                        .iter()
                        .enumerate()
                        .map(|(i, m)| {
                            view! {
                                <label>
                                    <input type="radio" name="payment_method" value=m.clone() checked=i == 0/>
                                    {i18n::payment_method_label(m)}
                                </label>
                            }
                        })
                        .collect_view()}
                    <FieldMessage name="payment_method" local=none server=server_errors/>
                </div>
            </fieldset>
            <label class="checkbox">
                <input type="checkbox" name="newsletter" value="on"/>
                {t.newsletter}
            </label>
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
                            <A href="/">{t.back_to_shop}</A>
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
