//! Bar charts as inline `<svg>`, drawn on the server: the CMS dashboard's
//! charts need no chart script and show without JavaScript. Knows nothing
//! of the shop: a chart is bars of one or more stacked parts, each bar
//! with its `<title>` (the browser's tooltip, read by screen readers), an
//! axis with three labels, and a legend. Colours are classes
//! (`chart-part-0`, …) in the stylesheet: the CSP allows no inline style.
//! Every text is escaped here.

use super::mail_text::html::escape;
use std::fmt::Write as _;

/// The drawing's size in its own units (it scales to the page's width).
const WIDTH: u64 = 640;
const HEIGHT: u64 = 200;
/// Room for the axis labels on the left, the legend on top and the bar
/// labels below.
const LEFT: u64 = 64;
const RIGHT: u64 = 8;
const TOP: u64 = 24;
const BOTTOM: u64 = 24;
const PLOT_WIDTH: u64 = WIDTH - LEFT - RIGHT;
const PLOT_HEIGHT: u64 = HEIGHT - TOP - BOTTOM;

/// One bar: its stacked parts (part `i` gets class `chart-part-{i}`), the
/// label under it (empty for none) and its `<title>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub parts: Vec<u64>,
    pub label: String,
    pub title: String,
}

/// A chart to draw.
#[derive(Debug, Clone)]
pub struct BarChart<'a> {
    /// The chart's `<title>` and `aria-label`.
    pub title: &'a str,
    pub bars: Vec<Bar>,
    /// The name of each part, for the legend (none for a single part).
    pub legend: Vec<&'a str>,
    /// Writes a value on the axis (a count, an amount).
    pub axis: fn(u64) -> String,
    /// Shown instead of bars when every bar is zero.
    pub empty: &'a str,
}

/// The smallest 1, 2 or 5 times a power of ten at or above `max` (at
/// least 1): the axis' top, so that its labels are round.
pub fn nice_max(max: u64) -> u64 {
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            let candidate = step.saturating_mul(m);
            if candidate >= max {
                return candidate;
            }
        }
        if step > u64::MAX / 10 {
            return u64::MAX;
        }
        step *= 10;
    }
}

/// A length in tenths of a unit as SVG text ("12.3").
fn units(tenths: u64) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The height in tenths of a unit of `value` on an axis up to `top`.
pub fn bar_tenths(value: u64, top: u64) -> u64 {
    let scaled = u128::from(value) * u128::from(PLOT_HEIGHT * 10) / u128::from(top.max(1));
    u64::try_from(scaled).unwrap_or(PLOT_HEIGHT * 10)
}

