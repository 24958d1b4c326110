//! Form building blocks shared by every screen: a labelled field with the
//! same validation in the browser (on leaving the field) as on the server,
//! and the server's per-field message next to it.

use crate::i18n::field_message;
use crate::shop::text::text;
use crate::validate::{self as v, FieldError, FieldErrors};
use leptos::prelude::*;

/// The field errors of a server action's last failure, if any.
pub fn field_errors<S>(action: ServerAction<S>) -> Signal<Option<FieldErrors>>
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .and_then(|e| e.fields().cloned())
    })
}

pub type Check = fn(&str) -> Result<(), FieldError>;

pub fn check_email(s: &str) -> Result<(), FieldError> {
    v::email(s).map(drop)
}
pub fn check_name(s: &str) -> Result<(), FieldError> {
    v::required_text(s, 100).map(drop)
}
pub fn check_street(s: &str) -> Result<(), FieldError> {
    v::required_text(s, 150).map(drop)
}
pub fn check_house_number(s: &str) -> Result<(), FieldError> {
    v::house_number(s).map(drop)
}
pub fn check_postcode(s: &str) -> Result<(), FieldError> {
    // The country may still change; accept what is valid for any.
    v::COUNTRIES
        .iter()
        .map(|country| v::postcode(s, country).map(drop))
        .find(Result::is_ok)
        .unwrap_or(Err(FieldError::Postcode))
}
pub fn check_phone(s: &str) -> Result<(), FieldError> {
    v::phone(s).map(drop)
}
pub fn check_vat(s: &str) -> Result<(), FieldError> {
    v::vat_number(Some(s)).map(drop)
}
pub fn check_optional_phone(s: &str) -> Result<(), FieldError> {
    v::optional_phone(Some(s)).map(drop)
}
pub fn check_optional_150(s: &str) -> Result<(), FieldError> {
    v::optional_text(Some(s), 150).map(drop)
}
pub fn check_optional_house_number(s: &str) -> Result<(), FieldError> {
    if s.trim().is_empty() {
        Ok(())
    } else {
        check_house_number(s)
    }
}
pub fn check_optional_postcode(s: &str) -> Result<(), FieldError> {
    if s.trim().is_empty() {
        Ok(())
    } else {
        check_postcode(s)
    }
}

/// The message under a field: the browser's own check while typing, else
/// what the server said.
#[component]
pub fn FieldMessage(
    name: &'static str,
    #[prop(optional)] scope: &'static str,
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
        <span
            class="field-error"
            id=if scope.is_empty() { format!("{name}-error") } else { format!("{scope}-{name}-error") }
            role="alert"
        >
            {message}
        </span>
    }
}

/// A labelled text input with shared validation.
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    server: Signal<Option<FieldErrors>>,
    #[prop(optional)] check: Option<Check>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: &'static str,
    /// The value to show initially (a saved profile).
    #[prop(optional, into)]
    value: Option<String>,
    /// Prefix for the element ids, where one page has two forms with a
    /// field of the same name.
    #[prop(optional)]
    scope: &'static str,
) -> impl IntoView {
    let id = if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}-{name}")
    };
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
                id=id.clone()
                required=required
                autocomplete=autocomplete
                aria-describedby=format!("{id}-error")
                value=value
                on:blur=on_blur
            />
            {(!hint.is_empty()).then(|| view! { <small class="hint">{hint}</small> })}
            <FieldMessage name local server scope/>
        </label>
    }
}

#[component]
pub fn CountrySelect(
    name: &'static str,
    server: Signal<Option<FieldErrors>>,
    #[prop(optional)] optional: bool,
    #[prop(optional, into)] value: Option<String>,
) -> impl IntoView {
    let t = text();
    let local = RwSignal::new(None);
    let chosen = move |code: &str| value.as_deref() == Some(code);
    view! {
        <label class="field">
            <span class="label">{t.country}</span>
            <select name=name id=name>
                {optional.then(|| view! { <option value="">"—"</option> })}
                <option value="NL" selected=chosen("NL")>{t.netherlands}</option>
                <option value="BE" selected=chosen("BE")>{t.belgium}</option>
                <option value="DE" selected=chosen("DE")>{t.germany}</option>
                <option value="LU" selected=chosen("LU")>{t.luxembourg}</option>
            </select>
            <FieldMessage name local server/>
        </label>
    }
}

