//! CMS server functions. Each one starts with `staff_auth::require(right)`:
//! the right is checked on the server for every call (AVG-10), and
//! `server/tests/cms.rs` proves it for every `cms_*` endpoint there is.

use super::models::{
    AuditEntry, CustomerDetail, CustomerPage, Dashboard, OrderPage, SettingsView, StaffOrderView,
    StaffView,
};
use super::models::{CatalogAdmin, ProductInput};
use super::models::{QuestionDetail, QuestionPage};
#[cfg(feature = "ssr")]
use super::rules::Right;
use super::rules::StaffMember;
use crate::content::{PageAdminRow, PageEdit};
use crate::customer::CustomerInput;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::services::audit::audited;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, reply, services, staff_auth};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) {
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}

#[server(endpoint = "cms_login")]
pub async fn cms_login(
    email: String,
    password: String,
    #[server(flatten)] guard: crate::forms::GuardFields,
) -> Result<(), AppError> {
    let result = async {
        crate::ssr::form_guard::check(crate::ssr::form_limit::FormKind::CmsLogin, &guard).await?;
        let state = crate::ssr::state::state()?;
        let member = services::staff::log_in(
            &state.db,
            &state.login_throttle,
            &email,
            &password,
            now_utc(),
        )
        .await
        .inspect_err(|e| {
            if *e == AppError::InvalidCredentials {
                state
                    .metrics
                    .record_security(crate::ssr::metrics::SecurityEvent::FailedLoginStaff, "");
            }
        })?;
        set_cookie(&staff_auth::start(&state, member.id).await?);
        leptos_axum::redirect("/cms");
        Ok(())
    };
    reply(result.await)
}

#[server(endpoint = "cms_logout")]
pub async fn cms_logout() -> Result<(), AppError> {
    let result = async {
        let state = crate::ssr::state::state()?;
        let token = use_context::<http::request::Parts>()
            .and_then(|p| staff_auth::token_from(&p.headers, state.config.secure_cookies));
        if let Some(token) = token {
            set_cookie(&staff_auth::end(&state, &token).await?);
        }
        leptos_axum::redirect("/cms/login");
        Ok(())
    };
    reply(result.await)
}

/// The logged-in staff member, or `None`.
#[server(endpoint = "cms_me")]
pub async fn cms_me() -> Result<Option<StaffMember>, AppError> {
    match staff_auth::require_login().await {
        Ok((_, member)) => Ok(Some(member)),
        Err(AppError::Unauthorized) => Ok(None),
        Err(e) => reply(Err(e)),
    }
}

/// Needs only a login: a new member must be able to set their password.
#[server(endpoint = "cms_change_password")]
pub async fn cms_change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let result = async {
        let (state, member) = staff_auth::require_login().await?;
        services::staff::change_password(&state.db, member.id, &current_password, &new_password)
            .await?;
        // Other sessions of this member end; this one starts afresh.
        staff_auth::end_all(&state.db, member.id).await?;
        set_cookie(&staff_auth::start(&state, member.id).await?);
        Ok(())
    };
    reply(result.await)
}

#[server(endpoint = "cms_customers")]
pub async fn cms_customers(
    query: Option<String>,
    after: Option<i32>,
) -> Result<CustomerPage, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::CustomersView).await?;
        services::cms_customers::search(&state.db, query.as_deref().unwrap_or_default(), after)
            .await
    };
    reply(result.await)
}

/// One customer's data; every view is audited.
#[server(endpoint = "cms_customer")]
pub async fn cms_customer(id: i32) -> Result<CustomerDetail, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::CustomersView).await?;
        let detail = services::cms_customers::detail(&state.db, id).await?;
        services::audit::record(
            &state.db,
            member.id,
            "customer.view",
            "customer",
            Some(id),
            None,
        )
        .await?;
        Ok(detail)
    };
    reply(result.await)
}

#[server(endpoint = "cms_update_customer")]
pub async fn cms_update_customer(
    id: i32,
    #[server(flatten)] input: CustomerInput,
) -> Result<CustomerDetail, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::CustomersEdit).await?;
        let edit = async |txn: &_| {
            Ok((
                services::cms_customers::update(txn, id, &input).await?,
                None,
            ))
        };
        audited(
            &state.db,
            member.id,
            "customer.edit",
            "customer",
            Some(id),
            edit,
        )
        .await
    };
    reply(result.await)
}