/// The chart as one `<svg>` element.
pub fn render(chart: &BarChart) -> String {
    let title = escape(chart.title);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{title}\"><title>{title}</title>"
    );
    let max = chart
        .bars
        .iter()
        .map(|b| b.parts.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    if max == 0 {
        let _ = write!(
            out,
            "<text class=\"chart-empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></svg>",
            WIDTH / 2,
            HEIGHT / 2,
            escape(chart.empty)
        );
        return out;
    }
    let top = nice_max(max);
    // The axis: lines and labels at zero, half and the top.
    for (value, tenths) in [
        (0, 0),
        (top / 2, bar_tenths(top / 2, top)),
        (top, PLOT_HEIGHT * 10),
    ] {
        let y = units((TOP + PLOT_HEIGHT) * 10 - tenths);
        let _ = write!(
            out,
            "<line class=\"chart-grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/><text class=\"chart-axis\" x=\"{}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"middle\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6,
            escape(&(chart.axis)(value))
        );
    }
    if chart.legend.len() > 1 {
        let mut x = LEFT;
        for (i, name) in chart.legend.iter().enumerate() {
            let _ = write!(
                out,
                "<rect class=\"chart-part-{i}\" x=\"{x}\" y=\"6\" width=\"10\" height=\"10\"/><text class=\"chart-axis\" x=\"{}\" y=\"15\">{}</text>",
                x + 14,
                escape(name)
            );
            x += 14 + 8 * u64::try_from(name.chars().count()).unwrap_or(0) + 16;
        }
    }
    let count = u64::try_from(chart.bars.len()).unwrap_or(1).max(1);
    // Each bar gets an equal slot; the bar fills four fifths of it.
    let slot = PLOT_WIDTH * 10 / count;
    let width = (slot * 4 / 5).max(1);
    for (i, bar) in chart.bars.iter().enumerate() {
        let x = LEFT * 10 + slot * u64::try_from(i).unwrap_or(0) + (slot - width) / 2;
        let _ = write!(
            out,
            "<g class=\"chart-bar\"><title>{}</title>",
            escape(&bar.title)
        );
        let mut bottom = (TOP + PLOT_HEIGHT) * 10;
        for (part, value) in bar.parts.iter().enumerate() {
            let height = bar_tenths(*value, top);
            if height == 0 {
                continue;
            }
            bottom -= height;
            let _ = write!(
                out,
                "<rect class=\"chart-part-{part}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                units(x),
                units(bottom),
                units(width),
                units(height)
            );
        }
        // A bar too thin to hover still has its slot: an invisible rect
        // over the plot's height carries the title.
        let _ = write!(
            out,
            "<rect class=\"chart-hit\" x=\"{}\" y=\"{TOP}\" width=\"{}\" height=\"{PLOT_HEIGHT}\"/></g>",
            units(LEFT * 10 + slot * u64::try_from(i).unwrap_or(0)),
            units(slot)
        );
        if !bar.label.is_empty() {
            let _ = write!(
                out,
                "<text class=\"chart-axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                units(x + width / 2),
                HEIGHT - 6,
                escape(&bar.label)
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(n: u64) -> String {
        n.to_string()
    }

    fn chart(bars: Vec<Bar>) -> BarChart<'static> {
        BarChart {
            title: "Bestellingen per dag",
            bars,
            legend: vec![],
            axis: count,
            empty: "Nog niets te tonen",
        }
    }

    fn bar(parts: Vec<u64>, title: &str) -> Bar {
        Bar {
            parts,
            label: String::new(),
            title: title.into(),
        }
    }

    #[test]
    fn the_axis_rounds_up_to_one_two_or_five() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(1), 1);
        assert_eq!(nice_max(3), 5);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(11), 20);
        assert_eq!(nice_max(4_999), 5_000);
        assert_eq!(nice_max(123_456), 200_000);
        assert_eq!(nice_max(u64::MAX), u64::MAX);
    }

    #[test]
    fn bars_scale_to_the_axis() {
        // The plot is 152 units high; the axis of [2, 4] goes to 5.
        assert_eq!(bar_tenths(5, 5), 1520);
        assert_eq!(bar_tenths(4, 5), 1216);
        assert_eq!(bar_tenths(0, 5), 0);
        let svg = render(&chart(vec![bar(vec![2], "ma 2"), bar(vec![4], "di 4")]));
        assert!(svg.contains("height=\"121.6\""), "{svg}");
        assert!(svg.contains("height=\"60.8\""), "{svg}");
        assert!(svg.contains("<title>di 4</title>"));
        // The axis' labels: 0, half and the top.
        for label in [">0</text>", ">2</text>", ">5</text>"] {
            assert!(svg.contains(label), "{label} in {svg}");
        }
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\""));
        assert!(svg.contains("role=\"img\" aria-label=\"Bestellingen per dag\""));
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("style"), "the CSP allows no inline style");
    }

    #[test]
    fn parts_stack_with_a_class_each_and_a_legend() {
        let mut c = chart(vec![bar(vec![3, 2], "5 dec: 3 gelukt, 2 mislukt")]);
        c.legend = vec!["gelukt", "mislukt"];
        let svg = render(&c);
        // Axis to 5: the first part 3/5 of 152, the second on top of it.
        assert!(
            svg.contains(
                "class=\"chart-part-0\" x=\"120.8\" y=\"84.8\" width=\"454.4\" height=\"91.2\""
            ),
            "{svg}"
        );
        assert!(
            svg.contains(
                "class=\"chart-part-1\" x=\"120.8\" y=\"24.0\" width=\"454.4\" height=\"60.8\""
            ),
            "{svg}"
        );
        assert!(svg.contains(">gelukt</text>") && svg.contains(">mislukt</text>"));
    }

    #[test]
    fn an_empty_series_says_so() {
        for bars in [vec![], vec![bar(vec![0], "ma 0"), bar(vec![0, 0], "di 0")]] {
            let svg = render(&chart(bars));
            assert!(svg.contains("<text class=\"chart-empty\""), "{svg}");
            assert!(svg.contains(">Nog niets te tonen</text>"));
            assert!(!svg.contains("<rect"));
        }
    }

    #[test]
    fn text_is_escaped() {
        let mut c = chart(vec![Bar {
            parts: vec![1],
            label: "<b>".into(),
            title: "a & \"b\"".into(),
        }]);
        c.title = "<script>";
        let svg = render(&c);
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
        assert!(svg.contains("<title>a &amp; &quot;b&quot;</title>"));
    }
}