/// The AVG-4 fields of a customer, optionally filled from a saved profile:
/// used by checkout, registration and "Mijn account". `email` is false where
/// the email is changed separately (it needs the password there).
/// `prospect` (the CMS editing someone from the contact or newsletter form):
/// phone and address optional, as `Requirement::Prospect` checks them.
#[component]
pub fn CustomerFields(
    server: Signal<Option<FieldErrors>>,
    #[prop(default = None)] profile: Option<crate::account::models::Profile>,
    #[prop(optional)] email: bool,
    #[prop(optional)] prospect: bool,
) -> impl IntoView {
    let t = text();
    let required = !prospect;
    let pick = |needed: Check, optional: Check| if prospect { optional } else { needed };
    let check_phone = pick(check_phone, check_optional_phone);
    let check_street = pick(check_street, check_optional_150);
    let check_house_number = pick(check_house_number, check_optional_house_number);
    let check_postcode = pick(check_postcode, check_optional_postcode);
    let check_city = pick(check_name, check_optional_150);
    let none = RwSignal::new(None);
    let p = profile.unwrap_or_else(crate::account::models::Profile::empty);
    let gender = p.gender.clone().unwrap_or_default();
    let has_delivery = p.delivery_street.is_some();
    let newsletter = p.newsletter != crate::customer::NewsletterState::None;
    view! {
        <fieldset>
            <legend>{t.your_details}</legend>
            {email.then(|| view! {
                <Field name="email" label=t.email kind="email" required=true autocomplete="email" check=check_email server value=p.email.clone()/>
            })}
            <label class="field">
                <span class="label">{t.gender} <small>" (" {t.optional} ")"</small></span>
                <select name="gender" id="gender">
                    <option value="">{t.gender_none}</option>
                    <option value="f" selected=gender == "f">{t.gender_f}</option>
                    <option value="m" selected=gender == "m">{t.gender_m}</option>
                    <option value="x" selected=gender == "x">{t.gender_x}</option>
                </select>
                <FieldMessage name="gender" local=none server/>
            </label>
            <Field name="first_name" label=t.first_name required=true autocomplete="given-name" check=check_name server value=p.first_name.clone()/>
            <Field name="last_name" label=t.last_name required=true autocomplete="family-name" check=check_name server value=p.last_name.clone()/>
            <Field name="phone" label=t.phone kind="tel" required=required autocomplete="tel" check=check_phone server value=p.phone.clone()/>
            <Field name="phone2" label=t.phone2 kind="tel" check=check_optional_phone server value=p.phone2.clone().unwrap_or_default()/>
            <Field name="company_name" label=t.company_name autocomplete="organization" check=check_optional_150 server value=p.company_name.clone().unwrap_or_default()/>
            <Field name="vat_number" label=t.vat_number check=check_vat server value=p.vat_number.clone().unwrap_or_default()/>
        </fieldset>
        <fieldset>
            <legend>{t.address}</legend>
            <Field name="street" label=t.street required=required autocomplete="address-line1" check=check_street server value=p.street.clone()/>
            <Field name="house_number" label=t.house_number required=required check=check_house_number server value=p.house_number.clone()/>
            <Field name="postcode" label=t.postcode required=required autocomplete="postal-code" check=check_postcode server value=p.postcode.clone()/>
            <Field name="city" label=t.city required=required autocomplete="address-level2" check=check_city server value=p.city.clone()/>
            <CountrySelect name="country" server value=p.country.clone()/>
        </fieldset>
        <details class="delivery-address" open=has_delivery>
            <summary>{t.delivery_address}</summary>
            <p class="hint">{t.delivery_address_hint}</p>
            <Field name="delivery_street" label=t.street check=check_optional_150 server value=p.delivery_street.clone().unwrap_or_default()/>
            <Field name="delivery_house_number" label=t.house_number check=check_optional_house_number server value=p.delivery_house_number.clone().unwrap_or_default()/>
            <Field name="delivery_postcode" label=t.postcode check=check_optional_postcode server value=p.delivery_postcode.clone().unwrap_or_default()/>
            <Field name="delivery_city" label=t.city check=check_optional_150 server value=p.delivery_city.clone().unwrap_or_default()/>
            <CountrySelect name="delivery_country" optional=true server value=p.delivery_country.clone().unwrap_or_default()/>
        </details>
        <label class="checkbox">
            <input type="checkbox" name="newsletter" value="on" checked=newsletter/>
            {t.newsletter}
        </label>
    }
}

