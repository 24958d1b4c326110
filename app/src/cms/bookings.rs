//! Bookings: the agenda (a day or a week, moved by links that work without
//! JavaScript), the list with filters, and one booking with the status
//! changes staff may make. Viewing needs `bookings.view`, changing
//! `bookings.edit`; the server checks both.

use super::api::{cms_booking, cms_booking_agenda, cms_bookings, CmsSetBookingStatus};
use super::bookings_text::BOOKINGS_NL;
use super::models::BookingRow;
use super::rules::Right;
use super::shell::allows;
use crate::booking::rules::BookingStatus;
use crate::i18n::{self, booking_status_label, price};
use crate::ui::{date, id_param, loaded, local_date, query_number, ErrorMessage, Wait};
use chrono::NaiveDateTime;
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

fn time(t: NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}

fn day_title(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let weekday = super::bookings_text::weekday_name(
        i16::try_from(d.weekday().num_days_from_monday()).unwrap_or_default(),
    );
    format!("{weekday} {}", d.format("%d-%m-%Y"))
}

#[component]
fn AgendaLine(booking: BookingRow) -> impl IntoView {
    let t = &BOOKINGS_NL;
    view! {
        <li class="agenda-booking" class:cancelled=booking.status == BookingStatus::Cancelled>
            <A href=format!("/cms/bookings/{}", booking.id)>
                <span class="agenda-time">{time(booking.starts_local)} "–" {time(booking.ends_local)}</span>
                " " <strong>{booking.item_name}</strong>
                " · " {booking.customer_name}
                " · " {booking.places} " " {t.places.to_lowercase()}
                " · " {booking_status_label(booking.status)}
            </A>
        </li>
    }
}

