//! The Markdown renderer keeps its promise for any input: only the
//! elements and attributes it may write, no script, no event attribute,
//! only safe link targets (issue 18, hostile input).

use super::*;
use crate::ssr::markdown::to_safe_html;

/// The elements pulldown-cmark writes for the options the shop uses;
/// raw HTML in the source is never passed through.
const TAGS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "code",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "del",
    "a",
    "img",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];
const ATTRIBUTES: &[&str] = &["href", "src", "alt", "title", "start", "style", "class"];

fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Where a link or image may point (the module's promise).
fn safe_target(url: &str) -> bool {
    let lower = unescape(url).trim().to_ascii_lowercase();
    lower.is_empty()
        || lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('/') && !lower.starts_with("//") && !lower.starts_with("/\\"))
        || lower.starts_with('#')
}

/// Reads every tag of `html` and checks its name, attributes and
/// link targets; text between tags is escaped by construction.
fn assert_safe(source: &str, html: &str) {
    let short = || source.chars().take(80).collect::<String>();
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "{}",
        short()
    );
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..]
            .find('>')
            .unwrap_or_else(|| panic!("unclosed tag for {:?}", short()));
        let tag = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        let tag = tag
            .strip_prefix('/')
            .unwrap_or(tag)
            .trim_end_matches('/')
            .trim();
        let (name, mut attributes) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(TAGS.contains(&name), "element <{name}> from {:?}", short());
        while let Some(eq) = attributes.find("=\"") {
            let attribute = attributes[..eq].trim();
            let value_end = attributes[eq + 2..]
                .find('"')
                .unwrap_or_else(|| panic!("unclosed attribute in {tag:?}"));
            let value = &attributes[eq + 2..eq + 2 + value_end];
            assert!(
                ATTRIBUTES.contains(&attribute),
                "attribute {attribute}= in <{name}> from {:?}",
                short()
            );
            if attribute == "href" || attribute == "src" {
                assert!(
                    safe_target(value),
                    "{attribute}={value:?} from {:?}",
                    short()
                );
            }
            attributes = &attributes[eq + 2 + value_end + 1..];
        }
        // Bare attributes: only a task list's checkbox would have one,
        // and task lists are off.
        assert!(
            attributes.trim().is_empty(),
            "left {attributes:?} in <{name}>"
        );
    }
}

/// Markdown shaped to reach the renderer's corners: links and images
/// to every kind of target, raw HTML, nesting.
fn hostile_markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        hostile_text_up_to(10_000),
        prop::sample::select(vec![
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x]( javascript:alert(1))",
            "[x](<javascript:alert(1)>)",
            "[x](/\\evil.example)",
            "[x](</\t/evil.example>)",
            "[x](//evil.example)",
            "![x](data:text/html,<script>alert(1)</script>)",
            "[x]: javascript:alert(1)\n\n[x]",
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\" onclick=\"x()\">y</a>",
            "<!-- x --><svg onload=alert(1)>",
            "`<script>`",
            "```\"><script>\nx\n```",
            "| a | b |\n|:-|-:|\n| <b onmouseover=x> | c |",
            "> > > quote",
            "* [ ] task",
            "1. one\n2. two",
            "[x](https://ok.example \"t\\\" onmouseover=\\\"x\")",
            "<https://auto.example>",
            "<javascript:alert(1)>",
            "&lt;script&gt;",
            "~~del~~ **b** _i_",
            "\n",
        ])
        .prop_map(String::from),
    ];
    prop::collection::vec(piece, 1..8).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn markdown_never_lets_a_script_through(source in hostile_markdown()) {
        assert_safe(&source, &to_safe_html(&source));
    }
}

/// Deep nesting and a megabyte: no stack overflow, no panic, the same
/// promise.
#[test]
fn markdown_deep_and_huge() {
    for c in [">", "[", "*", "- ", "<", "`", "![", "](", "1. "] {
        let source = c.repeat(10_000);
        assert_safe(&source[..40], &to_safe_html(&source));
    }
    let big = "[x](javascript:alert(1)) **b** <script> ".repeat(1 << 20 >> 5);
    assert_safe(&big[..40], &to_safe_html(&big));
}
