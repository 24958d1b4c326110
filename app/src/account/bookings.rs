//! "Mijn boekingen" in Mijn account: upcoming bookings (soonest first)
//! with a cancel button while the item's cut-off allows it, then the past
//! ones. The cancel button is a plain form post that returns to /account.
//! Rendered inside the Mijn account island, so its links are plain `<a>`s
//! (no router in the browser); the cancel's redirect is a page load.

use crate::booking::api::CancelBooking;
use crate::booking::models::BookingView;
use crate::booking::text::{long_date_time, places_count, text};
use crate::forms::FormProblem;
use crate::i18n::booking_status_label;
use crate::locale::page_href;
use crate::locale::price;
use leptos::prelude::*;

#[component]
fn BookingRow(booking: BookingView, cancel: ServerAction<CancelBooking>) -> impl IntoView {
    let t = text();
    // The name as booked, in Dutch: marked so on an English page.
    let lang = (crate::locale::Locale::current() != crate::locale::Locale::Nl).then_some("nl");
    let item = match booking.item_slug.clone() {
        Some(slug) => {
            view! { <a href=page_href(&format!("/bookings/{slug}")) lang=lang>{booking.item_name.clone()}</a> }.into_any()
        }
        None => view! { <span lang=lang>{booking.item_name.clone()}</span> }.into_any(),
    };
    let token = booking.token.clone();
    let until = long_date_time(booking.cancel_until_local);
    let cancel_part = if booking.can_cancel {
        view! {
            <ActionForm action=cancel attr:class="cancel-booking">
                <input type="hidden" name="token" value=token.clone()/>
                <button type="submit" class="link danger" disabled=move || cancel.pending().get()>
                    {t.cancel}
                </button>
                <small class="hint">" " {t.cancel_until} " " {until}</small>
            </ActionForm>
        }
        .into_any()
    } else if booking.upcoming && booking.status == crate::booking::rules::BookingStatus::Booked {
        view! { <small class="hint">{t.cancel_too_late}</small> }.into_any()
    } else {
        ().into_any()
    };
    view! {
        <li class="booking" data-token=booking.token>
            {item}
            " · " {long_date_time(booking.starts_local)}
            " · " {places_count(booking.places)}
            " · " {price(booking.total_cents)}
            " · " <span class="booking-status">{booking_status_label(booking.status)}</span>
            " " {cancel_part}
        </li>
    }
}

/// The customer's bookings as the page read them on the server: a cancel
/// answers with the redirect to /account, a page load that reads them anew.
#[component]
pub fn MyBookings(bookings: Result<Vec<BookingView>, crate::error::AppError>) -> impl IntoView {
    let t = text();
    let cancel = ServerAction::<CancelBooking>::new();
    let list = move |items: Vec<BookingView>, title: &'static str, class: &'static str| {
        (!items.is_empty()).then(|| {
            view! {
                <h3>{title}</h3>
                <ul class=class>
                    {items.into_iter().map(|booking| view! { <BookingRow booking cancel/> }).collect_view()}
                </ul>
            }
        })
    };
    view! {
        <section class="account-bookings">
            <h2>{t.my_bookings}</h2>
            <FormProblem action=cancel/>
            {match bookings {
                Ok(all) if all.is_empty() => view! { <p class="empty">{t.no_bookings}</p> }.into_any(),
                Ok(all) => {
                    let (upcoming, past): (Vec<_>, Vec<_>) = all.into_iter().partition(|b| b.upcoming);
                    view! {
                        {list(upcoming, t.upcoming, "bookings-upcoming")}
                        {list(past, t.past, "bookings-past")}
                    }
                    .into_any()
                }
                Err(e) => view! { <crate::ui::ErrorMessage error=e/> }.into_any(),
            }}
        </section>
    }
}
