//! "Mijn account": register, log in, own data, orders, export, delete.
//!
//! Each page is server HTML (title, heading, the notices its address asks
//! for) around one lazy island that holds its forms: the account code is a
//! wasm chunk of its own (`cargo leptos build --split`) that the shop's
//! visitors never download. Islands have no router in the browser, so the
//! page reads the address and hands the island what it needs as props, and
//! links inside an island are plain `<a>`s. A server function's redirect
//! (after logging in, deleting, ...) is a page load with JavaScript too (the
//! `ActionForm`'s default redirect hook); without JavaScript every form is
//! the plain post it always was.

pub mod api;
mod bookings;
pub mod models;
mod password_reset;
pub mod rules;
pub mod text;

use crate::error::AppError;
use crate::forms::{
    check_email, field_errors, form_started, CustomerFields, Field, IslandFormGuard,
};
use crate::i18n;
use crate::locale::page_href;
use crate::locale::{date, price};
use crate::shop::OrderSummary as OrderDetail;
use crate::ui::ErrorMessage;
use crate::LazyIslandBody;
use api::{
    get_profile, my_order, my_orders, ChangeEmail, ChangePassword, ConfirmEmailChange,
    DeleteAccount, Login, Logout, Register, UpdateProfile,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use models::Profile;
use text::text;

pub use password_reset::{ForgotPasswordPage, ResetPasswordPage};

/// Bumped when the visitor's name changes ("Mijn account" saved), so the
/// header's greeting refetches without a reload; one signal for the page
/// in the browser (`crate::page_signal`), like the cart's.
#[derive(Clone, Copy)]
pub struct AccountChanged(pub RwSignal<usize>);

pub fn account_changed() -> RwSignal<usize> {
    crate::page_signal!(AccountChanged)
}

fn loading() -> impl IntoView {
    view! { <p>{i18n::layout().loading}</p> }
}

/// Shown instead of an account page to a visitor who is not logged in.
#[component]
fn PleaseLogIn() -> impl IntoView {
    let t = text();
    view! {
        <p class="notice">{t.please_log_in}</p>
        <p>
            <A href=page_href("/login")>{t.login_link}</A>
        </p>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = text();
    // Read on the server, which renders the page for every visit.
    let query = use_query_map();
    let registered = query.with_untracked(|q| q.get("registered").is_some());
    let email_changed = query.with_untracked(|q| q.get("email_changed").is_some());
    view! {
        <Title text=t.login_title/>
        <h1>{t.login_title}</h1>
        {registered.then(|| view! { <p class="notice" role="status">{t.registered_notice}</p> })}
        {email_changed.then(|| view! { <p class="notice" role="status">{t.email_confirmed_notice}</p> })}
        <LoginForm started=form_started()/>
        <p>
            <A href=page_href("/account/password/forgot")>{t.forgot_link}</A>
        </p>
        <p>
            <A href=page_href("/register")>{t.no_account_yet}</A>
        </p>
    }
}

/// The login form: a refusal shows without a page load; a success is the
/// server's redirect to Mijn account.
#[island(lazy)]
fn LoginForm(
    /// The form's signed start time (`forms::form_started`).
    started: Option<String>,
) -> impl IntoView {
    let t = text();
    let login = ServerAction::<Login>::new();
    view! {
        <LazyIslandBody>
            {move || login.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
            <ActionForm action=login attr:class="login">
                <IslandFormGuard started/>
                <label class="field">
                    <span class="label">{crate::shop::text::text().email}</span>
                    <input type="email" name="email" id="email" required autocomplete="username"/>
                </label>
                <label class="field">
                    <span class="label">{crate::shop::text::text().password}</span>
                    <input type="password" name="password" id="password" required autocomplete="current-password"/>
                </label>
                <button type="submit" class="primary">{t.login_button}</button>
            </ActionForm>
        </LazyIslandBody>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let t = text();
    view! {
        <Title text=t.register_title/>
        <h1>{t.register_title}</h1>
        <p class="intro">{t.register_intro}</p>
        <RegisterForm started=form_started()/>
    }
}

/// The registration form, checked field by field as it is filled in.
#[island(lazy)]
fn RegisterForm(
    /// The form's signed start time (`forms::form_started`).
    started: Option<String>,
) -> impl IntoView {
    let t = text();
    let register = ServerAction::<Register>::new();
    let server = field_errors(register);
    view! {
        <LazyIslandBody>
            {move || {
                register.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })
            }}
            <ActionForm action=register attr:class="register" attr:novalidate=true>
                <IslandFormGuard started/>
                <CustomerFields server email=true/>
                <fieldset>
                    <legend>{crate::shop::text::text().password}</legend>
                    <Field
                        name="password"
                        label=crate::shop::text::text().password
                        kind="password"
                        required=true
                        autocomplete="new-password"
                        hint=t.password_hint
                        server
                    />
                </fieldset>
                <button type="submit" class="primary">{t.register_button}</button>
            </ActionForm>
        </LazyIslandBody>
    }
}

#[component]
fn Saved<S>(action: ServerAction<S>, message: &'static str) -> impl IntoView
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    move || {
        action.value().get().map(|result| match result {
            Ok(_) => view! { <p class="notice" role="status">{message}</p> }.into_any(),
            Err(AppError::Validation(_)) => {
                view! { <ErrorMessage error=AppError::Validation(Default::default())/> }.into_any()
            }
            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
        })
    }
}

/// Mijn account of a logged-in customer, the page's island. The profile,
/// the orders and the bookings come from the page, read on the server (a
/// visitor who is not logged in loads no code at all): an island holds no
/// resource, as Leptos matches those to the page's data by the order an
/// asynchronous render made them in (docs/ARCHITECTURE.md, "Islands").
#[island(lazy)]
fn AccountOverview(
    profile: Profile,
    orders: Result<Vec<models::OrderSummary>, AppError>,
    bookings: Result<Vec<crate::booking::models::BookingView>, AppError>,
) -> impl IntoView {
    let t = text();
    let update = ServerAction::<UpdateProfile>::new();
    let change_password = ServerAction::<ChangePassword>::new();
    let change_email = ServerAction::<ChangeEmail>::new();
    let logout = ServerAction::<Logout>::new();
    // The greeting follows a saved profile at once, and so does the header.
    let first_name = RwSignal::new(profile.first_name.clone());
    let changed = account_changed();
    Effect::watch(
        move || update.value().get(),
        move |saved, _, _| {
            if let Some(Ok(saved)) = saved {
                first_name.set(saved.first_name.clone());
                changed.update(|v| *v += 1);
            }
        },
        false,
    );
    // Stamps are UTC; a person reads the shop's own calendar day.
    let fmt = |d: chrono::NaiveDateTime| date(crate::clock::amsterdam_local(d).date());
    view! {
        <LazyIslandBody>
            <p class="greeting">{t.greeting} " " <span data-testid="greeting-name">{move || first_name.get()}</span> " (" {profile.email.clone()} ")"</p>
            <p class="hint">
                {t.account_since} " " {fmt(profile.created_at)}
                {profile.last_login_at.map(|d| view! { " · " {t.last_login} " " {fmt(d)} })}
            </p>
            {(profile.newsletter == crate::customer::NewsletterState::Pending).then(|| view! { <p class="notice">{t.newsletter_pending}</p> })}

            <section class="account-orders">
                <h2>{t.orders_title}</h2>
                {match orders {
                    Ok(list) if list.is_empty() => view! { <p class="empty">{t.no_orders}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="order-history">
                            {list.into_iter().map(|o| view! {
                                <li>
                                    <a href=page_href(&format!("/account/orders/{}", o.token))>
                                        {fmt(o.placed_at)}
                                    </a>
                                    " · " {o.items} " " {t.order_items} " · " {price(o.total_cents)}
                                    " · " {i18n::order_status_label(o.status)}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }}
            </section>

            <bookings::MyBookings bookings/>

            <section class="account-profile">
                <h2>{t.profile_title}</h2>
                <Saved action=update message=t.saved/>
                <ActionForm action=update attr:class="profile" attr:novalidate=true>
                    <CustomerFields server=field_errors(update) profile=Some(profile.clone())/>
                    <button type="submit">{t.save}</button>
                </ActionForm>
            </section>

            <section class="account-email">
                <h2>{t.email_title}</h2>
                <Saved action=change_email message=t.email_changed/>
                <ActionForm action=change_email attr:class="change-email" attr:novalidate=true>
                    <Field name="new_email" label=t.new_email kind="email" required=true check=check_email autocomplete="email" server=field_errors(change_email)/>
                    <Field name="current_password" label=t.current_password kind="password" required=true autocomplete="current-password" scope="email" server=field_errors(change_email)/>
                    <button type="submit">{t.save}</button>
                </ActionForm>
            </section>

            <section class="account-password">
                <h2>{t.password_title}</h2>
                <Saved action=change_password message=t.password_changed/>
                <ActionForm action=change_password attr:class="change-password" attr:novalidate=true>
                    <Field name="current_password" label=t.current_password kind="password" required=true autocomplete="current-password" server=field_errors(change_password)/>
                    <Field name="new_password" label=t.new_password kind="password" required=true autocomplete="new-password" hint=t.password_hint server=field_errors(change_password)/>
                    <button type="submit">{t.save}</button>
                </ActionForm>
            </section>

            <section class="account-privacy">
                <h2>{t.privacy_title}</h2>
                <p>
                    <a href="/account/export" download=t.export_file_name rel="external">{t.export_link}</a>
                    " — " {t.export_hint}
                </p>
                <p>
                    <a href=page_href("/account/delete") class="danger">{t.delete_link}</a>
                </p>
                <OtherRecordsLink/>
                <ActionForm action=logout attr:class="logout">
                    <button type="submit" class="link">{t.logout}</button>
                </ActionForm>
            </section>
        </LazyIslandBody>
    }
}

/// The records with the account's address that are not the account (older
/// guest orders, questions asked while logged out): the mailed link of a
/// privacy request shows, downloads and erases them. Sent to the address
/// itself, since owning the account does not prove they are the holder's.
/// Part of the Mijn account and delete islands.
#[component]
fn OtherRecordsLink() -> impl IntoView {
    let t = crate::privacy::request_text::text();
    let send = ServerAction::<crate::privacy::api::AccountPrivacyLink>::new();
    view! {
        <p class="hint">{t.account_hint}</p>
        // Sent: the answer is `/account?privacy_link=1`, which says so.
        {move || send.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
        <ActionForm action=send attr:class="account-privacy-link">
            <button type="submit">{t.account_button}</button>
        </ActionForm>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let t = text();
    // Three reads side by side (outside the island: server data only,
    // handed to it as props). Without a login the other two answer
    // Unauthorized at once and are not shown.
    let profile = Resource::new(|| (), |_| get_profile());
    let orders = Resource::new(|| (), |_| my_orders());
    let bookings = Resource::new(|| (), |_| crate::booking::api::get_my_bookings());
    // Read on the server, which renders the page for every visit.
    let query = use_query_map();
    let password_reset = query.with_untracked(|q| q.get("password_reset").is_some());
    let privacy_link = query.with_untracked(|q| q.get("privacy_link").is_some());
    view! {
        <Title text=t.account_title/>
        <h1>{t.account_title}</h1>
        {password_reset.then(|| view! { <p class="notice" role="status">{t.password_reset_done}</p> })}
        {privacy_link.then(|| view! { <p class="notice" role="status">{crate::privacy::request_text::text().account_sent}</p> })}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(profile) => {
                        let orders = orders.await;
                        let bookings = bookings.await;
                        view! { <AccountOverview profile orders bookings/> }.into_any()
                    }
                    Err(AppError::Unauthorized) => view! { <PleaseLogIn/> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One order of the customer's: nothing on it reacts, so no island.
#[component]
pub fn AccountOrderPage() -> impl IntoView {
    let t = text();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let order = Resource::new(token, my_order);
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(o) => view! { <OrderDetail order=o/> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <PleaseLogIn/> }.into_any(),
                    Err(AppError::NotFound) => view! { <crate::layout::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <p>
            <A href=page_href("/account")>{t.back_to_account}</A>
        </p>
    }
}

#[component]
pub fn DeleteAccountPage() -> impl IntoView {
    let t = text();
    let profile = Resource::new(|| (), |_| get_profile());
    view! {
        <Title text=t.delete_title/>
        <h1>{t.delete_title}</h1>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(_) => view! {
                        <p class="warning">{t.delete_warning}</p>
                        <DeleteAccountForm/>
                        <p><A href=page_href("/account")>{t.back_to_account}</A></p>
                    }.into_any(),
                    Err(AppError::Unauthorized) => view! { <PleaseLogIn/> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The password that confirms the deletion (a wrong one is marked at the
/// field), and the link for the records that are not the account.
#[island(lazy)]
fn DeleteAccountForm() -> impl IntoView {
    let t = text();
    let delete = ServerAction::<DeleteAccount>::new();
    view! {
        <LazyIslandBody>
            {move || delete.value().get().and_then(Result::err).filter(|e| e.fields().is_none()).map(|e| view! { <ErrorMessage error=e/> })}
            <ActionForm action=delete attr:class="delete-account">
                <Field name="password" label=t.current_password kind="password" required=true autocomplete="current-password" server=field_errors(delete)/>
                <button type="submit" class="danger">{t.delete_button}</button>
            </ActionForm>
            <OtherRecordsLink/>
        </LazyIslandBody>
    }
}

#[component]
pub fn AccountDeletedPage() -> impl IntoView {
    let t = text();
    view! {
        <Title text=t.deleted_title/>
        <h1>{t.deleted_title}</h1>
        <p>{t.deleted_body}</p>
        <A href=page_href("/")>{crate::shop::text::text().back_to_shop}</A>
    }
}

/// `/account/email?t=…`: the link mailed to a new address. The visitor
/// types the new address again (the link does not carry it, and a mail
/// scanner that opens the link confirms nothing); a plain form post, so it
/// works without JavaScript too.
#[component]
pub fn ConfirmEmailChangePage() -> impl IntoView {
    let t = text();
    let query = use_query_map();
    let token = query.with_untracked(|q| q.get("t").unwrap_or_default());
    view! {
        <Title text=t.confirm_email_title/>
        <h1>{t.confirm_email_title}</h1>
        <p class="intro">{t.confirm_email_intro}</p>
        <ConfirmEmailForm token/>
    }
}

/// The new address typed again, with the link's token (from the page's
/// address: the island has no router to read it).
#[island(lazy)]
fn ConfirmEmailForm(token: String) -> impl IntoView {
    let t = text();
    let confirm = ServerAction::<ConfirmEmailChange>::new();
    view! {
        <LazyIslandBody>
            {move || confirm.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
            <ActionForm action=confirm attr:class="confirm-email" attr:novalidate=true>
                <input type="hidden" name="token" value=token/>
                <Field name="new_email" label=t.new_email kind="email" required=true check=check_email autocomplete="email" server=field_errors(confirm)/>
                <button type="submit" class="primary">{t.confirm_email_button}</button>
            </ActionForm>
        </LazyIslandBody>
    }
}

/// `/logout`: a button, not a link, so that no GET ever ends a session
/// (a stray link or prefetch must not log anyone out). No island: the
/// answer is a redirect, with JavaScript or without, and the page shows
/// nothing else.
#[component]
pub fn LogoutPage() -> impl IntoView {
    let t = text();
    let logout = ServerAction::<Logout>::new();
    view! {
        <Title text=t.logout/>
        <h1>{t.logout}</h1>
        <ActionForm action=logout attr:class="logout">
            <button type="submit" class="primary">{t.logout}</button>
        </ActionForm>
    }
}
