//! The member's own password, changed at any time (AVG-11): the other
//! sessions of the member end, this one goes on.

use super::api::CmsChangePassword;
use super::text::text;
use crate::forms::{field_errors, Field};
use crate::ui::ErrorMessage;
use leptos::prelude::*;

#[component]
pub fn CmsPasswordPage() -> impl IntoView {
    let t = text();
    let change = ServerAction::<CmsChangePassword>::new();
    let server = field_errors(change);
    view! {
        <h1>{t.my_password}</h1>
        <p>{t.my_password_intro}</p>
        {move || change.value().get().map(|r| match r {
            Ok(()) => view! { <p class="notice" role="status">{t.password_changed}</p> }.into_any(),
            Err(e) if e.fields().is_some() => ().into_any(),
            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
        })}
        <ActionForm action=change attr:class="cms-password" attr:novalidate=true>
            <Field name="current_password" label=t.current_password kind="password" required=true autocomplete="current-password" server/>
            <Field name="new_password" label=t.new_password kind="password" required=true autocomplete="new-password" hint=t.staff_password_hint server/>
            <button type="submit" class="primary">{t.save}</button>
        </ActionForm>
    }
}
