//! The HTML part of a mail: the plain text as simple HTML, so that every
//! mail that has one says exactly what its text says. Paragraphs become
//! `<p>`, lines `<br>`, a line that is a link becomes a link. Everything is
//! escaped: names and addresses in a mail are what a visitor typed.

use super::MailText;
use crate::locale::Locale;

/// `text` with the five characters that mean something in HTML escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A line that is nothing but a link to one of the shop's pages or a
/// carrier's site (https, no spaces).
fn as_link(line: &str) -> Option<String> {
    let url = line.trim();
    (url.starts_with("https://") && !url.contains(char::is_whitespace)).then(|| {
        let url = escape(url);
        format!("<a href=\"{url}\">{url}</a>")
    })
}

/// The mail `text` as an HTML document in `locale`.
pub fn from_text(locale: Locale, text: &MailText) -> String {
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n\
         <body style=\"font-family: sans-serif; line-height: 1.5; max-width: 40em\">\n",
        locale.as_str(),
        escape(&text.subject)
    );
    for paragraph in text.body.replace("\r\n", "\n").split("\n\n") {
        let lines: Vec<String> = paragraph
            .lines()
            .map(|line| as_link(line).unwrap_or_else(|| escape(line)))
            .collect();
        if lines.iter().all(|l| l.trim().is_empty()) {
            continue;
        }
        html.push_str("<p>");
        html.push_str(&lines.join("<br>\n"));
        html.push_str("</p>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lines_and_links_and_nothing_unescaped() {
        let text = MailText {
            subject: "Order <1>".into(),
            body: "Hallo <script>alert(1)</script>,\n\nRegel & \"een\"\nRegel 'twee'\n\nhttps://winkel.example/orders/abc?a=1&b=2\n".into(),
        };
        let html = from_text(Locale::Nl, &text);
        assert!(html.contains("<html lang=\"nl\">"), "{html}");
        assert!(html.contains("<title>Order &lt;1&gt;</title>"), "{html}");
        assert!(
            html.contains("<p>Hallo &lt;script&gt;alert(1)&lt;/script&gt;,</p>"),
            "{html}"
        );
        assert!(
            html.contains("<p>Regel &amp; &quot;een&quot;<br>\nRegel &#39;twee&#39;</p>"),
            "{html}"
        );
        assert!(html.contains(
            "<p><a href=\"https://winkel.example/orders/abc?a=1&amp;b=2\">https://winkel.example/orders/abc?a=1&amp;b=2</a></p>"
        ), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        // A "link" with a quote or a space stays text.
        assert_eq!(
            as_link("https://x.nl/\"onmouseover"),
            Some(
                "<a href=\"https://x.nl/&quot;onmouseover\">https://x.nl/&quot;onmouseover</a>"
                    .into()
            )
        );
        assert_eq!(as_link("https://x.nl/ a"), None);
        assert_eq!(as_link("javascript:alert(1)"), None);
    }
}
