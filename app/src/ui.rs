//! Screen scaffolding shared by the shop and the CMS: an error message,
//! the loading line, dates as staff read them, the id in the path, the
//! `Suspense` (or `Transition`) that shows a server function's result once
//! it is there, and how an island follows a change (`refetch_on`).

use crate::error::AppError;
use crate::i18n;
use crate::layout::NotFound;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use leptos_router::params::ParamsMap;
use std::future::Future;
use std::sync::Arc;

#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    // A page whose data could not be read because the database is away
    // answers 503 with Retry-After (crawlers and monitors see it; the
    // visitor reads the sentence). Pages rendered in full before they are
    // sent (SsrMode::Async: the shop's) can still set their status here.
    #[cfg(feature = "ssr")]
    if let (Some(options), AppError::Unavailable { retry_after_secs }) =
        (use_context::<leptos_axum::ResponseOptions>(), &error)
    {
        options.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
        options.insert_header(http::header::RETRY_AFTER, (*retry_after_secs).into());
    }
    view! { <p class="error" role="alert">{error.user_message()}</p> }
}

/// In the browser, calls `fetch` each time `changed` moves and hands its
/// answer to `then`: how an island follows a change made elsewhere on the
/// page (a page signal such as `shop::cart_changed`, or an action's
/// `version`). The island starts from what the server rendered, passed in
/// its props: it holds no resource, whose serialized data would have to be
/// matched to the islands by the order they were made in. An answer that a
/// newer change overtook is dropped, so the last change wins.
pub fn refetch_on<T, Fut>(
    changed: RwSignal<usize>,
    fetch: impl Fn() -> Fut + 'static,
    then: impl Fn(T) + Clone + 'static,
) where
    T: 'static,
    Fut: Future<Output = T> + 'static,
{
    // Effects run only in the browser, after hydration.
    Effect::watch(
        move || changed.get(),
        move |version, _, _| {
            let (version, answer, then) = (*version, fetch(), then.clone());
            leptos::task::spawn_local(async move {
                let answer = answer.await;
                if changed.get_untracked() == version {
                    then(answer);
                }
            });
        },
        false,
    );
}

pub fn loading() -> impl IntoView {
    view! { <p>{i18n::layout().loading}</p> }
}

/// A stored (UTC) moment as the shop's clock in Amsterdam showed it: the
/// time staff expect to read.
pub fn date(utc: chrono::NaiveDateTime) -> String {
    local_date(crate::clock::amsterdam_local(utc))
}

/// A moment already in the shop's time (a booking's start).
pub fn local_date(local: chrono::NaiveDateTime) -> String {
    local.format("%d-%m-%Y %H:%M").to_string()
}

/// The `:id` of the current path as a number; `None` when it is missing or
/// not a number. Call it at the top of a component.
pub fn id_param() -> impl Fn() -> Option<i32> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i32>().ok())
    }
}

/// The query parameter `name` as a number (where a list goes on); `None`
/// when it is missing or not a number.
pub fn query_number(
    query: Memo<ParamsMap>,
    name: &'static str,
) -> impl Fn() -> Option<i32> + Copy + Send + Sync + 'static {
    move || query.read().get(name).and_then(|n| n.parse::<i32>().ok())
}

/// What a screen shows for a loaded result: `ok` for the data, the
/// not-found page for `NotFound`, the error's message for any other error.
pub fn outcome<T, V>(result: Result<T, AppError>, ok: impl FnOnce(T) -> V) -> AnyView
where
    V: IntoView + 'static,
{
    match result {
        Ok(value) => ok(value).into_any(),
        Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
    }
}

/// The view of `resource` once it has loaded, shown by [`outcome`]; to go
/// inside a `Suspense` or `Transition`.
fn awaited<T, V>(
    resource: Resource<Result<T, AppError>>,
    ok: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl Fn() -> Suspend<AnyView> + Send + Sync + 'static
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let ok = Arc::new(ok);
    move || {
        let ok = Arc::clone(&ok);
        Suspend::new(async move { outcome(resource.await, |value| ok(value)) })
    }
}

/// How a screen waits for its data: a `Suspense` shows "loading" every
/// time, a `Transition` keeps the old view while it reloads.
#[derive(Clone, Copy)]
pub enum Wait {
    Suspense,
    Transition,
}

/// `resource` shown by [`outcome`] once it has loaded; until then
/// "loading" (or, in a `Transition` that reloads, the view it had).
pub fn loaded<T, V>(
    wait: Wait,
    resource: Resource<Result<T, AppError>>,
    ok: impl Fn(T) -> V + Send + Sync + 'static,
) -> AnyView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let shown = awaited(resource, ok);
    match wait {
        Wait::Suspense => view! { <Suspense fallback=loading>{shown}</Suspense> }.into_any(),
        Wait::Transition => view! { <Transition fallback=loading>{shown}</Transition> }.into_any(),
    }
}
