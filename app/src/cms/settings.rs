//! The settings: the shop's name, identity (address, KvK, btw-id, IBAN)
//! and terms, the retention preview, the
//! database login (AVG-13) and the backups (AVG-20).

use super::api::{
    cms_backup_status, cms_retention_preview, cms_settings, CmsRevealDatabasePassword,
    CmsSaveSettings,
};
use super::dashboard::JobLine;
use super::models::{BackupStatus, SettingsView};
use super::text::text;
use crate::error::AppError;
use crate::forms::{field_errors, Field};
use crate::privacy::models::RetentionReport;
use crate::ui::{loaded, ErrorMessage, Wait};
use leptos::prelude::*;

#[component]
fn SettingsScreen(
    view: SettingsView,
    save: ServerAction<CmsSaveSettings>,
    reveal: ServerAction<CmsRevealDatabasePassword>,
    preview: Resource<Result<RetentionReport, AppError>>,
    backups: Resource<Result<BackupStatus, AppError>>,
) -> impl IntoView {
    let t = text();
    let server = field_errors(save);
    let initial = view.database.password.clone();
    let password = move || {
        reveal
            .value()
            .get()
            .and_then(Result::ok)
            .map(|v| v.database.password)
            .unwrap_or_else(|| initial.clone())
    };
    let s = view.settings.clone();
    let db = view.database.clone();
    view! {
        <h1>{t.settings}</h1>
        <section>
            <h2>{t.shop_settings}</h2>
            {move || save.value().get().map(|r| match r {
                Ok(_) => view! { <p class="notice" role="status">{t.saved}</p> }.into_any(),
                Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
            })}
            <ActionForm action=save attr:class="cms-settings" attr:novalidate=true>
                <fieldset disabled=!view.can_edit>
                    <Field name="shop_name" label=t.shop_name required=true value=s.shop_name.clone() server/>
                    <Field name="contact_email" label=t.contact_email kind="email" value=s.contact_email.clone() server/>
                    <Field name="retention_years" label=t.retention_years kind="number" required=true hint=t.retention_hint value=s.retention_years.to_string() server/>
                    <Field name="backups_keep" label=t.backups_keep kind="number" required=true value=s.backups_keep.to_string() server/>
                    <label class="checkbox">
                        <input type="checkbox" name="require_second_factor" checked=s.require_second_factor/>
                        {t.require_second_factor}
                    </label>
                    <p class="hint">{t.require_second_factor_hint}</p>
                </fieldset>
                <fieldset disabled=!view.can_edit class="shop-identity">
                    <legend>{t.identity_title}</legend>
                    <p class="hint">{t.identity_hint}</p>
                    <Field name="legal_name" label=t.legal_name value=s.identity.legal_name.clone() server/>
                    <Field name="street" label=t.street value=s.identity.street.clone() server/>
                    <Field name="postcode" label=t.postcode value=s.identity.postcode.clone() server/>
                    <Field name="city" label=t.city value=s.identity.city.clone() server/>
                    <Field name="kvk_number" label=t.kvk_number value=s.identity.kvk_number.clone() server/>
                    <Field name="vat_id" label=t.vat_id value=s.identity.vat_id.clone() server/>
                    {s.identity.iban.trim().is_empty().then(|| view! { <p class="notice iban-missing">{t.iban_missing}</p> })}
                    <Field name="iban" label=t.iban value=s.identity.iban.clone() server/>
                </fieldset>
                {view.can_edit.then(|| view! { <button type="submit">{t.save}</button> })}
            </ActionForm>
        </section>
        <RetentionPreview preview/>
        <section>
            <h2>{t.database_login}</h2>
            <dl class="order-facts database-login">
                <dt>{t.backend}</dt><dd>{db.backend.clone()}</dd>
                <dt>{t.host}</dt><dd>{db.host.clone()}</dd>
                <dt>{t.database}</dt><dd>{db.database.clone()}</dd>
                <dt>{t.user}</dt><dd>{db.user.clone()}</dd>
                <dt>{t.password}</dt><dd class="db-password">{password}</dd>
            </dl>
            {view.can_edit.then(|| view! {
                <ActionForm action=reveal attr:class="inline reveal-password">
                    <button type="submit" class="link">{t.reveal}</button>
                </ActionForm>
                <p class="hint">{t.reveal_hint}</p>
            })}
        </section>
        <BackupSection status=backups/>
    }
}

/// AVG-20: the last backup (name, size, verified or why it failed) and how
/// many are kept; its own request, so that it stands apart from the form.
#[component]
fn BackupSection(status: Resource<Result<BackupStatus, AppError>>) -> impl IntoView {
    let t = text();
    view! {
        <section class="backup-status">
            <h2>{t.backups}</h2>
            {loaded(Wait::Suspense, status, move |s| view! {
                <dl class="order-facts">
                    <JobLine label=t.last_backup status=s.last/>
                    <dt>{t.backups_kept}</dt><dd>{s.keep}</dd>
                </dl>
            })}
        </section>
    }
}

/// The dry run of today's retention sweep, refreshed when the term changes.
#[component]
fn RetentionPreview(preview: Resource<Result<RetentionReport, AppError>>) -> impl IntoView {
    let t = text();
    view! {
        <section class="retention-preview">
            <h2>{t.retention_preview}</h2>
            {loaded(Wait::Transition, preview, move |r| view! {
                <p class="retention-summary">{(t.retention_preview_line)(
                    r.customers_deleted,
                    r.orders_anonymised,
                    r.bookings_anonymised,
                    r.retention_years,
                )}</p>
                <p class="hint">{t.retention_preview_hint}</p>
            })}
        </section>
    }
}

#[component]
pub fn CmsSettingsPage() -> impl IntoView {
    // Every resource and action of the screen is made here, before the
    // first await: made inside the Suspend of `loaded` below (after `settings`
    // resolved), the browser gave the nested ones other ids than the
    // server had, found no data for the retention preview while
    // hydrating and panicked (issue 13, goal 6).
    let settings = Resource::new(|| (), |_| cms_settings());
    let save = ServerAction::<CmsSaveSettings>::new();
    let reveal = ServerAction::<CmsRevealDatabasePassword>::new();
    let preview = Resource::new(move || save.version().get(), |_| cms_retention_preview());
    let backups = Resource::new(|| (), |_| cms_backup_status());
    view! {
        {loaded(Wait::Suspense, settings, move |v| view! { <SettingsScreen view=v save reveal preview backups/> })}
    }
}
