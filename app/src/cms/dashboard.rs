//! The dashboard: the monitoring's warnings, today's orders, what is
//! waiting, the last jobs and the charts of the last days (SVG drawn on the
//! server: they show without JavaScript).

use super::api::cms_dashboard;
use super::models::JobStatus;
use super::text::{self, text};
use crate::i18n::price;
use crate::ui::{date, loaded, Wait};
use leptos::prelude::*;

/// When a background job last ran and how it went; also on the settings
/// screen.
#[component]
pub(super) fn JobLine(label: &'static str, status: Option<JobStatus>) -> impl IntoView {
    let t = text();
    view! {
        <dt>{label}</dt>
        <dd>
            {match status {
                None => t.not_yet.to_owned(),
                Some(s) => format!(
                    "{} — {}{}",
                    s.finished_at.map(date).unwrap_or_else(|| t.running.to_owned()),
                    if s.ok { "" } else { "MISLUKT: " },
                    s.summary
                ),
            }}
        </dd>
    }
}

#[component]
pub fn CmsDashboard() -> impl IntoView {
    let t = text();
    // A dashboard left open (on the counter's screen) stays current: in the
    // browser it loads its figures again every minute, keeping the old ones
    // on screen meanwhile. The server renders it once.
    let minute = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || minute.update(|n| *n += 1),
            std::time::Duration::from_secs(60),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    let dashboard = Resource::new(move || minute.get(), |minute| cms_dashboard(minute > 0));
    view! {
        <h1>{t.dashboard}</h1>
        {loaded(Wait::Transition, dashboard, move |d| view! {
            {d.warnings.iter().map(|w| view! {
                <p class="error security-alert" role="alert" data-kind=w.kind.as_str()>
                    {text::warning(w)}
                </p>
            }).collect_view()}
            <dl class="order-facts dashboard">
                <dt>{t.orders_today}</dt>
                <dd class="orders-today">{d.orders_today} " (" {price(d.revenue_today_cents)} ")"</dd>
                <dt>{t.orders_to_handle}</dt>
                <dd>{d.orders_new}</dd>
                <dt>{t.open_questions}</dt>
                <dd>{d.open_questions}</dd>
                <JobLine label=t.last_retention status=d.last_retention/>
                <JobLine label=t.last_backup status=d.last_backup/>
            </dl>
            {(!d.low_stock.is_empty()).then(|| view! {
                <section class="low-stock">
                    <h2>{t.low_stock}</h2>
                    <ul>
                        {d.low_stock.iter().map(|p| view! {
                            <li>
                                <a href=format!("/cms/catalog/products/{}", p.id)>{p.name.clone()}</a>
                                ": " {p.stock} " (≤ " {p.threshold} ")"
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!d.charts.is_empty()).then(|| view! {
                <section class="charts">
                    <h2>{t.charts}</h2>
                    {d.charts.iter().map(|c| view! {
                        <figure class="chart-figure">
                            <figcaption>{c.caption.clone()}</figcaption>
                            <div class="chart-box" inner_html=c.svg.clone()></div>
                        </figure>
                    }).collect_view()}
                </section>
            })}
        })}
    }
}