#[server(endpoint = "cms_delete_customer")]
pub async fn cms_delete_customer(id: i32) -> Result<(), AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::CustomersDelete).await?;
        let erase = async |txn: &_| {
            let anonymised = services::cms_customers::delete(txn, id, now_utc()).await?;
            Ok(((), Some(format!("{anonymised} orders anonymised"))))
        };
        audited(
            &state.db,
            member.id,
            "customer.delete",
            "customer",
            Some(id),
            erase,
        )
        .await?;
        leptos_axum::redirect("/cms/customers");
        Ok(())
    };
    reply(result.await)
}

#[server(endpoint = "cms_staff")]
pub async fn cms_staff() -> Result<Vec<StaffView>, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::StaffManage).await?;
        services::staff::list(&state.db).await
    };
    reply(result.await)
}

/// Creates a staff member with a first password they must change.
#[server(endpoint = "cms_create_staff")]
pub async fn cms_create_staff(
    email: String,
    password: String,
    rights: Option<Vec<String>>,
) -> Result<i32, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::StaffManage).await?;
        let rights = super::rules::parse_rights(rights.iter().flatten().map(String::as_str));
        let id = services::staff::create(
            &state.db,
            &email,
            &password,
            false,
            &rights,
            true,
            now_utc(),
        )
        .await?;
        let names: Vec<&str> = rights.iter().map(|r| r.as_str()).collect();
        services::audit::record(
            &state.db,
            member.id,
            "staff.create",
            "staff",
            Some(id),
            Some(names.join(",")),
        )
        .await?;
        Ok(id)
    };
    reply(result.await)
}

#[server(endpoint = "cms_set_rights")]
pub async fn cms_set_rights(id: i32, rights: Option<Vec<String>>) -> Result<(), AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::StaffManage).await?;
        let rights = super::rules::parse_rights(rights.iter().flatten().map(String::as_str));
        services::staff::set_rights(&state.db, member.id, id, &rights).await
    };
    reply(result.await)
}

/// Locks (all sessions end at once) or unlocks a staff member (AVG-11).
#[server(endpoint = "cms_set_locked")]
pub async fn cms_set_locked(id: i32, locked: bool) -> Result<(), AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::StaffManage).await?;
        services::staff::set_locked(&state.db, member.id, id, locked, now_utc()).await
    };
    reply(result.await)
}

#[server(endpoint = "cms_audit")]
pub async fn cms_audit(
    action: Option<String>,
    entity: Option<String>,
    entity_id: Option<i32>,
    before: Option<i64>,
) -> Result<Vec<AuditEntry>, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::AuditView).await?;
        services::audit::list(
            &state.db,
            action.as_deref(),
            entity.as_deref(),
            entity_id,
            before,
        )
        .await
    };
    reply(result.await)
}

#[server(endpoint = "cms_orders")]
pub async fn cms_orders(
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i32>,
) -> Result<OrderPage, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::OrdersView).await?;
        services::cms_orders::list(
            &state.db,
            status.as_deref(),
            from.as_deref(),
            to.as_deref(),
            before,
        )
        .await
    };
    reply(result.await)
}

/// One order with its delivery address; every view is audited.
#[server(endpoint = "cms_order")]
pub async fn cms_order(id: i32) -> Result<StaffOrderView, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::OrdersView).await?;
        let order = services::cms_orders::detail(&state.db, id).await?;
        services::audit::record(&state.db, member.id, "order.view", "order", Some(id), None)
            .await?;
        Ok(order)
    };
    reply(result.await)
}

#[server(endpoint = "cms_set_order_status")]
pub async fn cms_set_order_status(id: i32, status: String) -> Result<StaffOrderView, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::OrdersEdit).await?;
        let change = async |txn: &_| {
            let order = services::cms_orders::set_status(txn, id, &status).await?;
            Ok((order, Some(status.clone())))
        };
        let order = audited(
            &state.db,
            member.id,
            "order.status",
            "order",
            Some(id),
            change,
        )
        .await?;
        // Stock may have come back: the catalogue pages change.
        crate::ssr::state::clear_page_cache();
        Ok(order)
    };
    reply(result.await)
}

