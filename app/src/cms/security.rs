//! The member's own second factor (`/cms/security`, issue 17): setting up
//! TOTP with any authenticator app, confirmed with a code before it counts,
//! the recovery codes shown once, and switching it off with password and
//! code. Every member may open it; a member the owner's requirement blocks
//! is sent here by the shell.

use super::api::{
    cms_second_factor, CmsSecondFactorBegin, CmsSecondFactorConfirm, CmsSecondFactorOff,
};
use super::models::{SecondFactorSetup, SecondFactorView};
use super::text::text;
use crate::forms::{field_errors, Field};
use crate::ui::{loaded, ErrorMessage, Wait};
use leptos::prelude::*;

/// Screen text, Dutch (the CMS is Dutch only).
pub struct SecurityText {
    pub title: &'static str,
    pub intro: &'static str,
    pub required: &'static str,
    pub off: &'static str,
    pub begin: &'static str,
    pub step_app: &'static str,
    pub secret: &'static str,
    pub open_link: &'static str,
    pub step_code: &'static str,
    pub code: &'static str,
    pub code_hint: &'static str,
    pub confirm: &'static str,
    pub again: &'static str,
    pub on: &'static str,
    pub codes_left: &'static str,
    pub recovery_title: &'static str,
    pub recovery_intro: &'static str,
    pub turn_off_title: &'static str,
    pub turn_off_code_hint: &'static str,
    pub turn_off: &'static str,
    pub turned_off: &'static str,
    /// On the staff screen.
    pub marker: &'static str,
    pub reset: &'static str,
    /// The login's second step.
    pub login_code_title: &'static str,
    pub login_code_intro: &'static str,
    pub login_code_hint: &'static str,
    pub login_again: &'static str,
    pub nav: &'static str,
}

pub const SECURITY_NL: SecurityText = SecurityText {
    title: "Beveiliging",
    intro: "Met een tweede factor is je wachtwoord alleen niet genoeg om in te loggen: je geeft \
            daarna ook de code van zes cijfers die een authenticator-app op je telefoon elke 30 \
            seconden maakt (bijvoorbeeld Google Authenticator, Microsoft Authenticator, FreeOTP, \
            Aegis of 1Password).",
    required: "De eigenaar vraagt een tweede factor van iedereen die klantgegevens mag zien. \
               Stel hem eerst in; daarna opent de rest van het beheer weer.",
    off: "De tweede factor staat uit.",
    begin: "Tweede factor instellen",
    step_app: "1. Voeg in je authenticator-app een account toe: open de link hieronder op je \
               telefoon, of typ de geheime sleutel over.",
    secret: "Geheime sleutel",
    open_link: "Open in authenticator-app",
    step_code: "2. Typ de code die de app nu toont. Pas dan gaat de tweede factor aan.",
    code: "Code",
    code_hint: "Zes cijfers uit de app.",
    confirm: "Aanzetten",
    again: "Opnieuw beginnen (nieuwe sleutel)",
    on: "De tweede factor staat aan.",
    codes_left: "Ongebruikte herstelcodes:",
    recovery_title: "Je herstelcodes",
    recovery_intro: "Bewaar deze codes op een veilige plek (afgedrukt, of in je wachtwoordkluis). \
                     Ben je je telefoon kwijt, dan log je met één ervan in; elke code werkt één \
                     keer. Ze worden niet opnieuw getoond.",
    turn_off_title: "Tweede factor uitzetten",
    turn_off_code_hint: "Een code uit de app, of een herstelcode.",
    turn_off: "Uitzetten",
    turned_off: "De tweede factor staat nu uit.",
    marker: "tweede factor aan",
    reset: "Tweede factor verwijderen (telefoon kwijt)",
    login_code_title: "Code uit je app",
    login_code_intro: "Je wachtwoord klopt. Typ nu de code die je authenticator-app toont.",
    login_code_hint: "Zes cijfers, of een van je herstelcodes.",
    login_again: "Opnieuw inloggen",
    nav: "Beveiliging",
};

