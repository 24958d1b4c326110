//! The built files a page links: the stylesheet and the islands' module and
//! wasm, under the hashed names of a release build (`hash-files`), and the
//! script that wakes the islands.
//!
//! Leptos's `HashedStylesheet` and `HydrationScripts` read the hash file
//! from disk for every page (together a twelfth of a rendered page's CPU,
//! issue 13), and `HydrationScripts` preloads the wasm at high priority
//! beside the stylesheet: on a phone that held back the largest paint. A
//! build does not change while its server runs, so the names are read once
//! per set of options (one in a server; the tests start shops with sites
//! of their own in one process), and the wasm is fetched by
//! `islands_loader.js` once the page has loaded.

use leptos::prelude::*;
use std::sync::Arc;

/// The file names (without extension) of one build's stylesheet, module
/// and wasm in the pkg folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltNames {
    pub css: String,
    pub js: String,
    pub wasm: String,
}

impl BuiltNames {
    /// The names cargo-leptos gives: `output-name` with the hash of each
    /// file from the hash file's `css:`, `js:` and `wasm:` lines, the plain
    /// name where a line (or the file) is missing.
    pub fn from_hash_file(output_name: &str, hashes: Option<&str>) -> Self {
        let hashed = |kind: &str| {
            hashes
                .and_then(|text| {
                    text.lines().find_map(|line| {
                        let (file, hash) = line.trim().split_once(':')?;
                        (file == kind).then(|| format!("{output_name}.{}", hash.trim()))
                    })
                })
                .unwrap_or_else(|| output_name.to_owned())
        };
        Self {
            css: hashed("css"),
            js: hashed("js"),
            wasm: hashed("wasm"),
        }
    }
}

/// What a page links of one build: worked out once per set of options, as
/// a page is rendered many times a second and only the nonce differs.
#[derive(Debug)]
struct BuiltAssets {
    /// The options that decide the names: `hash-files`, the hash file, the
    /// output name and the pkg folder.
    hash_files: bool,
    hash_file: Arc<str>,
    output_name: Arc<str>,
    site_pkg_dir: Arc<str>,
    /// `/pkg/winkel[.HASH].css`.
    stylesheet_href: String,
    /// The loader and its call with the module's and the wasm's paths.
    loader_call: String,
}

impl BuiltAssets {
    fn new(options: &LeptosOptions) -> Self {
        let names = built_names(options);
        let pkg = &options.site_pkg_dir;
        Self {
            hash_files: options.hash_files,
            hash_file: options.hash_file.clone(),
            output_name: options.output_name.clone(),
            site_pkg_dir: options.site_pkg_dir.clone(),
            stylesheet_href: format!("/{pkg}/{}.css", names.css),
            loader_call: format!(
                "({})({:?}, {:?});",
                loader_script(),
                format!("/{pkg}/{}.js", names.js),
                format!("/{pkg}/{}.wasm", names.wasm),
            ),
        }
    }

    fn built_for(&self, options: &LeptosOptions) -> bool {
        self.hash_files == options.hash_files
            && self.hash_file == options.hash_file
            && self.output_name == options.output_name
            && self.site_pkg_dir == options.site_pkg_dir
    }
}

/// The assets of the build these options describe, worked out once (one
/// set of options in a server; the tests start shops with sites of their
/// own in one process, so a short list, searched without allocating).
fn built_assets(options: &LeptosOptions) -> Arc<BuiltAssets> {
    use std::sync::{OnceLock, RwLock};
    static BUILDS: OnceLock<RwLock<Vec<Arc<BuiltAssets>>>> = OnceLock::new();
    let builds = BUILDS.get_or_init(Default::default);
    let known = |builds: &[Arc<BuiltAssets>]| {
        builds
            .iter()
            .find(|assets| assets.built_for(options))
            .cloned()
    };
    if let Some(assets) = builds.read().ok().and_then(|builds| known(&builds)) {
        return assets;
    }
    let assets = Arc::new(BuiltAssets::new(options));
    if let Ok(mut builds) = builds.write() {
        if let Some(first) = known(&builds) {
            return first;
        }
        builds.push(assets.clone());
    }
    assets
}

