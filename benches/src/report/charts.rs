//! The report's SVG plots: grouped bar charts and log-log line charts of
//! nanosecond medians, written as text with no plotting dependency.

use super::fmt_ns;
use std::fmt::Write as _;

const COLORS: [&str; 4] = ["#4c72b0", "#dd8452", "#55a868", "#c44e52"];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A grouped bar chart on a logarithmic axis, values in nanoseconds.
pub fn bar_chart(title: &str, series: &[&str], groups: &[(String, Vec<Option<f64>>)]) -> String {
    let values: Vec<f64> = groups
        .iter()
        .flat_map(|(_, v)| v.iter().flatten().copied())
        .filter(|v| *v > 0.0)
        .collect();
    let (lo, hi) = log_range(&values);
    let (left, top, height) = (70.0, 40.0, 260.0);
    let group_w = 18.0 * series.len() as f64 + 20.0;
    let width = left + group_w * groups.len() as f64 + 20.0;
    let mut svg = svg_start(width, top + height + 110.0, title);
    axis(&mut svg, left, top, height, width - 20.0, lo, hi);
    for (g, (label, vals)) in groups.iter().enumerate() {
        let x0 = left + 10.0 + g as f64 * group_w;
        for (s, v) in vals.iter().enumerate() {
            let Some(v) = v.filter(|v| *v > 0.0) else {
                continue;
            };
            let h = height * (v.log10() - lo) / (hi - lo);
            let _ = write!(
                svg,
                r#"<rect x="{:.1}" y="{:.1}" width="16" height="{:.1}" fill="{}"><title>{} {}: {}</title></rect>"#,
                x0 + s as f64 * 18.0,
                top + height - h,
                h,
                COLORS[s % COLORS.len()],
                escape(label),
                series[s],
                fmt_ns(v)
            );
        }
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" transform="rotate(35 {:.1} {:.1})">{}</text>"#,
            x0,
            top + height + 14.0,
            x0,
            top + height + 14.0,
            escape(label)
        );
    }
    legend(&mut svg, series, left, top + height + 95.0);
    svg.push_str("</svg>\n");
    svg
}

/// A named line: (x, nanoseconds if measured) points.
pub type Series<'a> = (&'a str, &'a Vec<(f64, Option<f64>)>);

/// A log-log line chart of (size, nanoseconds) series.
pub fn line_chart(title: &str, series: &[Series<'_>]) -> String {
    let values: Vec<f64> = series
        .iter()
        .flat_map(|(_, pts)| pts.iter().filter_map(|p| p.1))
        .collect();
    let (lo, hi) = log_range(&values);
    let xs: Vec<f64> = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|p| p.0))
        .collect();
    let xlo = xs
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .max(1.0)
        .log10();
    let xhi = xs
        .iter()
        .copied()
        .fold(1.0, f64::max)
        .log10()
        .max(xlo + 1.0);
    let (left, top, height, plot_w) = (70.0, 40.0, 260.0, 480.0);
    let mut svg = svg_start(left + plot_w + 40.0, top + height + 80.0, title);
    axis(&mut svg, left, top, height, left + plot_w, lo, hi);
    let px = |x: f64| left + 10.0 + (plot_w - 20.0) * (x.log10() - xlo) / (xhi - xlo);
    let py = |v: f64| top + height - height * (v.log10() - lo) / (hi - lo);
    for x in &xs {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"#,
            px(*x),
            top + height + 16.0,
            x
        );
    }
    for (s, (name, pts)) in series.iter().enumerate() {
        let points: Vec<String> = pts
            .iter()
            .filter_map(|(x, v)| Some(format!("{:.1},{:.1}", px(*x), py((*v)?))))
            .collect();
        let color = COLORS[s % COLORS.len()];
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}"/>"#,
            points.join(" ")
        );
        for (x, v) in pts.iter() {
            if let Some(v) = v {
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{color}"><title>{name} {x}: {}</title></circle>"#,
                    px(*x),
                    py(*v),
                    fmt_ns(*v)
                );
            }
        }
    }
    let names: Vec<&str> = series.iter().map(|(n, _)| *n).collect();
    legend(&mut svg, &names, left, top + height + 50.0);
    svg.push_str("</svg>\n");
    svg
}

fn log_range(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    if !lo.is_finite() || hi <= 0.0 {
        return (0.0, 1.0);
    }
    let lo = lo.log10().floor();
    let hi = hi.log10().ceil().max(lo + 1.0);
    (lo, hi)
}

fn svg_start(width: f64, height: f64, title: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/><text x="10" y="22" font-size="15">{}</text>"#,
        escape(title)
    )
}

fn axis(svg: &mut String, left: f64, top: f64, height: f64, right: f64, lo: f64, hi: f64) {
    let steps = (hi - lo).round() as i32;
    for k in 0..=steps {
        let y = top + height - height * k as f64 / (hi - lo);
        let _ = write!(
            svg,
            r##"<line x1="{left}" y1="{y:.1}" x2="{right:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
            left - 5.0,
            y + 4.0,
            fmt_ns(10f64.powf(lo + k as f64))
        );
    }
    let _ = write!(
        svg,
        r#"<line x1="{left}" y1="{top}" x2="{left}" y2="{:.1}" stroke="black"/>"#,
        top + height
    );
}

fn legend(svg: &mut String, series: &[&str], left: f64, y: f64) {
    for (s, name) in series.iter().enumerate() {
        let x = left + s as f64 * 110.0;
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{:.1}" width="12" height="12" fill="{}"/><text x="{:.1}" y="{y:.1}" font-size="12">{}</text>"#,
            y - 10.0,
            COLORS[s % COLORS.len()],
            x + 16.0,
            escape(name)
        );
    }
}