/// Step 1 and 2: the secret to put in the app, and its first code.
#[component]
fn Setup(setup: SecondFactorSetup, confirm: ServerAction<CmsSecondFactorConfirm>) -> impl IntoView {
    let t = &SECURITY_NL;
    let server = field_errors(confirm);
    view! {
        <p>{t.step_app}</p>
        <p>
            <a href=setup.uri.clone() class="button otpauth" rel="nofollow">{t.open_link}</a>
        </p>
        <p>
            {t.secret} ": "
            <code class="totp-secret" data-secret=setup.secret.replace(' ', "")>{setup.secret.clone()}</code>
        </p>
        <p>{t.step_code}</p>
        <ActionForm action=confirm attr:class="second-factor-confirm" attr:novalidate=true>
            <Field name="code" label=t.code required=true autocomplete="one-time-code" hint=t.code_hint server/>
            <button type="submit" class="primary">{t.confirm}</button>
        </ActionForm>
    }
}

#[component]
fn TurnOff(off: ServerAction<CmsSecondFactorOff>) -> impl IntoView {
    let t = &SECURITY_NL;
    let server = field_errors(off);
    view! {
        <h2>{t.turn_off_title}</h2>
        <ActionForm action=off attr:class="second-factor-off" attr:novalidate=true>
            <Field name="current_password" label=text().current_password kind="password" required=true autocomplete="current-password" scope="off" server/>
            <Field name="code" label=t.code required=true autocomplete="one-time-code" hint=t.turn_off_code_hint scope="off" server/>
            <button type="submit" class="danger">{t.turn_off}</button>
        </ActionForm>
    }
}

#[component]
pub fn CmsSecurityPage() -> impl IntoView {
    let t = &SECURITY_NL;
    let begin = ServerAction::<CmsSecondFactorBegin>::new();
    let confirm = ServerAction::<CmsSecondFactorConfirm>::new();
    let off = ServerAction::<CmsSecondFactorOff>::new();
    let state = Resource::new(
        move || {
            (
                begin.version().get(),
                confirm.version().get(),
                off.version().get(),
            )
        },
        |_| cms_second_factor(),
    );
    let failure = move || {
        [begin.value().get(), off.value().get()]
            .into_iter()
            .flatten()
            .chain(confirm.value().get().map(|r| r.map(|_| ())))
            .find_map(Result::err)
            .filter(|e| e.fields().is_none())
            .map(|e| view! { <ErrorMessage error=e/> })
    };
    view! {
        <h1>{t.title}</h1>
        <p>{t.intro}</p>
        {failure}
        {move || matches!(off.value().get(), Some(Ok(()))).then(|| view! {
            <p class="notice" role="status">{t.turned_off}</p>
        })}
        {loaded(Wait::Transition, state, move |now: SecondFactorView| {
            let SecondFactorView { enabled, required, recovery_codes_left, setup, new_recovery_codes } = now;
            let under_way = setup.is_some();
            view! {
                // Shown this once (the server forgets them as it sends
                // them; only their hashes are kept).
                {(!new_recovery_codes.is_empty()).then(|| view! {
                    <section class="recovery-codes" role="status">
                        <h2>{t.recovery_title}</h2>
                        <p>{t.recovery_intro}</p>
                        <ul class="codes">
                            {new_recovery_codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                        </ul>
                    </section>
                })}
                {required.then(|| view! { <p class="notice warning" role="alert">{t.required}</p> })}
                {if enabled {
                    view! {
                        <p class="second-factor-on">{t.on} " " {t.codes_left} " " {recovery_codes_left}</p>
                        <TurnOff off/>
                    }.into_any()
                } else {
                    view! {
                        {setup.is_none().then(|| view! { <p>{t.off}</p> })}
                        {setup.map(|setup| view! { <Setup setup confirm/> })}
                        <ActionForm action=begin attr:class="second-factor-begin">
                            <button type="submit">{if under_way { t.again } else { t.begin }}</button>
                        </ActionForm>
                    }.into_any()
                }}
            }
        })}
    }
}
