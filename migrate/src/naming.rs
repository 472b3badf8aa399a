//! Names strata derives: tables, constraints, join tables, migrations.
//!
//! Constraint names follow the derive (`<table>_<columns>_<suffix>`,
//! shortened with a stable hash past 63 bytes) so the names in the
//! database are predictable and can be dropped or renamed later without
//! introspection.

/// The longest identifier every supported database accepts.
const MAX_IDENTIFIER: usize = 63;

/// `BlogPost` -> `blog_post`, as the derive names tables.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
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

/// `<table>_<col>_<col>_<suffix>`, shortened with a stable hash when it
/// would be longer than an identifier may be.
pub fn constraint_name(table: &str, columns: &[&str], suffix: &str) -> String {
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

/// The name of the foreign-key constraint of `table.column`.
pub fn foreign_key_name(table: &str, column: &str) -> String {
    constraint_name(table, &[column], "fk")
}

/// The name of the single-column unique constraint of `table.column`.
pub fn unique_name(table: &str, column: &str) -> String {
    constraint_name(table, &[column], "uniq")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_constraint_names_are_shortened_stably() {
        let long = "a".repeat(70);
        let name = constraint_name(&long, &["b"], "fk");
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_fk"));
        assert_eq!(name, constraint_name(&long, &["b"], "fk"));
        assert_eq!(foreign_key_name("post", "author_id"), "post_author_id_fk");
    }

    #[test]
    fn struct_names_become_snake_case() {
        assert_eq!(snake_case("BlogPost"), "blog_post");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
    }
}
