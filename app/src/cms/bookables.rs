//! Bookable items: the list with a form for a new one, and one item's
//! screen with its details and schedule (weekly hours, one-off dates,
//! closed days). All of it needs `bookings.edit`; the server checks it.

use super::api::{
    cms_bookable, cms_bookables, CmsAddBookingClosure, CmsAddBookingDate, CmsAddBookingHours,
    CmsDeleteBookable, CmsDeleteBookingClosure, CmsDeleteBookingDate, CmsDeleteBookingHours,
    CmsSaveBookable,
};
use super::bookings_text::{weekday_name, BOOKINGS_NL, WEEKDAYS};
use super::catalog::euros;
use super::models::BookableAdmin;
use super::rules::VAT_RATES_BP;
use crate::forms::{field_errors, Field, FieldMessage};
use crate::i18n::price;
use crate::ui::{id_param, loaded, local_date, ErrorMessage, Wait};
use leptos::prelude::*;
use leptos_router::components::A;

/// The item's own fields; `item` None creates a new one.
#[component]
fn ItemForm(item: Option<BookableAdmin>) -> impl IntoView {
    let t = &BOOKINGS_NL;
    let save = ServerAction::<CmsSaveBookable>::new();
    let server = field_errors(save);
    let i = item;
    let value =
        |f: fn(&BookableAdmin) -> String, default: &str| i.as_ref().map_or(default.to_owned(), f);
    let vat = i.as_ref().map_or(2100, |i| i.vat_rate_bp);
    let (name, slug, description, price) = (
        value(|i| i.name.clone(), ""),
        value(|i| i.slug.clone(), ""),
        value(|i| i.description.clone(), ""),
        value(|i| euros(i.price_cents), ""),
    );
    let (name_en, description_en) = (
        value(|i| i.name_en.clone().unwrap_or_default(), ""),
        value(|i| i.description_en.clone().unwrap_or_default(), ""),
    );
    let cms = super::text::text();
    let (duration, slot, capacity, horizon, cancel) = (
        value(|i| i.duration_minutes.to_string(), "60"),
        value(|i| i.slot_minutes.to_string(), "60"),
        value(|i| i.capacity.to_string(), "1"),
        value(|i| i.horizon_days.to_string(), "60"),
        value(|i| i.cancel_hours.to_string(), "24"),
    );
    let id = i.as_ref().map(|i| i.id);
    let active = i.as_ref().is_none_or(|i| i.active);
    view! {
        {move || save.value().get().map(|r| match r {
            Ok(_) => view! { <p class="notice" role="status">{t.saved}</p> }.into_any(),
            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
        })}
        <ActionForm action=save attr:class="cms-bookable" attr:novalidate=true>
            {id.map(|id| view! { <input type="hidden" name="id" value=id/> })}
            <Field name="name" label=t.name required=true value=name server/>
            <Field name="slug" label=t.slug hint=t.slug_hint value=slug server/>
            <label class="field">
                <span class="label">{t.description}</span>
                <textarea name="description" rows="4">{description}</textarea>
            </label>
            <Field name="name_en" label=cms.name_en hint=cms.english_hint value=name_en server/>
            <label class="field">
                <span class="label">{cms.description_en}</span>
                <textarea name="description_en" rows="4" lang="en">{description_en}</textarea>
            </label>
            <Field name="price" label=t.price required=true value=price server/>
            <label class="field">
                <span class="label">{t.vat}</span>
                <select name="vat_rate">
                    {VAT_RATES_BP.into_iter().map(|bp| view! {
                        <option value=(bp / 100).to_string() selected=bp == vat>{format!("{}%", bp / 100)}</option>
                    }).collect_view()}
                </select>
            </label>
            <Field name="duration_minutes" label=t.duration kind="number" required=true value=duration server/>
            <Field name="slot_minutes" label=t.slot_minutes kind="number" required=true hint=t.slot_hint value=slot server/>
            <Field name="capacity" label=t.capacity kind="number" required=true hint=t.capacity_hint value=capacity server/>
            <Field name="horizon_days" label=t.horizon_days kind="number" required=true value=horizon server/>
            <Field name="cancel_hours" label=t.cancel_hours kind="number" required=true value=cancel server/>
            <label class="checkbox">
                <input type="checkbox" name="active" value="on" checked=active/>
                {t.active_hint}
            </label>
            <button type="submit" class="primary">{if id.is_some() { t.save } else { t.create }}</button>
        </ActionForm>
    }
}