/// The names of the build these options describe, from its hash file.
fn built_names(options: &LeptosOptions) -> BuiltNames {
    let mut found = BuiltNames::from_hash_file(&options.output_name, hash_file(options).as_deref());
    // wasm-bindgen's own name, unless cargo-leptos (which sets this while it
    // builds) renamed the file.
    if !options.hash_files && option_env!("LEPTOS_OUTPUT_NAME").is_none() {
        found.wasm.push_str("_bg");
    }
    found
}

/// The hash file cargo-leptos writes next to the server binary (with
/// hash-files); `None` without hash-files, in the browser, or when missing.
fn hash_file(options: &LeptosOptions) -> Option<String> {
    #[cfg(feature = "ssr")]
    if options.hash_files {
        let exe = std::env::current_exe().ok()?;
        return std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok();
    }
    let _ = options;
    None
}

/// `/pkg/winkel[.HASH].css`.
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    built_assets(options).stylesheet_href.clone()
}

/// The module script that wakes the page's islands once it has loaded
/// (`islands_loader.js`). In the document's head.
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // What Leptos's `HydrationScripts` tells the renderer in islands mode:
    // the page is server HTML, only the islands in it hydrate.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let call = built_assets(&options).loader_call.clone();
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{call}</script> }
}

/// `islands_loader.js` as sent with every page: without its comments and
/// indentation (a few hundred bytes less per page).
fn loader_script() -> &'static str {
    static SCRIPT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SCRIPT.get_or_init(|| {
        include_str!("islands_loader.js")
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_is_sent_without_its_comments() {
        let script = loader_script();
        assert!(!script.contains("//"), "{script}");
        assert!(script.starts_with("((js, wasm) => {"), "{script}");
        assert!(script.trim_end().ends_with("})"), "{script}");
        assert!(script.contains("__hydrateIsland"));
    }

    #[test]
    fn a_page_links_the_files_of_its_own_build() {
        let options = LeptosOptions::builder().output_name("winkel-a").build();
        let first = built_assets(&options);
        assert!(
            Arc::ptr_eq(&first, &built_assets(&options.clone())),
            "worked out once"
        );
        assert_eq!(stylesheet_href(&options), "/pkg/winkel-a.css");
        assert!(
            first
                .loader_call
                .starts_with(&format!("({})(", loader_script())),
            "{}",
            first.loader_call
        );
        assert!(
            first
                .loader_call
                .contains(r#"("/pkg/winkel-a.js", "/pkg/winkel-a"#),
            "{}",
            first.loader_call
        );
        let other = LeptosOptions::builder().output_name("winkel-b").build();
        assert_eq!(stylesheet_href(&other), "/pkg/winkel-b.css");
        assert_eq!(stylesheet_href(&options), "/pkg/winkel-a.css");
    }

    #[test]
    fn a_release_build_names_each_file_by_its_hash() {
        let hashes = "js: abc123\nwasm: def456\ncss: 0f0f\nmanifest: 9999\nsplit: 8888\n";
        assert_eq!(
            BuiltNames::from_hash_file("winkel", Some(hashes)),
            BuiltNames {
                css: "winkel.0f0f".into(),
                js: "winkel.abc123".into(),
                wasm: "winkel.def456".into(),
            }
        );
    }

    #[test]
    fn a_build_without_hashes_uses_the_plain_names() {
        let plain = BuiltNames {
            css: "winkel".into(),
            js: "winkel".into(),
            wasm: "winkel".into(),
        };
        assert_eq!(BuiltNames::from_hash_file("winkel", None), plain);
    }

    #[test]
    fn a_hash_file_without_a_line_leaves_that_name_plain() {
        let names = BuiltNames::from_hash_file("winkel", Some("js: abc\n"));
        assert_eq!(names.js, "winkel.abc");
        assert_eq!(names.css, "winkel");
        assert_eq!(names.wasm, "winkel");
    }
}
