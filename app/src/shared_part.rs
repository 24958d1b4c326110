//! Parts of a page that are the same for every visitor, rendered once and
//! copied into the pages of visitors with a session.
//!
//! A page for a visitor with a cart or a login is rendered for them (the
//! anonymous page cache never answers it), but most of it is not theirs:
//! the catalogue grid with its 24 cards and add-to-cart islands, a
//! product's article. Those parts are kept as HTML in the page cache
//! (`ssr::page_cache`, same lifetime, cleared by the same catalogue
//! change) and the page renders only what is the visitor's own (the
//! header's cart count and name, the cart). Issue 13: a rendered `/` cost
//! three times a cart page, nearly all of it the grid.
//!
//! Only what cannot differ between visitors is kept: a key names the page
//! part, its language and its one parameter; a page with any other query
//! (a search, a form's error sent back as `__err`) renders as before. A
//! part that holds the response's CSP nonce is never kept.
//!
//! Server HTML only: with islands, these parts never run in the browser
//! (their islands hydrate from the HTML, which is byte for byte what a
//! render writes).

use leptos::prelude::*;
use leptos_router::params::ParamsMap;

/// A part's cache key, `None` when the page may not share it.
pub type PartKey = Option<String>;

/// Shows a part kept under `key`, with the page title it set.
pub fn kept(key: &PartKey) -> Option<AnyView> {
    #[cfg(feature = "ssr")]
    {
        let part = page_cache()?.part(key.as_deref()?)?;
        Some(show(part.title, part.html.to_string()))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = key;
        None
    }
}

/// The page cache's generation: take it before reading the part's data.
pub fn generation() -> u64 {
    #[cfg(feature = "ssr")]
    {
        page_cache().map_or(0, |cache| cache.generation())
    }
    #[cfg(not(feature = "ssr"))]
    0
}

/// The page cache from the state in context, without cloning the whole
/// state (as `ssr::db` does): a page with a session asks three times.
#[cfg(feature = "ssr")]
pub(crate) fn page_cache() -> Option<std::sync::Arc<crate::ssr::page_cache::PageCache>> {
    with_context::<crate::ssr::AppState, _>(|state| state.page_cache.clone())
}

/// A part as HTML the browser takes as it is (outside any island, so
/// nothing hydrates it), with the page title it sets.
#[cfg(feature = "ssr")]
fn show(title: Option<String>, html: String) -> AnyView {
    let title = title.map(|text| view! { <leptos_meta::Title text=text/> });
    view! { {title} {leptos::tachys::html::InertElement::new(html)} }.into_any()
}

/// Renders `part` now and shows it; keeps its HTML under `key` unless the
/// catalogue changed since `generation`. `title` is the page title the part
/// sets, shown again with every copy.
pub fn keep(key: PartKey, generation: u64, title: Option<String>, part: AnyView) -> AnyView {
    #[cfg(feature = "ssr")]
    if let (Some(key), Some(cache)) = (key, page_cache()) {
        let html = part.to_html();
        let holds_nonce = leptos::nonce::use_nonce()
            .is_some_and(|nonce| html.contains(nonce.as_inner().as_ref()));
        if !holds_nonce {
            cache.put_part(
                generation,
                key,
                crate::ssr::page_cache::SharedPart {
                    title: title.clone(),
                    html: html.as_str().into(),
                },
            );
        }
        return show(title, html);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = (key, generation);
    let title = title.map(|text| view! { <leptos_meta::Title text=text/> });
    view! { {title} {part} }.into_any()
}

/// The key of a page part whose only parameter is `param` (and the page's
/// language), when the request's query names nothing else.
pub fn key_for(part: &str, param: &str, query: &ParamsMap, allowed: &[&str]) -> PartKey {
    query
        .into_iter()
        .all(|(k, _)| allowed.contains(&k.as_ref()))
        .then(|| {
            format!(
                "{part}|{}|{param}",
                crate::locale::Locale::current().as_str()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(keys: &[&str]) -> ParamsMap {
        keys.iter()
            .map(|k| (k.to_string(), "x".to_string()))
            .collect()
    }

    #[test]
    fn a_query_beyond_the_part_parameter_is_never_shared() {
        let owner = Owner::new();
        owner.with(|| {
            let allowed = ["category"];
            assert!(key_for("catalogue", "", &query(&[]), &allowed).is_some());
            assert!(key_for("catalogue", "x", &query(&["category"]), &allowed).is_some());
            assert!(key_for("catalogue", "", &query(&["q"]), &allowed).is_none());
            assert!(key_for("catalogue", "x", &query(&["category", "__err"]), &allowed).is_none());
            assert_ne!(
                key_for("catalogue", "koffie", &query(&[]), &[]),
                key_for("catalogue", "thee", &query(&[]), &[])
            );
            assert_ne!(
                key_for("catalogue", "", &query(&[]), &[]),
                key_for("product", "", &query(&[]), &[])
            );
        });
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_language_is_part_of_the_key() {
        let owner = Owner::new();
        owner.with(|| {
            let dutch = key_for("product", "thee", &query(&[]), &[]);
            provide_context(crate::locale::Locale::En);
            assert_ne!(dutch, key_for("product", "thee", &query(&[]), &[]));
        });
    }
}
