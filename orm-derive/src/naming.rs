//! Default names: tables, indexes and constraints.

/// `BlogPost` -> `blog_post`.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let chars: Vec<char> = name.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        if ch.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// The longest identifier every supported database accepts (PostgreSQL's
/// 63 bytes; MySQL allows 64).
const MAX_IDENTIFIER: usize = 63;

/// `<table>_<col>_<col>_<suffix>`, shortened with a stable hash when it
/// would be longer than an identifier may be.
pub(crate) fn constraint_name(table: &str, columns: &[String], suffix: &str) -> String {
    let full = format!("{table}_{}_{suffix}", columns.join("_"));
    if full.len() <= MAX_IDENTIFIER {
        return full;
    }
    let hash = format!("{:08x}", fnv1a(full.as_bytes()) as u32);
    let keep = MAX_IDENTIFIER - hash.len() - suffix.len() - 2;
    let mut cut = keep;
    while !full.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hash}_{suffix}", &full[..cut])
}

/// FNV-1a: stable across compiler versions, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// `name` quoted with `quote`, doubling the quote character inside.
pub(crate) fn quoted(name: &str, quote: char) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push(quote);
    for ch in name.chars() {
        if ch == quote {
            out.push(quote);
        }
        out.push(ch);
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_names_become_snake_case_tables() {
        assert_eq!(snake_case("Post"), "post");
        assert_eq!(snake_case("BlogPost"), "blog_post");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
        assert_eq!(snake_case("Tag2Post"), "tag2_post");
    }

    #[test]
    fn long_constraint_names_are_shortened_stably() {
        let cols = vec![
            "a_really_long_column_name".to_string(),
            "another_long_one".into(),
        ];
        let name = constraint_name("a_table_with_a_long_name", &cols, "idx");
        assert!(name.len() <= 63, "{name}");
        assert!(name.ends_with("_idx"));
        assert_eq!(
            name,
            constraint_name("a_table_with_a_long_name", &cols, "idx")
        );
        assert_eq!(
            constraint_name("post", &["title".into()], "idx"),
            "post_title_idx"
        );
    }
}
