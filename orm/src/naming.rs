//! The names strata gives things: tables from struct names, and indexes and
//! constraints from their table and columns.
//!
//! `#[derive(Model)]` applies the same rules at compile time (a proc-macro
//! crate cannot depend on this one, so it has its own copy);
//! `tests/golden` pins that both agree.

/// The longest identifier every supported database accepts (PostgreSQL's
/// 63 bytes; MySQL allows 64).
pub const MAX_IDENTIFIER: usize = 63;

/// `BlogPost` -> `blog_post`: the default table name of a model.
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
///
/// ```
/// assert_eq!(strata::naming::constraint_name("post", &["author_id"], "fk"), "post_author_id_fk");
/// let long = strata::naming::constraint_name(&"t".repeat(70), &["c"], "idx");
/// assert_eq!(long.len(), 63);
/// assert!(long.ends_with("_idx"));
/// ```
pub fn constraint_name(table: &str, columns: &[&str], suffix: &str) -> String {
    let full = format!("{table}_{}_{suffix}", columns.join("_"));
    if full.len() <= MAX_IDENTIFIER {
        return full;
    }
    let hash = format!("{:08x}", fnv1a(full.as_bytes()) as u32);
    let mut cut = MAX_IDENTIFIER - hash.len() - suffix.len() - 2;
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