/// The settings and the database login, its password masked (AVG-13).
#[server(endpoint = "cms_settings")]
pub async fn cms_settings() -> Result<SettingsView, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::SettingsView).await?;
        Ok(SettingsView {
            settings: services::settings::load(&state.db).await?,
            database: super::rules::database_login(&state.config.database_url, false),
            can_edit: member.is_owner,
        })
    };
    reply(result.await)
}

/// What a retention sweep today would delete and anonymise (AVG-14/15): the
/// dry run, shown on the settings screen next to the term.
#[server(endpoint = "cms_retention_preview")]
pub async fn cms_retention_preview() -> Result<crate::privacy::models::RetentionReport, AppError> {
    let result = async {
        let (state, _member) = staff_auth::require(Right::SettingsView).await?;
        services::retention::preview(&state.db, now_utc()).await
    };
    reply(result.await)
}

/// Shows the database password; every reveal is written to the audit log.
#[server(endpoint = "cms_reveal_database_password")]
pub async fn cms_reveal_database_password() -> Result<SettingsView, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::SettingsView).await?;
        services::audit::record(
            &state.db,
            member.id,
            "settings.reveal",
            "settings",
            None,
            None,
        )
        .await?;
        Ok(SettingsView {
            settings: services::settings::load(&state.db).await?,
            database: super::rules::database_login(&state.config.database_url, true),
            can_edit: member.is_owner,
        })
    };
    reply(result.await)
}

/// Saves the settings: the owner only (the terms decide when personal data
/// is erased).
#[server(endpoint = "cms_save_settings")]
pub async fn cms_save_settings(
    shop_name: String,
    contact_email: String,
    retention_years: String,
    backups_keep: String,
) -> Result<SettingsView, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::SettingsView).await?;
        if !member.is_owner {
            return Err(AppError::Forbidden);
        }
        let save = async |txn: &_| {
            let settings = services::settings::save(
                txn,
                &shop_name,
                &contact_email,
                &retention_years,
                &backups_keep,
            )
            .await?;
            let detail = format!(
                "retention {} years, {} backups",
                settings.retention_years, settings.backups_keep
            );
            Ok((settings, Some(detail)))
        };
        let settings = audited(
            &state.db,
            member.id,
            "settings.edit",
            "settings",
            None,
            save,
        )
        .await?;
        Ok(SettingsView {
            settings,
            database: super::rules::database_login(&state.config.database_url, false),
            can_edit: true,
        })
    };
    reply(result.await)
}

/// Counts only, no personal data: open to every staff member.
/// The backup section of the settings screen (AVG-20).
#[server(endpoint = "cms_backup_status")]
pub async fn cms_backup_status() -> Result<super::models::BackupStatus, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::SettingsView).await?;
        Ok(super::models::BackupStatus {
            last: services::dashboard::last_run(&state.db, "backup").await?,
            keep: services::settings::load(&state.db).await?.backups_keep,
        })
    };
    reply(result.await)
}

#[server(endpoint = "cms_dashboard")]
pub async fn cms_dashboard() -> Result<Dashboard, AppError> {
    let result = async {
        let (state, _) = staff_auth::require_member().await?;
        let now = now_utc();
        let mut dashboard = services::dashboard::load(&state.db, now).await?;
        dashboard.security_alerts =
            services::security_counts::alerts(&state.db, &state.metrics, now).await?;
        Ok(dashboard)
    };
    reply(result.await)
}

#[server(endpoint = "cms_catalog")]
pub async fn cms_catalog() -> Result<CatalogAdmin, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
        services::cms_catalog::admin(&state.db).await
    };
    reply(result.await)
}

/// Creates (no `id`) or updates a product.
#[server(endpoint = "cms_save_product")]
pub async fn cms_save_product(
    id: Option<i32>,
    #[server(flatten)] input: ProductInput,
) -> Result<i32, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
        let saved = services::cms_catalog::save_product(&state.db, id, &input, now_utc()).await?;
        crate::ssr::state::clear_page_cache();
        if id.is_none() {
            leptos_axum::redirect(&format!("/cms/catalog/products/{}", saved.id));
        }
        Ok(saved.id)
    };
    reply(result.await)
}

