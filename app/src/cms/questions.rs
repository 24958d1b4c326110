//! CMS screens for the questions from the contact form: the list (newest
//! first, by status) and one question with its asker's contact data, to
//! answer (by mail) or close. Viewing needs `customers.view`, answering and
//! closing `customers.edit`; the server checks both.

use super::api::{cms_question, cms_questions, CmsAnswerQuestion, CmsCloseQuestion};
use super::rules::Right;
use super::shell::allows;
use crate::contact::rules::QuestionStatus;
use crate::customer::CustomerKind;
use crate::forms::field_errors;
use crate::forms::FieldMessage;
use crate::ui::{date, id_param, loaded, query_number, ErrorMessage, Wait};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

pub struct QuestionsText {
    pub title: &'static str,
    pub all: &'static str,
    pub filter: &'static str,
    pub none: &'static str,
    pub when: &'static str,
    pub who: &'static str,
    pub question: &'static str,
    pub status: &'static str,
    pub asker: &'static str,
    pub prospect: &'static str,
    pub customer: &'static str,
    pub to_customer: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub company: &'static str,
    pub answer: &'static str,
    pub answer_hint: &'static str,
    pub send_answer: &'static str,
    pub answered: &'static str,
    pub answered_at: &'static str,
    pub close: &'static str,
    pub closed: &'static str,
    pub more: &'static str,
}

pub const QUESTIONS_NL: QuestionsText = QuestionsText {
    title: "Vragen",
    all: "Alle vragen",
    filter: "Tonen",
    none: "Geen vragen.",
    when: "Ontvangen",
    who: "Van",
    question: "Vraag",
    status: "Status",
    asker: "Vraagsteller",
    prospect: "geïnteresseerde (geen klant)",
    customer: "klant",
    to_customer: "Naar de klantgegevens",
    email: "E-mailadres",
    phone: "Telefoonnummer",
    company: "Bedrijfsnaam",
    answer: "Antwoord",
    answer_hint: "Wordt per e-mail naar de vraagsteller gestuurd en bewaard.",
    send_answer: "Antwoord versturen",
    answered: "Het antwoord is verstuurd.",
    answered_at: "Beantwoord op",
    close: "Vraag sluiten",
    closed: "De vraag is gesloten.",
    more: "Oudere vragen",
};

pub fn status_label(status: QuestionStatus) -> &'static str {
    match status {
        QuestionStatus::Open => "Open",
        QuestionStatus::Answered => "Beantwoord",
        QuestionStatus::Closed => "Gesloten",
    }
}

#[component]
pub fn CmsQuestionsPage() -> impl IntoView {
    let t = &QUESTIONS_NL;
    let query = use_query_map();
    let status = move || query.read().get("status").unwrap_or_default();
    let before = query_number(query, "before");
    let page = Resource::new(
        move || (status(), before()),
        |(s, b)| cms_questions(Some(s), b),
    );
    view! {
        <h1>{t.title}</h1>
        <Form method="GET" action="/cms/questions" attr:class="search question-filters">
            <select name="status" aria-label=t.filter>
                <option value="">{t.all}</option>
                {QuestionStatus::ALL.iter().map(|&s| view! {
                    <option value=s.as_str() selected=move || status() == s.as_str()>{status_label(s)}</option>
                }).collect_view()}
            </select>
            <button type="submit">{t.filter}</button>
        </Form>
        {loaded(Wait::Transition, page, move |p| {
            if p.rows.is_empty() {
                return view! { <p class="empty">{t.none}</p> }.into_any();
            }
            let more = p.next_before.map(|n| {
                let href = format!("/cms/questions?status={}&before={n}", status());
                view! { <A href=href attr:class="more">{t.more}</A> }
            });
            view! {
                <table class="cms-questions">
                    <thead><tr><th>{t.when}</th><th>{t.who}</th><th>{t.question}</th><th>{t.status}</th></tr></thead>
                    <tbody>
                        {p.rows.into_iter().map(|q| view! {
                            <tr>
                                <td><A href=format!("/cms/questions/{}", q.id)>{date(q.created_at)}</A></td>
                                <td>{q.name}</td>
                                <td>{q.excerpt}</td>
                                <td>{status_label(q.status)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {more}
            }
            .into_any()
        })}
    }
}

#[component]
pub fn CmsQuestionPage() -> impl IntoView {
    let t = &QUESTIONS_NL;
    let id = id_param();
    let answer = ServerAction::<CmsAnswerQuestion>::new();
    let close = ServerAction::<CmsCloseQuestion>::new();
    let question = Resource::new(
        move || {
            (
                id().unwrap_or(0),
                answer.version().get(),
                close.version().get(),
            )
        },
        |(id, _, _)| cms_question(id),
    );
    let server = field_errors(answer);
    let none = RwSignal::new(None);
    let can_edit = allows(Right::CustomersEdit);
    let can_see_customers = allows(Right::CustomersView);
    view! {
        {move || answer.value().get().map(|r| match r {
            Ok(_) => view! { <p class="notice" role="status">{t.answered}</p> }.into_any(),
            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
        })}
        {move || close.value().get().map(|r| match r {
            Ok(_) => view! { <p class="notice" role="status">{t.closed}</p> }.into_any(),
            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
        })}
        {loaded(Wait::Transition, question, move |q| view! {
            <h1>{t.question} " #" {q.id}</h1>
            <dl class="order-facts question-facts">
                <dt>{t.status}</dt><dd class="question-status">{status_label(q.status)}</dd>
                <dt>{t.when}</dt><dd>{date(q.created_at)}</dd>
                <dt>{t.asker}</dt>
                <dd>
                    {q.name.clone()} " (" {if q.customer_kind == CustomerKind::Prospect { t.prospect } else { t.customer }} ")"
                    {can_see_customers.then(|| view! {
                        " · " <A href=format!("/cms/customers/{}", q.customer_id)>{t.to_customer}</A>
                    })}
                </dd>
                <dt>{t.email}</dt><dd class="question-email">{q.email.clone()}</dd>
                {q.phone.clone().map(|p| view! { <dt>{t.phone}</dt><dd>{p}</dd> })}
                {q.company_name.clone().map(|c| view! { <dt>{t.company}</dt><dd>{c}</dd> })}
            </dl>
            <p class="record-locale">{super::text::language_line(q.locale)}</p>
            <h2>{t.question}</h2>
            <blockquote class="question-body">{q.body.clone()}</blockquote>
            {q.answer.clone().map(|a| view! {
                <h2>{t.answer}</h2>
                <p class="hint">{t.answered_at} " " {q.answered_at.map(date).unwrap_or_default()}</p>
                <blockquote class="question-answer">{a}</blockquote>
            })}
            {(can_edit && q.can_answer).then(|| view! {
                <h2>{t.answer}</h2>
                <ActionForm action=answer attr:class="cms-answer" attr:novalidate=true>
                    <input type="hidden" name="id" value=q.id/>
                    <label class="field">
                        <span class="label">{t.answer}</span>
                        <textarea name="answer" id="answer" rows="10" required aria-describedby="answer-error"></textarea>
                        <small class="hint">{t.answer_hint}</small>
                        <FieldMessage name="answer" local=none server/>
                    </label>
                    <button type="submit" class="primary">{t.send_answer}</button>
                </ActionForm>
            })}
            {(can_edit && q.can_close).then(|| view! {
                <ActionForm action=close attr:class="cms-close-question">
                    <input type="hidden" name="id" value=q.id/>
                    <button type="submit">{t.close}</button>
                </ActionForm>
            })}
        })}
        <p><A href="/cms/questions">{t.title}</A></p>
    }
}
