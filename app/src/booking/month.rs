//! The month view of an item's availability: a real table of days in
//! which every free slot is a radio button of the booking form (so that
//! choosing works without JavaScript), full slots shown disabled, and the
//! neighbouring months as plain links. Part of the booking form's island,
//! so its links are `<a>`s: there is no router in the browser.

use super::models::{DayView, MonthView, SlotView};
use super::text::{long_date, month_caption, text};
use crate::locale::page_href;
use crate::locale::{weekday_name, Locale};
use chrono::Datelike;
use leptos::prelude::*;

/// The slot chosen in the form: its value and how a person reads it.
pub type Chosen = RwSignal<Option<(String, String)>>;

#[component]
fn SlotChoice(offered: SlotView, date: chrono::NaiveDate, chosen: Chosen) -> impl IntoView {
    let t = text();
    let full = offered.places_left <= 0;
    let value = offered.slot.clone();
    let label = format!("{} {}", long_date(date), offered.time);
    let is_chosen = {
        let value = value.clone();
        move || chosen.with(|c| c.as_ref().is_some_and(|(v, _)| *v == value))
    };
    let choose = {
        let value = value.clone();
        move |_| chosen.set(Some((value.clone(), label.clone())))
    };
    view! {
        <li>
            <label class="slot" class:full=full>
                <input type="radio" name="slot" value=value disabled=full prop:checked=is_chosen on:change=choose/>
                {offered.time}
                " "
                <small>
                    {if full { t.full.to_owned() } else { format!("({} {})", offered.places_left, t.places_left) }}
                </small>
            </label>
        </li>
    }
    // Erased: without it the release build's view type of a month nests
    // deeper than rustc's recursion limit.
    .into_any()
}

#[component]
fn Day(day: DayView, chosen: Chosen) -> impl IntoView {
    let date = day.date;
    let has_slots = !day.slots.is_empty();
    view! {
        <td class="day" class:other-month=!day.in_month class:has-slots=has_slots>
            <span class="day-number">{date.day()}</span>
            {has_slots.then(|| view! {
                <ul class="slots">
                    {day.slots.into_iter().map(|offered| view! { <SlotChoice offered date chosen/> }).collect_view()}
                </ul>
            })}
        </td>
    }
    .into_any()
}

#[component]
pub fn MonthTable(month: MonthView, slug: String, chosen: Chosen) -> impl IntoView {
    let t = text();
    let link = |m: &Option<String>, label: &'static str, class: &'static str| {
        m.as_ref().map(|m| {
            view! { <a href=page_href(&format!("/bookings/{slug}?maand={m}")) class=class>{label}</a> }
        })
    };
    let free = month
        .weeks
        .iter()
        .flatten()
        .flat_map(|d| d.slots.iter())
        .any(|s| s.places_left > 0);
    let caption = month_caption(month.first);
    let locale = Locale::current();
    // Monday first, as the weeks of `MonthView`.
    let weekdays = std::iter::successors(Some(chrono::Weekday::Mon), |d| Some(d.succ()))
        .take(7)
        .map(move |d| weekday_name(locale, d));
    view! {
        <nav class="month-nav">
            {link(&month.previous, t.previous_month, "previous-month")}
            <span class="month-name">{caption.clone()}</span>
            {link(&month.next, t.next_month, "next-month")}
        </nav>
        <table class="month">
            <caption>{caption}</caption>
            <thead>
                <tr>{weekdays.map(|d| view! { <th scope="col">{d}</th> }).collect_view()}</tr>
            </thead>
            <tbody>
                {month
                    .weeks
                    .into_iter()
                    .map(|week| view! {
                        <tr>{week.into_iter().map(|day| view! { <Day day chosen/> }).collect_view()}</tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
        {(!free).then(|| view! { <p class="empty">{t.no_slots_this_month}</p> })}
    }
    .into_any()
}
