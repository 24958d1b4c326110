//! The booking form on `/bookings/{slug}`: the month view with its slot
//! radios, the number of places, then the checkout's customer fields,
//! payment methods and "create an account". A plain form post without
//! JavaScript; with it (an island), the chosen slot and the total show as
//! you go.

use super::api::{get_bookable, BookSlot};
use super::models::BookableDetail;
use super::month::{Chosen, MonthTable};
use super::text::{cancel_rule, text};
use crate::forms::{
    field_errors, CreateAccountFields, CustomerFields, FieldMessage, FormProblem, IslandFormGuard,
    PaymentMethodChoice,
};
use crate::locale::price;
use crate::ui::refetch_on;
use crate::LazyIslandBody;
use leptos::prelude::*;

#[island(lazy)]
pub fn BookingForm(
    /// The item with the month shown.
    detail: BookableDetail,
    /// The month shown (`?maand=`), `None` for the current one.
    month: Option<String>,
    /// The form's signed start time (`forms::form_started`).
    started: Option<String>,
) -> impl IntoView {
    let t = text();
    let book = ServerAction::<BookSlot>::new();
    let server = field_errors(book);
    let chosen: Chosen = RwSignal::new(None);
    let places = RwSignal::new(1_i64);
    let slug = detail.slug.clone();
    let locale = crate::locale::Locale::current();
    // Read again after a refused booking: the slot may have filled up. Not
    // after a placed one: that is a page load (its confirmation), which
    // would cut the read off.
    let shown = RwSignal::new(detail.month.clone());
    let refused = RwSignal::new(0_usize);
    Effect::watch(
        move || book.value().with(|answer| matches!(answer, Some(Err(_)))),
        move |is_refused, _, _| {
            if *is_refused {
                refused.update(|n| *n += 1);
            }
        },
        false,
    );
    refetch_on(
        refused,
        {
            let slug = slug.clone();
            move || get_bookable(slug.clone(), month.clone(), locale)
        },
        move |again| {
            if let Ok(again) = again {
                shown.set(again.month);
            }
        },
    );
    let none = RwSignal::new(None);
    let max_places = detail.capacity.clamp(1, super::rules::MAX_PLACES);
    let unit = detail.price_cents;
    let guest = detail.profile.is_none();
    let table_slug = slug.clone();
    view! {
        <LazyIslandBody>
            <ActionForm action=book attr:class="booking" attr:novalidate=true>
                <IslandFormGuard started/>
                <FormProblem action=book/>
                <input type="hidden" name="slug" value=slug/>
                <fieldset class="slots">
                    <legend>{t.choose_slot}</legend>
                    <p class="hint">{t.choose_slot_hint}</p>
                    {move || view! { <MonthTable month=shown.get() slug=table_slug.clone() chosen/> }}
                    <FieldMessage name="slot" local=none server/>
                </fieldset>
                <label class="field">
                    <span class="label">{t.places}</span>
                    <input
                        type="number"
                        name="places"
                        id="places"
                        min="1"
                        max=max_places.to_string()
                        value="1"
                        on:input=move |ev| {
                            places.set(event_target_value(&ev).trim().parse().unwrap_or(0));
                        }
                    />
                    <FieldMessage name="places" local=none server/>
                </label>
                <CustomerFields server profile=detail.profile.clone() email=true/>
                <PaymentMethodChoice methods=detail.payment_methods.clone() server/>
                {guest.then(|| view! { <CreateAccountFields server/> })}
                <section class="summary booking-summary" aria-live="polite">
                    <h2>{t.summary}</h2>
                    <p class="chosen-slot">
                        {move || match chosen.get() {
                            Some((_, label)) => format!("{}: {label}", t.chosen),
                            None => t.no_slot_chosen.to_owned(),
                        }}
                    </p>
                    <p>
                        {t.total} ": "
                        <strong class="booking-total">
                            {move || price(unit * places.get().clamp(0, i64::from(max_places)))}
                        </strong>
                    </p>
                    <p class="hint">
                        {cancel_rule(detail.cancel_hours)}
                    </p>
                    <p class="hint">{crate::shop::text::text().privacy_note}</p>
                </section>
                <button type="submit" class="primary" disabled=move || book.pending().get()>
                    {move || if book.pending().get() { t.booking } else { t.book }}
                </button>
            </ActionForm>
        </LazyIslandBody>
    }
}