#[component]
pub fn CmsBookingsPage() -> impl IntoView {
    let t = &BOOKINGS_NL;
    let query = use_query_map();
    let param = move |name: &'static str| move || query.read().get(name).unwrap_or_default();
    let (day, span) = (param("date"), param("span"));
    let (item, status, from, to) = (param("item"), param("status"), param("from"), param("to"));
    let before = query_number(query, "before");
    let agenda = Resource::new(
        move || (day(), span()),
        |(d, s)| cms_booking_agenda(Some(d), Some(s)),
    );
    let page = Resource::new(
        move || (item(), status(), from(), to(), before()),
        |(i, s, f, t, b)| cms_bookings(Some(i), Some(s), Some(f), Some(t), b),
    );
    let link = move |span: &str, date: String| format!("/cms/bookings?span={span}&date={date}");
    view! {
        <h1>{t.title}</h1>
        {allows(Right::BookingsEdit).then(|| view! { <p><A href="/cms/bookables">{t.items}</A></p> })}
        <h2>{t.agenda}</h2>
        {loaded(Wait::Transition, agenda, move |a| {
            let span = if a.week { "week" } else { "day" };
            let first = a.days.first().map(|d| d.date.to_string()).unwrap_or_default();
            view! {
                <nav class="agenda-nav">
                    <A href=link(span, a.previous.to_string())>{if a.week { t.previous_week } else { t.previous_day }}</A>
                    " "
                    <A href=format!("/cms/bookings?span={span}")>{t.today}</A>
                    " "
                    <A href=link(span, a.next.to_string())>{if a.week { t.next_week } else { t.next_day }}</A>
                    " | "
                    <A href=link("day", first.clone()) attr:class="agenda-day" attr:aria-current=(!a.week).then_some("page")>{t.day}</A>
                    " "
                    <A href=link("week", first) attr:class="agenda-week" attr:aria-current=a.week.then_some("page")>{t.week}</A>
                </nav>
                <div class="agenda">
                    {a.days.into_iter().map(|d| view! {
                        <section class="agenda-day-column">
                            <h3>{day_title(d.date)}</h3>
                            {if d.bookings.is_empty() {
                                view! { <p class="hint">{t.nothing}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="agenda-bookings">
                                        {d.bookings.into_iter().map(|b| view! { <AgendaLine booking=b/> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                    }).collect_view()}
                </div>
            }
        })}
        <h2>{t.list}</h2>
        {loaded(Wait::Transition, page, move |p| {
            let more = p.next_before.map(|n| {
                let href = format!(
                    "/cms/bookings?item={}&status={}&from={}&to={}&before={n}",
                    item(), status(), from(), to()
                );
                view! { <A href=href attr:class="more">{t.more}</A> }
            });
            view! {
                <Form method="GET" action="/cms/bookings" attr:class="search booking-filters">
                    <input type="hidden" name="date" value=day/>
                    <input type="hidden" name="span" value=span/>
                    <select name="item" aria-label=t.item>
                        <option value="">{t.all_items}</option>
                        {p.items.iter().map(|i| {
                            let id = i.id.to_string();
                            let chosen = id.clone();
                            view! { <option value=id selected=move || item() == chosen>{i.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                    <select name="status" aria-label=t.status>
                        <option value="">{t.all_statuses}</option>
                        {BookingStatus::ALL.iter().map(|&s| view! {
                            <option value=s.as_str() selected=move || status() == s.as_str()>{booking_status_label(s)}</option>
                        }).collect_view()}
                    </select>
                    <input type="date" name="from" value=from aria-label=t.from/>
                    <input type="date" name="to" value=to aria-label=t.to/>
                    <button type="submit">{t.filter}</button>
                </Form>
                {if p.rows.is_empty() {
                    view! { <p>{t.none}</p> }.into_any()
                } else {
                    view! {
                        <table class="cms-bookings">
                            <thead><tr><th>{t.when}</th><th>{t.item}</th><th>{t.customer}</th><th>{t.places}</th><th>{t.status}</th><th>{t.total}</th></tr></thead>
                            <tbody>
                                {p.rows.into_iter().map(|b| view! {
                                    <tr>
                                        <td><A href=format!("/cms/bookings/{}", b.id)>{local_date(b.starts_local)}</A></td>
                                        <td>{b.item_name}</td>
                                        <td>{b.customer_name}</td>
                                        <td>{b.places}</td>
                                        <td>{booking_status_label(b.status)}</td>
                                        <td>{price(b.total_cents)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
                {more}
            }
        })}
    }
}

#[component]
pub fn CmsBookingPage() -> impl IntoView {
    let t = &BOOKINGS_NL;
    let id = id_param();
    let change = ServerAction::<CmsSetBookingStatus>::new();
    let booking = Resource::new(
        move || (id().unwrap_or(0), change.version().get()),
        |(id, _)| cms_booking(id),
    );
    let can_edit = allows(Right::BookingsEdit);
    let can_see_customers = allows(Right::CustomersView);
    view! {
        {move || change.value().get().map(|r| match r {
            Ok(_) => view! { <p class="notice" role="status">{t.changed}</p> }.into_any(),
            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
        })}
        {loaded(Wait::Transition, booking, move |b| view! {
            <h1>{t.booking} " #" {b.id}</h1>
            {can_edit.then(|| view! {
                <div class="status-actions">
                    {b.next_statuses.clone().into_iter().map(|s| view! {
                        <ActionForm action=change attr:class="inline">
                            <input type="hidden" name="id" value=b.id/>
                            <input type="hidden" name="status" value=s.as_str()/>
                            <button type="submit" class:danger=s == BookingStatus::Cancelled>
                                {if s == BookingStatus::Cancelled { t.cancel } else { t.attended }}
                            </button>
                        </ActionForm>
                    }).collect_view()}
                </div>
            })}
            {b.anonymised.then(|| view! { <p class="notice">{t.anonymised}</p> })}
            <p class="record-locale">{super::text::language_line(b.locale)}</p>
            // Served by the server with the same right (a file, not a page).
            <p class="invoice-link">
                <a href=format!("/cms/bookings/{}/invoice.pdf", b.id) rel="external" type="application/pdf">{super::text::NL.invoice}</a>
            </p>
            <dl class="order-facts booking-facts">
                <dt>{t.item}</dt><dd>{b.item_name.clone()}</dd>
                <dt>{t.when}</dt><dd class="booking-when">{local_date(b.starts_local)} "–" {time(b.ends_local)}</dd>
                <dt>{t.places}</dt><dd>{b.places}</dd>
                <dt>{t.status}</dt><dd class="booking-status">{booking_status_label(b.status)}</dd>
                <dt>{t.price_each}</dt><dd>{price(b.unit_price_cents)}</dd>
                <dt>{t.total}</dt><dd>{price(b.total_cents)}</dd>
                <dt>{t.vat}</dt><dd>{format!("{}%", b.vat_rate_bp / 100)}</dd>
                <dt>{t.payment}</dt><dd>{i18n::payment_method_label(b.payment_method)}</dd>
                <dt>{t.booked_at}</dt><dd>{date(b.created_at)}</dd>
                {b.cancelled_at.map(|c| view! { <dt>{t.cancelled_at}</dt><dd>{date(c)}</dd> })}
                {b.customer_name.clone().map(|name| view! {
                    <dt>{t.customer}</dt>
                    <dd class="booking-customer">
                        {name}
                        {b.customer_id.filter(|_| can_see_customers).map(|cid| view! {
                            " · " <A href=format!("/cms/customers/{cid}")>{t.to_customer}</A>
                        })}
                    </dd>
                })}
                {b.customer_email.clone().map(|e| view! { <dt>{t.email}</dt><dd>{e}</dd> })}
                {b.customer_phone.clone().map(|p| view! { <dt>{t.phone}</dt><dd>{p}</dd> })}
            </dl>
        })}
        <p><A href="/cms/bookings">{t.title}</A></p>
    }
}
