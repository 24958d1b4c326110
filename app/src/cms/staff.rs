//! Staff members: their rights, locking them out (AVG-11) and adding new
//! ones.

use super::api::{
    cms_staff, CmsCreateStaff, CmsForcePasswordChange, CmsResetSecondFactor, CmsSetLocked,
    CmsSetRights,
};
use super::models::StaffView;
use super::rules::Right;
use super::security::SECURITY_NL;
use super::shell;
use super::text::{right_label, text};
use crate::error::AppError;
use crate::forms::{field_errors, Field, FieldMessage};
use crate::i18n::field_message;
use crate::ui::{loaded, ErrorMessage, Wait};
use leptos::prelude::*;

#[component]
fn RightsBoxes(#[prop(default = Vec::new())] granted: Vec<Right>) -> impl IntoView {
    view! {
        <div class="rights">
            {Right::ALL.into_iter().map(|r| view! {
                <label class="checkbox">
                    <input type="checkbox" name="rights[]" value=r.as_str() checked=granted.contains(&r)/>
                    {right_label(r)}
                </label>
            }).collect_view()}
        </div>
    }
}

#[component]
fn StaffRow(
    member: StaffView,
    set_rights: ServerAction<CmsSetRights>,
    set_locked: ServerAction<CmsSetLocked>,
    force_password: ServerAction<CmsForcePasswordChange>,
    reset_second_factor: ServerAction<CmsResetSecondFactor>,
) -> impl IntoView {
    let t = text();
    let me = shell::member();
    let editable = !member.is_owner && Some(member.id) != me.as_ref().map(|m| m.id);
    let i_am_owner = me.is_some_and(|m| m.is_owner);
    view! {
        <tr class="staff-row">
            <td>
                {member.email.clone()}
                {member.is_owner.then(|| view! { " (" {t.owner} ")" })}
                {member.locked.then(|| view! { <strong class="locked">" " {t.locked}</strong> })}
                {member.second_factor.then(|| view! { <span class="second-factor">" · " {SECURITY_NL.marker}</span> })}
            </td>
            <td>
                {if editable {
                    view! {
                        <ActionForm action=set_rights attr:class="staff-rights">
                            <input type="hidden" name="id" value=member.id/>
                            <RightsBoxes granted=member.rights.clone()/>
                            <button type="submit">{t.save}</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <span>{if member.is_owner { "alle rechten".to_owned() } else { member.rights.iter().map(|r| right_label(*r)).collect::<Vec<_>>().join(", ") }}</span> }.into_any()
                }}
            </td>
            <td>
                {editable.then(|| view! {
                    <ActionForm action=set_locked attr:class="staff-lock">
                        <input type="hidden" name="id" value=member.id/>
                        <input type="hidden" name="locked" value=(!member.locked).to_string()/>
                        // A lock means "suspected leak": unlocking sets a
                        // new first password.
                        {member.locked.then(|| view! {
                            <label>
                                <span class="label">{t.unlock_password}</span>
                                <input type="password" name="password" required autocomplete="new-password"/>
                            </label>
                        })}
                        <button type="submit" class:danger=!member.locked>{if member.locked { t.unlock } else { t.lock }}</button>
                    </ActionForm>
                })}
                {(editable && i_am_owner && !member.locked).then(|| view! {
                    <ActionForm action=force_password attr:class="staff-force-password">
                        <input type="hidden" name="id" value=member.id/>
                        <button type="submit" class="link">{t.force_password}</button>
                    </ActionForm>
                })}
                {(editable && i_am_owner && member.second_factor).then(|| view! {
                    <ActionForm action=reset_second_factor attr:class="staff-reset-second-factor">
                        <input type="hidden" name="id" value=member.id/>
                        <button type="submit" class="link">{SECURITY_NL.reset}</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

#[component]
pub fn CmsStaffPage() -> impl IntoView {
    let t = text();
    let create = ServerAction::<CmsCreateStaff>::new();
    let set_rights = ServerAction::<CmsSetRights>::new();
    let set_locked = ServerAction::<CmsSetLocked>::new();
    let force_password = ServerAction::<CmsForcePasswordChange>::new();
    let reset_second_factor = ServerAction::<CmsResetSecondFactor>::new();
    let list = Resource::new(
        move || {
            (
                create.version().get(),
                set_rights.version().get(),
                set_locked.version().get(),
                force_password.version().get(),
                reset_second_factor.version().get(),
            )
        },
        |_| cms_staff(),
    );
    let server = field_errors(create);
    let failure = move || {
        [
            set_rights.value().get(),
            set_locked.value().get(),
            force_password.value().get(),
            reset_second_factor.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::err)
        .map(|e| match e {
            // A right the member may not grant: say which rule, not
            // "check the marked fields" (a row has no field to mark).
            AppError::Validation(fields) => {
                let said: Vec<String> = fields.0.iter().map(|f| field_message(&f.error)).collect();
                view! { <p class="error" role="alert">{said.join(" ")}</p> }.into_any()
            }
            e => view! { <ErrorMessage error=e/> }.into_any(),
        })
    };
    view! {
        <h1>{t.staff}</h1>
        {failure}
        {loaded(Wait::Transition, list, move |members| view! {
            <table class="cms-staff">
                <thead><tr><th>{t.email}</th><th>{t.rights}</th><th></th></tr></thead>
                <tbody>
                    {members.into_iter().map(|m| view! { <StaffRow member=m set_rights set_locked force_password reset_second_factor/> }).collect_view()}
                </tbody>
            </table>
        })}
        <h2>{t.new_staff}</h2>
        {move || create.value().get().map(|r| match r {
            Ok(_) => view! { <p class="notice" role="status">{t.staff_created}</p> }.into_any(),
            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
        })}
        <ActionForm action=create attr:class="cms-create-staff" attr:novalidate=true>
            <Field name="email" label=t.email kind="email" required=true server/>
            <Field name="password" label=t.password kind="password" required=true autocomplete="new-password" hint=t.staff_password_hint server/>
            <fieldset>
                <legend>{t.rights}</legend>
                <RightsBoxes/>
                <FieldMessage name="rights" local=RwSignal::new(None) server/>
            </fieldset>
            <button type="submit">{t.create}</button>
        </ActionForm>
    }
}
