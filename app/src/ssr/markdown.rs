//! Markdown of CMS pages to safe HTML. Raw HTML in the source is shown as
//! text, never passed through; links and images may only point to http(s),
//! mailto or the shop itself. What staff type can therefore never run a
//! script in a customer's browser (AVG-19: no code injection).

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('/') && !lower.starts_with("//"))
        || lower.starts_with('#')
}

pub fn to_safe_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .map(|event| match event {
        // Raw HTML becomes visible text.
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::from("#"),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::from(""),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown() {
        let html =
            to_safe_html("# Over ons\n\nWij zijn **Winkel**. [Contact](mailto:info@winkel.nl)");
        assert!(html.contains("<h1>Over ons</h1>") && html.contains("<strong>Winkel</strong>"));
        assert!(html.contains(r#"href="mailto:info@winkel.nl""#));
    }

    #[test]
    fn no_script_gets_through() {
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[klik](javascript:alert(1))",
            "![x](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "[x](//evil.example/)",
            "<iframe src=https://evil.example></iframe>",
        ] {
            let html = to_safe_html(attack);
            assert!(
                !html.contains("<script")
                    && !html.contains("<img src=x")
                    && !html.contains("<iframe"),
                "{attack} → {html}"
            );
            assert!(
                !html.contains("<a href=\"javascript:") && !html.contains("src=\"javascript:"),
                "{attack} → {html}"
            );
            assert!(!html.contains("href=\"//"), "{attack} → {html}");
        }
    }
}