#[component]
pub fn CmsBookablesPage() -> impl IntoView {
    let t = &BOOKINGS_NL;
    let items = Resource::new(|| (), |_| cms_bookables());
    view! {
        <h1>{t.items}</h1>
        <p><A href="/cms/bookings">{t.title}</A></p>
        {loaded(Wait::Suspense, items, move |items| view! {
            <table class="cms-bookables">
                <thead><tr><th>{t.name}</th><th>{t.price}</th><th>{t.duration}</th><th>{t.capacity}</th><th>{t.active}</th></tr></thead>
                <tbody>
                    {items.into_iter().map(|i| view! {
                        <tr>
                            <td><A href=format!("/cms/bookables/{}", i.id)>{i.name}</A></td>
                            <td>{price(i.price_cents)}</td>
                            <td>{i.duration_minutes} " " {t.minutes}</td>
                            <td>{i.capacity}</td>
                            <td>{if i.active { t.yes } else { t.no }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
        <h2>{t.new_item}</h2>
        <ItemForm item=None/>
    }
}

/// The first failure of any of the schedule's forms, as one message.
fn first_error(results: Vec<Option<Result<(), crate::error::AppError>>>) -> Option<AnyView> {
    results
        .into_iter()
        .flatten()
        .find_map(Result::err)
        .map(|e| {
            let message = e
                .fields()
                .and_then(|f| f.0.first())
                .map(|f| crate::i18n::field_message(&f.error))
                .unwrap_or_else(|| e.user_message());
            view! { <p class="error" role="alert">{message}</p> }.into_any()
        })
}

#[component]
fn Schedule(item: BookableAdmin, actions: ScheduleActions) -> impl IntoView {
    let t = &BOOKINGS_NL;
    let ScheduleActions {
        add_hours,
        delete_hours,
        add_date,
        delete_date,
        add_closure,
        delete_closure,
    } = actions;
    let hour_errors = field_errors(add_hours);
    let none = RwSignal::new(None);
    view! {
        <section class="booking-hours">
            <h2>{t.hours}</h2>
            <p class="hint">{t.hours_hint}</p>
            <table>
                <tbody>
                    {item.hours.into_iter().map(|h| view! {
                        <tr>
                            <td>{weekday_name(h.weekday)}</td>
                            <td>{h.opens} "–" {h.closes}</td>
                            <td>
                                <ActionForm action=delete_hours attr:class="inline">
                                    <input type="hidden" name="id" value=h.id/>
                                    <button type="submit" class="link">{t.remove}</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <ActionForm action=add_hours attr:class="inline add-hours" attr:novalidate=true>
                <input type="hidden" name="id" value=item.id/>
                <select name="weekday" aria-label=t.weekday>
                    {WEEKDAYS.iter().enumerate().map(|(n, d)| view! { <option value=n.to_string()>{*d}</option> }).collect_view()}
                </select>
                <input type="text" name="opens" placeholder="09:00" aria-label=t.opens size="5"/>
                <input type="text" name="closes" placeholder="17:00" aria-label=t.closes size="5"/>
                <button type="submit">{t.add}</button>
                <FieldMessage name="opens" local=none server=hour_errors/>
                <FieldMessage name="closes" local=none server=hour_errors/>
            </ActionForm>
        </section>
        <section class="booking-dates">
            <h2>{t.dates}</h2>
            <p class="hint">{t.dates_hint}</p>
            <ul>
                {item.dates.into_iter().map(|d| view! {
                    <li>
                        {local_date(d.starts_local)}
                        " "
                        <ActionForm action=delete_date attr:class="inline">
                            <input type="hidden" name="id" value=d.id/>
                            <button type="submit" class="link">{t.remove}</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            <ActionForm action=add_date attr:class="inline add-date" attr:novalidate=true>
                <input type="hidden" name="id" value=item.id/>
                <input type="date" name="date" aria-label=t.date/>
                <input type="time" name="time" aria-label=t.time/>
                <button type="submit">{t.add}</button>
            </ActionForm>
        </section>
        <section class="booking-closures">
            <h2>{t.closures}</h2>
            <p class="hint">{t.closures_hint}</p>
            <ul>
                {item.closures.into_iter().map(|c| view! {
                    <li>
                        {c.closed_on.format("%d-%m-%Y").to_string()}
                        {c.every_item.then(|| view! { " (" {t.every_item} ")" })}
                        " "
                        <ActionForm action=delete_closure attr:class="inline">
                            <input type="hidden" name="id" value=c.id/>
                            <button type="submit" class="link">{t.remove}</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            <ActionForm action=add_closure attr:class="inline add-closure" attr:novalidate=true>
                <input type="hidden" name="id" value=item.id/>
                <input type="date" name="date" aria-label=t.date/>
                <button type="submit">{t.add}</button>
            </ActionForm>
            <ActionForm action=add_closure attr:class="inline add-closure-all" attr:novalidate=true>
                <input type="date" name="date" aria-label=t.date/>
                <button type="submit">{t.add} " (" {t.every_item} ")"</button>
            </ActionForm>
        </section>
    }
}

#[derive(Clone, Copy)]
struct ScheduleActions {
    add_hours: ServerAction<CmsAddBookingHours>,
    delete_hours: ServerAction<CmsDeleteBookingHours>,
    add_date: ServerAction<CmsAddBookingDate>,
    delete_date: ServerAction<CmsDeleteBookingDate>,
    add_closure: ServerAction<CmsAddBookingClosure>,
    delete_closure: ServerAction<CmsDeleteBookingClosure>,
}

#[component]
pub fn CmsBookablePage() -> impl IntoView {
    let t = &BOOKINGS_NL;
    let id = id_param();
    let actions = ScheduleActions {
        add_hours: ServerAction::new(),
        delete_hours: ServerAction::new(),
        add_date: ServerAction::new(),
        delete_date: ServerAction::new(),
        add_closure: ServerAction::new(),
        delete_closure: ServerAction::new(),
    };
    let delete = ServerAction::<CmsDeleteBookable>::new();
    let item = Resource::new(
        move || {
            (
                id().unwrap_or(0),
                actions.add_hours.version().get(),
                actions.delete_hours.version().get(),
                actions.add_date.version().get(),
                actions.delete_date.version().get(),
                actions.add_closure.version().get(),
                actions.delete_closure.version().get(),
            )
        },
        |(id, ..)| cms_bookable(id),
    );
    let failure = move || {
        first_error(vec![
            actions.add_hours.value().get(),
            actions.delete_hours.value().get(),
            actions.add_date.value().get(),
            actions.delete_date.value().get(),
            actions.add_closure.value().get(),
            actions.delete_closure.value().get(),
            delete.value().get(),
        ])
    };
    view! {
        {failure}
        {loaded(Wait::Suspense, item, move |i| view! {
            <h1>{i.name.clone()}</h1>
            <ItemForm item=Some(i.clone())/>
            <Schedule item=i.clone() actions/>
            <section>
                <h2>{t.delete_item}</h2>
                <p class="hint">{t.delete_hint}</p>
                <ActionForm action=delete attr:class="inline">
                    <input type="hidden" name="id" value=i.id/>
                    <button type="submit" class="danger">{t.delete_item}</button>
                </ActionForm>
            </section>
        })}
        <p><A href="/cms/bookables">{t.items}</A></p>
    }
}
