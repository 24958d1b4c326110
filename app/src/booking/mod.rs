//! Bookings: bookable items, their availability and the booking form
//! (`/bookings`, `/bookings/{slug}`, `/bookings/confirmed/{token}`). The
//! pages are server HTML; the booking form is an island (`form`).

pub mod api;
mod form;
pub mod models;
mod month;
pub mod rules;
pub mod text;

use crate::i18n::{self, price};
use crate::locale::page_href;
use crate::locale::Locale;
use crate::ui::{loaded, Wait};
use api::{get_bookable, get_bookables, get_booking};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use models::{BookableCard, BookingView};
use text::{long_date_time, text};

#[component]
fn Card(item: BookableCard) -> impl IntoView {
    let t = text();
    let locale = Locale::current();
    let href = page_href(&format!("/bookings/{}", item.slug));
    let (name_lang, description_lang) = (
        item.name.lang_attr(locale),
        item.description.lang_attr(locale),
    );
    view! {
        <li class="bookable-card">
            <h2 lang=name_lang><a href=href>{item.name.text}</a></h2>
            <p lang=description_lang>{item.description.text}</p>
            <p class="facts">
                {price(item.price_cents)} " " {t.per_place} " · " {item.duration_minutes} " " {t.minutes}
                " · " {item.capacity} " " {t.places_per_slot}
            </p>
        </li>
    }
}

/// `/bookings`: what can be booked.
#[component]
pub fn BookablesPage() -> impl IntoView {
    let t = text();
    let locale = Locale::current();
    let items = Resource::new(move || locale, get_bookables);
    view! {
        <Title text=t.list_title/>
        <h1>{t.list_title}</h1>
        <p class="intro">{t.list_intro}</p>
        {loaded(Wait::Suspense, items, move |list| {
            if list.is_empty() {
                view! { <p class="empty">{t.nothing_bookable}</p> }.into_any()
            } else {
                view! { <ul class="bookables">{list.into_iter().map(|item| view! { <Card item/> }).collect_view()}</ul> }.into_any()
            }
        })}
    }
}

/// `/bookings/{slug}`: the item, its month (`?maand=YYYY-MM`) and the form.
/// Another month is another page (the month links are plain links).
#[component]
pub fn BookablePage() -> impl IntoView {
    let t = text();
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let month = move || query.read().get("maand");
    let locale = Locale::current();
    let item = Resource::new(
        move || (slug(), month(), locale),
        |(slug, month, locale)| get_bookable(slug, month, locale),
    );
    view! {
        {loaded(Wait::Suspense, item, move |d| {
            let started = crate::forms::form_started();
            view! {
                <Title text=d.name.text.clone()/>
                <article class="bookable">
                    <h1 lang=d.name.lang_attr(locale)>{d.name.text.clone()}</h1>
                    <p class="description" lang=d.description.lang_attr(locale)>{d.description.text.clone()}</p>
                    <p class="facts">
                        {price(d.price_cents)} " " {t.per_place} " · " {d.duration_minutes} " " {t.minutes}
                    </p>
                    <form::BookingForm detail=d month=month() started/>
                </article>
            }
        })}
        <p><a href=page_href("/bookings")>{t.back_to_list}</a></p>
    }
}

#[component]
fn Confirmation(booking: BookingView) -> impl IntoView {
    let t = text();
    view! {
        <section class="booking-confirmation">
            <h1>{t.confirmed_title}</h1>
            <p>{t.confirmed_thanks}</p>
            <dl class="booking-facts">
                <dt>{t.what}</dt>
                // The name as booked, in Dutch.
                <dd class="booking-item" lang=(Locale::current() != Locale::Nl).then_some("nl")>{booking.item_name.clone()}</dd>
                <dt>{t.when}</dt>
                <dd class="booking-when">{long_date_time(booking.starts_local)} " – " {booking.ends_local.format("%H:%M").to_string()}</dd>
                <dt>{t.places}</dt>
                <dd class="booking-places">{booking.places}</dd>
                <dt>{t.total}</dt>
                <dd>{price(booking.total_cents)}</dd>
                <dt>{t.payment}</dt>
                <dd>{i18n::payment_method_label(booking.payment_method)}</dd>
                <dt>{t.status}</dt>
                <dd class="booking-status">{i18n::booking_status_label(booking.status)}</dd>
            </dl>
            {if booking.can_cancel {
                view! {
                    <p class="hint">
                        {t.cancel_online_until} " " {long_date_time(booking.cancel_until_local)} ". " {t.cancel_how}
                    </p>
                }.into_any()
            } else {
                view! { <p class="hint">{t.no_longer_cancellable}</p> }.into_any()
            }}
            // A file, not a page of the app: the router leaves it alone.
            <p class="invoice-link">
                <a href=page_href(&format!("/bookings/confirmed/{}/invoice.pdf", booking.token)) rel="external" type="application/pdf">
                    {t.invoice}
                </a>
            </p>
        </section>
    }
}

/// `/bookings/confirmed/{token}`.
#[component]
pub fn BookingConfirmedPage() -> impl IntoView {
    let t = text();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let booking = Resource::new(token, get_booking);
    view! {
        <Title text=t.confirmed_title/>
        {loaded(Wait::Suspense, booking, |b| view! { <Confirmation booking=b/> })}
        <p><a href=page_href("/bookings")>{t.back_to_list}</a></p>
    }
}