/// The two fields `<FormGuard/>` adds to a public form (AVG-19 honeypot).
/// Every public form's server function takes them (`#[server(flatten)]`)
/// and hands them to `ssr::form_guard::check` first.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GuardFields {
    /// Hidden from people (and from screen readers); a bot that fills in
    /// every field it finds fills this one too.
    #[serde(default)]
    pub website: String,
    /// When the server handed out the form, signed: a person needs more
    /// than a moment to fill it in.
    #[serde(default)]
    pub form_started: String,
}

/// A signed "form handed out now" for `<FormGuard/>`.
#[server(endpoint = "form_token")]
pub async fn form_token() -> Result<String, crate::error::AppError> {
    let state = crate::ssr::state::state()?;
    Ok(crate::ssr::form_guard::issue_token(
        &state.form_secret,
        crate::ssr::form_guard::unix_millis(),
    ))
}

/// The honeypot field and the signed start time that
/// `ssr::form_guard::check` verifies, for the CMS's login forms. Fetches
/// the start time itself (a resource), which only the CMS island can
/// hold (its page keeps hydration on); a storefront form's island takes it
/// from its props instead (`IslandFormGuard`).
#[component]
pub fn FormGuard() -> impl IntoView {
    let token = Resource::new(|| (), |()| form_token());
    view! {
        <FormTrap/>
        <Suspense>
            {move || Suspend::new(async move {
                token
                    .await
                    .ok()
                    .map(|t| view! { <input type="hidden" name="form_started" value=t/> })
            })}
        </Suspense>
    }
}

/// `FormGuard` for a form in an island: the start time comes with the
/// island's props (`form_started`, signed by the server as it renders the
/// page), so that the island holds no resource (see `ui::refetch_on`).
#[component]
pub fn IslandFormGuard(started: Option<String>) -> impl IntoView {
    view! {
        <FormTrap/>
        {started.map(|t| view! { <input type="hidden" name="form_started" value=t/> })}
    }
}

/// A signed "form handed out now" for an island's `IslandFormGuard`, made
/// by the server page component that renders the island. `None` where
/// `form_token` would fail (the database is away): the form then goes
/// without one, as `FormGuard`'s would.
pub fn form_started() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::state::state().ok().map(|state| {
            crate::ssr::form_guard::issue_token(
                &state.form_secret,
                crate::ssr::form_guard::unix_millis(),
            )
        })
    }
    // Server pages only: the browser renders no page, only islands.
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The honeypot: a field hidden from people (and screen readers).
#[component]
fn FormTrap() -> impl IntoView {
    view! {
        <div class="form-trap" aria-hidden="true">
            <label>
                {crate::i18n::layout().leave_empty}
                <input type="text" name="website" tabindex="-1" autocomplete="off" value=""/>
            </label>
        </div>
    }
}

/// The payment method radios of checkout and the booking form: the
/// methods this customer may use, the first one chosen.
#[component]
pub fn PaymentMethodChoice(
    methods: Vec<crate::shop::rules::PaymentMethod>,
    server: Signal<Option<FieldErrors>>,
) -> impl IntoView {
    let t = text();
    let none = RwSignal::new(None);
    view! {
        <fieldset>
            <legend>{t.payment_method}</legend>
            <div class="choices" role="radiogroup" aria-label=t.payment_method>
                {methods
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        view! {
                            <label>
                                <input type="radio" name="payment_method" value=m.as_str() checked=i == 0/>
                                {crate::i18n::payment_method_label(*m)}
                            </label>
                        }
                    })
                    .collect_view()}
                <FieldMessage name="payment_method" local=none server/>
            </div>
        </fieldset>
    }
}

/// "Create an account" with its password, offered to a guest in checkout
/// and the booking form.
#[component]
pub fn CreateAccountFields(server: Signal<Option<FieldErrors>>) -> impl IntoView {
    let t = text();
    view! {
        <fieldset class="create-account">
            <label class="checkbox">
                <input type="checkbox" name="create_account" value="on"/>
                {t.create_account}
            </label>
            <p class="hint">{t.create_account_hint}</p>
            <Field name="password" label=t.password kind="password" autocomplete="new-password" server/>
        </fieldset>
    }
}

/// Above a form: why the server refused it, when not for a single field
/// (sold out, slot full), or that some fields need another look.
#[component]
pub fn FormProblem<S>(action: ServerAction<S>) -> impl IntoView
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    use crate::error::AppError;
    move || {
        action.value().get().and_then(Result::err).map(|e| {
            let e = match e {
                AppError::Validation(_) => AppError::Validation(FieldErrors::default()),
                other => other,
            };
            view! { <crate::ui::ErrorMessage error=e/> }
        })
    }
}