#[server(endpoint = "cms_delete_product")]
pub async fn cms_delete_product(id: i32) -> Result<(), AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
        services::cms_catalog::delete_product(&state.db, id).await?;
        crate::ssr::state::clear_page_cache();
        leptos_axum::redirect("/cms/catalog");
        Ok(())
    };
    reply(result.await)
}

#[server(endpoint = "cms_save_category")]
pub async fn cms_save_category(
    id: Option<i32>,
    name: String,
    slug: String,
    position: String,
) -> Result<(), AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
        services::cms_catalog::save_category(&state.db, id, &name, &slug, &position).await?;
        crate::ssr::state::clear_page_cache();
        Ok(())
    };
    reply(result.await)
}

#[server(endpoint = "cms_delete_category")]
pub async fn cms_delete_category(id: i32) -> Result<(), AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
        services::cms_catalog::delete_category(&state.db, id).await?;
        crate::ssr::state::clear_page_cache();
        Ok(())
    };
    reply(result.await)
}

#[server(endpoint = "cms_pages")]
pub async fn cms_pages() -> Result<Vec<PageAdminRow>, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::PagesEdit).await?;
        services::pages::list(&state.db).await
    };
    reply(result.await)
}

#[server(endpoint = "cms_page")]
pub async fn cms_page(id: i32) -> Result<PageEdit, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::PagesEdit).await?;
        services::pages::get(&state.db, id).await
    };
    reply(result.await)
}

/// Creates (no `id`) or updates a content page.
#[server(endpoint = "cms_save_page")]
pub async fn cms_save_page(
    id: Option<i32>,
    slug: String,
    title: String,
    body_markdown: String,
    published: Option<String>,
) -> Result<i32, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::PagesEdit).await?;
        let published = crate::validate::checkbox(published.as_deref());
        let saved = services::pages::save(
            &state.db,
            id,
            &slug,
            &title,
            &body_markdown,
            published,
            now_utc(),
        )
        .await?;
        if id.is_none() {
            leptos_axum::redirect(&format!("/cms/pages/{saved}"));
        }
        Ok(saved)
    };
    reply(result.await)
}

#[server(endpoint = "cms_delete_page")]
pub async fn cms_delete_page(id: i32) -> Result<(), AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::PagesEdit).await?;
        services::pages::delete(&state.db, id).await?;
        leptos_axum::redirect("/cms/pages");
        Ok(())
    };
    reply(result.await)
}

/// Questions from the contact form, newest first. Their askers' names are
/// personal data: `customers.view`.
#[server(endpoint = "cms_questions")]
pub async fn cms_questions(
    status: Option<String>,
    before: Option<i32>,
) -> Result<QuestionPage, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::CustomersView).await?;
        services::questions::list(&state.db, status.as_deref(), before).await
    };
    reply(result.await)
}

/// One question with the asker's contact data; every view is audited.
#[server(endpoint = "cms_question")]
pub async fn cms_question(id: i32) -> Result<QuestionDetail, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::CustomersView).await?;
        let detail = services::questions::detail(&state.db, id).await?;
        services::audit::record(
            &state.db,
            member.id,
            "question.view",
            "question",
            Some(id),
            None,
        )
        .await?;
        Ok(detail)
    };
    reply(result.await)
}

/// Answers a question: the answer is mailed to the asker and stored. A
/// change to what is kept about a customer: `customers.edit`.
#[server(endpoint = "cms_answer_question")]
pub async fn cms_answer_question(id: i32, answer: String) -> Result<QuestionDetail, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::CustomersEdit).await?;
        services::questions::answer(&state, member.id, id, &answer, now_utc()).await
    };
    reply(result.await)
}

#[server(endpoint = "cms_close_question")]
pub async fn cms_close_question(id: i32) -> Result<QuestionDetail, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::CustomersEdit).await?;
        let close = async |txn: &_| Ok((services::questions::close(txn, id).await?, None));
        audited(
            &state.db,
            member.id,
            "question.close",
            "question",
            Some(id),
            close,
        )
        .await
    };
    reply(result.await)
}
