//! Leptos.toml (read by the deployed binary) must agree with the
//! `[[workspace.metadata.leptos]]` section of Cargo.toml (read by
//! cargo-leptos at build time); otherwise the binary looks for its wasm and
//! css where the build did not put them.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read_toml(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn leptos_toml_agrees_with_cargo_metadata() {
    let runtime = read_toml(&root().join("Leptos.toml"));
    let runtime = runtime["package"]["metadata"]["leptos"]
        .as_table()
        .expect("[package.metadata.leptos] in Leptos.toml");
    let cargo = read_toml(&root().join("Cargo.toml"));
    let build = cargo["workspace"]["metadata"]["leptos"]
        .as_array()
        .expect("[[workspace.metadata.leptos]] in Cargo.toml");
    let build = build[0].as_table().expect("a table");

    for key in [
        "output-name",
        "site-root",
        "site-pkg-dir",
        "site-addr",
        "reload-port",
    ] {
        assert!(runtime.contains_key(key), "Leptos.toml lacks {key}");
        assert_eq!(
            runtime.get(key),
            build.get(key),
            "{key} differs between Leptos.toml and Cargo.toml"
        );
    }
}

#[test]
fn leptos_toml_is_what_the_server_loads() {
    let path = root().join("Leptos.toml");
    let conf = leptos::config::get_configuration(path.to_str()).expect("Leptos.toml loads");
    assert_eq!(&*conf.leptos_options.output_name, "winkel");
    assert_eq!(&*conf.leptos_options.site_pkg_dir, "pkg");
}
